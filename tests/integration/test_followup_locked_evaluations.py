"""The mid-term and final evaluations come after the results are final: the lock keeps
the review, the roadshow and their rubrics as they were, but the evaluations can still
be set up, staffed, reminded and scored."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import EVALUATION_CRITERIA
from tests.integration.followup_helpers import notices
from venture.accounts.models import User
from venture.audit.models import AuditEntry
from venture.competitions.models import Rubric, StageKind
from venture.db import utcnow
from venture.errors import Locked
from venture.extensions import db
from venture.followup import services
from venture.followup.models import EvaluationKind, EvaluationStatus
from venture.judging.models import Assignment, AssignmentStatus, JudgeTie, TieKind
from venture.judging.services import conflicts
from venture.judging.services.sheets import save_sheet
from workers.tasks.reminders import send_reminders

LOCKED = "本次大赛结果已最终确定，不能再修改。"


def _criteria_form(rows, name):
    data = {"name": name}
    for i, (cname, maximum) in enumerate(rows):
        data.update(
            {
                f"criteria-{i}-name": cname,
                f"criteria-{i}-max_score": str(maximum),
                f"criteria-{i}-description": f"{cname}的评分要点",
            }
        )
    return data


def _scoring_form(comp, **changes):
    """The scoring page as the organizer sees it (every stage as it is), with ``changes``."""
    data = {}
    for kind in ("online_review", "roadshow", "midterm", "final"):
        stage = comp.stage(StageKind(kind))
        data.update(
            {f"{kind}_rubric": str(stage.rubric_id or ""), f"{kind}_weight": str(stage.weight)}
        )
        if stage.blind:
            data[f"{kind}_blind"] = "y"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _submitted_midterm(project):
    evaluation = next(e for e in project.evaluations if e.kind == EvaluationKind.MIDTERM)
    evaluation.status = EvaluationStatus.SUBMITTED
    evaluation.submitted_at = utcnow()
    db.session.commit()
    return evaluation


def _final_competition_without_midterm_rubric(make):
    """Results final, the mid-term evaluation under way, and nobody set up its rubric before."""
    comp = make.followup_competition(midterm_in_days=-1)
    midterm = comp.stage(StageKind.MIDTERM)
    unused = db.session.get(Rubric, midterm.rubric_id)
    midterm.rubric_id = None
    db.session.flush()
    db.session.delete(unused)
    db.session.commit()
    return comp


def _refusals(action: str) -> list[AuditEntry]:
    rows = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
    )
    return [row for row in rows if "refused" in (row.changes or {})]


def _score(judge, stage, application, scores):
    assignment = db.session.scalar(
        sa.select(Assignment).where(
            Assignment.stage_id == stage.id,
            Assignment.application_id == application.id,
            Assignment.judge_id == judge.id,
            Assignment.status == AssignmentStatus.ACTIVE,
        )
    )
    conflicts.confirm_no_conflict(judge, assignment)
    data = {f"score-{c.id}": str(s) for c, s in zip(stage.rubric.criteria, scores, strict=True)}
    save_sheet(
        judge,
        stage,
        application,
        {**data, "confidence": "4", "recommendation": "fund"},
        version=0,
        submit=True,
    )


def test_an_evaluation_is_set_up_staffed_and_scored_after_the_results_are_final(make, login):
    comp = _final_competition_without_midterm_rubric(make)
    evaluators = [make.judge_with_profile() for _ in range(2)]
    project = make.project(competition=comp)
    assert comp.is_locked
    evaluation = _submitted_midterm(project)
    midterm = comp.stage(StageKind.MIDTERM)
    client = login(make.organizer())
    assign = f"/followup/evaluations/{evaluation.id}/assign"
    assert client.post(assign, data={"assign-k": "2"}).status_code == 422  # no rubric yet

    # The organizer writes the evaluation rubric and sets it on the mid-term stage.
    rubrics = f"/competitions/{comp.id}/setup/rubrics"
    assert (
        client.post(rubrics, data={"name": "中期评估评分表", "stage_kind": "midterm"}).status_code
        == 302
    )
    rubric = db.session.scalar(sa.select(Rubric).where(Rubric.name == "中期评估评分表"))
    assert "data-rubric-form" in client.get(f"{rubrics}/{rubric.id}").get_data(
        as_text=True
    )  # not frozen
    assert (
        client.post(
            f"{rubrics}/{rubric.id}", data=_criteria_form(EVALUATION_CRITERIA, "中期评估评分表")
        ).status_code
        == 302
    )
    scoring = client.post(
        f"/competitions/{comp.id}/setup/scoring",
        data=_scoring_form(comp, midterm_rubric=str(rubric.id)),
    )
    assert scoring.status_code == 302
    db.session.expire_all()
    assert midterm.rubric_id == rubric.id and midterm.rubric.total_max == 100
    scoring_change = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "competition.scoring_changed")
    )
    assert set(scoring_change.changes) == {"midterm"}  # the review and roadshow stayed as they were

    # Evaluators are assigned, each hears of it, they score, and the evaluation is decided.
    assert client.post(assign, data={"assign-k": "2"}).status_code == 302
    sent = notices("judge_assigned")
    assert sorted(n.user_id for n in sent) == sorted(j.id for j in evaluators)
    assert all(comp.name in n.subject and n.competition_id == comp.id for n in sent)
    _score(evaluators[0], midterm, project.application, [25, 18, 17, 25])
    db.session.refresh(evaluation)
    assert evaluation.status == EvaluationStatus.SUBMITTED  # one sheet is still missing
    _score(evaluators[1], midterm, project.application, [24, 16, 16, 24])
    db.session.refresh(evaluation)
    assert evaluation.status == EvaluationStatus.PASSED and evaluation.score == Decimal("82.50")
    assert not any(
        "refused" in (e.changes or {}) for e in db.session.scalars(sa.select(AuditEntry))
    )


def test_the_review_and_roadshow_setup_stays_locked_and_each_attempt_is_audited(make, login):
    comp = make.followup_competition()
    make.project(competition=comp)
    review = comp.stage(StageKind.ONLINE_REVIEW)
    review_rubric = review.rubric
    before = [(c.name, c.max_score) for c in review_rubric.criteria]
    client = login(make.organizer())
    url = f"/competitions/{comp.id}/setup/rubrics/{review_rubric.id}"

    assert "data-rubric-form" not in client.get(url).get_data(as_text=True)  # shown frozen
    edited = client.post(
        url, data=_criteria_form([("需求分析", 50), ("项目设计", 50)], "专家评审评分表")
    )
    assert edited.status_code == 423 and LOCKED in edited.get_data(as_text=True)
    created = client.post(
        f"/competitions/{comp.id}/setup/rubrics",
        data={"name": "新的评审评分表", "stage_kind": "online_review"},
    )
    assert created.status_code == 423 and LOCKED in created.get_data(as_text=True)
    for change in (
        {"online_review_weight": "0.5", "roadshow_weight": "0.5"},
        {"online_review_blind": None},
        {"online_review_rubric": ""},
    ):
        refused = client.post(
            f"/competitions/{comp.id}/setup/scoring", data=_scoring_form(comp, **change)
        )
        assert refused.status_code == 423 and LOCKED in refused.get_data(as_text=True)

    db.session.expire_all()
    assert [(c.name, c.max_score) for c in review.rubric.criteria] == before
    assert (review.rubric_id, review.weight, review.blind) == (
        review_rubric.id,
        Decimal("0.4"),
        True,
    )
    assert not db.session.scalar(sa.select(Rubric).where(Rubric.name == "新的评审评分表"))
    assert len(_refusals("rubric.changed")) == 1 and len(_refusals("rubric.created")) == 1
    refused_scoring = _refusals("competition.scoring_changed")
    assert len(refused_scoring) == 3 and {e.object_id for e in refused_scoring} == {str(review.id)}


def test_conflicts_are_recorded_for_evaluations_but_not_for_the_locked_review(make, login):
    comp = make.followup_competition(midterm_in_days=-1)
    judges = [make.judge_with_profile() for _ in range(4)]
    project = make.project(competition=comp)
    application = project.application
    evaluation = _submitted_midterm(project)
    organizer = make.organizer()
    rows, _missing = services.assign_evaluators(evaluation, k=2, actor=organizer)
    db.session.commit()
    conflicted = db.session.get(User, rows[0].judge_id)
    review = comp.stage(StageKind.ONLINE_REVIEW)
    kept = make.assignment(
        review, application, conflicted
    )  # from before the results: stays as it was

    midterm = comp.stage(StageKind.MIDTERM)
    response = login(organizer).post(
        f"/judging/stages/{midterm.id}/conflicts",
        data={
            "judge_id": str(conflicted.id),
            "application_id": str(application.id),
            "reason": "评估专家是机构理事的亲属",
        },
    )
    assert response.status_code == 302
    active = {a.judge_id for a in services.active_assignments(evaluation)}
    assert conflicted.id not in active and len(active) == 2  # a replacement took the place
    db.session.refresh(kept)
    assert kept.status == AssignmentStatus.ACTIVE

    # The review's page (or no stage at all) is refused, and the attempt audited.
    for stage_kind in (StageKind.ONLINE_REVIEW, None):
        with pytest.raises(Locked):
            conflicts.record_conflict(
                organizer, judges[-1], application, "另一条理由", stage_kind=stage_kind
            )
    assert len(_refusals("judging.record_conflict")) == 2

    # A tie declared later also replaces the evaluator.
    tied = next(a.judge for a in services.active_assignments(evaluation))
    db.session.add(
        JudgeTie(judge_id=tied.id, organization_id=project.organization.id, kind=TieKind.BOARD)
    )
    db.session.commit()
    assert conflicts.apply_new_conflicts(tied) == 1
    db.session.commit()
    assert tied.id not in {a.judge_id for a in services.active_assignments(evaluation)}


def test_an_evaluator_behind_gets_one_reminder_before_the_evaluation_deadline(make):
    comp = make.followup_competition(midterm_in_days=-1)
    evaluator, done = make.judge_with_profile(), make.judge_with_profile()
    project = make.project(competition=comp)
    assert comp.is_locked
    midterm = comp.stage(StageKind.MIDTERM)
    for judge in (evaluator, done):
        make.assignment(midterm, project.application, judge)
    make.sheet(midterm, project.application, evaluator, {"项目实施": 20}, submitted=False)
    make.sheet(midterm, project.application, done, {"项目实施": 20})

    at_24h = midterm.ends_at - timedelta(hours=24)
    assert (
        send_reminders.apply(args=[at_24h.isoformat()]).get(disable_sync_subtasks=False)[
            "judge_deadline"
        ]
        == 1
    )
    assert (
        send_reminders.apply(args=[at_24h.isoformat()]).get(disable_sync_subtasks=False)[
            "judge_deadline"
        ]
        == 0
    )
    sent = notices("judge_deadline_reminder")
    assert [n.user_id for n in sent] == [evaluator.id] and sent[0].competition_id == comp.id
    assert sent[0].dedupe_key == f"judge_deadline:{midterm.id}:{evaluator.id}:24h"
