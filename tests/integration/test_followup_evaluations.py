"""Mid-term and final evaluations: self-assessment, deadlines, evaluators, the result."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.integration.followup_helpers import (
    PDF,
    audit_actions,
    evaluation_sheets,
    notices,
    upload,
    xlsx,
)
from venture.competitions.models import Method
from venture.db import utcnow
from venture.errors import DeadlinePassed, ValidationError
from venture.extensions import db
from venture.followup import services
from venture.followup.models import EvaluationKind, EvaluationStatus, ProjectStatus
from venture.judging.models import Assignment, Conflict, ConflictSource, JudgeTie, TieKind


def _midterm(project):
    return next(e for e in project.evaluations if e.kind == EvaluationKind.MIDTERM)


def _submitted(project):
    evaluation = _midterm(project)
    evaluation.status = EvaluationStatus.SUBMITTED
    evaluation.submitted_at = utcnow()
    db.session.commit()
    return evaluation


def _self_assessment_data(**overrides):
    data = {
        "self_assessment": "按计划完成入户探访与志愿者培训。",
        "self_score": "82.5",
        "report_file": upload(PDF, "中期报告.pdf"),
        "ledger_file": upload(xlsx(), "支出台账.xlsx"),
    }
    data.update(overrides)
    return data


def test_the_organization_submits_its_self_assessment_before_the_deadline(app_ctx, make, login):
    owner = make.applicant()
    project = make.project(members=[owner])
    evaluation = _midterm(project)
    client = login(owner)
    url = f"/followup/evaluations/{evaluation.id}/self-assessment"

    missing_ledger = client.post(
        url, data=_self_assessment_data(ledger_file=None), content_type="multipart/form-data"
    )
    assert missing_ledger.status_code == 422 and "支出台账" in missing_ledger.get_data(as_text=True)
    bad_score = client.post(
        url, data=_self_assessment_data(self_score="120"), content_type="multipart/form-data"
    )
    assert bad_score.status_code == 422 and "自评分" in bad_score.get_data(as_text=True)
    assert (
        login(make.applicant())
        .post(url, data=_self_assessment_data(), content_type="multipart/form-data")
        .status_code
        == 403
    )

    assert (
        client.post(
            url, data=_self_assessment_data(), content_type="multipart/form-data"
        ).status_code
        == 302
    )
    db.session.refresh(evaluation)
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert evaluation.self_score == Decimal("82.50")
    assert evaluation.ledger_file.kind == "excel" and evaluation.report_file.kind == "pdf"
    assert "followup.submit_self_assessment" in audit_actions()
    again = client.post(url, data=_self_assessment_data(), content_type="multipart/form-data")
    assert again.status_code == 409


def test_a_late_self_assessment_is_refused(app_ctx, make):
    owner = make.applicant()
    project = make.project(members=[owner])
    evaluation = _midterm(project)
    with pytest.raises(DeadlinePassed):
        services.submit_self_assessment(
            evaluation,
            text="迟交",
            self_score="80",
            report_upload=None,
            ledger_upload=None,
            actor=owner,
            now=evaluation.due_at,
        )


def test_a_missing_self_assessment_fails_the_evaluation_at_the_deadline(app_ctx, make, login):
    owner = make.applicant()
    project = make.project(members=[owner])
    evaluation = _midterm(project)
    due = evaluation.due_at

    assert services.expire_overdue_evaluations(due - timedelta(seconds=1)) == 0
    assert services.expire_overdue_evaluations(due) == 1
    db.session.refresh(evaluation)
    db.session.refresh(project)
    assert evaluation.status == EvaluationStatus.FAILED and "截止" in evaluation.note
    assert project.status == ProjectStatus.SUSPENDED
    assert notices("evaluation_result")[0].user_id == owner.id
    assert "未通过" in notices("evaluation_result")[0].subject
    assert services.expire_overdue_evaluations(due + timedelta(days=1)) == 0  # once
    assert {"followup.decide_evaluation", "followup.suspend_project"} <= set(audit_actions())


def test_the_organizer_button_runs_the_deadline_check(app_ctx, make, login):
    comp = make.followup_competition(midterm_in_days=-2)
    project = make.project(competition=comp)
    assert login(make.applicant()).post("/followup/evaluations/run-checks").status_code == 403
    assert login(make.organizer()).post("/followup/evaluations/run-checks").status_code == 302
    assert _midterm(project).status == EvaluationStatus.FAILED


@pytest.mark.parametrize(
    "scores, method, expected, status, grade",
    [
        # trimmed (drop highest and lowest of three): the middle total
        (
            [[25, 18, 17, 25], [20, 15, 15, 20], [30, 20, 20, 30]],
            Method.TRIMMED,
            "85.00",
            "passed",
            "A",
        ),
        (
            [[20, 15, 15, 20], [18, 12, 12, 18], [25, 18, 17, 25]],
            Method.TRIMMED,
            "70.00",
            "passed",
            "B",
        ),
        # mean of 60, 60, 59: 59.666… published as 59.67 — below the pass mark
        (
            [[18, 12, 12, 18], [18, 12, 12, 18], [18, 12, 11, 18]],
            Method.MEAN,
            "59.67",
            "failed",
            "C",
        ),
        (
            [[18, 12, 12, 18], [18, 12, 12, 18], [18, 12, 12, 18]],
            Method.MEAN,
            "60.00",
            "passed",
            "B",
        ),
    ],
)
def test_the_result_comes_from_the_sheets_through_the_engine(
    app_ctx, make, scores, method, expected, status, grade
):
    project = make.project()
    evaluation = _submitted(project)
    evaluation.stage.method = method
    db.session.commit()
    evaluation_sheets(make, evaluation, {make.judge(): s for s in scores})
    services.decide_evaluation(evaluation)
    assert str(evaluation.score) == expected
    assert evaluation.status == EvaluationStatus(status)
    assert evaluation.grade == grade


def test_no_result_without_a_sheet(app_ctx, make, login):
    project = make.project()
    evaluation = _submitted(project)
    with pytest.raises(ValidationError):
        services.decide_evaluation(evaluation)
    response = login(make.organizer()).post(f"/followup/evaluations/{evaluation.id}/decide")
    assert response.status_code == 422 and "尚无评估专家提交评分表" in response.get_data(
        as_text=True
    )


def test_evaluators_are_assigned_without_conflicts_and_decide_when_all_sheets_are_in(
    app_ctx, make, login
):
    member_judge = make.judge_with_profile()
    project = make.project(members=[make.applicant(), member_judge])
    org = project.organization
    employed = make.judge_with_profile(employer="机构本身", employer_uscc=org.uscc)
    tied = make.judge_with_profile()
    db.session.add(JudgeTie(judge_id=tied.id, organization_id=org.id, kind=TieKind.BOARD))
    recorded = make.judge_with_profile()
    db.session.add(
        Conflict(
            judge_id=recorded.id,
            application_id=project.application_id,
            source=ConflictSource.DECLARED,
            reason="亲属",
        )
    )
    free = [make.judge_with_profile() for _ in range(2)]
    db.session.commit()
    evaluation = _submitted(project)

    organizer = login(make.organizer())
    response = organizer.post(
        f"/followup/evaluations/{evaluation.id}/assign", data={"assign-k": "3"}
    )
    assert response.status_code == 302
    assigned = {a.judge_id for a in db.session.scalars(db.select(Assignment))}
    assert assigned == {j.id for j in free}  # never a conflicted judge
    page = organizer.get(f"/followup/evaluations/{evaluation.id}").get_data(as_text=True)
    assert all(j.display_name in page for j in free) and employed.display_name not in page

    # An assigned evaluator sees the evaluation and its documents; other judges do not; no judge sees the project.
    assert login(free[0]).get(f"/followup/evaluations/{evaluation.id}").status_code == 200
    assert login(employed).get(f"/followup/evaluations/{evaluation.id}").status_code == 403
    assert login(free[0]).get(f"/followup/projects/{project.id}").status_code == 403

    names = [c.name for c in evaluation.stage.rubric.criteria]
    make.sheet(
        evaluation.stage,
        project.application,
        free[0],
        dict(zip(names, [25, 18, 17, 25], strict=True)),
    )
    assert services.decide_ready_evaluations() == 0  # one sheet is still missing
    make.sheet(
        evaluation.stage,
        project.application,
        free[1],
        dict(zip(names, [24, 16, 16, 24], strict=True)),
    )
    assert services.decide_ready_evaluations() == 1
    db.session.refresh(evaluation)
    assert evaluation.status == EvaluationStatus.PASSED and str(evaluation.score) == "82.50"
    owner_id = next(m.user_id for m in project.organization.members if m.user_id != member_judge.id)
    assert owner_id in {n.user_id for n in notices("evaluation_result")}


def test_assignment_refuses_when_every_judge_has_a_conflict(app_ctx, make, login):
    judge = make.judge_with_profile()
    project = make.project(members=[judge])
    evaluation = _submitted(project)
    response = login(make.organizer()).post(
        f"/followup/evaluations/{evaluation.id}/assign", data={"assign-k": "2"}
    )
    assert response.status_code == 422
    assert "利益冲突" in response.get_data(as_text=True)


def test_the_candidates_adapter_lists_projects_whose_self_assessment_is_in(app_ctx, make):
    from venture.followup.integration import evaluation_candidates

    comp = make.followup_competition()
    waiting = make.project(competition=comp)
    ready = make.project(competition=comp)
    _submitted(ready)
    assert [a.id for a in evaluation_candidates(comp.stage("midterm"))] == [ready.application_id]
    assert waiting.application_id not in [
        a.id for a in evaluation_candidates(comp.stage("midterm"))
    ]
