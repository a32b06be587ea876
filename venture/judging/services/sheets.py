"""Score sheets: drafts saved as the judge types (with an optimistic version), submission
with every criterion answered, the deadline, reopening by an organizer, sheet totals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from venture.accounts.models import User
from venture.applications.models import Application
from venture.audit.services import record
from venture.competitions.gates import BEFORE, CLOSED, stage_state
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import Rubric, RubricCriterion, Stage, StageKind
from venture.db import service, utcnow
from venture.errors import Conflict, DeadlinePassed, DomainError, Forbidden, ValidationError
from venture.extensions import db
from venture.forms import whole_number
from venture.judging import policies
from venture.judging.models import (
    Recommendation,
    RoadshowSession,
    RoadshowSlot,
    RoadshowStatus,
    ScoreSheet,
    SheetScore,
    SheetStatus,
    SlotStatus,
)
from venture.judging.services.common import external
from venture.notices.services import notify

HALF = Decimal("0.5")


class SheetInvalid(ValidationError):
    """Some answers are not valid (or missing, on submission): ``errors`` by field name."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(
            _("Please correct the marked answers: %(count)d problem(s).", count=len(errors))
        )


@dataclass
class Answer:
    score: Decimal | None
    not_applicable: bool
    comment: str


@dataclass
class SheetInput:
    answers: dict[int, Answer]
    overall_comment: str
    confidence: int | None
    recommendation: Recommendation | None


def _text(data: Mapping, key: str, limit: int = 5000) -> str:
    value = data.get(key)
    return ("" if value is None else str(value)).strip()[:limit]


def _truthy(value) -> bool:
    return str(value).lower() in {"1", "true", "on", "yes", "y"} if value is not None else False


def parse_score(raw: str, criterion: RubricCriterion) -> tuple[Decimal | None, str | None]:
    """A score from 0 to the criterion's maximum in steps of 0.5, or an error message."""
    raw = (raw or "").strip().replace("，", ".").replace(",", ".")
    if not raw:
        return None, None
    try:
        score = Decimal(raw)
    except InvalidOperation:
        return None, _("%(name)s: enter a number.", name=criterion.name)
    if not score.is_finite() or score < 0 or score > criterion.max_score:
        return None, _(
            "%(name)s: the score must be between 0 and %(max)s.",
            name=criterion.name,
            max=_plain(criterion.max_score),
        )
    if (score / HALF) % 1 != 0:
        return None, _("%(name)s: use steps of 0.5.", name=criterion.name)
    return score, None


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def parse_sheet(rubric: Rubric, data: Mapping) -> tuple[SheetInput, dict[str, str]]:
    errors: dict[str, str] = {}
    answers = {}
    for c in rubric.criteria:
        key = f"score-{c.id}"
        not_applicable = _truthy(data.get(f"na-{c.id}"))
        score, problem = (None, None) if not_applicable else parse_score(_text(data, key, 20), c)
        if problem:
            errors[key] = problem
        if not_applicable and not c.allow_na:
            errors[key] = _("%(name)s cannot be marked not applicable.", name=c.name)
            not_applicable = False
        answers[c.id] = Answer(score, not_applicable, _text(data, f"comment-{c.id}"))
    confidence = None
    raw = _text(data, "confidence", 5)
    if raw:
        if whole_number(raw, 1, 5) is not None:
            confidence = whole_number(raw, 1, 5)
        else:
            errors["confidence"] = _("The confidence is a whole number from 1 to 5.")
    recommendation = None
    raw = _text(data, "recommendation", 20)
    if raw:
        try:
            recommendation = Recommendation(raw)
        except ValueError:
            errors["recommendation"] = _("Choose a recommendation from the list.")
    return SheetInput(
        answers, _text(data, "overall_comment", 20000), confidence, recommendation
    ), errors


def completeness_errors(
    rubric: Rubric, sheet_input: SheetInput, *, require_opinion: bool = True
) -> dict[str, str]:
    """What a submission still lacks: every criterion, and the confidence and recommendation
    when the stage asks for them (``Stage.requires_opinion``)."""
    errors = {}
    for c in rubric.criteria:
        answer = sheet_input.answers[c.id]
        if answer.score is None and not answer.not_applicable:
            errors[f"score-{c.id}"] = (
                _("%(name)s: give a score or mark it not applicable.", name=c.name)
                if c.allow_na
                else _("%(name)s: give a score.", name=c.name)
            )
    if not require_opinion:
        return errors
    if sheet_input.confidence is None:
        errors["confidence"] = _("Say how confident you are in this assessment (1–5).")
    if sheet_input.recommendation is None:
        errors["recommendation"] = _("Give a recommendation.")
    return errors


def get_sheet(stage_id: int, application_id: int, judge_id: int) -> ScoreSheet | None:
    return db.session.scalar(
        sa.select(ScoreSheet).where(
            ScoreSheet.stage_id == stage_id,
            ScoreSheet.application_id == application_id,
            ScoreSheet.judge_id == judge_id,
        )
    )


def presenting_slot(stage: Stage, application_id: int) -> RoadshowSlot | None:
    return db.session.scalar(
        sa.select(RoadshowSlot)
        .join(RoadshowSession, RoadshowSession.id == RoadshowSlot.session_id)
        .where(
            RoadshowSession.stage_id == stage.id,
            RoadshowSession.status == RoadshowStatus.LIVE,
            RoadshowSlot.application_id == application_id,
            RoadshowSlot.status == SlotStatus.PRESENTING,
        )
    )


def editable_problem(
    judge: User, stage: Stage, application: Application, sheet: ScoreSheet | None, now=None
) -> DomainError | None:
    """Why the judge may not change this sheet now (None: they may)."""
    now = now or utcnow()
    assignment = policies.active_assignment(judge, stage.id, application.id)
    if assignment is None or policies.is_conflicted(judge, application):
        return Forbidden()
    if assignment.no_conflict_confirmed_at is None:
        return Forbidden(
            _("Confirm first that you have no conflict of interest with this application.")
        )
    if sheet is not None and sheet.is_submitted:
        return Conflict(_("This sheet has been submitted and can no longer be changed."))
    if stage.kind == StageKind.ROADSHOW:
        if presenting_slot(stage, application.id) is None:
            return Conflict(
                _("This project is not being presented now; its scores can no longer change.")
            )
        return None
    reopened = sheet is not None and bool(sheet.reopened_reason)
    if reopened:
        return None
    state = stage_state(stage, user=judge, now=now)
    if state == BEFORE:
        return Conflict(_("The review has not started yet."))
    if state == CLOSED:
        return DeadlinePassed(
            _("The deadline of this stage has passed; the sheet can no longer be changed.")
        )
    return None


# Other domains react to a submitted sheet in the same transaction (e.g. the follow-up
# decides an evaluation once its last evaluator's sheet is in).
SHEET_SUBMITTED_HOOKS: list = []


@dataclass
class SavedSheet:
    """A saved sheet and the answers that were not stored (field name -> message): a
    draft keeps every valid answer and leaves an invalid one as it was."""

    sheet: ScoreSheet
    invalid: dict[str, str]


def _stale() -> Conflict:
    return Conflict(
        _("This sheet was changed in another window or device. Reload to see the latest version.")
    )


@service
def save_sheet(
    judge: User,
    stage: Stage,
    application: Application,
    data: Mapping,
    *,
    version: int,
    submit: bool = False,
) -> SavedSheet:
    """Save the judge's answers as a draft, or submit them (every criterion answered).

    ``version`` is the sheet version the judge edited (0 for a sheet not started):
    a stale one is refused so two tabs cannot overwrite each other, also when both
    arrive at the same moment (the version moves by a conditional UPDATE; a second
    first save meets the unique constraint). A draft stores every valid answer and
    reports the invalid ones (typed work is never thrown away for one bad value); a
    submission is all or nothing. Drafts are not audited one by one (autosave writes
    every few seconds); creation, submission and reopening are.
    """
    sheet = get_sheet(stage.id, application.id, judge.id)
    ensure_unlocked(
        stage.competition,
        action="judging.sheet_save",
        object_type="score_sheet",
        object_id=sheet.id if sheet else f"{stage.id}:{application.id}:{judge.id}",
        actor=judge,
        stage_kind=stage.kind,
    )
    problem = editable_problem(judge, stage, application, sheet)
    if problem is not None:
        raise problem
    current = sheet.version if sheet is not None else 0
    if version != current:
        raise _stale()
    rubric = sheet.rubric if sheet is not None else stage.rubric
    if rubric is None:
        raise DomainError(_("This stage has no rubric yet."))
    sheet_input, errors = parse_sheet(rubric, data)
    if submit:
        errors = {
            **completeness_errors(rubric, sheet_input, require_opinion=stage.requires_opinion),
            **errors,
        }
        if errors:
            raise SheetInvalid(errors)
    if sheet is None:
        sheet = _create(stage, application, judge, rubric)
        if not submit:  # a sheet submitted at once is recorded once, as submitted
            record(
                "judging.sheet_start",
                sheet,
                actor=judge,
                changes={"application_id": application.id, "stage_id": stage.id},
            )
    else:
        _bump_version(sheet, version)
    _apply(sheet, rubric, sheet_input, keep=set(errors))
    if submit:
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = utcnow()
        db.session.flush()
        record(
            "judging.sheet_submit",
            sheet,
            actor=judge,
            changes={
                "status": ["draft", "submitted"],
                "total": sheet_total(sheet),
                "application_id": application.id,
                "stage_id": stage.id,
                "scores": {
                    str(c.id): (
                        "n/a"
                        if sheet_input.answers[c.id].not_applicable
                        else sheet_input.answers[c.id].score
                    )
                    for c in rubric.criteria
                },
                "confidence": sheet.confidence,
                "recommendation": sheet.recommendation,
            },
        )
        for hook in SHEET_SUBMITTED_HOOKS:
            hook(sheet)
    return SavedSheet(sheet, errors)


def _create(stage: Stage, application: Application, judge: User, rubric: Rubric) -> ScoreSheet:
    """The judge's first save of this sheet. Two first saves at once (a double tap, two
    tabs) both found no sheet: the second insert meets the unique constraint and is
    refused like any stale version, not as a server error."""
    # scores=[]: a new sheet has none to load
    sheet = ScoreSheet(
        stage_id=stage.id,
        application_id=application.id,
        judge_id=judge.id,
        rubric_id=rubric.id,
        status=SheetStatus.DRAFT,
        version=1,
        scores=[],
    )
    db.session.flush()  # the caller's changes first: only the sheet is in the savepoint
    try:
        with db.session.begin_nested():
            db.session.add(sheet)
    except IntegrityError:
        if get_sheet(stage.id, application.id, judge.id) is None:
            raise  # another constraint: not a race
        raise _stale() from None
    return sheet


def _bump_version(sheet: ScoreSheet, expected: int) -> None:
    """Move the version on only if nobody else did since it was read (the row is locked
    until commit, so a save arriving at the same moment waits, then finds it moved)."""
    now = utcnow()
    moved = db.session.execute(
        sa.update(ScoreSheet)
        .where(ScoreSheet.id == sheet.id, ScoreSheet.version == expected)
        .values(version=expected + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise _stale()
    set_committed_value(sheet, "version", expected + 1)
    set_committed_value(sheet, "updated_at", now)


def _apply(
    sheet: ScoreSheet, rubric: Rubric, sheet_input: SheetInput, keep: set[str] = frozenset()
) -> None:
    """Write the answers; a field named in ``keep`` (its answer was not valid) keeps its
    stored value."""
    by_criterion = {s.criterion_id: s for s in sheet.scores}
    for c in rubric.criteria:
        answer = sheet_input.answers[c.id]
        row = by_criterion.get(c.id)
        if row is None:
            row = SheetScore(criterion_id=c.id, not_applicable=False)
            sheet.scores.append(row)
        if f"score-{c.id}" not in keep:
            row.score = None if answer.not_applicable else answer.score
            row.not_applicable = answer.not_applicable
        row.comment = answer.comment
    sheet.overall_comment = sheet_input.overall_comment
    if "confidence" not in keep:
        sheet.confidence = sheet_input.confidence
    if "recommendation" not in keep:
        sheet.recommendation = sheet_input.recommendation


@service
def reopen_sheet(sheet: ScoreSheet, reason: str, actor: User) -> ScoreSheet:
    """An organizer reopens one submitted sheet (also after the deadline), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for reopening the sheet."), field="reason")
    ensure_unlocked(
        sheet.stage.competition,
        action="judging.sheet_reopen",
        object_type="score_sheet",
        object_id=sheet.id,
        actor=actor,
        stage_kind=sheet.stage.kind,
    )
    if not sheet.is_submitted:
        raise Conflict(_("Only a submitted sheet can be reopened."))
    sheet.status = SheetStatus.DRAFT
    sheet.submitted_at = None
    sheet.reopened_reason = reason
    sheet.version += 1
    record(
        "judging.sheet_reopen",
        sheet,
        actor=actor,
        changes={"status": ["submitted", "draft"], "reason": reason},
    )
    notify(
        sheet.judge,
        "sheet_reopened",
        competition_id=sheet.stage.competition_id,
        link=external(
            "judging.sheet", stage_id=sheet.stage_id, application_id=sheet.application_id
        ),
        application=sheet.application.display_code,
        reason=reason,
        stage=sheet.stage,
        competition=sheet.stage.competition,
    )
    return sheet


# --- totals ---------------------------------------------------------------------------------


def rescale(answered_sum: Decimal, answered_max: Decimal, total_max: Decimal) -> Decimal:
    """A sheet total: answered scores rescaled to the whole rubric when some are n/a."""
    if answered_max == total_max:
        return answered_sum
    return (answered_sum * total_max / answered_max).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def sheet_total(sheet: ScoreSheet) -> Decimal | None:
    maxima = {c.id: c.max_score for c in sheet.rubric.criteria}
    answered = [
        (s.score, maxima[s.criterion_id])
        for s in sheet.scores
        if not s.not_applicable and s.score is not None and s.criterion_id in maxima
    ]
    if not answered:
        return None
    return rescale(
        sum((s for s, _m in answered), Decimal(0)),
        sum((m for _s, m in answered), Decimal(0)),
        sum(maxima.values(), Decimal(0)),
    )


@dataclass(frozen=True)
class SheetTotal:
    sheet_id: int
    application_id: int
    judge_id: int
    total: Decimal


def stage_sheet_totals(
    stage: Stage, *, application_ids=None, submitted_only: bool = True
) -> list[SheetTotal]:
    """Totals of the stage's sheets in two queries (n/a answers rescaled, never 0)."""
    answered = sa.and_(SheetScore.not_applicable.is_(False), SheetScore.score.is_not(None))
    query = (
        sa.select(
            ScoreSheet.id,
            ScoreSheet.application_id,
            ScoreSheet.judge_id,
            ScoreSheet.rubric_id,
            sa.func.sum(sa.case((answered, SheetScore.score), else_=0)),
            sa.func.sum(sa.case((answered, RubricCriterion.max_score), else_=0)),
        )
        .join(SheetScore, SheetScore.sheet_id == ScoreSheet.id)
        .join(RubricCriterion, RubricCriterion.id == SheetScore.criterion_id)
        .where(ScoreSheet.stage_id == stage.id)
        .group_by(
            ScoreSheet.id, ScoreSheet.application_id, ScoreSheet.judge_id, ScoreSheet.rubric_id
        )
        .order_by(ScoreSheet.application_id, ScoreSheet.judge_id)
    )
    if submitted_only:
        query = query.where(ScoreSheet.status == SheetStatus.SUBMITTED)
    if application_ids is not None:
        query = query.where(ScoreSheet.application_id.in_(list(application_ids)))
    rows = db.session.execute(query).all()
    rubric_max = dict(
        db.session.execute(
            sa.select(RubricCriterion.rubric_id, sa.func.sum(RubricCriterion.max_score))
            .where(RubricCriterion.rubric_id.in_({r[3] for r in rows} or {0}))
            .group_by(RubricCriterion.rubric_id)
        ).all()
    )
    out = []
    for sheet_id, app_id, judge_id, rubric_id, answered_sum, answered_max in rows:
        if not answered_max:
            continue
        total = rescale(
            Decimal(answered_sum), Decimal(answered_max), Decimal(rubric_max[rubric_id])
        )
        out.append(SheetTotal(sheet_id, app_id, judge_id, total))
    return out


def mean_totals(stage: Stage) -> dict[int, Decimal]:
    """Mean submitted sheet total per application (for the default shortlist)."""
    sums: dict[int, list[Decimal]] = {}
    for row in stage_sheet_totals(stage):
        sums.setdefault(row.application_id, []).append(row.total)
    return {a: sum(v, Decimal(0)) / len(v) for a, v in sums.items()}
