"""The stage's tie-break chain (``Stage.tie_breaks``) as engine ``TieBreak``s.

Equal published scores are separated by the links of the chain, in order:

* ``{"kind": "stage", "stage": "online_review"}``: higher published score in that stage
  (its latest snapshot);
* ``{"kind": "criterion", "name": "需求分析"}``: higher average score on that criterion
  (n/a left out) in the stage being ranked, or in ``"stage"`` when the link names one;
* ``{"kind": "requested_amount"}``: lower amount requested;
* ``{"kind": "submitted_at"}``: earlier first submission.

An application without a value (no score in the named stage, every answer n/a) comes
after those with one. Still-equal applications share their rank and are listed by
application code. Each builder reads what it needs in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _

from venture.competitions.models import RubricCriterion, Stage, StageKind
from venture.errors import ValidationError
from venture.extensions import db
from venture.judging.models import ScoreSheet, SheetScore, SheetStatus
from venture.rankings.queries import latest_stage_snapshot, snapshot_scores
from venture.scoring import TieBreak
from venture.scoring.links import Link, LinkError, stored_link


@dataclass(frozen=True)
class ChainContext:
    """What the links are evaluated on: the ranked applications by key."""

    stage: Stage  # the stage whose chain it is (and whose criteria are the default)
    app_ids: list[int]  # application id of each key
    requested_fen: list[int]
    submitted_at: object  # callable() -> first submission time of each key (read when needed)
    criterion_average: object = None  # callable(criterion_id) -> {key: float} for this stage


def build_chain(links: list, context: ChainContext) -> tuple[list[TieBreak], dict]:
    """Engine tie-breaks and what they were computed from (for the snapshot's params)."""
    tie_breaks, sources = [], {}
    for number, stored in enumerate(links or [], start=1):
        link = parsed_link(number, stored, context.stage)
        if link.kind == "requested_amount":
            tie_breaks.append(
                TieBreak(
                    dict(enumerate(context.requested_fen)),
                    descending=False,
                    name="requested_amount",
                )
            )
        elif link.kind == "submitted_at":
            values = {k: v for k, v in enumerate(context.submitted_at()) if v is not None}
            tie_breaks.append(TieBreak(values, descending=False, name="submitted_at"))
        elif link.kind == "stage":
            snapshot_id, values = _stage_scores(link, context)
            sources[link.text] = snapshot_id
            tie_breaks.append(TieBreak(values, name=link.text))
        else:  # a criterion, keyed by its name alone (as the snapshots' params have it)
            criterion_id, values = _criterion_average(link, context)
            sources[f"criterion:{link.name}"] = criterion_id
            tie_breaks.append(TieBreak(values, name=f"criterion:{link.name}"))
    return tie_breaks, sources


def parsed_link(number: int, link, stage: Stage) -> Link:
    """The chain's link ``number`` as ``stored_link`` reads it for ranking ``stage``."""
    try:
        return stored_link(link, str(stage.kind))
    except LinkError:
        raise ValidationError(
            _(
                "Tie-break %(number)s of the stage is not understood: %(link)s",
                number=number,
                link=link,
            )
        ) from None


def named_stage(competition, kind_name) -> Stage:
    try:
        kind = StageKind(kind_name)
    except ValueError:
        kind = None
    stage = competition.stage(kind) if kind else None
    if stage is None:
        raise ValidationError(
            _(
                "The tie-break names a stage that this competition does not have: %(stage)s",
                stage=kind_name,
            )
        )
    return stage


def _stage_scores(link: Link, context: ChainContext) -> tuple[int | None, dict]:
    stage = named_stage(context.stage.competition, link.name)
    snapshot_id = getattr(latest_stage_snapshot(stage), "id", None)
    scores = snapshot_scores(snapshot_id)
    return snapshot_id, {k: scores[a] for k, a in enumerate(context.app_ids) if a in scores}


def _criterion_average(link: Link, context: ChainContext) -> tuple[int, dict]:
    stage = named_stage(context.stage.competition, link.stage) if link.stage else context.stage
    criterion_id = criterion_of(stage, link.name)
    if stage.id == context.stage.id and context.criterion_average is not None:
        return criterion_id, context.criterion_average(criterion_id)
    averages = criterion_averages(stage, criterion_id)
    return criterion_id, {k: averages[a] for k, a in enumerate(context.app_ids) if a in averages}


def criterion_of(stage: Stage, name) -> int:
    criterion_id = db.session.scalar(
        sa.select(RubricCriterion.id).where(
            RubricCriterion.rubric_id == stage.rubric_id, RubricCriterion.name == name
        )
    )
    if criterion_id is None:
        raise ValidationError(
            _("The tie-break names a criterion that the rubric does not have: %(name)s", name=name)
        )
    return criterion_id


def criterion_averages(stage: Stage, criterion_id: int) -> dict:
    """Application id -> average on the criterion over the stage's submitted sheets (n/a
    left out), as ``averages_from_tenths`` computes it."""
    rows = db.session.execute(
        sa.select(
            ScoreSheet.application_id,
            sa.func.sum(SheetScore.score),
            sa.func.count(SheetScore.score),
        )
        .join(ScoreSheet, ScoreSheet.id == SheetScore.sheet_id)
        .where(
            ScoreSheet.stage_id == stage.id,
            ScoreSheet.status == SheetStatus.SUBMITTED,
            SheetScore.criterion_id == criterion_id,
        )
        .group_by(ScoreSheet.application_id)
    ).all()
    return {
        a: float(int((Decimal(str(total)) * 10).to_integral_value())) / float(count) / 10
        for a, total, count in rows
        if count
    }


def averages_from_tenths(keys: np.ndarray, tenths_column: np.ndarray, n_keys: int) -> dict:
    """Average of one criterion per key, from the loaded sheets (n/a = −1 left out)."""
    answered = tenths_column >= 0
    total = np.bincount(keys, np.where(answered, tenths_column, 0), n_keys)
    count = np.bincount(keys, answered, n_keys)
    # A float of an exact ratio: equal averages give equal floats.
    return {k: float(total[k]) / float(count[k]) / 10 for k in np.flatnonzero(count).tolist()}
