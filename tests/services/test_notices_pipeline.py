"""The notices pipeline on the real stack: PostgreSQL, a Redis broker, a Celery worker
process and an SMTP server on loopback."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD
from tests.services.conftest import body_text, wait_for, wait_for_idle_worker

pytestmark = pytest.mark.services


def _sign_up(app, email: str):
    client = app.test_client()
    response = client.post(
        "/signup",
        data={"name": "王小明", "email": email, "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return client


def _link(message) -> str:
    match = re.search(r"http://127\.0\.0\.1:5999(/verify/\S+)", body_text(message))
    assert match, body_text(message)
    return match.group(1)


def test_signup_sends_exactly_one_verification_email_through_the_worker(
    stack_app, worker, smtp_server
):
    client = _sign_up(stack_app, "xiaoming@example.org")
    wait_for(
        lambda: smtp_server.to("xiaoming@example.org"), timeout=60, what="the verification email"
    )
    # Run the sweep (it must not send again) and let every task finish: a duplicate has
    # arrived by then.
    with stack_app.app_context():
        stack_app.extensions["celery"].tasks["venture.sweep_notices"].apply()
    wait_for_idle_worker(stack_app.config["REDIS_URL"])
    received = smtp_server.to("xiaoming@example.org")
    assert len(received) == 1
    assert "验证" in received[0]["Subject"] or "Verify" in received[0]["Subject"]

    assert client.get(_link(received[0])).status_code == 302
    from venture.accounts.models import User
    from venture.extensions import db

    with stack_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "xiaoming@example.org"))
        assert user.is_verified


def test_broker_outage_loses_no_email(stack_app, worker, redis_server, smtp_server):
    redis_server.stop()
    started = time.monotonic()
    _sign_up(stack_app, "outage@example.org")  # the web keeps working without the broker
    assert time.monotonic() - started < 10
    from venture.extensions import db
    from venture.notices.models import EmailStatus, Notice

    with stack_app.app_context():
        notice = db.session.scalar(sa.select(Notice).where(Notice.email == "outage@example.org"))
        assert notice is not None and notice.email_status == EmailStatus.QUEUED
    assert smtp_server.count() == 0  # nothing sent by the request itself

    redis_server.start()  # same port: the worker reconnects
    with stack_app.app_context():
        swept = (
            stack_app.extensions["celery"]
            .tasks["venture.sweep_notices"]
            .apply()
            .get(disable_sync_subtasks=False)
        )
    assert swept >= 1
    wait_for(
        lambda: smtp_server.to("outage@example.org"), timeout=90, what="the email after the outage"
    )
    with stack_app.app_context():
        stack_app.extensions["celery"].tasks["venture.sweep_notices"].apply()
    wait_for_idle_worker(redis_server.url)
    assert len(smtp_server.to("outage@example.org")) == 1
    with stack_app.app_context():
        db.session.expire_all()
        notice = db.session.scalar(sa.select(Notice).where(Notice.email == "outage@example.org"))
        assert notice.email_status == EmailStatus.SENT
