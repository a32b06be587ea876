"""Computing one stage: sheets loaded in bulk, every method, one immutable snapshot.

This is the code path of the ``venture.compute_stage`` task, of ``venture scores
compute`` and of ``bench/scoring.py``. It reads (``loading``), runs the engine for every
method (``compute_all``), and writes the snapshot and all its entries in ONE final
transaction, so no partial snapshot is ever visible.

Ranks. The engine ranks the whole stage once (every method calibrates judges across
all categories); ranks within a category follow that overall order: the category rank
is the place within the category, and applications sharing an overall rank share their
category rank (as ``advance_top_n`` counts them). Each entry stores both, with its
``position`` in the overall order, so the overall ranking equals ``venture rank`` on the
exported sheets with the chain's ``--tie-break`` links (``rankings.export``).

What an entry's ``details`` holds (JSON, compact; sheets in ascending total order)::

    {"scores": [81.17, 81.5, 81.17, 80.02, 79.88],  # published (two decimals), per method
     "ranks": [3, 2, 3, 5, 6],                                # overall rank, per method
     "judges": [12, 15, 9], "totals": [78.0, 81.5, 84.0],     # the sheet totals
     "dropped": [12, 9]}                                      # judges dropped by the trimmed mean

The methods are in the order of the snapshot's ``diagnostics["methods"]``. Calibrated
totals are not repeated per entry: they follow from the judges' and the stage's figures
kept once in the diagnostics (see ``rankings.diagnostics``); the score card writes every
one of them out, with the arithmetic from the totals to the score
(``rankings.explain``). Advancement (``advanced``) is set here, by the stage's rule;
funding is decided on the FINAL snapshot only (``rankings.final``).
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import AdvanceRule, Stage
from venture.db import unit_of_work
from venture.errors import NotFound, ValidationError
from venture.extensions import db
from venture.rankings import writing
from venture.rankings.diagnostics import stage_diagnostics
from venture.rankings.loading import StageSheets, load_stage_sheets
from venture.rankings.models import ResultSnapshot, SnapshotKind
from venture.rankings.queries import NO_CATEGORY, judge_names
from venture.rankings.tiebreaks import ChainContext, averages_from_tenths, build_chain
from venture.scoring import (
    METHODS,
    CategoryBudget,
    DisconnectedPanelError,
    MethodComparison,
    StageResult,
    advance_by_threshold,
    advance_top_n,
    compute_all,
    sheet_totals,
)
from venture.scoring.ranking import category_ranks


@dataclass
class Computed:
    """A computed stage, ready to be written."""

    method: str
    params: dict
    digest: str
    sheet_count: int
    diagnostics: dict
    rows: Iterable  # EntryRow, possibly made while they are written (consumed once)
    source_snapshot_ids: list[int]


def compute_stage_snapshot(
    stage_id: int, *, actor_id: int | None = None, job_id: int | None = None, progress=None
) -> int:
    """Compute the stage and store its snapshot; returns the snapshot id.

    With ``job_id`` it is idempotent: a snapshot of that job already there is returned.
    ``progress(percent, message)`` is told how far it got.
    """
    with _no_gc():
        return _compute(stage_id, actor_id, job_id, progress or (lambda percent, message: None))


@contextmanager
def _no_gc():
    """Tens of thousands of short-lived objects, none in a cycle: the cyclic collector
    would only rescan them again and again (it doubles the time at 10,000 applications)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compute(stage_id: int, actor_id, job_id, report) -> int:
    from venture.accounts.models import User

    stage = db.session.get(Stage, stage_id)
    if stage is None:
        raise NotFound()
    actor = db.session.get(User, actor_id) if actor_id else None
    if job_id is not None:
        done = _snapshot_of_job(job_id)
        if done is not None:
            return done
    ensure_unlocked(
        stage.competition,
        action="rankings.compute",
        object_type="stage",
        object_id=stage.id,
        actor=actor,
    )
    report(10, _l("Loading the submitted sheets"))
    sheets = load_stage_sheets(stage)
    if not sheets.n_sheets:
        raise ValidationError(no_sheets_message())
    report(40, _l("Computing every method and the diagnostics"))
    computed = rank_stage(stage, sheets)
    report(75, _l("Writing the results snapshot"))
    return write_snapshot(
        stage.competition, stage, SnapshotKind.STAGE, computed, actor=actor, job_id=job_id
    )


def no_sheets_message() -> str:
    return _("This stage has no submitted score sheets yet: there is nothing to compute.")


def _snapshot_of_job(job_id: int) -> int | None:
    return db.session.scalar(sa.select(ResultSnapshot.id).where(ResultSnapshot.job_id == job_id))


# --- the engine ----------------------------------------------------------------------------


def rank_stage(stage: Stage, sheets: StageSheets) -> Computed:
    """Every method on the stage's sheets, and the snapshot's rows (no writing)."""
    totals = _engine_totals(sheets)
    apps = sheets.apps
    n_keys = len(apps.codes)
    app_ids = apps.ids.tolist()
    criterion_index = {c.id: i for i, c in enumerate(sheets.criteria)}
    context = ChainContext(
        stage,
        app_ids,
        apps.requested_fen,
        lambda: [apps.submitted_at.by_id().get(a) for a in app_ids],
        criterion_average=lambda cid: averages_from_tenths(
            sheets.key, sheets.tenths[:, criterion_index[cid]], n_keys
        ),
    )
    tie_breaks, sources = build_chain(stage.tie_breaks, context)
    method, trim = str(stage.method), int(stage.trim_k)
    comparison = compute_all(
        totals,
        trim=trim,
        disagreement_threshold=stage.disagreement_threshold,
        tie_breaks=tie_breaks,
    )
    if method in comparison.refused:
        raise ValidationError(refusal_message(comparison.refused[method], apps.codes))
    chosen = comparison.results[method]
    categories = [str(c) if c is not None else NO_CATEGORY for c in apps.category_ids]
    order = chosen.ranking.columns()
    advanced = _advancement(stage, chosen, categories)
    by_method = _by_method(comparison, n_keys)
    rows = _entry_rows(apps, order, totals, trim, by_method, advanced)
    params = {
        "method": method,
        "trim": trim,
        "disagreement_threshold": str(stage.disagreement_threshold),
        "tie_breaks": list(stage.tie_breaks or []),
        "tie_break_sources": sources,
        "advance_rule": str(stage.advance_rule),
        "advance_top_n": stage.advance_top_n,
        "advance_threshold": None
        if stage.advance_threshold is None
        else str(stage.advance_threshold),
        "funding_mode": str(stage.competition.funding_mode),
        "digest_form": "venture-sheets-v1",
    }
    diagnostics = stage_diagnostics(sheets, totals, comparison, chosen, by_method, app_ids)
    sources_used = sorted(
        {v for k, v in sources.items() if k.startswith("stage:") and v is not None}
    )
    return Computed(method, params, sheets.digest, sheets.n_sheets, diagnostics, rows, sources_used)


def _engine_totals(sheets: StageSheets):
    """Sheet totals for the engine, keyed by application key (code order) and judge id."""
    answered = ~np.isnan(sheets.total)
    totals = sheet_totals(sheets.key[answered], sheets.judge[answered], sheets.total[answered])
    empty = tuple(
        zip(sheets.key[~answered].tolist(), sheets.judge[~answered].tolist(), strict=True)
    )
    if not empty:
        return totals
    scored = set(totals.applications)
    unscored = tuple(sorted({k for k, _j in empty if k not in scored}))
    return dataclasses.replace(totals, empty_sheets=empty, unscored=unscored)


def refusal_message(error, codes: list[str]) -> str:
    """A method the engine refused, in the user's words (bias on a split panel)."""
    if isinstance(error, DisconnectedPanelError):
        names = judge_names({j for c in error.components for j in c.judges})
        groups = "; ".join(
            _(
                "group %(number)s: %(applications)s with judges %(judges)s",
                number=n,
                applications=", ".join(codes[k] for k in c.applications[:20])
                + ("…" if len(c.applications) > 20 else ""),
                judges=", ".join(names.get(j, f"#{j}") for j in c.judges),
            )
            for n, c in enumerate(error.components, start=1)
        )
        return _(
            "Bias calibration needs judges linked by shared applications, but the panel splits "
            "into %(count)s separate groups: %(groups)s. Choose another method or add sheets "
            "that link the groups.",
            count=len(error.components),
            groups=groups,
        )
    return str(error)


def _advancement(stage: Stage, chosen: StageResult, categories: list[str]) -> set[int]:
    rule = stage.advance_rule
    if rule == AdvanceRule.TOP_N and stage.advance_top_n:
        return set(advance_top_n(chosen.ranking, dict(enumerate(categories)), stage.advance_top_n))
    if rule == AdvanceRule.THRESHOLD and stage.advance_threshold is not None:
        return set(advance_by_threshold(chosen.ranking, Decimal(stage.advance_threshold)))
    return set()


def budgets_of(competition) -> dict[str, CategoryBudget]:
    budgets = {
        str(c.id): CategoryBudget(int(c.budget_fen), c.max_projects) for c in competition.categories
    }
    budgets[NO_CATEGORY] = CategoryBudget(0)
    return budgets


def _by_method(comparison: MethodComparison, n_keys: int):
    """Each key's published score (a number with two decimals) and overall rank, one
    value per method that ran."""
    methods = [m for m in METHODS if m in comparison.results]
    scores, ranks = [], []
    for method in methods:
        view = comparison.results[method].ranking.cents_and_ranks()
        keys = np.array(view.applications, dtype=np.intp)
        cents = np.zeros(n_keys, dtype=np.int64)
        cents[keys] = view.cents
        rank = np.zeros(n_keys, dtype=np.int64)
        rank[keys] = view.ranks
        scores.append(cents / 100)
        ranks.append(rank)
    return (methods, np.column_stack(scores).tolist(), np.column_stack(ranks).tolist(), ranks)


def _entry_rows(
    apps, order, totals, trim: int, by_method, advanced: set
) -> Iterator[writing.EntryRow]:
    """One row per application: the ranked ones in ranking order, then the unscored.

    A generator: on PostgreSQL the rows are made while the database is already busy
    storing the ones before (COPY streams), so the two cores work at once.
    """
    _methods, scores_by_key, ranks_by_key, _rank_arrays = by_method
    groups = totals.groups
    judges = np.asarray(totals.judges, dtype=np.int64)[totals.judge[groups.order]].tolist()
    sheet_totals_sorted = np.round(groups.total, 4).tolist()
    starts, counts = groups.starts.tolist(), groups.counts.tolist()
    engine_code = {key: code for code, key in enumerate(totals.applications)}
    category_rank = category_ranks(
        order.ranks, [apps.category_ids[key] for key in order.applications]
    )
    app_ids, category_ids = apps.ids.tolist(), apps.category_ids
    exact = np.asarray(order.exact, dtype=np.float64).astype(str).tolist()
    row, flags_json, dumps = writing.EntryRow, writing.flags_json, writing.to_json
    for position, key in enumerate(order.applications):  # 10,000 times: kept plain
        code = engine_code[key]
        start = starts[code]
        end = start + counts[code]
        dropped = (
            judges[start : start + trim] + judges[end - trim : end]
            if trim and counts[code] >= 2 * trim + 1
            else []
        )
        details = {
            "scores": scores_by_key[key],
            "ranks": ranks_by_key[key],
            "judges": judges[start:end],
            "totals": sheet_totals_sorted[start:end],
            "dropped": dropped,
        }
        yield row(
            app_ids[key],
            category_ids[key],
            position + 1,
            category_rank[position],
            order.ranks[position],
            str(order.scores[position]),
            exact[position],
            order.sheets[position],
            flags_json(order.flags[position]),
            dumps(details),
            key in advanced,
            None,
            None,
        )
    for number, key in enumerate(totals.unscored, start=len(order.applications) + 1):
        yield writing.entry(
            application_id=app_ids[key],
            category_id=category_ids[key],
            position=number,
            rank=None,
            overall_rank=None,
            score=None,
            flags=("sheet_without_total",),
        )


# --- writing -------------------------------------------------------------------------------


def write_snapshot(
    competition,
    stage,
    kind: SnapshotKind,
    computed: Computed,
    *,
    actor=None,
    job_id: int | None = None,
) -> int:
    """The snapshot and its entries in one transaction (with the audit entry and notice).

    Two deliveries of one job racing to the end: the unique job id lets one commit; the
    other rolls back and returns the snapshot that is there.
    """
    try:
        return _write(competition, stage, kind, computed, actor, job_id)
    except sa.exc.IntegrityError:
        existing = _snapshot_of_job(job_id) if job_id is not None else None
        if existing is None:
            raise
        return existing


def _write(competition, stage, kind, computed, actor, job_id) -> int:
    from venture.audit.services import record

    with unit_of_work():
        snapshot = ResultSnapshot(
            competition_id=competition.id,
            stage_id=stage.id if stage is not None else None,
            kind=kind,
            method=computed.method,
            params=computed.params,
            input_digest=computed.digest,
            sheet_count=computed.sheet_count,
            diagnostics=computed.diagnostics,
            source_snapshot_ids=computed.source_snapshot_ids,
            job_id=job_id,
            created_by_id=actor.id if actor is not None else None,
        )
        db.session.add(snapshot)
        db.session.flush()
        count = writing.insert_entries(snapshot.id, computed.rows)
        record(
            "rankings.snapshot_computed",
            snapshot,
            actor=actor,
            changes={
                "kind": [None, str(kind)],
                "method": [None, computed.method],
                "input_digest": [None, computed.digest],
                "entries": [None, count],
            },
        )
        if actor is not None:
            from venture.rankings.services import snapshot_ready

            snapshot_ready(actor, snapshot)
        return snapshot.id
