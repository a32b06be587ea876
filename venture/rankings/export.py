"""A stage's submitted sheets in exactly the ``venture rank`` SHEETS format.

Columns ``application,judge,criterion,score,max``; one row per criterion score;
``application`` is the application code, ``judge`` a stable pseudonym (J01, J02, … in
the order of the judges' user ids: the same judges get the same labels in every export
of the stage), ``criterion`` the criterion's name, ``score`` one decimal or ``NA`` for
"not applicable", ``max`` the criterion's maximum. Rows are sorted by application code,
judge label and criterion position. ``venture rank export.csv --method M --trim K``
reproduces the stage's overall ranking and scores (the entries' ``overall_rank``).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import sqlalchemy as sa

from venture.applications.models import Application
from venture.competitions.models import RubricCriterion, Stage
from venture.extensions import db
from venture.judging.models import ScoreSheet, SheetScore, SheetStatus

HEADER = ("application", "judge", "criterion", "score", "max")
TENTH = Decimal("0.1")


def judge_labels(judge_ids) -> dict[int, str]:
    """Stable pseudonyms: J01, J02, … by user id (wider when there are 100 or more)."""
    ordered = sorted(set(judge_ids))
    width = max(2, len(str(len(ordered))))
    return {judge: f"J{n:0{width}d}" for n, judge in enumerate(ordered, start=1)}


def sheets_csv(stage: Stage) -> str:
    rows = db.session.execute(
        sa.select(Application.code, Application.id, ScoreSheet.judge_id, RubricCriterion.position,
                  RubricCriterion.id, RubricCriterion.name, SheetScore.score, RubricCriterion.max_score)
        .join(ScoreSheet, ScoreSheet.id == SheetScore.sheet_id)
        .join(Application, Application.id == ScoreSheet.application_id)
        .join(RubricCriterion, RubricCriterion.id == SheetScore.criterion_id)
        .where(ScoreSheet.stage_id == stage.id, ScoreSheet.status == SheetStatus.SUBMITTED)).all()
    labels = judge_labels(row[2] for row in rows)
    rows.sort(key=lambda r: (r[0] or f"#{r[1]}", labels[r[2]], r[3], r[4]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for code, app_id, judge, _position, _cid, name, score, maximum in rows:
        writer.writerow((safe_cell(code or f"#{app_id}"), labels[judge], safe_cell(name),
                         "NA" if score is None else _tenths(score), _tenths(maximum)))
    return buffer.getvalue()


def _tenths(value) -> str:
    return str(Decimal(str(value)).quantize(TENTH))


def safe_cell(text: str) -> str:
    """A text cell never starts a spreadsheet formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
