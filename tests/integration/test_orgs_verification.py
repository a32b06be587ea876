"""Organizers verify, reject and flag organizations; members' edits of verified data are
checked again, shown to the organizer as a diff; the organizer's list."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.factories import org_form
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.notices.models import Notice
from venture.orgs.models import FlagKind, Organization, OrgFlag, VerificationStatus


def _form_of(org: Organization, **overrides) -> dict:
    data = org_form(
        org.uscc,
        name=org.name,
        registration_authority=org.registration_authority,
        registration_date=org.registration_date.isoformat(),
        legal_representative=org.legal_representative,
        contact_name=org.contact_name,
        contact_phone=org.contact_phone,
        contact_email=org.contact_email,
        charter_scope=org.charter_scope,
    )
    data.update(overrides)
    return data


def test_rejection_reaches_every_member_in_their_language_and_an_edit_resubmits(
    app_ctx, make, login
):
    zh, en = make.applicant(locale="zh_CN"), make.applicant(locale="en")
    org = make.organization(members=[zh, en], verified=False, name="澧阳市柳湖志愿者协会")
    organizer = login(make.organizer())

    empty = organizer.post(f"/admin/orgs/{org.id}/reject", data={"reason": "  "})
    assert empty.status_code == 422
    assert db.session.get(Organization, org.id).verification_status == VerificationStatus.PENDING

    assert (
        organizer.post(
            f"/admin/orgs/{org.id}/reject",
            data={"reason": "登记证书扫描件与填写的法定代表人不一致"},
        ).status_code
        == 302
    )
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.REJECTED
    notices = {
        n.user_id: n
        for n in db.session.scalars(sa.select(Notice).where(Notice.kind == "org_rejected"))
    }
    assert set(notices) == {zh.id, en.id}
    assert "未通过审核" in notices[zh.id].subject
    assert notices[en.id].subject.startswith("The registration of")
    assert all("法定代表人不一致" in n.body for n in notices.values())
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.reject"))
    assert entry.changes["verification_status"] == ["pending", "rejected"]

    member = login(zh)
    assert "法定代表人不一致" in member.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert (
        member.post(
            f"/orgs/{org.id}/edit", data=_form_of(org, legal_representative="赵刚")
        ).status_code
        == 302
    )
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.PENDING
    assert org.unverified_fields == []  # never verified: checked as a whole


def test_editing_verified_data_needs_reverification_of_those_fields(app_ctx, make, login):
    owner = make.applicant()
    org = make.organization(members=[owner], name="澧阳市荷花养老服务中心")
    member = login(owner)

    # Contacts are not verified data: the organization stays verified.
    assert (
        member.post(
            f"/orgs/{org.id}/edit", data=_form_of(org, contact_phone="13711112222")
        ).status_code
        == 302
    )
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.VERIFIED and org.unverified_fields == []

    response = member.post(
        f"/orgs/{org.id}/edit", data=_form_of(org, name="澧阳市荷花为老服务中心")
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.PENDING
    assert org.unverified_fields == ["name"]
    entry = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "orgs.update")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.changes["name"] == ["澧阳市荷花养老服务中心", "澧阳市荷花为老服务中心"]
    assert entry.changes["verification_status"] == ["verified", "pending"]
    assert entry.actor_id == owner.id

    # A second edit adds its fields; the diff still starts from the verified value.
    member.post(
        f"/orgs/{org.id}/edit",
        data=_form_of(org, name="澧阳市荷花颐养服务中心", rating="4A", rating_date="2024-06-01"),
    )
    db.session.refresh(org)
    assert org.unverified_fields == ["name", "rating", "rating_date"]

    organizer = login(make.organizer())
    page = organizer.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert '<span class="diff-del pre-wrap">澧阳市荷花养老服务中心</span>' in page
    assert '<span class="diff-ins pre-wrap">澧阳市荷花颐养服务中心</span>' in page
    assert '<span class="diff-del pre-wrap">未评估</span>' in page and "4A" in page

    assert organizer.post(f"/admin/orgs/{org.id}/verify").status_code == 302
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.VERIFIED and org.unverified_fields == []
    assert "diff-del" not in organizer.get(f"/orgs/{org.id}").get_data(as_text=True)


def _verified_check(application) -> bool:
    from venture.applications.eligibility import run_checks

    db.session.expire_all()
    return next(c for c in run_checks(application, today=date.today()) if c.code == "verified").ok


def test_editing_other_verified_data_stays_verified_and_eligible_until_the_organizer_confirms(
    app_ctx, make, login
):
    owner, other = make.applicant(), make.applicant()
    org = make.organization(members=[owner, other], name="澧阳市丹桂社会工作服务中心")
    application = make.application(make.competition(), org)
    assert _verified_check(application)
    member = login(owner)

    response = member.post(
        f"/orgs/{org.id}/edit",
        data=_form_of(org, past_awards="2024年度澧阳市优秀社会组织"),
        follow_redirects=True,
    )
    assert response.status_code == 200 and "仍为已审核" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.VERIFIED
    assert org.unverified_fields == ["past_awards"]
    assert _verified_check(application)  # still eligible
    entry = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "orgs.update")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.changes["past_awards"] == ["", "2024年度澧阳市优秀社会组织"]
    assert entry.changes["unverified_fields"] == [[], ["past_awards"]]
    assert "verification_status" not in entry.changes

    organizer = login(make.organizer())
    home = organizer.get("/").get_data(as_text=True)
    assert "有 1 家已审核机构的修改待确认" in home
    assert "丹桂社会工作服务中心" in organizer.get("/admin/orgs/?status=changes").get_data(
        as_text=True
    )
    assert "丹桂社会工作服务中心" not in organizer.get("/admin/orgs/?status=pending").get_data(
        as_text=True
    )
    page = organizer.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert (
        '<span class="diff-ins pre-wrap">2024年度澧阳市优秀社会组织</span>' in page
        and "确认修改" in page
    )

    assert organizer.post(f"/admin/orgs/{org.id}/verify").status_code == 302
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.VERIFIED and org.unverified_fields == []
    confirmed = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "orgs.verify")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert confirmed.changes == {"unverified_fields": [["past_awards"], []]}
    assert (
        db.session.scalar(sa.select(sa.func.count(Notice.id)).where(Notice.kind == "org_verified"))
        == 0
    )
    assert organizer.post(f"/admin/orgs/{org.id}/verify").status_code == 409
    assert "丹桂社会工作服务中心" not in organizer.get("/admin/orgs/?status=changes").get_data(
        as_text=True
    )
    assert "diff-ins" not in organizer.get(f"/orgs/{org.id}").get_data(as_text=True)


def test_editing_the_legal_representative_sends_a_verified_organization_back_to_verification(
    app_ctx, make, login
):
    owner, other = make.applicant(), make.applicant()
    org = make.organization(members=[owner, other], name="澧阳市杏林助残服务中心")
    application = make.application(make.competition(), org)
    member = login(owner)
    member.post(f"/orgs/{org.id}/edit", data=_form_of(org, party_members="4"))
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.VERIFIED and org.unverified_fields == [
        "party_members"
    ]

    assert (
        member.post(
            f"/orgs/{org.id}/edit",
            data=_form_of(org, party_members="4", legal_representative="钱多多"),
        ).status_code
        == 302
    )
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.PENDING
    assert org.unverified_fields == ["legal_representative", "party_members"]
    assert not _verified_check(application)
    entry = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "orgs.update")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry.changes["verification_status"] == ["verified", "pending"]

    organizer = login(make.organizer())
    assert "有 1 家机构等待审核" in organizer.get("/").get_data(as_text=True)
    assert organizer.post(f"/admin/orgs/{org.id}/verify").status_code == 302
    db.session.refresh(org)
    assert org.verification_status == VerificationStatus.VERIFIED and org.unverified_fields == []
    assert _verified_check(application)
    told = set(db.session.scalars(sa.select(Notice.user_id).where(Notice.kind == "org_verified")))
    assert told == {owner.id, other.id}


def test_changing_the_code_to_one_that_is_taken_is_refused(app_ctx, make, login):
    owner = make.applicant()
    org = make.organization(members=[owner])
    other = make.organization()
    response = login(owner).post(f"/orgs/{org.id}/edit", data=_form_of(org, uscc=other.uscc))
    assert response.status_code == 409
    assert "已经登记" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.uscc != other.uscc


def test_organizers_record_and_end_list_flags(app_ctx, make, login):
    org = make.organization(members=[make.applicant()])
    organizer = login(make.organizer())
    url = f"/admin/orgs/{org.id}/flags"
    assert (
        login(make.applicant())
        .post(url, data={"kind": "abnormal", "listed_on": "2025-03-01"})
        .status_code
        == 403
    )

    assert (
        organizer.post(
            url, data={"kind": "abnormal", "listed_on": "2025-03-01", "note": "未按规定参加年检"}
        ).status_code
        == 302
    )
    flag = db.session.scalar(sa.select(OrgFlag))
    assert (flag.kind, flag.listed_on, flag.note) == (
        FlagKind.ABNORMAL,
        date(2025, 3, 1),
        "未按规定参加年检",
    )
    again = organizer.post(url, data={"kind": "abnormal", "listed_on": "2025-04-01"})
    assert again.status_code == 409
    future = organizer.post(url, data={"kind": "dishonest", "listed_on": "2999-01-01"})
    assert future.status_code == 422 and "将来" in future.get_data(as_text=True)

    end = f"/admin/orgs/{org.id}/flags/{flag.id}/end"
    early = organizer.post(end, data={"removed_on": "2025-02-01"})
    assert early.status_code == 422 and "不能早于列入日期" in early.get_data(as_text=True)
    assert (
        organizer.post(end, data={"removed_on": "2025-09-30", "note": "已补报年检"}).status_code
        == 302
    )
    db.session.refresh(flag)
    assert flag.removed_on == date(2025, 9, 30)
    assert organizer.post(end, data={"removed_on": "2025-10-01"}).status_code == 409
    actions = [
        e.action
        for e in db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.object_type == "organization", AuditEntry.object_id == str(org.id))
            .order_by(AuditEntry.seq)
        )
    ]
    assert actions == ["orgs.flag_add", "orgs.flag_end"]
    page = organizer.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert "活动异常名录" in page and "2025-09-30" in page


def test_the_organizer_list_filters_by_status_type_and_text(app_ctx, make, login):
    from venture.orgs.models import OrgType

    make.organization(name="澧阳市丹桂社会工作服务中心")
    make.organization(name="澧阳市柳湖志愿者协会", org_type=OrgType.SOCIAL_GROUP, verified=False)
    foundation = make.organization(name="澧阳市湖滨慈善基金会", org_type=OrgType.FOUNDATION)
    client = login(make.organizer())

    def names(query: str) -> set[str]:
        page = client.get("/admin/orgs/" + query).get_data(as_text=True)
        return {
            n for n in ("丹桂社会工作服务中心", "柳湖志愿者协会", "湖滨慈善基金会") if n in page
        }

    assert names("") == {"丹桂社会工作服务中心", "柳湖志愿者协会", "湖滨慈善基金会"}
    assert names("?status=pending") == {"柳湖志愿者协会"}
    assert names("?type=foundation") == {"湖滨慈善基金会"}
    assert names("?q=丹桂") == {"丹桂社会工作服务中心"}
    assert names("?q=" + foundation.uscc[-6:].lower()) == {"湖滨慈善基金会"}
    assert names("?status=nonsense&page=abc") == {
        "丹桂社会工作服务中心",
        "柳湖志愿者协会",
        "湖滨慈善基金会",
    }


def test_the_organizer_list_takes_the_same_number_of_queries_for_more_data(
    app_ctx, make, login, count_queries
):
    client = login(make.organizer())

    def add(n: int) -> None:
        for _ in range(n):
            org = make.organization(members=[make.applicant()])
            make.org_flag(org, "abnormal")

    add(2)
    few = count_queries.get(client, "/admin/orgs/")
    add(10)
    assert count_queries.get(client, "/admin/orgs/") == few
