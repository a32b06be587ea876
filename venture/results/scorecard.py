"""An application's score card: per scoring stage, the mean of each criterion over the
submitted sheets (n/a left out) and the judges' comments — never who the judges are.

Judges appear under anonymous labels (Expert A, B, C…) in an order that is stable for
the application and stage but not the order of judges or sheets (a keyed hash of the
judge decides it). The comments and the sheet totals use the same letters, so an
applicant can match a comment to its total.

Once final results exist, each stage they combined also shows what its snapshot stored:
every sheet total, which the trimmed mean dropped, the calibrated totals (z-score or
bias methods) and the arithmetic to the published stage score (``rankings.explain``).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from venture.competitions.labels import stage_label
from venture.competitions.models import RubricCriterion, StageKind
from venture.extensions import db
from venture.judging.models import ScoreSheet, SheetScore, SheetStatus
from venture.rankings import explain
from venture.rankings.explain import SnapshotFigures, arithmetic, number
from venture.rankings.labels import method_help, method_label
from venture.rankings.models import SnapshotEntry, SnapshotKind

TWO = Decimal("0.01")


@dataclass
class CriterionAverage:
    name: str
    max_score: Decimal
    mean: Decimal | None  # None when every judge answered "not applicable"
    answers: int


@dataclass
class ExpertComments:
    letter: str
    overall: str
    by_criterion: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.overall and not self.by_criterion


@dataclass
class SheetTotal:
    """One sheet as the stage snapshot used it; the judge only as a letter."""

    letter: str
    total: str
    dropped: bool  # by the trimmed mean
    calibrated: str | None  # z-score or bias-adjusted total, where the method calibrates


@dataclass
class StageResult:
    """The stage snapshot's figures for the application: sheets to published score."""

    method: str
    label: str
    help: str
    score: str | None  # the published stage score (two decimals)
    sheets: list[SheetTotal]
    arithmetic: str

    @property
    def trims(self) -> bool:
        return self.method == "trimmed"

    @property
    def calibrates(self) -> bool:
        return self.method in ("zscore", "bias")


@dataclass
class StageCard:
    kind: StageKind
    name: str
    sheets: int
    criteria: list[CriterionAverage]
    experts: list[ExpertComments]
    result: StageResult | None = None


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal("0")) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)


def letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA …"""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _anonymous_key(application_id: int, stage_id: int, judge_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(
        key, f"scorecard:{application_id}:{stage_id}:{judge_id}".encode(), hashlib.sha256
    ).hexdigest()


def expert_letters(application_id: int, stage_id: int, judge_ids) -> dict[int, str]:
    """judge id -> letter, the one ordering of a stage's judges for the application."""
    ordered = sorted(set(judge_ids), key=lambda j: _anonymous_key(application_id, stage_id, j))
    return {judge: letters(i) for i, judge in enumerate(ordered)}


def scorecard(application, final_snapshot=None) -> list[StageCard]:
    """The stage cards; with ``final_snapshot`` (the published results' FINAL snapshot),
    each stage it combined also carries its figures (``StageCard.result``)."""
    sheets = list(
        db.session.scalars(
            sa.select(ScoreSheet)
            .where(
                ScoreSheet.application_id == application.id,
                ScoreSheet.status == SheetStatus.SUBMITTED,
            )
            .options(
                selectinload(ScoreSheet.stage),
                selectinload(ScoreSheet.scores).joinedload(SheetScore.criterion),
                selectinload(ScoreSheet.rubric),
            )
        )
    )
    by_stage: dict[int, list[ScoreSheet]] = {}
    stages = {}
    for sheet in sheets:
        by_stage.setdefault(sheet.stage_id, []).append(sheet)
        stages[sheet.stage_id] = sheet.stage
    entries = {e.snapshot.stage_id: e for e in source_entries(final_snapshot, application.id)}
    for stage_id, entry in entries.items():
        stages.setdefault(stage_id, entry.snapshot.stage)
    criteria_of = _criteria({s.rubric_id for s in sheets})
    return [
        _stage_card(
            application.id, stage, by_stage.get(stage.id, []), criteria_of, entries.get(stage.id)
        )
        for stage in sorted(stages.values(), key=lambda s: s.position)
    ]


def source_entries(final_snapshot, application_id: int) -> list[SnapshotEntry]:
    """The application's entries in the stage snapshots the final results combined."""
    if final_snapshot is None or final_snapshot.kind != SnapshotKind.FINAL:
        return []
    from venture.rankings.queries import source_entries as entries_of

    return [
        e for e in entries_of(final_snapshot, application_id) if e.snapshot.stage_id is not None
    ]


def final_arithmetic(final_snapshot, application_id: int) -> str:
    """weight × stage score + … = exact → final score, from the FINAL snapshot's entry."""
    if final_snapshot is None or final_snapshot.kind != SnapshotKind.FINAL:
        return ""
    entry = db.session.scalar(
        sa.select(SnapshotEntry).where(
            SnapshotEntry.snapshot_id == final_snapshot.id,
            SnapshotEntry.application_id == application_id,
        )
    )
    return explain.final_arithmetic(entry)


def _criteria(rubric_ids: set[int]) -> dict[int, list[RubricCriterion]]:
    found: dict[int, list[RubricCriterion]] = {}
    if rubric_ids:
        for c in db.session.scalars(
            sa.select(RubricCriterion)
            .where(RubricCriterion.rubric_id.in_(rubric_ids))
            .order_by(RubricCriterion.position)
        ):
            found.setdefault(c.rubric_id, []).append(c)
    return found


def _stage_card(
    application_id: int,
    stage,
    sheets: list[ScoreSheet],
    criteria_of: dict[int, list[RubricCriterion]],
    entry: SnapshotEntry | None,
) -> StageCard:
    values: dict[int, list[Decimal]] = {}
    for sheet in sheets:
        for score in sheet.scores:
            if score.not_applicable or score.score is None:
                continue
            values.setdefault(score.criterion_id, []).append(Decimal(score.score))
    criteria: list[CriterionAverage] = []
    seen: set[int] = set()
    for rubric_id in dict.fromkeys(s.rubric_id for s in sheets):
        for c in criteria_of.get(rubric_id, []):
            if c.id in seen:
                continue
            seen.add(c.id)
            answers = values.get(c.id, [])
            criteria.append(CriterionAverage(c.name, c.max_score, _mean(answers), len(answers)))
    snapshot_judges = list((entry.details or {}).get("judges") or []) if entry is not None else []
    letter_of = expert_letters(
        application_id, stage.id, [s.judge_id for s in sheets] + snapshot_judges
    )
    experts = []
    for sheet in sorted(sheets, key=lambda s: (len(letter_of[s.judge_id]), letter_of[s.judge_id])):
        by_criterion = [
            (s.criterion.name, s.comment.strip())
            for s in sorted(sheet.scores, key=lambda s: s.criterion.position)
            if s.comment.strip()
        ]
        experts.append(
            ExpertComments(letter_of[sheet.judge_id], sheet.overall_comment.strip(), by_criterion)
        )
    return StageCard(
        kind=stage.kind,
        name=stage_label(stage.kind),
        sheets=len(sheets),
        criteria=criteria,
        experts=experts,
        result=_stage_result(entry, letter_of) if entry is not None else None,
    )


def _stage_result(entry: SnapshotEntry, letter_of: dict[int, str]) -> StageResult:
    """The snapshot's sheets and arithmetic, with the judges passed in only as "Expert X"."""
    snapshot = entry.snapshot
    names = {judge: _("Expert %(letter)s", letter=letter) for judge, letter in letter_of.items()}
    figures = SnapshotFigures(snapshot, names)
    method = snapshot.method
    score = f"{entry.score:.2f}" if entry.score is not None else None
    lines = figures.sheets(entry)
    sheets = []
    for line in lines:
        calibrated = (
            line.zscore if method == "zscore" else line.bias_adjusted if method == "bias" else None
        )
        sheets.append(
            SheetTotal(
                letter_of[line.judge_id],
                number(line.total),
                line.dropped,
                number(calibrated) or None,
            )
        )
    return StageResult(
        method,
        method_label(method),
        method_help(method, figures.trim),
        score,
        sheets,
        arithmetic(method, lines, score),
    )
