"""A stage's submitted sheets in exactly the ``venture rank`` SHEETS format.

Columns ``application,judge,criterion,score,max``; one row per criterion score;
``application`` is the application code, ``judge`` a stable pseudonym (J01, J02, … in
the order of the judges' user ids: the same judges get the same labels in every export
of the stage), ``criterion`` the criterion's name, ``score`` one decimal or ``NA`` for
"not applicable", ``max`` the criterion's maximum. Rows are sorted by application code,
judge label and criterion position.

The tie-break chain travels with the sheets: the chain of the stage's latest snapshot
(the stage's own before the first) as ``venture rank --tie-break LINK`` links, and one
``tie:LINK`` column per link whose values are not in the sheets (``scoring.links``),
filled on every row of the application: the amount requested (元, two decimals), the
first submission (ISO 8601, UTC), another stage's published score from the snapshot the
ranking read, another stage's criterion average (as the float the ranking compared).
``reproduce_command(stage)`` is the command line that reproduces the stage's overall
ranking and scores (the entries' ``overall_rank``) from this file.
"""

from __future__ import annotations

import csv
import io
import shlex
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from venture.applications.models import Application
from venture.competitions.models import RubricCriterion, Stage
from venture.extensions import db
from venture.judging.models import ScoreSheet, SheetScore, SheetStatus
from venture.rankings import tiebreaks
from venture.rankings.queries import latest_stage_snapshot, snapshot_scores
from venture.reports.xlsx import safe_cell
from venture.scoring.links import Link, stored_link

HEADER = ("application", "judge", "criterion", "score", "max")
TENTH = Decimal("0.1")


def judge_labels(judge_ids) -> dict[int, str]:
    """Stable pseudonyms: J01, J02, ... in the order of the judges' user ids (the same judge
    keeps its label in every export of the stage); wider from 100 judges on."""
    ordered = sorted(set(judge_ids))
    width = max(2, len(str(len(ordered))))
    return {judge: f"J{n:0{width}d}" for n, judge in enumerate(ordered, start=1)}


def rank_rows(stage: Stage) -> tuple[tuple[str, ...], list[tuple]]:
    """The ``tie:LINK`` column names of the stage's tie-break chain, and the rows (application
    code, judge pseudonym, criterion, score or None for n/a, max, the chain's cells), sorted."""
    rows = db.session.execute(
        sa.select(
            Application.code,
            Application.id,
            ScoreSheet.judge_id,
            RubricCriterion.position,
            RubricCriterion.id,
            RubricCriterion.name,
            SheetScore.score,
            SheetScore.not_applicable,
            RubricCriterion.max_score,
        )
        .join(ScoreSheet, ScoreSheet.id == SheetScore.sheet_id)
        .join(Application, Application.id == ScoreSheet.application_id)
        .join(RubricCriterion, RubricCriterion.id == SheetScore.criterion_id)
        .where(ScoreSheet.stage_id == stage.id, ScoreSheet.status == SheetStatus.SUBMITTED)
    ).all()
    labels = judge_labels(r[2] for r in rows)
    rows.sort(key=lambda r: (r[0] or f"#{r[1]}", labels[r[2]], r[3], r[4]))
    ties = tie_columns(stage, {r[1] for r in rows})
    return ties.names, [
        (
            code or f"#{app_id}",
            labels[judge],
            name,
            None if na or score is None else score,
            maximum,
            ties.row(app_id),
        )
        for code, app_id, judge, _position, _cid, name, score, na, maximum in rows
    ]


def rows_csv(tie_names, rows) -> str:
    """The ``venture rank`` CSV of :func:`rank_rows`' result."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER + tuple(safe_cell(name) for name in tie_names))
    for code, judge, criterion, score, maximum, cells in rows:
        writer.writerow(
            (
                safe_cell(code),
                judge,
                safe_cell(criterion),
                "NA" if score is None else _tenths(score),
                _tenths(maximum),
                *cells,
            )
        )
    return buffer.getvalue()


def sheets_csv(stage: Stage) -> str:
    return rows_csv(*rank_rows(stage))


# --- the tie-break chain --------------------------------------------------------------------


@dataclass(frozen=True)
class TieColumns:
    links: list[Link]  # the whole chain, as command-line links
    columns: list[tuple[str, dict]]  # (tie:LINK, application id -> cell) of the links that need one

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _values in self.columns)

    def row(self, app_id: int) -> list[str]:
        return [values.get(app_id, "") for _name, values in self.columns]


def chain_of(stage: Stage) -> tuple[list, dict]:
    """The chain of the stage's latest snapshot and the snapshots it read (the stage's
    own chain, read now, before the first snapshot)."""
    snapshot = latest_stage_snapshot(stage)
    if snapshot is None:
        return list(stage.tie_breaks or []), {}
    params = snapshot.params or {}
    return list(params.get("tie_breaks") or []), dict(params.get("tie_break_sources") or {})


def tie_columns(stage: Stage, app_ids: set[int]) -> TieColumns:
    chain, sources = chain_of(stage)
    links, columns = [], []
    for number, link in enumerate(chain, start=1):
        cli_link = tiebreaks.parsed_link(number, link, stage)
        links.append(cli_link)
        if cli_link.column is not None:
            columns.append((cli_link.column, _link_cells(stage, cli_link, sources, app_ids)))
    return TieColumns(links, columns)


def _link_cells(stage: Stage, cli_link: Link, sources: dict, app_ids: set[int]) -> dict:
    if cli_link.kind == "requested_amount":
        rows = db.session.execute(
            sa.select(Application.id, Application.requested_fen).where(Application.id.in_(app_ids))
        ).all()
        return {a: str(Decimal(fen).scaleb(-2)) for a, fen in rows}
    if cli_link.kind == "submitted_at":
        rows = db.session.execute(
            sa.select(Application.id, Application.submitted_at).where(Application.id.in_(app_ids))
        ).all()
        return {a: at.isoformat(timespec="microseconds") for a, at in rows if at is not None}
    if cli_link.kind == "stage":
        other = tiebreaks.named_stage(stage.competition, cli_link.name)
        key = cli_link.text  # stage:KIND, as the snapshot's params name its source
        snapshot_id = (
            sources[key] if key in sources else getattr(latest_stage_snapshot(other), "id", None)
        )
        return {a: format(score, "f") for a, score in snapshot_scores(snapshot_id).items()}
    other = tiebreaks.named_stage(stage.competition, cli_link.stage)
    averages = tiebreaks.criterion_averages(other, tiebreaks.criterion_of(other, cli_link.name))
    return {a: repr(value) for a, value in averages.items()}


def reproduce_command(stage: Stage, file_name: str = "sheets.csv") -> str | None:
    """``venture rank FILE --method M [--trim K] [--tie-break LINK ...] --format csv``
    for the stage's latest snapshot; None before the first."""
    snapshot = latest_stage_snapshot(stage)
    return command_line(snapshot, file_name) if snapshot is not None else None


def command_line(snapshot, file_name: str = "sheets.csv") -> str:
    """The command that recomputes a stage snapshot's overall ranking from its sheets export."""
    params = snapshot.params or {}
    words = ["venture", "rank", file_name, "--method", snapshot.method]
    if snapshot.method == "trimmed":
        words += ["--trim", str(params.get("trim", 1))]
    kind = str(snapshot.stage.kind) if snapshot.stage is not None else ""
    for link in params.get("tie_breaks") or []:
        words += ["--tie-break", stored_link(link, kind).text]
    return shlex.join([*words, "--format", "csv"])


def _tenths(value) -> str:
    return str(Decimal(str(value)).quantize(TENTH))
