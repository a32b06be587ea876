"""Optional TOTP two-factor login for organizers and judges."""

from __future__ import annotations

import time

import pyotp

from tests.factories import PASSWORD
from venture.extensions import db


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def _enable(client) -> str:
    page = client.get("/account/2fa")
    assert page.status_code == 200
    with client.session_transaction() as sess:
        secret = sess["totp_setup_secret"]
    wrong = client.post(
        "/account/2fa", data={"code": "000000" if _code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 422
    assert client.post("/account/2fa", data={"code": _code(secret, -1)}).status_code == 302
    return secret


def test_judge_enables_2fa_and_login_then_needs_a_fresh_code(app_ctx, make, login):
    judge = make.judge(email="otp@example.org")
    secret = _enable(login(judge))
    db.session.refresh(judge)
    assert judge.totp_enabled

    client = app_ctx.test_client()
    step1 = client.post(
        "/login", data={"email": "otp@example.org", "password": PASSWORD, "next": "/inbox"}
    )
    assert step1.headers["Location"].endswith("/login/2fa")
    assert client.get("/inbox").status_code == 302  # not logged in yet
    reused = client.post("/login/2fa", data={"code": _code(secret, -1)})
    assert reused.status_code == 422 and "已被使用" in reused.get_data(as_text=True)
    done = client.post("/login/2fa", data={"code": _code(secret)})
    assert done.status_code == 302 and done.headers["Location"] == "/inbox"
    assert client.get("/inbox").status_code == 200


def test_applicants_cannot_use_2fa(make, login):
    assert login(make.applicant()).get("/account/2fa").status_code == 403


def test_required_2fa_sends_organizers_to_the_setup_first(app_ctx, make, login):
    organizer = make.organizer()
    app_ctx.config["REQUIRE_ORGANIZER_2FA"] = True
    try:
        client = login(organizer)
        response = client.get("/admin/users/")
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/2fa")
        _enable(client)
        assert client.get("/admin/users/").status_code == 200
        # and it cannot be switched off while required
        assert client.post("/account/2fa/disable", data={"off-code": "123456"}).status_code == 403
    finally:
        app_ctx.config["REQUIRE_ORGANIZER_2FA"] = False
