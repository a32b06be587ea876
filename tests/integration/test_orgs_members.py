"""Members of an organization: inviting existing and new people, leaving, owners."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.factories import PASSWORD
from venture.accounts.models import Role, User
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.notices.models import Notice
from venture.orgs.models import MemberRole, Membership


def _notices(kind: str) -> list[Notice]:
    return list(
        db.session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id))
    )


def _member_emails(org) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == org.id)
        )
    )


def test_an_existing_applicant_is_added_at_once_and_told(app_ctx, make, login):
    owner = make.applicant()
    colleague = make.applicant(email="colleague@example.org", locale="en")
    org = make.organization(members=[owner], name="澧阳市丹桂社会工作服务中心")
    response = login(owner).post(
        f"/orgs/{org.id}/members/invite", data={"email": "Colleague@Example.org", "locale": "zh_CN"}
    )
    assert response.status_code == 302
    assert _member_emails(org) == {owner.email, "colleague@example.org"}
    notice = _notices("org_member_added")[0]
    assert notice.user_id == colleague.id
    assert (
        notice.subject == "You are now a member of 澧阳市丹桂社会工作服务中心"
    )  # in the member's language
    assert not _notices("invitation")
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "orgs.member_add", AuditEntry.actor_id == owner.id
        )
    )
    assert entry.changes["member"] == [None, "colleague@example.org"]
    assert login(colleague).get(f"/orgs/{org.id}").status_code == 200

    again = login(owner).post(
        f"/orgs/{org.id}/members/invite", data={"email": colleague.email, "locale": "zh_CN"}
    )
    assert again.status_code == 409 and "已是成员" in again.get_data(as_text=True)


def test_a_new_address_is_invited_and_is_a_member_after_accepting(app_ctx, make, login):
    owner = make.applicant()
    org = make.organization(members=[owner])
    response = login(owner).post(
        f"/orgs/{org.id}/members/invite",
        data={"email": "new.person@example.org", "name": "王新", "locale": "zh_CN"},
    )
    assert response.status_code == 302
    invitation = _notices("invitation")[0]
    assert invitation.email == "new.person@example.org"
    new_user = db.session.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    assert new_user.role == Role.APPLICANT and not new_user.has_password
    assert "new.person@example.org" in _member_emails(org)

    link = re.search(r"http://localhost(/\S+)", invitation.body).group(1)
    anonymous = app_ctx.test_client()
    assert (
        anonymous.post(
            link, data={"name": "王新", "password": PASSWORD, "confirm": PASSWORD}
        ).status_code
        == 302
    )
    assert (
        anonymous.get(f"/orgs/{org.id}").status_code == 200
    )  # signed in by accepting, and a member
    assert "我的机构" in anonymous.get("/").get_data(as_text=True)


def test_other_roles_cannot_be_members(app_ctx, make, login):
    owner = make.applicant()
    org = make.organization(members=[owner])
    judge = make.judge(email="judge@example.org")
    response = login(owner).post(
        f"/orgs/{org.id}/members/invite", data={"email": judge.email, "locale": "zh_CN"}
    )
    assert response.status_code == 422
    assert "只有申报机构账号" in response.get_data(as_text=True)
    assert _member_emails(org) == {owner.email}


def test_the_last_owner_stays_and_owners_remove_members(app_ctx, make, login):
    owner, member, outsider = make.applicant(), make.applicant(), make.applicant()
    org = make.organization(members=[owner, member])
    owner_ship = db.session.scalar(sa.select(Membership).where(Membership.user_id == owner.id))
    member_ship = db.session.scalar(sa.select(Membership).where(Membership.user_id == member.id))

    refused = login(owner).post(f"/orgs/{org.id}/members/{owner_ship.id}/remove")
    assert refused.status_code == 400 and "唯一的负责人" in refused.get_data(as_text=True)
    # A plain member cannot remove the owner, nor change roles; an outsider nothing at all.
    assert login(member).post(f"/orgs/{org.id}/members/{owner_ship.id}/remove").status_code == 403
    assert (
        login(member)
        .post(f"/orgs/{org.id}/members/{member_ship.id}/role", data={"role": "owner"})
        .status_code
        == 403
    )
    assert (
        login(outsider).post(f"/orgs/{org.id}/members/{member_ship.id}/remove").status_code == 403
    )

    # Ownership handed over, the first owner may leave.
    assert (
        login(owner)
        .post(f"/orgs/{org.id}/members/{member_ship.id}/role", data={"role": "owner"})
        .status_code
        == 302
    )
    db.session.refresh(member_ship)
    assert member_ship.role == MemberRole.OWNER
    assert login(owner).post(f"/orgs/{org.id}/members/{owner_ship.id}/remove").status_code == 302
    assert _member_emails(org) == {member.email}
    assert login(owner).get(f"/orgs/{org.id}").status_code == 403
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"orgs.member_role", "orgs.member_leave"} <= actions


def test_a_membership_of_another_organization_is_not_found(app_ctx, make, login):
    owner = make.applicant()
    org = make.organization(members=[owner])
    other = make.organization(members=[make.applicant()])
    foreign = db.session.scalar(sa.select(Membership).where(Membership.organization_id == other.id))
    assert login(owner).post(f"/orgs/{org.id}/members/{foreign.id}/remove").status_code == 404
