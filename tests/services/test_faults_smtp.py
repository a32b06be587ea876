"""SMTP down: the worker retries with backoff, records each failure, and delivers exactly
once when the server is back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD
from tests.services.conftest import Mailbox, Worker, free_port, wait_for, wait_for_idle_worker

pytestmark = pytest.mark.services


def test_smtp_outage_retries_then_delivers_once(stack_env, tmp_path):
    from aiosmtpd.controller import Controller

    from venture import create_app
    from venture.extensions import db
    from venture.notices.models import EmailStatus, Notice

    smtp_port = free_port()  # nothing listens here yet
    env = {
        **stack_env,
        "MAIL_PORT": str(smtp_port),
        "VENTURE_NOTICE_RETRY_BASE_SECONDS": "1",
        "MAIL_TIMEOUT": "2",
    }
    worker = Worker(env, tmp_path / "worker.log")
    worker.start()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"].replace(
                "postgresql://", "postgresql+psycopg://"
            ),
            "REDIS_URL": env["REDIS_URL"],
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "TESTING": True,
            "INSTANCE_PATH": env["VENTURE_INSTANCE_PATH"],
            "BASE_URL": env["BASE_URL"],
        }
    )
    mailbox = Mailbox()
    controller = None
    try:
        response = app.test_client().post(
            "/signup",
            data={
                "name": "重试",
                "email": "retry@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )
        assert response.status_code == 200

        def failed_attempts():
            with app.app_context():
                db.session.expire_all()
                notice = db.session.scalar(
                    sa.select(Notice).where(Notice.email == "retry@example.org")
                )
                return notice if notice.attempts >= 2 and notice.last_error else None

        notice = wait_for(failed_attempts, timeout=60, what="two failed delivery attempts")
        # waiting for its next try, or in it already (the backoff is one second here)
        assert (
            notice.email_status in (EmailStatus.QUEUED, EmailStatus.SENDING)
            and "Connection" in notice.last_error
        )
        assert notice.sent_at is None and not mailbox.to("retry@example.org")

        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        wait_for(
            lambda: mailbox.to("retry@example.org"),
            timeout=90,
            what="delivery after SMTP came back",
        )
        wait_for_idle_worker(env["REDIS_URL"])  # a duplicate would have arrived by now
        assert len(mailbox.to("retry@example.org")) == 1
        with app.app_context():
            db.session.expire_all()
            notice = db.session.scalar(sa.select(Notice).where(Notice.email == "retry@example.org"))
            assert notice.email_status == EmailStatus.SENT and notice.attempts >= 3
    finally:
        worker.stop()
        if controller is not None:
            controller.stop()
        with app.app_context():
            db.engine.dispose()
