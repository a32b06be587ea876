"""The judging charts of one scoring stage: each judge's sheet totals (a harsh or lenient
judge stands out), the scores per category, and how calibrating judges moves ranks.

Sheet totals are the platform's (``stage_sheet_totals``: n/a answers rescaled). Scores
and ranks come from the stage's latest ranking snapshot when there is one; before it
is computed they come from the scoring engine run here on the same totals.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.accounts.models import User
from venture.applications.models import Application
from venture.competitions.models import Method, Stage
from venture.extensions import db
from venture.judging.services.sheets import SheetTotal, stage_sheet_totals
from venture.rankings.explain import judge_points, severity_points, severity_sentence
from venture.rankings.labels import method_label
from venture.rankings.models import ResultSnapshot, SnapshotEntry
from venture.rankings.queries import latest_stage_snapshot
from venture.reports import charts
from venture.reports.dashboards import Section
from venture.scoring import METHODS, compute_all, sheet_totals
from venture.scoring.diagnostics import judge_stats

RAW_METHODS = (Method.MEAN, Method.MEDIAN, Method.TRIMMED)
MOVERS_SHOWN = 20
# A judge this many points from a typical judge (on the same applications) is drawn in colour.
UNUSUAL_POINTS = 5
HARSH, LENIENT = charts.PALETTE[5], charts.PALETTE[2]


@dataclass
class StageData:
    stage: Stage
    totals: list[SheetTotal]
    judges: dict[int, User]
    applications: dict[int, tuple[str, int | None]]  # id -> (code, category id)
    snapshot: ResultSnapshot | None
    entries: list[SnapshotEntry] = field(default_factory=list)

    def code(self, application_id: int) -> str:
        return self.applications.get(application_id, (f"#{application_id}", None))[0]


def load(stage: Stage) -> StageData:
    totals = stage_sheet_totals(stage)
    judges = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.id.in_({t.judge_id for t in totals} or {0}))
        )
    }
    applications = {
        row.id: (row.code or f"#{row.id}", row.category_id)
        for row in db.session.execute(
            sa.select(Application.id, Application.code, Application.category_id).where(
                Application.id.in_({t.application_id for t in totals} or {0})
            )
        )
    }
    snapshot = latest_stage_snapshot(stage)
    entries = (
        list(
            db.session.scalars(
                sa.select(SnapshotEntry)
                .where(SnapshotEntry.snapshot_id == snapshot.id)
                .order_by(SnapshotEntry.position)
            )
        )
        if snapshot
        else []
    )
    return StageData(stage, totals, judges, applications, snapshot, entries)


def judging_charts(stage: Stage) -> list[Section]:
    data = load(stage)
    if not data.totals:
        empty = _("No submitted score sheet in this stage yet.")
        return [Section("judges", _("Sheet totals per judge"), None, empty)]
    scores = stage_scores(data, list(compared_methods(stage)))
    return [
        judges_section(data),
        *category_sections(data, scores),
        rank_changes_section(data, scores),
    ]


# --- per judge ------------------------------------------------------------------------------


def judges_section(data: StageData) -> Section:
    by_judge: dict[int, list[float]] = {}
    for t in data.totals:
        by_judge.setdefault(t.judge_id, []).append(float(t.total))
    order = sorted(by_judge, key=lambda j: (data.judges[j].display_name, j))
    names = {j: data.judges[j].display_name for j in order}
    severity = judge_severity(data)
    # One figure per judge, the same in the colours, the table and the note.
    unusual = {j: s for j, s in severity.items() if abs(s) >= UNUSUAL_POINTS}
    chart = charts.box_plot(
        _("Sheet totals per judge"),
        _(
            "Each judge's submitted sheet totals: the box spans the middle half, the line is the median, every "
            "dot a sheet; the dashed line is the median of all sheets. A judge whose box sits apart scores "
            "harsher or more leniently than the others; judges whose severity (their totals against the other "
            "judges' on the same applications) is %(points)d points or more are drawn in colour.",
            points=UNUSUAL_POINTS,
        ),
        {names[j]: by_judge[j] for j in order},
        label_header=_("Judge"),
        headers=(
            _("Sheets"),
            _("Lowest"),
            _("Lower quartile"),
            _("Median"),
            _("Upper quartile"),
            _("Highest"),
        ),
        highlight={names[j]: HARSH if d < 0 else LENIENT for j, d in unusual.items()},
        digits=1,
    )  # judge statistics: one decimal, like their severity (judge_points)
    chart.headers.append(_("Against the other judges of the same applications"))
    for row, j in zip(chart.rows, order, strict=True):
        row.append(severity_points(severity.get(j)))
    notes = [
        _(
            "%(sheets)d sheets by %(judges)d judges; mean of all sheets %(mean)s.",
            sheets=len(data.totals),
            judges=len(by_judge),
            mean=judge_points(statistics.fmean(float(t.total) for t in data.totals)),
        )
    ]
    notes += [
        severity_sentence(names[j], value)
        for j, value in sorted(unusual.items(), key=lambda item: item[1])
    ]
    return Section("judges", _("Sheet totals per judge"), chart, note=" ".join(notes))


def judge_severity(data: StageData) -> dict[int, float]:
    """Per judge: the mean difference between their totals and the other judges' totals of
    the same applications (the scoring engine's severity; negative = harsher)."""
    totals = sheet_totals(
        [t.application_id for t in data.totals],
        [t.judge_id for t in data.totals],
        [float(t.total) for t in data.totals],
    )
    return {s.judge: s.severity for s in judge_stats(totals) if s.severity is not None}


# --- scores: from the snapshot, or computed now -----------------------------------------------


@dataclass
class Scores:
    source: str  # "snapshot" or "computed"
    scores: dict[int, Decimal]  # application id -> published score
    ranks: dict[str, dict[int, int]]  # method -> application id -> overall rank
    problem: str = ""


def stage_scores(data: StageData, methods: list[str]) -> Scores:
    if data.snapshot is not None:
        names = list((data.snapshot.diagnostics or {}).get("methods") or METHODS)
        ranks: dict[str, dict[int, int]] = {m: {} for m in methods}
        for entry in data.entries:
            entry_ranks = (entry.details or {}).get("ranks") or []
            for m in methods:
                index = names.index(m) if m in names else -1
                if 0 <= index < len(entry_ranks) and entry_ranks[index] is not None:
                    ranks[m][entry.application_id] = int(entry_ranks[index])
        scores = {e.application_id: Decimal(e.score) for e in data.entries if e.score is not None}
        return Scores("snapshot", scores, ranks)
    totals = sheet_totals(
        [t.application_id for t in data.totals],
        [t.judge_id for t in data.totals],
        [float(t.total) for t in data.totals],
    )
    stage = data.stage
    wanted = list(dict.fromkeys([stage.method.value, *methods]))
    comparison = compute_all(
        totals,
        wanted,
        trim=stage.trim_k,
        disagreement_threshold=float(stage.disagreement_threshold),
    )
    ranks = {
        m: {e.application: e.rank for e in comparison[m].ranking if e.rank is not None}
        for m in methods
        if m in comparison.results
    }
    base = comparison.results.get(stage.method.value)
    scores = {e.application: e.score for e in base.ranking if e.score is not None} if base else {}
    problem = "; ".join(str(error) for error in comparison.refused.values())
    return Scores("computed", scores, ranks, problem)


def compared_methods(stage: Stage) -> tuple[str, str]:
    """(raw, calibrated): the stage's method on one side, a calibration on the other."""
    raw = stage.method.value if stage.method in RAW_METHODS else Method.MEAN.value
    calibrated = stage.method.value if stage.method not in RAW_METHODS else Method.ZSCORE.value
    return raw, calibrated


def _source_note(scores: Scores, data: StageData) -> str:
    if scores.source == "snapshot":
        from venture.templating import format_local

        return _("From the ranking computed %(when)s.", when=format_local(data.snapshot.created_at))
    return _(
        "No ranking has been computed for this stage yet: computed here from the submitted sheets "
        "with the stage's settings."
    )


def category_sections(data: StageData, scores: Scores) -> list[Section]:
    names = {c.id: c.name for c in data.stage.competition.categories}
    method = data.snapshot.method if data.snapshot is not None else data.stage.method.value
    by_category: dict = {}
    for application_id, score in scores.scores.items():
        category = data.applications.get(application_id, ("", None))[1]
        by_category.setdefault(category, []).append(float(score))
    sections = []
    for category_id, values in sorted(
        by_category.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)
    ):
        name = names.get(category_id, _("No category"))
        lo = min(60.0, math.floor(min(values) / 10) * 10)
        chart = charts.histogram(
            _("Score distribution: %(category)s", category=name),
            _(
                "How many applications of %(category)s scored in each band of five points (%(n)d applications, "
                "method: %(method)s).",
                category=name,
                n=len(values),
                method=method_label(method),
            ),
            values,
            bins=int((100 - lo) // 5),
            lo=lo,
            hi=100.0,
            headers=(_("Score band"), _("Applications")),
        )
        sections.append(
            Section(f"category-{category_id}", name, chart, note=_source_note(scores, data))
        )
    return sections


def rank_changes_section(data: StageData, scores: Scores) -> Section:
    raw, calibrated = compared_methods(data.stage)
    before, after = scores.ranks.get(raw, {}), scores.ranks.get(calibrated, {})
    moves = [
        (data.code(a), before[a] - after[a], before[a], after[a]) for a in after if a in before
    ]
    moved = sorted((m for m in moves if m[1]), key=lambda m: (-abs(m[1]), m[0]))
    title = _(
        "Rank changes: %(raw)s → %(calibrated)s",
        raw=method_label(raw),
        calibrated=method_label(calibrated),
    )
    if not moves:
        return Section(
            "ranks", title, None, scores.problem or _("The calibrated ranking is not available.")
        )
    chart = charts.diverging_bar_chart(
        title,
        _(
            "Places each application gains (right) or loses (left) in the overall ranking when judges are "
            "calibrated (%(calibrated)s) instead of %(raw)s; %(moved)d of %(n)d applications move, the %(shown)d "
            "largest moves are drawn.",
            calibrated=method_label(calibrated),
            raw=method_label(raw),
            moved=len(moved),
            n=len(moves),
            shown=min(len(moved), MOVERS_SHOWN),
        ),
        [(code, change) for code, change, _b, _a in moved[:MOVERS_SHOWN]],
        value_header=_("Places"),
        label_header=_("Application"),
        positive=_("Moves up"),
        negative=_("Moves down"),
    )
    chart.headers = [_("Application"), _("Places"), method_label(raw), method_label(calibrated)]
    chart.rows = [[code, f"{change:+d}", b, a] for code, change, b, a in moved]
    empty_note = _("No application changes place.") if not moved else ""
    return Section(
        "ranks", title, chart, note=" ".join(filter(None, [_source_note(scores, data), empty_note]))
    )
