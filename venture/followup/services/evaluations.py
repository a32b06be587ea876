"""Mid-term and final evaluations: self-assessment, evaluators, the result from their sheets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from venture.audit.services import record
from venture.db import service, utcnow
from venture.errors import Conflict, DeadlinePassed, ValidationError
from venture.extensions import db
from venture.files.services import store_upload
from venture.followup import integration, rules
from venture.followup import labels as _labels  # noqa: F401  (the evaluation kinds' labels)
from venture.followup.models import (
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    Project,
    ProjectStatus,
)
from venture.followup.services._common import external, notify_all, org_people, require_text
from venture.followup.services.money import close_if_finished
from venture.judging.models import Assignment, AssignmentStatus, ScoreSheet, SheetStatus
from venture.labels import LABELS
from venture.templating import format_score

REPORT_KINDS = ("pdf", "word")
LEDGER_KINDS = ("excel", "pdf")


def evaluation_link(evaluation) -> str:
    return external("followup.evaluation", evaluation_id=evaluation.id)


def _ready_stage(evaluation):
    stage = evaluation.stage
    if stage is None or stage.rubric_id is None:
        raise ValidationError(
            _("The evaluation stage has no rubric yet: set one up in the competition first.")
        )
    return stage


# --- the organization's part ----------------------------------------------------------


@service
def submit_self_assessment(
    evaluation,
    *,
    text: str,
    self_score,
    report_upload=None,
    ledger_upload=None,
    actor,
    now: datetime | None = None,
) -> None:
    """The organization submits its self-assessment and documents before the deadline."""
    now = now or utcnow()
    project = evaluation.project
    if evaluation.status != EvaluationStatus.OPEN:
        raise Conflict(_("The self-assessment has already been submitted."))
    if project.status not in (ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED):
        raise Conflict(_("This can be done only while the project is being implemented."))
    if now >= evaluation.due_at:
        raise DeadlinePassed(_("The deadline for the self-assessment has passed."))
    text = require_text(text, "self_assessment", _("Write the self-assessment."))
    try:
        score = Decimal(str(self_score)) if self_score not in (None, "") else None
    except InvalidOperation:
        score = None
    maximum = (
        evaluation.stage.rubric.total_max
        if evaluation.stage and evaluation.stage.rubric
        else Decimal(100)
    )
    if score is None or not Decimal(0) <= score <= maximum:
        raise ValidationError(
            _("Enter a self score between 0 and %(max)s.", max=maximum), field="self_score"
        )
    if not getattr(report_upload, "filename", ""):
        raise ValidationError(_("Attach the report (PDF or Word)."), field="report_file")
    if not getattr(ledger_upload, "filename", ""):
        raise ValidationError(_("Attach the spending ledger (Excel or PDF)."), field="ledger_file")
    evaluation.report_file = store_upload(report_upload, user=actor, allowed_kinds=REPORT_KINDS)
    evaluation.ledger_file = store_upload(ledger_upload, user=actor, allowed_kinds=LEDGER_KINDS)
    evaluation.self_assessment = text
    evaluation.self_score = score.quantize(Decimal("0.01"))
    evaluation.status = EvaluationStatus.SUBMITTED
    evaluation.submitted_at = now
    record(
        "followup.submit_self_assessment",
        evaluation,
        actor=actor,
        changes={
            "status": [EvaluationStatus.OPEN, EvaluationStatus.SUBMITTED],
            "self_score": score,
        },
    )


# --- evaluators ---------------------------------------------------------------------


@service
def assign_evaluators(evaluation, *, k: int, actor) -> tuple[list[Assignment], int]:
    """Assign judges of the stage (no conflicts) until ``k`` evaluate this project.

    Returns the new assignments and how many are still missing (too few judges free
    of a conflict in the pool).
    """
    stage = _ready_stage(evaluation)
    if evaluation.status != EvaluationStatus.SUBMITTED:
        raise Conflict(_("Evaluators are assigned once the self-assessment is in."))
    if k < 1 or k > 15:
        raise ValidationError(_("Choose between 1 and 15 evaluators."), field="k")
    application = evaluation.project.application
    rows = integration.assign_evaluators(stage, application, k)
    db.session.flush()
    assigned = len(active_assignments(evaluation))
    if assigned == 0:
        raise ValidationError(
            _("No judge of this stage is free of a conflict with the organization."), field="k"
        )
    record(
        "followup.assign_evaluators",
        evaluation,
        actor=actor,
        changes={"judges": [r.judge_id for r in rows], "k": k},
    )
    integration.notify_evaluators(stage, rows)
    return rows, max(k - assigned, 0)


def active_assignments(evaluation) -> list[Assignment]:
    if evaluation.stage_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .where(
                Assignment.stage_id == evaluation.stage_id,
                Assignment.application_id == evaluation.project.application_id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
            .options(selectinload(Assignment.judge))
            .order_by(Assignment.id)
        )
    )


def submitted_sheets(evaluation) -> list[ScoreSheet]:
    if evaluation.stage_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(ScoreSheet)
            .where(
                ScoreSheet.stage_id == evaluation.stage_id,
                ScoreSheet.application_id == evaluation.project.application_id,
                ScoreSheet.status == SheetStatus.SUBMITTED,
            )
            .options(selectinload(ScoreSheet.scores), selectinload(ScoreSheet.judge))
            .order_by(ScoreSheet.id)
        )
    )


def score_from_sheets(stage, sheets) -> Decimal | None:
    """The evaluation's score: the scoring engine with the stage's method on its sheets,
    published with two decimals. None when no sheet has a total."""
    from venture.scoring import CriterionScore, ScoringError, publish_score, score_stage

    maxima = {c.id: c.max_score for c in stage.rubric.criteria}
    records = [
        CriterionScore(
            application=sheet.application_id,
            judge=sheet.judge_id,
            criterion=s.criterion_id,
            score=None if s.not_applicable else s.score,
            max=maxima.get(s.criterion_id),
        )
        for sheet in sheets
        for s in sheet.scores
    ]
    if not records:
        return None
    try:
        result = score_stage(
            records,
            stage.method.value,
            trim=stage.trim_k,
            disagreement_threshold=float(stage.disagreement_threshold),
        )
    except ScoringError as error:
        raise ValidationError(
            _("The sheets cannot be scored: %(error)s", error=str(error))
        ) from None
    entry = result.ranking.get(sheets[0].application_id)
    if entry is None or entry.exact is None:
        return None
    return publish_score(entry.exact)


# --- results --------------------------------------------------------------------------


@service
def decide_evaluation(evaluation, *, actor=None, note: str = "") -> Evaluation:
    """Compute the result from the submitted sheets: passed or failed, score and grade."""
    stage = _ready_stage(evaluation)
    if evaluation.status != EvaluationStatus.SUBMITTED:
        raise Conflict(
            _("Only an evaluation whose self-assessment is in and not yet decided can be decided.")
        )
    sheets = submitted_sheets(evaluation)
    score = score_from_sheets(stage, sheets) if sheets else None
    if score is None:
        raise ValidationError(_("No evaluator has submitted a sheet yet."))
    competition = evaluation.project.competition
    passed = rules.has_passed(score, competition.eval_pass_mark)
    evaluation.score = score
    evaluation.grade = rules.grade_for(score, competition.grade_a_min, competition.grade_b_min)
    if note:
        evaluation.note = note.strip()
    _settle(
        evaluation,
        EvaluationStatus.PASSED if passed else EvaluationStatus.FAILED,
        actor,
        {"score": score, "grade": evaluation.grade, "sheets": len(sheets)},
    )
    return evaluation


def _settle(evaluation, status: EvaluationStatus, actor, details: dict) -> None:
    project = evaluation.project
    before = evaluation.status
    evaluation.status = status
    evaluation.decided_at = utcnow()
    record(
        "followup.decide_evaluation",
        evaluation,
        actor=actor,
        changes={"status": [before, status], **details},
    )
    if status == EvaluationStatus.FAILED and project.status == ProjectStatus.ACTIVE:
        project.status = ProjectStatus.SUSPENDED
        record(
            "followup.suspend_project",
            project,
            actor=actor,
            changes={
                "status": [ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED],
                "evaluation": evaluation.kind,
            },
        )
    if status == EvaluationStatus.PASSED and evaluation.kind == EvaluationKind.FINAL:
        project.final_score = evaluation.score
        project.grade = evaluation.grade
        close_if_finished(project, actor=actor)
    notify_all(
        org_people(project.organization_id),
        "evaluation_result",
        competition_id=project.competition_id,
        link=evaluation_link(evaluation),
        project_name=project.application.project_name,
        kind_label=LABELS[evaluation.kind],
        passed=status == EvaluationStatus.PASSED,
        score=format_score(evaluation.score),
        grade=evaluation.grade,
        note=evaluation.note,
    )


def _fail_missing(evaluation, actor=None) -> None:
    evaluation.note = _(
        "No self-assessment was submitted before the deadline: the evaluation counts as failed."
    )
    _settle(evaluation, EvaluationStatus.FAILED, actor, {"reason": "missing_self_assessment"})


@service
def expire_overdue_evaluations(now: datetime | None = None, *, actor=None) -> int:
    """Fail every evaluation of an active project whose self-assessment is missing at
    the deadline (beat, or the organizer's button). Returns how many."""
    now = now or utcnow()
    overdue = db.session.scalars(
        sa.select(Evaluation)
        .join(Project, Project.id == Evaluation.project_id)
        .where(
            Evaluation.status == EvaluationStatus.OPEN,
            Evaluation.due_at <= now,
            Project.status == ProjectStatus.ACTIVE,
        )
        .order_by(Evaluation.due_at, Evaluation.id)
    ).all()
    for evaluation in overdue:
        _fail_missing(evaluation, actor)
    return len(overdue)


@service
def decide_ready_evaluations(*, actor=None) -> int:
    """Decide every evaluation whose assigned evaluators have all submitted their sheets."""
    decided = 0
    candidates = db.session.scalars(
        sa.select(Evaluation)
        .where(Evaluation.status == EvaluationStatus.SUBMITTED, Evaluation.stage_id.is_not(None))
        .order_by(Evaluation.id)
    ).all()
    for evaluation in candidates:
        if evaluation_is_complete(evaluation):
            decide_evaluation(evaluation, actor=actor)
            decided += 1
    return decided


def evaluation_is_complete(evaluation) -> bool:
    """Every active assignment has a submitted sheet (and there is at least one)."""
    assigned = {a.judge_id for a in active_assignments(evaluation)}
    if not assigned:
        return False
    submitted = {s.judge_id for s in submitted_sheets(evaluation)}
    return assigned <= submitted


@service
def decide_if_complete(stage_id: int, application_id: int) -> bool:
    """For the judging domain: call after a sheet of a mid-term/final stage is submitted."""
    evaluation = db.session.scalar(
        sa.select(Evaluation)
        .join(Project, Project.id == Evaluation.project_id)
        .where(Evaluation.stage_id == stage_id, Project.application_id == application_id)
    )
    if (
        evaluation is None
        or evaluation.status != EvaluationStatus.SUBMITTED
        or not evaluation_is_complete(evaluation)
    ):
        return False
    decide_evaluation(evaluation)
    return True
