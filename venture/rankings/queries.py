"""What the rankings pages read. Each function runs a fixed number of queries,
whatever the number of applications."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from venture.accounts.models import User
from venture.applications.models import Application
from venture.competitions.models import Competition, Stage
from venture.errors import NotFound
from venture.extensions import db
from venture.judging.models import ScoreSheet, SheetScore, SheetStatus
from venture.rankings.explain import SnapshotFigures, severity_points
from venture.rankings.models import FundingOutcome, ResultSnapshot, SnapshotEntry, SnapshotKind
from venture.rankings.svg import severity_bar
from venture.scoring.ranking import category_ranks

PER_PAGE = 100
NO_CATEGORY = "none"


def get_snapshot(snapshot_id: int) -> ResultSnapshot:
    snapshot = db.session.get(
        ResultSnapshot,
        snapshot_id,
        options=[
            joinedload(ResultSnapshot.stage),
            joinedload(ResultSnapshot.competition),
            joinedload(ResultSnapshot.created_by),
        ],
    )
    if snapshot is None:
        raise NotFound()
    return snapshot


def get_stage(stage_id: int) -> Stage:
    stage = db.session.get(Stage, stage_id, options=[joinedload(Stage.competition)])
    if stage is None:
        raise NotFound()
    return stage


def get_competition(competition_id: int) -> Competition:
    competition = db.session.get(
        Competition,
        competition_id,
        options=[selectinload(Competition.stages), selectinload(Competition.categories)],
    )
    if competition is None:
        raise NotFound()
    return competition


# --- overview ------------------------------------------------------------------------------


# The one order of "latest": newest computation first, the later row on equal times.
NEWEST_FIRST = (ResultSnapshot.created_at.desc(), ResultSnapshot.id.desc())


def latest_stage_snapshot(stage: Stage) -> ResultSnapshot | None:
    """The stage's most recent snapshot (None before the first computation)."""
    return db.session.scalar(
        sa.select(ResultSnapshot)
        .where(ResultSnapshot.stage_id == stage.id, ResultSnapshot.kind == SnapshotKind.STAGE)
        .order_by(*NEWEST_FIRST)
        .limit(1)
    )


def latest_final_snapshot(competition: Competition) -> ResultSnapshot | None:
    """The competition's most recent FINAL snapshot (None before the first)."""
    return db.session.scalar(
        sa.select(ResultSnapshot)
        .where(
            ResultSnapshot.competition_id == competition.id,
            ResultSnapshot.kind == SnapshotKind.FINAL,
        )
        .order_by(*NEWEST_FIRST)
        .limit(1)
    )


def shortlist(stage: Stage) -> list[int]:
    """Application ids that the stage's latest snapshot advanced, in ranking order."""
    snapshot = latest_stage_snapshot(stage)
    if snapshot is None:
        return []
    return list(
        db.session.scalars(
            sa.select(SnapshotEntry.application_id)
            .where(SnapshotEntry.snapshot_id == snapshot.id, SnapshotEntry.advanced.is_(True))
            .order_by(SnapshotEntry.position)
        )
    )


def snapshot_scores(snapshot_id: int | None) -> dict:
    """Application id -> published score in that snapshot (those with one)."""
    if snapshot_id is None:
        return {}
    return dict(
        db.session.execute(
            sa.select(SnapshotEntry.application_id, SnapshotEntry.score).where(
                SnapshotEntry.snapshot_id == snapshot_id, SnapshotEntry.score.is_not(None)
            )
        ).all()
    )


def latest_by_stage(competition_ids: list[int]) -> dict[int, ResultSnapshot]:
    """The latest stage snapshot of every stage of these competitions (one query)."""
    if not competition_ids:
        return {}
    place = (
        sa.func.row_number()
        .over(partition_by=ResultSnapshot.stage_id, order_by=NEWEST_FIRST)
        .label("place")
    )
    ranked = (
        sa.select(ResultSnapshot.id, place)
        .where(
            ResultSnapshot.competition_id.in_(competition_ids),
            ResultSnapshot.kind == SnapshotKind.STAGE,
        )
        .subquery()
    )
    newest = sa.select(ranked.c.id).where(ranked.c.place == 1)
    snapshots = db.session.scalars(sa.select(ResultSnapshot).where(ResultSnapshot.id.in_(newest)))
    return {s.stage_id: s for s in snapshots}


def competitions() -> list[Competition]:
    return list(
        db.session.scalars(
            sa.select(Competition)
            .options(selectinload(Competition.stages))
            .order_by(Competition.year.desc(), Competition.id.desc())
        )
    )


def sheet_counts(stage_ids: list[int]) -> dict[int, int]:
    if not stage_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(ScoreSheet.stage_id, sa.func.count(ScoreSheet.id))
            .where(ScoreSheet.stage_id.in_(stage_ids), ScoreSheet.status == SheetStatus.SUBMITTED)
            .group_by(ScoreSheet.stage_id)
        ).all()
    )


# --- a snapshot's ranking ------------------------------------------------------------------


@dataclass
class CategoryTab:
    key: str  # category id as text, or "none"
    name: str
    count: int
    budget_fen: int | None = None
    remaining_fen: int | None = None
    funded: int | None = None


def category_tabs(snapshot: ResultSnapshot) -> list[CategoryTab]:
    counts = dict(
        db.session.execute(
            sa.select(SnapshotEntry.category_id, sa.func.count(SnapshotEntry.id))
            .where(SnapshotEntry.snapshot_id == snapshot.id)
            .group_by(SnapshotEntry.category_id)
        ).all()
    )
    diagnostics = snapshot.diagnostics or {}
    budgets, remaining, funded = (
        diagnostics.get("budgets") or {},
        diagnostics.get("remaining") or {},
        diagnostics.get("funded") or {},
    )
    tabs = []
    for category in snapshot.competition.categories:
        if category.id in counts:
            key = str(category.id)
            tabs.append(
                CategoryTab(
                    key,
                    category.name,
                    counts[category.id],
                    (budgets.get(key) or [None])[0],
                    remaining.get(key),
                    funded.get(key),
                )
            )
    if None in counts:
        from flask_babel import gettext as _

        tabs.append(CategoryTab(NO_CATEGORY, _("No category"), counts[None]))
    return tabs


def _category_filter(category_key: str):
    if category_key == NO_CATEGORY:
        return SnapshotEntry.category_id.is_(None)
    return SnapshotEntry.category_id == int(category_key)


def ranking_page(snapshot: ResultSnapshot, category_key: str, page: int):
    query = (
        sa.select(SnapshotEntry)
        .options(joinedload(SnapshotEntry.application))
        .where(SnapshotEntry.snapshot_id == snapshot.id, _category_filter(category_key))
        .order_by(SnapshotEntry.position)
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def funding_line_after(snapshot: ResultSnapshot, category_key: str) -> int | None:
    """Position of the category's last funded entry: the line is drawn below it."""
    if snapshot.kind != SnapshotKind.FINAL:
        return None
    return db.session.scalar(
        sa.select(sa.func.max(SnapshotEntry.position)).where(
            SnapshotEntry.snapshot_id == snapshot.id,
            _category_filter(category_key),
            SnapshotEntry.funding == FundingOutcome.FUNDED,
        )
    )


def applications_with_two_sheets(snapshot: ResultSnapshot) -> int:
    """How many of the snapshot's applications were scored by two judges or more (what an ICC needs)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(SnapshotEntry.id)).where(
                SnapshotEntry.snapshot_id == snapshot.id, SnapshotEntry.sheets >= 2
            )
        )
        or 0
    )


def judge_names(ids) -> dict[int, str]:
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    return {
        i: name or email
        for i, name, email in db.session.execute(
            sa.select(User.id, User.name, User.email).where(User.id.in_(ids))
        ).all()
    }


def figures(snapshot: ResultSnapshot) -> SnapshotFigures:
    judges = [j["id"] for j in (snapshot.diagnostics or {}).get("judges") or []]
    return SnapshotFigures(snapshot, judge_names(judges))


@dataclass
class JudgeRow:
    id: int
    name: str
    count: int
    mean: float
    sd: float
    severity: float | None
    bias: float | None
    unstandardised: str | None
    bar: object = field(default="")


def judge_rows(fig: SnapshotFigures) -> list[JudgeRow]:
    from flask_babel import gettext as _

    judges = list(fig.judges.values())
    scale = max((abs(j["severity"]) for j in judges if j.get("severity") is not None), default=0.0)
    rows = []
    for j in sorted(judges, key=lambda j: (j.get("severity") is None, j.get("severity") or 0)):
        name = fig.name(j["id"])
        severity = j.get("severity")
        label = _("%(name)s: severity %(value)s", name=name, value=severity_points(severity))
        rows.append(
            JudgeRow(
                j["id"],
                name,
                j["count"],
                j["mean"],
                j["sd"],
                severity,
                j.get("bias"),
                j.get("unstandardised"),
                severity_bar(severity, scale, label),
            )
        )
    return rows


def category_entries(snapshot: ResultSnapshot, category_key: str) -> list[SnapshotEntry]:
    return list(
        db.session.scalars(
            sa.select(SnapshotEntry)
            .options(joinedload(SnapshotEntry.application))
            .where(SnapshotEntry.snapshot_id == snapshot.id, _category_filter(category_key))
            .order_by(SnapshotEntry.position)
        )
    )


# --- side by side, compare, score card -----------------------------------------------------


@dataclass
class MethodCell:
    method: str
    score: str | None
    rank: int | None  # within the category
    change: int | None  # places gained against the snapshot's method
    reason: str = ""


@dataclass
class MoverRow:
    entry: SnapshotEntry
    cells: list[MethodCell]
    largest: int


def side_by_side(fig: SnapshotFigures, entries: list[SnapshotEntry]) -> list[MoverRow]:
    """Each entry under every method, with category ranks, sorted by the largest move."""
    ranked = [e for e in entries if e.score is not None]
    category_rank = {
        m: _category_ranks(ranked, lambda e, m=m: fig.rank_of(e, m)) for m in fig.methods
    }
    base = fig.snapshot.method
    rows = []
    for entry in ranked:
        cells = []
        for method in fig.methods:
            rank = category_rank[method].get(entry.id)
            base_rank = category_rank.get(base, {}).get(entry.id)
            change = None if rank is None or base_rank is None else base_rank - rank
            reason = fig.movement_reason(entry, method) if change else ""
            cells.append(MethodCell(method, fig.score_of(entry, method), rank, change, reason))
        largest = max((abs(c.change) for c in cells if c.change), default=0)
        rows.append(MoverRow(entry, cells, largest))
    rows.sort(key=lambda r: (-r.largest, r.entry.position))
    return rows


def _category_ranks(entries: list[SnapshotEntry], overall) -> dict[int, int]:
    """Entry id -> rank within its category from overall ranks (equal ranks stay equal)."""
    ordered = sorted(
        (e for e in entries if overall(e) is not None), key=lambda e: (overall(e), e.position)
    )
    ranks = category_ranks([overall(e) for e in ordered], [e.category_id for e in ordered])
    return {entry.id: rank for entry, rank in zip(ordered, ranks, strict=True)}


@dataclass
class CompareRow:
    application: Application
    before: SnapshotEntry | None
    after: SnapshotEntry | None

    @property
    def change(self) -> int | None:
        if (
            self.before is None
            or self.after is None
            or self.before.rank is None
            or self.after.rank is None
        ):
            return None
        return self.before.rank - self.after.rank

    @property
    def score_change(self):
        if (
            self.before is None
            or self.after is None
            or self.before.score is None
            or self.after.score is None
        ):
            return None
        return self.after.score - self.before.score


def compare(snapshot: ResultSnapshot, other: ResultSnapshot, category_key: str) -> list[CompareRow]:
    after = {e.application_id: e for e in category_entries(snapshot, category_key)}
    before = {e.application_id: e for e in category_entries(other, category_key)}
    rows = [CompareRow(e.application, before.get(a), e) for a, e in after.items()]
    rows += [CompareRow(e.application, e, None) for a, e in before.items() if a not in after]
    rows.sort(key=lambda r: (r.after is None, r.after.position if r.after else r.before.position))
    return rows


def get_entry(snapshot: ResultSnapshot, application_id: int) -> SnapshotEntry:
    entry = db.session.scalar(
        sa.select(SnapshotEntry)
        .options(joinedload(SnapshotEntry.application), joinedload(SnapshotEntry.category))
        .where(
            SnapshotEntry.snapshot_id == snapshot.id, SnapshotEntry.application_id == application_id
        )
    )
    if entry is None:
        raise NotFound()
    return entry


def live_sheets(stage: Stage, application_id: int) -> list[ScoreSheet]:
    """The application's submitted sheets as they are now, with their criterion scores."""
    return list(
        db.session.scalars(
            sa.select(ScoreSheet)
            .options(selectinload(ScoreSheet.scores).joinedload(SheetScore.criterion))
            .where(
                ScoreSheet.stage_id == stage.id,
                ScoreSheet.application_id == application_id,
                ScoreSheet.status == SheetStatus.SUBMITTED,
            )
        )
    )


def source_entries(snapshot: ResultSnapshot, application_id: int) -> list[SnapshotEntry]:
    """For a FINAL snapshot: the application's entries in the stage snapshots it combined."""
    ids = list((snapshot.diagnostics or {}).get("sources", {}).values())
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(SnapshotEntry)
            .options(joinedload(SnapshotEntry.snapshot).joinedload(ResultSnapshot.stage))
            .where(
                SnapshotEntry.snapshot_id.in_(ids), SnapshotEntry.application_id == application_id
            )
        )
    )
