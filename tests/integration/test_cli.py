"""The `venture` console command."""

from __future__ import annotations

import sqlalchemy as sa

from venture.accounts.models import Role, User
from venture.extensions import db


def test_check_prints_settings_without_secrets(app_ctx):
    app_ctx.config["MAIL_PASSWORD"] = "hunter2-secret"
    result = app_ctx.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
    for label in ("database", "broker", "mail", "locale"):
        assert label in result.output
    assert "eager" in result.output  # no REDIS_URL in tests
    assert "zh_CN" in result.output
    assert "hunter2-secret" not in result.output and "test-secret" not in result.output


def test_create_organizer(app_ctx):
    runner = app_ctx.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-organizer",
            "Boss@Example.org",
            "--name",
            "周主任",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "boss@example.org"))
    assert user.role == Role.ORGANIZER and user.is_verified
    again = runner.invoke(
        args=["create-organizer", "boss@example.org", "--password", "a-long-password"]
    )
    assert again.exit_code != 0 and "boss@example.org" in again.output
    short = runner.invoke(args=["create-organizer", "x@example.org", "--password", "short"])
    assert short.exit_code != 0


def test_audit_verify_reports_ok_and_detects_tampering(app_ctx, client):
    from venture.audit.models import AuditEntry

    client.post(
        "/signup",
        data={
            "name": "A",
            "email": "a@example.org",
            "password": "correct-horse-1",
            "confirm": "correct-horse-1",
        },
    )
    runner = app_ctx.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "OK" in ok.output
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.seq))
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == entry.id).values(action="account.tampered")
    )
    db.session.commit()
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1
    assert f"entry {entry.seq}" in bad.output


def test_the_demo_address_is_one_a_browser_here_can_open():
    from venture.cli import served_url

    assert served_url("127.0.0.1", 5123) == "http://127.0.0.1:5123"
    assert (
        served_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    )  # every interface: this one works here
    assert served_url("::1", 8000) == "http://[::1]:8000"
