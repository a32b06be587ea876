"""Security basics: headers, CSRF on forms, login rate limit, error pages in both languages."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD


def test_security_headers_and_csp_on_pages(client):
    response = client.get("/login")
    h = response.headers
    assert "default-src 'self'" in h["Content-Security-Policy"]
    assert (
        "script-src 'self'" in h["Content-Security-Policy"]
        and "unsafe-inline" not in h["Content-Security-Policy"]
    )
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "same-origin"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and ' style="' not in html  # the CSP would block them


def test_csrf_is_required_on_state_changes(app_ctx, make):
    app_ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app_ctx.test_client()
        response = client.post(
            "/signup",
            data={
                "name": "A",
                "email": "csrf@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )
        assert response.status_code == 400
        assert "表单已过期" in response.get_data(as_text=True)
        user = make.applicant()
        assert app_ctx.test_client(user=user).post("/inbox/read-all").status_code == 400
    finally:
        app_ctx.config["WTF_CSRF_ENABLED"] = False


def test_login_is_rate_limited(app_ctx, make, tmp_path):
    """A dedicated app with the limiter on (the shared test app runs without it)."""
    from tests.conftest import test_config
    from venture import create_app
    from venture.extensions import limiter

    make.applicant(email="limited@example.org")
    limited_app = create_app(
        test_config(tmp_path, app_ctx.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True)
    )
    try:
        client = limited_app.test_client()
        statuses = [
            client.post(
                "/login", data={"email": "limited@example.org", "password": "wrong-one"}
            ).status_code
            for _ in range(12)
        ]
        assert statuses[:10] == [401] * 10
        assert statuses[-1] == 429
        assert "尝试次数过多" in client.post(
            "/login", data={"email": "x@example.org", "password": "y"}
        ).get_data(as_text=True)
    finally:
        limiter.init_app(app_ctx)  # the limiter is one object: give it back to the shared app


def test_failed_logins_are_limited_per_account_and_per_address_behind_a_proxy(
    app_ctx, make, tmp_path
):
    """One account is not guessed at from many addresses; behind a trusted proxy the
    limit per address counts the client's address, not the proxy's."""
    from tests.conftest import test_config
    from venture import create_app
    from venture.extensions import limiter

    make.applicant(email="target@example.org")
    make.applicant(email="bystander@example.org")
    limited_app = create_app(
        test_config(
            tmp_path,
            app_ctx.config["SQLALCHEMY_DATABASE_URI"],
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="3 per minute",
            LOGIN_ACCOUNT_RATE_LIMIT="4 per 15 minutes",
            PROXY_COUNT=1,
        )
    )
    try:

        def attempt(email, password, address):
            return (
                limited_app.test_client()
                .post(
                    "/login",
                    data={"email": email, "password": password},
                    headers={"X-Forwarded-For": address},
                )
                .status_code
            )

        # successful logins do not use up the account's allowance
        assert [attempt("target@example.org", make.PASSWORD, f"10.1.0.{i}") for i in range(5)] == [
            302
        ] * 5
        spread = [attempt("Target@Example.org", "wrong-one", f"10.2.0.{i}") for i in range(6)]
        assert spread == [401] * 4 + [429] * 2
        assert attempt("bystander@example.org", make.PASSWORD, "10.2.0.9") == 302
        one_address = [attempt(f"nobody{i}@example.org", "wrong-one", "10.3.0.1") for i in range(4)]
        assert one_address == [401] * 3 + [429]
        assert attempt("bystander@example.org", make.PASSWORD, "10.3.0.2") == 302  # another client
    finally:
        limiter.init_app(app_ctx)


@pytest.mark.parametrize("locale, text", [("zh_CN", "页面不存在"), ("en", "Page not found")])
def test_error_pages_in_both_languages(client, locale, text):
    client.post("/language", data={"locale": locale})
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_unexpected_errors_render_a_500_page_without_details(app_ctx, tmp_path):
    from tests.conftest import test_config
    from venture import create_app
    from venture.policy import public

    fresh = create_app(test_config(tmp_path, app_ctx.config["SQLALCHEMY_DATABASE_URI"]))

    @fresh.route("/boom-for-test")
    @public
    def boom():
        raise RuntimeError("secret internals")

    response = fresh.test_client().get("/boom-for-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "出错了" in body and "secret internals" not in body


def test_session_cookie_is_httponly_and_lax(app_ctx, make):
    make.applicant(email="cookie@example.org")
    response = app_ctx.test_client().post(
        "/login", data={"email": "cookie@example.org", "password": PASSWORD}
    )
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_json_errors_under_api(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]["status"] == 404


def test_login_starts_a_fresh_session(app_ctx, make):
    """Whatever a visitor's session held before login is gone after it (no fixation)."""
    make.applicant(email="fresh@example.org")
    client = app_ctx.test_client()
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
        sess["locale"] = "en"
    client.post("/login", data={"email": "fresh@example.org", "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("locale") == "en"  # the language choice survives
        assert sess.get("_user_id")


def test_uploads_are_served_as_downloads_never_inline(app_ctx, make, login):
    from venture.files.services import download, store_upload

    with app_ctx.test_request_context():
        stored = store_upload(make.pdf_upload("章程.pdf"))
        from venture.extensions import db

        db.session.commit()
        response = download(stored)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_every_stylesheet_and_script_a_page_links_is_served(client):
    """Bootstrap comes from the installed package, never a CDN: every asset answers 200."""
    import re

    page = client.get("/login").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/[^"]+\.(?:css|js|svg))"', page)
    assert any("bootstrap" in a and a.endswith(".css") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
