"""Projects from final results, the agreement, tranches, termination and recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.integration.followup_helpers import (
    PDF,
    audit_actions,
    evaluation_sheets,
    notices,
    png,
    upload,
)
from venture.db import utcnow
from venture.errors import Conflict, ValidationError
from venture.extensions import db
from venture.followup import rules, services
from venture.followup.models import (
    EvaluationKind,
    EvaluationStatus,
    Project,
    ProjectStatus,
    TrancheCondition,
    TrancheStatus,
)


def _project_of(application) -> Project:
    return db.session.scalar(sa.select(Project).where(Project.application_id == application.id))


# --- creation -----------------------------------------------------------------------


def test_funded_decisions_become_projects_with_exact_money_and_a_report_calendar(app_ctx, make):
    areas = make.area_tree()
    owner = make.applicant()
    comp = make.followup_competition()
    funded = make.funded_application(
        comp,
        members=[owner],
        communities=[areas["芙蓉社区"], areas["紫菱社区"]],
        approved_fen=3_333_333,
    )
    other = make.funded_application(comp, approved_fen=5_000_000)
    waitlisted = make.application(comp, make.organization(), status="passed")
    make.decision(comp, waitlisted, 0, outcome="waitlist")
    make.finalize_results(comp)

    created = services.create_projects_from_results(comp)

    assert {p.application_id for p in created} == {funded.id, other.id}
    project = _project_of(funded)
    assert project.status == ProjectStatus.AGREEMENT
    assert project.approved_fen == project.agreement.amount_fen == 3_333_333
    # 50/30/20: floors 1,666,666 + 999,999 + 666,666 leave 2 fen for the largest share.
    assert [(t.position, t.amount_fen, t.condition) for t in project.tranches] == [
        (1, 1_666_668, TrancheCondition.SIGNING),
        (2, 999_999, TrancheCondition.MIDTERM_PASSED),
        (3, 666_666, TrancheCondition.FINAL_PASSED),
    ]
    # Budget lines proportional to the application's, summing exactly to the approved amount.
    asked = {line.item: line.amount_fen for line in funded.budget_lines}
    lines = {line.name: line.approved_fen for line in project.budget}
    assert sum(lines.values()) == 3_333_333
    expected = rules.split_exact(3_333_333, list(asked.values()))
    assert list(lines.values()) == expected
    largest = max(asked, key=asked.get)
    assert lines[largest] > 3_333_333 * asked[largest] // sum(
        asked.values()
    )  # took the leftover fen
    # Milestones and host communities come from the application.
    assert [m.name for m in project.milestones] == [m.name for m in funded.milestones]
    assert {c.name for c in project.application.communities} == {"芙蓉社区", "紫菱社区"}
    # Quarterly reports covering the implementation stage, due ten days after each quarter.
    impl = comp.stage("implementation")
    first, last = rules.local_dates_of(impl.starts_at, impl.ends_at)
    reports = project.reports
    assert reports[0].period_start == first and reports[-1].period_end == last
    for before, after in zip(reports, reports[1:], strict=False):
        assert after.period_start == before.period_end + timedelta(days=1)
    for report in reports:
        assert report.due_at == rules.report_due_at(report.period_end)
        assert report.period_end.month in (3, 6, 9, 12) or report is reports[-1]
    # Evaluations due when their stages open.
    by_kind = {e.kind: e for e in project.evaluations}
    assert by_kind[EvaluationKind.MIDTERM].due_at == comp.stage("midterm").starts_at
    assert by_kind[EvaluationKind.FINAL].due_at == comp.stage("final").starts_at
    assert by_kind[EvaluationKind.MIDTERM].stage_id == comp.stage("midterm").id
    # Audited and the organization told.
    assert audit_actions().count("followup.create_project") == 2
    assert [n.user_id for n in notices("project_created")] == [owner.id] + [
        m.user_id for m in other.organization.members
    ]

    # Idempotent: a second run creates nothing.
    assert services.create_projects_from_results(comp) == []
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 2


def test_monthly_reports_and_the_competition_settings(app_ctx, make):
    comp = make.followup_competition(
        report_period="monthly",
        implementation_days=120,
        tranche_plan=[
            {"share": 60, "condition": "signing"},
            {"share": 40, "condition": "final_passed"},
        ],
    )
    project = make.project(competition=comp, approved_fen=1_000_001, active=False)
    assert [t.amount_fen for t in project.tranches] == [600_001, 400_000]
    periods = [(r.period_start, r.period_end) for r in project.reports]
    assert all(start.month == end.month for start, end in periods)
    assert len(periods) in (4, 5)


def test_projects_need_final_results_and_a_valid_tranche_plan(app_ctx, make):
    comp = make.followup_competition()
    make.funded_application(comp)
    with pytest.raises(Conflict):
        services.create_projects_from_results(comp)
    comp.tranche_plan = [
        {"share": 50, "condition": "signing"},
        {"share": 30, "condition": "final_passed"},
    ]
    make.finalize_results(comp)
    with pytest.raises(ValidationError, match="100%"):
        services.create_projects_from_results(comp)
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_the_organizer_button_creates_projects(app_ctx, make, login):
    organizer = make.organizer()
    comp = make.followup_competition()
    make.funded_application(comp)
    make.finalize_results(comp)
    page = login(organizer).get("/followup/")
    assert "从最终结果创建项目" in page.get_data(as_text=True)
    assert (
        login(make.applicant()).post(f"/followup/competitions/{comp.id}/projects").status_code
        == 403
    )
    response = login(organizer).post(f"/followup/competitions/{comp.id}/projects")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 1
    assert login(organizer).post(f"/followup/competitions/{comp.id}/projects").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 1


def test_the_button_refuses_before_results_are_final(app_ctx, make, login):
    comp = make.followup_competition()
    make.funded_application(comp)
    response = login(make.organizer()).post(f"/followup/competitions/{comp.id}/projects")
    assert response.status_code == 409
    assert "尚未最终确定" in response.get_data(as_text=True)


# --- the agreement -------------------------------------------------------------------


def test_the_organization_uploads_and_the_organizer_confirms_the_agreement(app_ctx, make, login):
    owner = make.applicant()
    organizer = make.organizer()
    project = make.project(members=[owner], active=False)
    client = login(owner)
    starts = project.agreement.starts_on

    bad = client.post(
        f"/followup/projects/{project.id}/agreement",
        data={
            "signed_on": starts.isoformat(),
            "starts_on": starts.isoformat(),
            "ends_on": starts.isoformat(),
            "signed_copy": upload(PDF, "协议.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "结束日期必须晚于开始日期" in bad.get_data(as_text=True)

    wrong_type = client.post(
        f"/followup/projects/{project.id}/agreement",
        data={
            "signed_on": starts.isoformat(),
            "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=300)).isoformat(),
            "signed_copy": upload(b"just some text", "协议.txt"),
        },
        content_type="multipart/form-data",
    )
    assert wrong_type.status_code == 415

    # The organizer cannot confirm before the signed copy is there.
    refused = login(organizer).post(f"/followup/projects/{project.id}/agreement/confirm")
    assert refused.status_code == 422
    assert "尚未上传" in refused.get_data(as_text=True)

    ok = client.post(
        f"/followup/projects/{project.id}/agreement",
        data={
            "signed_on": starts.isoformat(),
            "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=300)).isoformat(),
            "signed_copy": upload(png(), "协议扫描.png"),
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    db.session.refresh(project.agreement)
    assert project.agreement.signed_copy.kind == "image"

    # Another organization's member may not upload it; the organization may not confirm.
    assert (
        login(make.applicant()).post(f"/followup/projects/{project.id}/agreement").status_code
        == 403
    )
    assert client.post(f"/followup/projects/{project.id}/agreement/confirm").status_code == 403

    assert (
        login(organizer).post(f"/followup/projects/{project.id}/agreement/confirm").status_code
        == 302
    )
    db.session.refresh(project)
    assert project.status == ProjectStatus.ACTIVE
    assert project.agreement.confirmed_by_id == organizer.id
    assert services.tranche_block_reason(project.tranches[0]) is None
    assert [n.user_id for n in notices("agreement_confirmed")] == [owner.id]
    assert {"followup.submit_agreement", "followup.confirm_agreement"} <= set(audit_actions())
    # The signed copy downloads for the organizer, not for an unrelated applicant.
    file_url = f"/followup/projects/{project.id}/files/{project.agreement.signed_copy_id}"
    assert login(organizer).get(file_url).status_code == 200
    assert login(make.applicant()).get(file_url).status_code == 403


# --- tranches -------------------------------------------------------------------------


def _pass_midterm(make, project, scores=(25, 18, 16, 25)):
    midterm = next(e for e in project.evaluations if e.kind == EvaluationKind.MIDTERM)
    midterm.status = EvaluationStatus.SUBMITTED
    db.session.commit()
    evaluation_sheets(make, midterm, {make.judge(): list(scores) for _ in range(3)})
    return services.decide_evaluation(midterm)


def test_a_tranche_is_released_only_when_its_condition_holds(app_ctx, make, login):
    owner = make.applicant()
    organizer = make.organizer()
    project = make.project(members=[owner], approved_fen=1_000_000)
    first, second, third = project.tranches
    client = login(organizer)

    response = client.post(f"/followup/tranches/{second.id}/release")
    assert response.status_code == 409
    assert "第1笔" in response.get_data(as_text=True)  # in order

    assert client.post(f"/followup/tranches/{first.id}/release").status_code == 302
    refused = client.post(f"/followup/tranches/{second.id}/release")
    assert refused.status_code == 409
    assert "中期评估尚未通过" in refused.get_data(as_text=True)
    page = client.get(f"/followup/projects/{project.id}").get_data(as_text=True)
    assert (
        "disabled" in page and "中期评估尚未通过" in page
    )  # the button is disabled with the reason
    assert client.post(f"/followup/tranches/{first.id}/release").status_code == 409  # not twice

    _pass_midterm(make, project)
    assert client.post(f"/followup/tranches/{second.id}/release").status_code == 302
    db.session.refresh(second)
    assert second.status == TrancheStatus.RELEASED and second.released_by_id == organizer.id
    assert services.tranche_block_reason(third) == "结项评估尚未通过。"

    released = [n for n in notices("tranche_released")]
    assert [n.user_id for n in released] == [owner.id, owner.id]
    assert "¥3,000.00" in released[1].body
    actions = audit_actions()
    assert actions.count("followup.release_tranche") >= 2
    from venture.audit.models import AuditEntry

    refusals = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.action == "followup.release_tranche", AuditEntry.object_id == str(second.id)
        )
    ).all()
    assert any("refused" in (e.changes or {}) for e in refusals)
    # Only organizers release money.
    assert login(owner).post(f"/followup/tranches/{third.id}/release").status_code == 403


def test_no_money_before_the_agreement_is_confirmed(app_ctx, make):
    project = make.project(active=False)
    with pytest.raises(Conflict, match="协议尚未确认"):
        services.release_tranche(project.tranches[0], actor=make.organizer())


def test_a_failed_midterm_stops_the_next_tranche_and_allows_termination_with_recovery(
    app_ctx, make, login
):
    owner = make.applicant()
    organizer = make.organizer()
    project = make.project(members=[owner], approved_fen=2_000_000)
    services.release_tranche(project.tranches[0], actor=organizer)
    result = _pass_midterm(make, project, scores=(10, 10, 10, 10))
    assert result.status == EvaluationStatus.FAILED
    db.session.refresh(project)
    assert project.status == ProjectStatus.SUSPENDED

    client = login(organizer)
    refused = client.post(f"/followup/tranches/{project.tranches[1].id}/release")
    assert refused.status_code == 409
    assert "评估未通过" in refused.get_data(as_text=True)

    too_much = client.post(
        f"/followup/projects/{project.id}/terminate",
        data={"reason": "中期评估未通过", "recovery": "10000.01"},
    )
    assert too_much.status_code == 422
    assert "不能超过已拨付金额" in too_much.get_data(as_text=True)
    no_reason = client.post(
        f"/followup/projects/{project.id}/terminate", data={"reason": " ", "recovery": "0"}
    )
    assert no_reason.status_code == 422
    bad_amount = client.post(
        f"/followup/projects/{project.id}/terminate", data={"reason": "x", "recovery": "12.345"}
    )
    assert bad_amount.status_code == 422 and "两位小数" in bad_amount.get_data(as_text=True)
    assert (
        login(owner)
        .post(f"/followup/projects/{project.id}/terminate", data={"reason": "x", "recovery": "1"})
        .status_code
        == 403
    )

    ok = client.post(
        f"/followup/projects/{project.id}/terminate",
        data={"reason": "中期评估未通过，项目终止", "recovery": "6,000.50"},
    )
    assert ok.status_code == 302
    db.session.refresh(project)
    assert project.status == ProjectStatus.TERMINATED
    assert project.recovery_fen == 600_050
    assert [t.status for t in project.tranches] == [
        TrancheStatus.RELEASED,
        TrancheStatus.CANCELLED,
        TrancheStatus.CANCELLED,
    ]
    assert notices("project_terminated")[0].user_id == owner.id
    assert "¥6,000.50" in notices("project_terminated")[0].body

    over = client.post(
        f"/followup/projects/{project.id}/recoveries",
        data={"amount": "6000.51", "received_on": utcnow().date().isoformat()},
    )
    assert over.status_code == 422
    assert (
        client.post(
            f"/followup/projects/{project.id}/recoveries",
            data={
                "amount": "4000",
                "received_on": utcnow().date().isoformat(),
                "note": "第一笔退款",
            },
        ).status_code
        == 302
    )
    db.session.refresh(project)
    assert project.recovered_fen == 400_000 and len(project.recoveries) == 1
    assert notices("recovery_recorded")[0].user_id == owner.id
    actions = audit_actions()
    assert {
        "followup.suspend_project",
        "followup.terminate_project",
        "followup.record_recovery",
    } <= set(actions)
    # A terminated project cannot be terminated again.
    assert (
        client.post(
            f"/followup/projects/{project.id}/terminate", data={"reason": "x", "recovery": "0"}
        ).status_code
        == 409
    )


def test_a_project_closes_with_its_grade_when_the_final_passes_and_all_is_paid(app_ctx, make):
    organizer = make.organizer()
    project = make.project(approved_fen=1_000_000)
    services.release_tranche(project.tranches[0], actor=organizer)
    _pass_midterm(make, project)
    services.release_tranche(project.tranches[1], actor=organizer)
    final = next(e for e in project.evaluations if e.kind == EvaluationKind.FINAL)
    final.status = EvaluationStatus.SUBMITTED
    db.session.commit()
    evaluation_sheets(make, final, {make.judge(): [28, 18, 19, 28] for _ in range(3)})
    services.decide_evaluation(final)
    assert project.status == ProjectStatus.ACTIVE  # the last tranche is still to pay
    services.release_tranche(project.tranches[2], actor=organizer)
    db.session.refresh(project)
    assert project.status == ProjectStatus.CLOSED
    assert project.grade == "A" and str(project.final_score) == "93.00"
    assert "followup.close_project" in audit_actions()
