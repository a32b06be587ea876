"""An application's score card: per scoring stage, the mean of each criterion over the
submitted sheets (n/a left out) and the judges' comments — never who the judges are.

Comments are listed under anonymous labels (Expert A, B, C…) in an order that is stable
for the application but not the order of judges or sheets (a keyed hash decides it)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from venture.competitions.models import RubricCriterion, StageKind
from venture.extensions import db
from venture.judging.models import ScoreSheet, SheetScore, SheetStatus

STAGE_NAMES = {
    StageKind.ONLINE_REVIEW: _l("Online expert review"),
    StageKind.ROADSHOW: _l("Roadshow"),
    StageKind.MIDTERM: _l("Mid-term evaluation"),
    StageKind.FINAL: _l("Final evaluation"),
}
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
class StageCard:
    kind: StageKind
    name: str
    sheets: int
    criteria: list[CriterionAverage]
    mean_total: Decimal | None
    experts: list[ExpertComments]


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


def _anonymous_order(sheet: ScoreSheet) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"scorecard:{sheet.application_id}:{sheet.stage_id}:{sheet.id}".encode(),
                    hashlib.sha256).hexdigest()


def scorecard(application) -> list[StageCard]:
    sheets = list(db.session.scalars(
        sa.select(ScoreSheet)
        .where(ScoreSheet.application_id == application.id, ScoreSheet.status == SheetStatus.SUBMITTED)
        .options(selectinload(ScoreSheet.stage),
                 selectinload(ScoreSheet.scores).joinedload(SheetScore.criterion),
                 selectinload(ScoreSheet.rubric))))
    by_stage: dict[int, list[ScoreSheet]] = {}
    for sheet in sheets:
        by_stage.setdefault(sheet.stage_id, []).append(sheet)
    criteria_of = _criteria({s.rubric_id for s in sheets})
    cards = []
    for stage_sheets in sorted(by_stage.values(), key=lambda group: group[0].stage.position):
        cards.append(_stage_card(stage_sheets, criteria_of))
    return cards


def _criteria(rubric_ids: set[int]) -> dict[int, list[RubricCriterion]]:
    found: dict[int, list[RubricCriterion]] = {}
    if rubric_ids:
        for c in db.session.scalars(sa.select(RubricCriterion).where(RubricCriterion.rubric_id.in_(rubric_ids))
                                    .order_by(RubricCriterion.position)):
            found.setdefault(c.rubric_id, []).append(c)
    return found


def _stage_card(sheets: list[ScoreSheet], criteria_of: dict[int, list[RubricCriterion]]) -> StageCard:
    stage = sheets[0].stage
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
    experts = []
    for i, sheet in enumerate(sorted(sheets, key=_anonymous_order)):
        by_criterion = [(s.criterion.name, s.comment.strip())
                        for s in sorted(sheet.scores, key=lambda s: s.criterion.position) if s.comment.strip()]
        experts.append(ExpertComments(letters(i), sheet.overall_comment.strip(), by_criterion))
    means = [c.mean for c in criteria if c.mean is not None]
    # The total of the averages: an n/a answer is left out, never counted as 0.
    total = sum(means, Decimal("0")).quantize(TWO) if means else None
    return StageCard(kind=stage.kind, name=str(STAGE_NAMES.get(stage.kind, stage.kind.value)), sheets=len(sheets),
                     criteria=criteria, mean_total=total, experts=experts)
