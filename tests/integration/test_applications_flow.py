"""An applicant fills the application over two sittings (autosave, a stale edit of
another member, the 管理费 cap), submits it: code, revision 1, notices; the deadline
is enforced on the server."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import sqlalchemy as sa

from venture.applications.models import Application, ApplicationRevision, ApplicationStatus
from venture.audit.models import AuditEntry
from venture.db import utcnow
from venture.extensions import db
from venture.files.models import StoredFile
from venture.notices.models import Notice


def _world(make, **competition_fields):
    organizer = make.organizer()
    places = make.area_tree()
    alice, bob = make.applicant(name="李春梅"), make.applicant(name="张卫东")
    org = make.organization(members=[alice, bob], name="澧阳市夕阳红社会工作服务中心")
    make.social_worker(org, name="王小红", education="本科")
    comp = make.competition(
        organizer=organizer, required_attachments=["registration"], **competition_fields
    )
    return organizer, places, alice, bob, org, comp


def _autosave(client, app_id, section, version, **fields):
    return client.post(
        f"/applications/{app_id}/autosave/{section}",
        json={"fields": {"version": str(version), **fields}},
    )


def _rules(comp):
    return {r.name: r.id for r in comp.budget_rules}


def test_two_sittings_stale_edit_management_cap_then_submit(make, login):
    _organizer, places, alice, bob, org, comp = _world(make)
    community = places["芙蓉社区"]
    category = comp.categories[0]
    a = login(alice)

    # First sitting: start, then the form saves itself section by section.
    started = a.post(f"/applications/start/{comp.id}", data={"organization_id": org.id})
    assert started.status_code == 302
    app = db.session.scalar(sa.select(Application).where(Application.organization_id == org.id))
    assert app.status == ApplicationStatus.DRAFT and app.version == 1
    r = _autosave(
        a,
        app.id,
        "project",
        1,
        project_name="银龄互助·邻里守望计划",
        category_id=str(category.id),
        period_months="12",
        communities=[str(community.id)],
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["version"] == 2
    r = _autosave(
        a,
        app.id,
        "need",
        2,
        summary="为高龄独居老人提供互助探访。",
        need_analysis="社区老龄化率达28%。",
    )
    assert r.get_json()["version"] == 3

    # Bob opened the form at version 2 and saves the goals: refused, nothing overwritten.
    b = login(bob)
    stale = _autosave(b, app.id, "goals", 2, overall_goal="鲍勃的目标", specific_goals="探访200户")
    assert stale.status_code == 409
    body = stale.get_json()
    assert "李春梅" in body["error"]["message"] and body["version"] == 3
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.summary == "为高龄独居老人提供互助探访。" and app.overall_goal == ""
    # Bob reloads (version 3) and saves again: both changes are kept.
    assert (
        _autosave(
            b, app.id, "goals", 3, overall_goal="建立邻里互助网络", specific_goals="探访200户"
        ).status_code
        == 200
    )
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert (
        app.summary.startswith("为高龄")
        and app.overall_goal == "建立邻里互助网络"
        and app.version == 4
    )

    # Second sitting: a new session sees everything saved so far.
    a2 = login(alice)
    page = a2.get(f"/applications/{app.id}/edit/project")
    assert page.status_code == 200 and "银龄互助·邻里守望计划" in page.get_data(as_text=True)

    # The remaining sections, without JavaScript (the Save button posts the same service).
    assert (
        a2.post(
            f"/applications/{app.id}/edit/beneficiaries",
            data={
                "version": 4,
                "direct_beneficiaries": "200",
                "indirect_beneficiaries": "800",
                "beneficiary_description": "高龄独居老人",
            },
        ).status_code
        == 302
    )
    assert (
        a2.post(
            f"/applications/{app.id}/edit/plan",
            data={
                "version": 5,
                "implementation_plan": "分三阶段实施。",
                "milestones-0-name": "启动",
                "milestones-0-month": "1",
                "milestones-0-deliverable": "启动会",
                "milestones-1-name": "",
                "milestones-1-month": "",
            },
        ).status_code
        == 302
    )
    assert (
        a2.post(
            f"/applications/{app.id}/edit/features",
            data={"version": 6, "features": "低龄助高龄", "risks": "志愿者流失：建立积分激励"},
        ).status_code
        == 302
    )
    worker = org.social_workers[0]
    assert (
        a2.post(
            f"/applications/{app.id}/edit/team",
            data={
                "version": 7,
                "team-0-social_worker_id": str(worker.id),
                "team-0-name": "",
                "team-0-qualification": "",
                "team-0-role": "项目负责人",
            },
        ).status_code
        == 302
    )
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert [(m.name, m.month) for m in app.milestones] == [("启动", 1)]
    assert (
        app.team[0].name == "王小红" and app.team[0].education == "本科"
    )  # prefilled from the list

    # The budget: 管理费 12% of the total, over the 10% cap. The draft saves...
    rules = _rules(comp)
    budget = {
        "version": 8,
        "lines-0-rule_id": rules["宣传费"],
        "lines-0-item": "宣传折页",
        "lines-0-amount": "50,000.00",
        "lines-1-rule_id": rules["物料费"],
        "lines-1-item": "活动物料",
        "lines-1-amount": "38000",
        "lines-2-rule_id": rules["管理费"],
        "lines-2-item": "项目管理",
        "lines-2-amount": "12000.00",
        "requested": "60000",
        "cofunding": "40000",
    }
    saved = a2.post(f"/applications/{app.id}/edit/budget", data=budget)
    assert saved.status_code == 302
    shown = a2.get(f"/applications/{app.id}/edit/budget").get_data(as_text=True)
    assert "管理费" in shown and "10%" in shown  # the rule is named in the form
    # ... and the attachment.
    up = a2.post(
        f"/applications/{app.id}/attachments",
        data={
            "kind": "registration",
            "identifying": "y",
            "file": (io.BytesIO(make.PDF_BYTES), "登记证书.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert up.status_code == 302
    # ... but submitting is refused, naming the line and the cap.
    refused = a2.post(f"/applications/{app.id}/submit", data={"version": 9, "pledge": "y"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "管理费" in text and "上限为 10%" in text
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.status == ApplicationStatus.DRAFT and app.code is None and not app.revisions

    # Fix the budget and submit.
    budget.update({"version": app.version, "lines-1-amount": "42000", "lines-2-amount": "8000"})
    assert a2.post(f"/applications/{app.id}/edit/budget", data=budget).status_code == 302
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    ok = a2.post(f"/applications/{app.id}/submit", data={"version": app.version, "pledge": "y"})
    assert ok.status_code == 302, ok.get_data(as_text=True)[:2000]
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.code == f"{comp.code_prefix}-001" and app.revision == 1
    rev = db.session.scalar(
        sa.select(ApplicationRevision).where(ApplicationRevision.application_id == app.id)
    )
    assert rev.number == 1
    assert rev.data["project"]["project_name"] == "银龄互助·邻里守望计划"
    assert rev.data["project"]["total_budget_fen"] == 10_000_000
    assert [row["line"] for row in rev.data["budget_lines"]] == ["宣传费", "物料费", "管理费"]
    assert rev.data["communities"][0]["name"] == "芙蓉社区"
    assert rev.data["attachments"][0]["identifying"] is True
    notices = db.session.scalars(
        sa.select(Notice).where(Notice.kind == "application_submitted")
    ).all()
    assert {n.user_id for n in notices} == {alice.id, bob.id}
    assert all(app.code in n.subject for n in notices)
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "application.submitted")
    )
    # Submitted: no more editing.
    assert _autosave(a2, app.id, "need", app.version, summary="改").status_code == 409


def test_submission_one_second_after_the_deadline_is_refused(make, login):
    now = utcnow()
    _organizer, places, alice, _bob, org, comp = _world(
        make, stages={"application": (now - timedelta(days=30), now - timedelta(seconds=1))}
    )
    comp.required_attachments = []
    db.session.commit()
    app = make.complete_draft(comp, org, communities=[places["芙蓉社区"]])
    client = login(alice)
    refused = client.post(
        f"/applications/{app.id}/submit", data={"version": app.version, "pledge": "y"}
    )
    assert refused.status_code == 409
    assert "截止" in refused.get_data(as_text=True)
    edit = _autosave(client, app.id, "need", app.version, summary="迟到的修改")
    assert edit.status_code == 409
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert (
        app.status == ApplicationStatus.DRAFT and app.code is None and app.summary != "迟到的修改"
    )
    assert db.session.scalar(sa.select(sa.func.count(ApplicationRevision.id))) == 0


def test_the_same_draft_one_second_before_the_deadline_goes_through(make, login, monkeypatch):
    from venture.applications.services import drafting, submission

    now = utcnow()
    deadline = now + timedelta(hours=1)
    _organizer, places, alice, _bob, org, comp = _world(
        make, stages={"application": (now - timedelta(days=30), deadline)}
    )
    comp.required_attachments = []
    db.session.commit()
    app = make.complete_draft(comp, org, communities=[places["芙蓉社区"]])
    one_second_before = deadline - timedelta(seconds=1)
    for clock_of in (drafting, submission):  # the services' clock during the request
        monkeypatch.setattr(clock_of, "utcnow", lambda: one_second_before)
    response = login(alice).post(
        f"/applications/{app.id}/submit", data={"version": app.version, "pledge": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.status == ApplicationStatus.SUBMITTED and app.submitted_at == one_second_before


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(make, login, app_ctx):
    _organizer, _places, alice, _bob, org, comp = _world(make)
    app = make.complete_draft(comp, org)
    client = login(alice)
    uploads = app_ctx.config["UPLOAD_FOLDER"]
    before = set(os.listdir(uploads)) if os.path.exists(uploads) else set()
    for payload in (
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 200,
    ):
        response = client.post(
            f"/applications/{app.id}/attachments",
            data={"kind": "registration", "file": (io.BytesIO(payload), "申报书.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 415
        assert "申报书.pdf" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0
    after = set(os.listdir(uploads)) if os.path.exists(uploads) else set()
    assert after == before


def test_attachment_limits_per_file_and_per_application(make, login):
    _organizer, _places, alice, _bob, org, comp = _world(make, max_file_mb=1, max_total_mb=1)
    app = make.complete_draft(comp, org)
    client = login(alice)
    big = make.PDF_BYTES + b"0" * (1024 * 1024)
    too_big = client.post(
        f"/applications/{app.id}/attachments",
        data={"kind": "plan", "file": (io.BytesIO(big), "plan.pdf")},
        content_type="multipart/form-data",
    )
    assert too_big.status_code == 413
    half = make.PDF_BYTES + b"0" * (600 * 1024)
    first = client.post(
        f"/applications/{app.id}/attachments",
        data={"kind": "plan", "file": (io.BytesIO(half), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert first.status_code == 302
    second = client.post(
        f"/applications/{app.id}/attachments",
        data={"kind": "plan", "file": (io.BytesIO(half), "b.pdf")},
        content_type="multipart/form-data",
    )
    assert second.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 1


def test_withdraw_before_the_screening_ends(make, login):
    _organizer, _places, alice, _bob, org, comp = _world(make)
    comp.required_attachments = []
    db.session.commit()
    app = make.submitted_application(comp, org, alice)
    response = login(alice).post(f"/applications/{app.id}/withdraw", data={"reason": "机构调整"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, app.id).status == ApplicationStatus.WITHDRAWN
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "application.withdrawn")
    )


def test_my_applications_and_the_home_panel_show_what_to_do(make, login):
    _organizer, _places, alice, _bob, org, comp = _world(make)
    draft = make.complete_draft(comp, org, project_name="星星的孩子融合成长项目")
    client = login(alice)
    mine = client.get("/applications/").get_data(as_text=True)
    assert "星星的孩子融合成长项目" in mine and org.name in mine and "完善并提交" in mine
    home = client.get("/").get_data(as_text=True)
    assert "星星的孩子融合成长项目" in home and comp.name in home
    assert f"/applications/{draft.id}" in home
    organizer_home = login(_organizer).get("/").get_data(as_text=True)
    assert comp.name in organizer_home


def test_a_plain_form_post_after_the_deadline_is_refused_with_its_message(make, login):
    now = utcnow()
    _organizer, places, alice, _bob, org, comp = _world(
        make, stages={"application": (now - timedelta(days=30), now - timedelta(seconds=1))}
    )
    app = make.complete_draft(comp, org, communities=[places["芙蓉社区"]])
    response = login(alice).post(
        f"/applications/{app.id}/edit/need",
        data={"version": app.version, "summary": "迟到", "need_analysis": "迟到"},
    )
    assert response.status_code == 409 and "截止" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, app.id).summary != "迟到"
