"""Registering an organization: the code, its type, uniqueness, and who may see it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.factories import org_form, uscc
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.notices.models import Notice
from venture.orgs.models import MemberRole, Membership, Organization, OrgType, VerificationStatus
from venture.orgs.uscc import make_uscc


def _org_by_code(code: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.uscc == code))


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_new_applicant_registers_and_an_organizer_verifies(app_ctx, make, login):
    owner = make.applicant(name="李春梅")
    code = make_uscc("52439901MJ0000017")
    client = login(owner)
    page = client.get("/")
    assert "登记" in _text(page) and "/orgs/new" in _text(
        page
    )  # the home panel invites to register

    # Surrounding spaces and lowercase letters are accepted.
    response = client.post(
        "/orgs/new", data=org_form(f"  {code.lower()} ", name="澧阳市夕阳红社会工作服务中心")
    )
    assert response.status_code == 302
    org = _org_by_code(code)
    assert org.org_type == OrgType.PRIVATE_NON_ENTERPRISE
    assert org.region_code == "439901"
    assert org.verification_status == VerificationStatus.PENDING
    assert response.headers["Location"] == f"/orgs/{org.id}"
    member = db.session.scalar(sa.select(Membership).where(Membership.organization_id == org.id))
    assert (member.user_id, member.role) == (owner.id, MemberRole.OWNER)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.register"))
    assert entry.actor_id == owner.id and entry.object_id == str(org.id)
    assert entry.changes["uscc"] == [None, code]
    assert entry.changes["org_type"] == [None, "pne"]

    shown = client.get(f"/orgs/{org.id}")
    assert shown.status_code == 200
    assert "民办非企业单位" in _text(shown) and "待审核" in _text(shown)
    assert "我的机构" in _text(client.get("/orgs/"))

    organizer = make.organizer()
    as_organizer = login(organizer)
    listed = as_organizer.get("/admin/orgs/?status=pending")
    assert "澧阳市夕阳红社会工作服务中心" in _text(listed)
    assert as_organizer.post(f"/admin/orgs/{org.id}/verify").status_code == 302
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.VERIFIED
    assert org.verified_by_id == organizer.id
    notice = db.session.scalar(sa.select(Notice).where(Notice.kind == "org_verified"))
    assert notice.user_id == owner.id and "澧阳市夕阳红社会工作服务中心" in notice.subject
    assert (
        db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.verify")).actor_id
        == organizer.id
    )
    # Verifying twice is a conflict, not an error page of the server.
    assert as_organizer.post(f"/admin/orgs/{org.id}/verify").status_code == 409


def test_a_code_with_one_character_changed_is_refused_saying_what_is_wrong(app_ctx, make, login):
    client = login(make.applicant())
    code = make_uscc("52439901MJ0000017")
    wrong_last = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post("/orgs/new", data=org_form(wrong_last))
    assert response.status_code == 422
    assert f"校验码（最后一位）应为 {code[17]}" in _text(response)

    typo = code[:10] + ("1" if code[10] != "1" else "2") + code[11:]
    response = client.post("/orgs/new", data=org_form(typo))
    assert response.status_code == 422
    assert "校验码（最后一位）应为" in _text(response)
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


def test_every_kind_of_bad_code_gets_its_own_message(app_ctx, make, login):
    client = login(make.applicant())
    cases = [
        ("52439901MJ000001", "此代码为 16 位"),
        ("52439901MJ00I00170", "第 13 位（“I”）"),
        ("91350100M000100Y43", "其第1位为 9"),  # a company's code: not civil affairs
        (make_uscc("54439901MJ0000017"), "第2位 4 不是"),
    ]
    for code, message in cases:
        response = client.post("/orgs/new", data=org_form(code))
        assert response.status_code == 422, code
        assert message in _text(response), (code, message)
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


def test_the_three_civil_affairs_types_are_read_from_the_code(app_ctx, make, login):
    client = login(make.applicant())
    for digit, org_type in (
        ("1", OrgType.SOCIAL_GROUP),
        ("2", OrgType.PRIVATE_NON_ENTERPRISE),
        ("3", OrgType.FOUNDATION),
    ):
        code = uscc(digit, region="439902")
        assert client.post("/orgs/new", data=org_form(code)).status_code == 302
        assert _org_by_code(code).org_type == org_type


def test_a_duplicate_code_is_a_friendly_conflict(app_ctx, make, login):
    existing = make.organization()
    client = login(make.applicant())
    response = client.post("/orgs/new", data=org_form(existing.uscc))
    assert response.status_code == 409
    assert "已经登记" in _text(response)


def test_a_double_submit_racing_past_the_check_is_caught_by_the_unique_constraint(
    app_ctx, make, login, monkeypatch
):
    from venture.orgs.services import organizations

    existing = make.organization()
    monkeypatch.setattr(organizations, "_ensure_code_free", lambda code, except_id=None: None)
    client = login(make.applicant())
    response = client.post("/orgs/new", data=org_form(existing.uscc))
    assert response.status_code == 409
    assert "已经登记" in _text(response)
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0


def test_form_errors_and_domain_rules_answer_422(app_ctx, make, login):
    client = login(make.applicant())
    assert client.post("/orgs/new", data=org_form(name="")).status_code == 422
    response = client.post("/orgs/new", data=org_form(rating="4A", rating_date=""))
    assert response.status_code == 422 and "评估" in _text(response)
    response = client.post("/orgs/new", data=org_form(registration_date="2999-01-01"))
    assert response.status_code == 422 and "将来" in _text(response)
    response = client.post("/orgs/new", data=org_form(rating="9A"))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0


def test_only_members_and_organizers_see_an_organization(app_ctx, make, login):
    owner = make.applicant()
    org = make.organization(members=[owner])
    worker = make.social_worker(org)
    urls = [
        f"/orgs/{org.id}",
        f"/orgs/{org.id}/edit",
        f"/orgs/{org.id}/members",
        f"/orgs/{org.id}/workers",
        f"/orgs/{org.id}/workers/new",
        f"/orgs/{org.id}/workers/{worker.id}/edit",
    ]
    posts = [
        f"/orgs/{org.id}/edit",
        f"/orgs/{org.id}/members/invite",
        f"/orgs/{org.id}/workers/new",
        f"/orgs/{org.id}/workers/{worker.id}/active",
    ]
    for outsider in (make.applicant(), make.judge(), make.liaison()):
        client = login(outsider)
        for url in urls:
            assert client.get(url).status_code == 403, (outsider.role, url)
        for url in posts:
            assert (
                client.post(url, data={"name": "x", "email": "x@example.org"}).status_code == 403
            ), url
    # A missing organization looks the same to an outsider.
    assert login(make.applicant()).get("/orgs/999999").status_code == 403
    assert app_ctx.test_client().get(f"/orgs/{org.id}").status_code == 302

    organizer = login(make.organizer())
    assert organizer.get(f"/orgs/{org.id}").status_code == 200
    assert organizer.get(f"/orgs/{org.id}/workers").status_code == 200
    assert (
        organizer.get(f"/orgs/{org.id}/edit").status_code == 403
    )  # members edit; organizers verify
    assert organizer.get("/orgs/999999").status_code == 404

    member = login(owner)
    assert member.get(f"/orgs/{org.id}").status_code == 200
    assert member.get("/admin/orgs/").status_code == 403
    assert member.post(f"/admin/orgs/{org.id}/verify").status_code == 403
    assert re.search(r"/orgs/\d+/edit", _text(member.get(f"/orgs/{org.id}")))


def test_a_wrong_check_character_shows_on_the_first_submit_with_the_other_errors(
    app_ctx, make, login
):
    """Not only once the rest of the form is right: the clerk fixes everything in one go."""
    client = login(make.applicant())
    code = make_uscc("52439901MJ0000017")
    wrong_last = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post("/orgs/new", data=org_form(wrong_last, name="", legal_representative=""))
    assert response.status_code == 422
    text = _text(response)
    assert f"校验码（最后一位）应为 {code[17]}" in text
    invalid = set(re.findall(r'<input[^>]*class="[^"]*is-invalid[^"]*"[^>]*id="([a-z_]+)"', text))
    invalid |= set(re.findall(r'<input[^>]*id="([a-z_]+)"[^>]*class="[^"]*is-invalid', text))
    assert {"name", "legal_representative", "uscc"} <= invalid
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0
