"""Sign-up, verification, login, password reset and invitations, end to end in the app."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.factories import PASSWORD
from venture.accounts.models import Role, User, UserToken
from venture.extensions import db
from venture.notices.models import EmailStatus, Notice


def _link_in(notice: Notice) -> str:
    match = re.search(r"http://localhost(/\S+)", notice.body)
    assert match, notice.body
    return match.group(1)


def _notices(kind: str) -> list[Notice]:
    return list(
        db.session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id))
    )


def test_signup_sends_one_verification_and_the_link_verifies(client):
    response = client.post(
        "/signup",
        data={
            "name": "李梅",
            "email": "Li.Mei@Example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "li.mei@example.org" in response.get_data(as_text=True)

    sent = _notices("verify_email")
    assert len(sent) == 1
    assert sent[0].email == "li.mei@example.org"
    assert sent[0].email_status == EmailStatus.SENT  # embedded mode: delivered in-process
    assert "验证" in sent[0].subject  # the default language is Chinese

    # Not verified yet: login is refused with a clear message.
    refused = client.post("/login", data={"email": "li.mei@example.org", "password": PASSWORD})
    assert refused.status_code == 401
    assert "验证邮箱" in refused.get_data(as_text=True)

    link = _link_in(sent[0])
    assert client.get(link).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "li.mei@example.org"))
    assert user.is_verified

    # The link is single use.
    again = client.get(link)
    assert again.status_code == 400
    assert "已被使用" in again.get_data(as_text=True)

    ok = client.post("/login", data={"email": "li.mei@example.org", "password": PASSWORD})
    assert ok.status_code == 302


def test_signup_validation_errors_are_shown_with_422(client, make):
    make.applicant(email="taken@example.org")
    cases = [
        (
            {"name": "A", "email": "not-an-email", "password": PASSWORD, "confirm": PASSWORD},
            "有效的电子邮箱",
        ),
        ({"name": "A", "email": "a@example.org", "password": "short", "confirm": "short"}, "8"),
        (
            {
                "name": "A",
                "email": "a@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD + "x",
            },
            "不一致",
        ),
        (
            {"name": "A", "email": "TAKEN@example.org", "password": PASSWORD, "confirm": PASSWORD},
            "已注册",
        ),
    ]
    for data, message in cases:
        response = client.post("/signup", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert not _notices("verify_email")


def test_login_wrong_password_and_unknown_email_look_the_same(client, make):
    make.applicant(email="known@example.org")
    a = client.post("/login", data={"email": "known@example.org", "password": "wrong-password"})
    b = client.post("/login", data={"email": "unknown@example.org", "password": "wrong-password"})
    assert a.status_code == b.status_code == 401
    assert "邮箱或密码不正确" in a.get_data(as_text=True)
    assert "邮箱或密码不正确" in b.get_data(as_text=True)


def test_login_follows_only_local_next(client, make):
    make.applicant(email="next@example.org")
    response = client.post(
        "/login",
        data={
            "email": "next@example.org",
            "password": PASSWORD,
            "next": "https://evil.example/steal",
        },
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post(
        "/login", data={"email": "next@example.org", "password": PASSWORD, "next": "/inbox"}
    )
    assert response.headers["Location"] == "/inbox"


def test_password_reset_is_single_use_and_ends_other_sessions(app_ctx, client, make, login):
    user = make.applicant(email="reset@example.org")
    other_device = login(user)
    assert other_device.get("/account").status_code == 200

    assert client.post("/password/forgot", data={"email": "reset@example.org"}).status_code == 200
    # An unknown address gets the same answer and no reset link (it is told no account uses it).
    assert client.post("/password/forgot", data={"email": "nobody@example.org"}).status_code == 200
    sent = _notices("password_reset")
    assert [n.email for n in sent] == ["reset@example.org"]
    from venture.audit.models import AuditEntry

    asked = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "account.password_reset_requested")
    )
    assert [(e.object_id, e.actor_id) for e in asked] == [
        (str(user.id), None)
    ]  # anonymous, with the address

    link = _link_in(sent[0])
    assert client.get(link).status_code == 200
    new_password = "a-brand-new-secret"
    done = client.post(link, data={"password": new_password, "confirm": new_password})
    assert done.status_code == 302
    assert (
        client.post(
            link, data={"password": "another-one-99", "confirm": "another-one-99"}
        ).status_code
        == 400
    )

    assert (
        client.post("/login", data={"email": "reset@example.org", "password": PASSWORD}).status_code
        == 401
    )
    assert (
        client.post(
            "/login", data={"email": "reset@example.org", "password": new_password}
        ).status_code
        == 302
    )
    # The session on the other device ended with the password change.
    assert other_device.get("/account").status_code == 302


def test_expired_reset_link_is_refused(app_ctx, client, make):
    from datetime import timedelta

    user = make.applicant(email="old@example.org")
    client.post("/password/forgot", data={"email": "old@example.org"})
    link = _link_in(_notices("password_reset")[0])
    token = db.session.scalar(sa.select(UserToken).where(UserToken.user_id == user.id))
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400
    assert "已过期" in response.get_data(as_text=True)


def test_organizer_invites_a_judge_who_sets_a_password(app_ctx, make, login):
    organizer = make.organizer()
    as_organizer = login(organizer)
    response = as_organizer.post(
        "/admin/users/invite",
        data={"name": "陈专家", "email": "judge@example.org", "role": "judge", "locale": "en"},
    )
    assert response.status_code == 302
    invitation = _notices("invitation")[0]
    assert invitation.subject.startswith("You are invited")  # the invitation's chosen language
    link = _link_in(invitation)

    anonymous = app_ctx.test_client()
    page = anonymous.get(link)
    assert page.status_code == 200
    accepted = anonymous.post(
        link, data={"name": "陈专家", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert accepted.status_code == 302
    judge = db.session.scalar(sa.select(User).where(User.email == "judge@example.org"))
    assert judge.role == Role.JUDGE and judge.is_verified and judge.has_password
    assert anonymous.get(link).status_code == 400  # used


def test_a_pending_member_is_not_turned_into_a_judge_by_a_second_invitation(app_ctx, make, login):
    from venture.orgs.models import Membership

    owner = make.applicant()
    org = make.organization(members=[owner])
    invited = login(owner).post(
        f"/orgs/{org.id}/members/invite",
        data={"email": "pending@example.org", "name": "待加入", "locale": "zh_CN"},
    )
    assert invited.status_code == 302
    pending = db.session.scalar(sa.select(User).where(User.email == "pending@example.org"))
    assert pending is not None and db.session.scalar(
        sa.select(Membership).where(Membership.user_id == pending.id)
    )
    refused = login(make.organizer()).post(
        "/admin/users/invite",
        data={"name": "陈专家", "email": "pending@example.org", "role": "judge", "locale": "zh_CN"},
    )
    assert refused.status_code == 422 and "已以其他角色受到邀请" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, pending.id).role == Role.APPLICANT
    assert [n.user_id for n in _notices("invitation")] == [
        pending.id
    ]  # only the member's invitation


def test_only_organizers_reach_user_administration(app_ctx, make, login):
    for role in ("applicant", "judge", "liaison"):
        user = make.user(role)
        assert login(user).get("/admin/users/").status_code == 403
    assert app_ctx.test_client().get("/admin/users/").status_code == 302
    assert login(make.organizer()).get("/admin/users/").status_code == 200


def test_language_switch_is_remembered_per_user(app_ctx, make, login):
    user = make.applicant()
    client = login(user)
    assert "退出登录" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/account"})
    db.session.refresh(user)
    assert user.locale == "en"
    fresh = login(user)  # a new device: the choice comes from the account
    assert "Log out" in fresh.get("/").get_data(as_text=True)


def test_anonymous_language_switch_uses_the_session(client):
    assert 'lang="zh-CN"' in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Forgot your password?" in page


def test_durations_are_humanized_in_the_readers_language(app_ctx):
    from flask_babel import force_locale

    from venture.templating import format_duration

    cases = {
        72 * 3600: ("72 hours", "72 小时"),
        2 * 3600: ("2 hours", "2 小时"),
        14 * 86400: ("14 days", "14 天"),
        3600: ("1 hour", "1 小时"),
        90 * 60: ("90 minutes", "90 分钟"),
        4 * 86400 + 5: ("4 days", "4 天"),
        25 * 3600 + 1800: ("25 hours", "25 小时"),
    }
    with app_ctx.test_request_context():
        for seconds, (english, chinese) in cases.items():
            with force_locale("en"):
                assert format_duration(seconds) == english
            with force_locale("zh_CN"):
                assert format_duration(seconds) == chinese


def test_emails_and_pages_state_the_configured_link_lifetimes(app_ctx, make, login, monkeypatch):
    monkeypatch.setitem(
        app_ctx.config,
        "TOKEN_MAX_AGE",
        {"verify": 36 * 3600, "reset": 30 * 60, "invite": 5 * 86400},
    )
    chinese, english = app_ctx.test_client(), app_ctx.test_client()
    english.post("/language", data={"locale": "en"})
    make.applicant(email="zh@example.org")
    make.applicant(email="en@example.org", locale="en")

    for client, name in ((chinese, "zh"), (english, "en")):
        assert (
            client.post(
                "/signup",
                data={
                    "name": "李梅",
                    "email": f"new.{name}@example.org",
                    "password": PASSWORD,
                    "confirm": PASSWORD,
                },
            ).status_code
            == 200
        )
    verify_zh, verify_en = _notices("verify_email")
    assert "36 小时内有效" in verify_zh.body and "72 小时" not in verify_zh.body
    assert "expires in 36 hours" in verify_en.body

    page_zh = chinese.post("/password/forgot", data={"email": "zh@example.org"}).get_data(
        as_text=True
    )
    page_en = english.post("/password/forgot", data={"email": "en@example.org"}).get_data(
        as_text=True
    )
    assert "30 分钟内有效" in page_zh and "两小时" not in page_zh
    assert "expires in 30 minutes" in page_en
    reset_zh, reset_en = _notices("password_reset")
    assert "30 分钟内有效" in reset_zh.body and "expires in 30 minutes" in reset_en.body

    boss_zh, boss_en = login(make.organizer()), login(make.organizer(locale="en"))
    assert "5 天内有效" in boss_zh.get("/admin/users/invite").get_data(as_text=True)
    assert "expires in 5 days" in boss_en.get("/admin/users/invite").get_data(as_text=True)
    for locale in ("zh_CN", "en"):
        assert (
            boss_zh.post(
                "/admin/users/invite",
                data={
                    "name": "陈专家",
                    "email": f"judge.{locale}@example.org",
                    "role": "judge",
                    "locale": locale,
                },
            ).status_code
            == 302
        )
    invite_zh, invite_en = _notices("invitation")
    assert "5 天内有效" in invite_zh.body and "14 天" not in invite_zh.body
    assert "expires in 5 days" in invite_en.body
