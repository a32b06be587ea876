"""Sessions end on the server: a copied cookie (session or remember-me) stops working at
logout; "sign out everywhere" ends every other browser's session; the forgot-password
form does the same work whether or not the account exists; the TOTP step is limited per
account, not only per address."""

from __future__ import annotations

import re

import pyotp
import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.notices.models import Notice


def _logged_in(app, email: str, **extra):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD, **extra})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return client


def _copy(app, source, *names):
    """Another browser holding copies of the source's cookies."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_copied_session_cookie_stops_working_at_logout(app_ctx, make):
    make.applicant(email="copied@example.org")
    browser = _logged_in(app_ctx, "copied@example.org")
    thief = _copy(app_ctx, browser, "session")
    assert _signed_in(thief)
    assert browser.post("/logout").status_code == 302
    assert not _signed_in(browser)
    response = thief.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "account.logout")
        )
        == 1
    )


def test_a_copied_remember_me_cookie_stops_working_at_logout(app_ctx, make):
    make.judge(email="remembered@example.org")
    browser = _logged_in(app_ctx, "remembered@example.org", remember="y")
    thief = _copy(app_ctx, browser, "remember_token")  # no session cookie: a browser restarted
    assert _signed_in(thief)
    browser.post("/logout")
    assert not _signed_in(thief)  # the session it restored from the cookie ended too
    fresh_thief = app_ctx.test_client()
    fresh_thief.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert not _signed_in(fresh_thief)


def test_sign_out_everywhere_ends_the_other_browsers_sessions(app_ctx, make):
    user = make.organizer(email="everywhere@example.org")
    laptop = _logged_in(app_ctx, "everywhere@example.org")
    phone = _logged_in(app_ctx, "everywhere@example.org", remember="y")
    phone_remembered = _copy(app_ctx, phone, "remember_token")
    assert _signed_in(laptop) and _signed_in(phone) and _signed_in(phone_remembered)
    page = laptop.get("/account").get_data(as_text=True)
    assert "/account/sign-out-everywhere" in page
    response = laptop.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert _signed_in(laptop)  # this browser goes on, with a new session
    assert not _signed_in(phone) and not _signed_in(phone_remembered)
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "account.sign_out_everywhere")
    )
    assert entry.actor_id == user.id and entry.changes["sessions"] == 2


def test_a_cookie_without_a_server_side_session_is_refused(app_ctx, make):
    """The identity a cookie carries names a session row; the user id and version alone
    (what a cookie held before) do not sign anyone in."""
    user = make.applicant()
    client = app_ctx.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:{user.session_version}"
        sess["_fresh"] = True
    assert not _signed_in(client)
    with client.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:{user.session_version}:made-up-token"
    assert not _signed_in(client)


@pytest.fixture
def deliveries(monkeypatch):
    """Every delivery task queued after commit, by notice kind."""
    from venture.notices import services as notices

    queued = []
    original = notices.after_commit

    def spy(task, *args, **kwargs):
        queued.append(db.session.get(Notice, args[0]).kind)
        return original(task, *args, **kwargs)

    monkeypatch.setattr(notices, "after_commit", spy)
    return queued


def _work_of_a_reset_request(client, email: str, deliveries: list) -> tuple:
    """What one forgot-password request did: (status, page, audit entries, notices, deliveries)."""
    audits = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    notices = db.session.scalar(sa.select(sa.func.count(Notice.id)))
    deliveries.clear()
    response = client.post("/password/forgot", data={"email": email})
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    # The CSRF token is signed with the second it was made: the same page a second later
    # differs only there.
    page = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value="TOKEN"', page)
    return (
        response.status_code,
        page,
        db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) - audits,
        db.session.scalar(sa.select(sa.func.count(Notice.id))) - notices,
        len(deliveries),
    )


def test_forgot_password_does_the_same_work_for_an_unknown_address(client, make, deliveries):
    """Not timed: the two paths are the same steps (an audit entry, an outbox notice, its
    delivery queued after commit) and the same page, so no timing tells them apart."""
    make.applicant(email="known@example.org")
    make.applicant(email="gone@example.org", active=False)
    known = _work_of_a_reset_request(client, "known@example.org", deliveries)
    unknown = _work_of_a_reset_request(client, "nobody@example.org", deliveries)
    inactive = _work_of_a_reset_request(client, "gone@example.org", deliveries)
    assert known == unknown == inactive
    assert known[0] == 200 and known[2:] == (1, 1, 1)
    told = db.session.scalar(sa.select(Notice).where(Notice.email == "nobody@example.org"))
    assert (
        told.kind == "password_reset_unknown"
        and "/signup" in told.body
        and "/password/reset/" not in told.body
    )


def test_totp_codes_are_limited_per_account_from_any_address(app_ctx, make, tmp_path):
    from tests.conftest import test_config
    from venture import create_app
    from venture.db import utcnow
    from venture.extensions import limiter

    secrets = {}
    for email in ("otp-target@example.org", "otp-bystander@example.org"):
        judge = make.judge(email=email)
        judge.totp_secret, judge.totp_enabled_at = pyotp.random_base32(), utcnow()
        secrets[email] = judge.totp_secret
    db.session.commit()
    limited = create_app(
        test_config(
            tmp_path,
            app_ctx.config["SQLALCHEMY_DATABASE_URI"],
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="100 per minute",
            LOGIN_ACCOUNT_RATE_LIMIT="3 per 15 minutes",
            PROXY_COUNT=1,
        )
    )
    try:

        def second_step(email, code, address):
            client = limited.test_client()
            headers = {"X-Forwarded-For": address}
            first = client.post(
                "/login", data={"email": email, "password": PASSWORD}, headers=headers
            )
            assert first.headers["Location"].endswith("/login/2fa")
            return client.post("/login/2fa", data={"code": code}, headers=headers).status_code

        wrong = [second_step("otp-target@example.org", "000000", f"10.9.0.{i}") for i in range(5)]
        assert wrong == [422] * 3 + [429] * 2  # a new address each time: the account is what counts
        right = pyotp.TOTP(secrets["otp-bystander@example.org"]).now()
        assert (
            second_step("otp-bystander@example.org", right, "10.9.0.1") == 302
        )  # others are not blocked
    finally:
        limiter.init_app(app_ctx)
