"""The FINAL snapshot: stage scores combined by the stage weights, the funding line.

* Sources: the latest snapshot of each stage with a positive weight (the online review
  and the roadshow), their published scores (two decimals).
* Final score = Σ weight × published stage score, exact (Decimal), published half up
  (engine ``combine_stages``). Applications without a score in every weighted stage
  (not shortlisted for the roadshow) are left out of the final ranking
  (``incomplete="exclude"``) and listed after it, without rank or score, flagged
  ``incomplete_stages`` and ``not_funded``.
* Ties: the tie-break chain of the last weighted stage (the roadshow's).
* Ranks within a category follow the overall order (as for a stage).
* Funding line per category (engine ``funding_line``): the competition's mode (skip or
  stop), each category's budget and maximum count, the requested amounts (fen).

The input digest is SHA-256 over the canonical JSON (sorted keys, no spaces) of
``{"form": "venture-final-v1", "sources": {stage: {"digest", "method", "params"}},
"weights": {stage: "0.4"}, "budgets": {category id: [fen, max count]}, "mode": ...,
"tie_breaks": [...], "requests": [[code, fen], ...]}``: the same inputs give the same
digest, and the same results.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.applications.models import Application
from venture.competitions.labels import stage_label
from venture.competitions.models import Competition, StageKind
from venture.errors import ValidationError
from venture.extensions import db
from venture.rankings import writing
from venture.rankings.compute import Computed, budgets_of
from venture.rankings.models import FundingOutcome, SnapshotEntry
from venture.rankings.queries import NO_CATEGORY, latest_stage_snapshot
from venture.rankings.tiebreaks import ChainContext, build_chain
from venture.scoring import INCOMPLETE_STAGES, FundingRequest, combine_stages, funding_line
from venture.scoring.ranking import category_ranks

COMBINED_STAGES = (StageKind.ONLINE_REVIEW, StageKind.ROADSHOW)


def weighted_stages(competition: Competition) -> list:
    return [
        s
        for s in (competition.stage(k) for k in COMBINED_STAGES)
        if s is not None and Decimal(s.weight) > 0
    ]


def compute_final(competition: Competition) -> Computed:
    stages = weighted_stages(competition)
    weights = {str(s.kind): Decimal(s.weight) for s in stages}
    total = sum(weights.values(), Decimal(0))
    if not stages or total != 1:
        raise ValidationError(
            _(
                "The weights of the online review and the roadshow must add up to "
                "100%% (now %(total)s%%). Set them in the stage settings.",
                total=format((total * 100).normalize(), "f"),
            )
        )
    sources = {}
    for stage in stages:
        snapshot = latest_stage_snapshot(stage)
        if snapshot is None:
            raise ValidationError(
                _(
                    "Compute the %(stage)s first: the final ranking combines its scores.",
                    stage=stage_label(stage.kind),
                )
            )
        sources[str(stage.kind)] = snapshot
    scores = _source_scores(sources)
    app_ids = sorted({a for per_stage in scores.values() for a in per_stage})
    apps = _applications(app_ids)
    app_ids.sort(key=lambda a: apps[a].code or f"#{a}")  # key = place in code order
    codes = [apps[a].code or f"#{a}" for a in app_ids]
    chain_stage = stages[-1]
    context = ChainContext(
        chain_stage,
        app_ids,
        [apps[a].requested_fen for a in app_ids],
        lambda: [apps[a].submitted_at for a in app_ids],
    )
    tie_breaks, tie_sources = build_chain(chain_stage.tie_breaks, context)
    per_stage = {
        kind: {k: scores[kind][a] for k, a in enumerate(app_ids) if a in scores[kind]}
        for kind in sources
    }
    ranking = combine_stages(per_stage, weights, incomplete="exclude", tie_breaks=tie_breaks)
    categories = [
        str(apps[a].category_id) if apps[a].category_id is not None else NO_CATEGORY
        for a in app_ids
    ]
    requests = {
        k: FundingRequest(categories[k], int(apps[a].requested_fen or 0))
        for k, a in enumerate(app_ids)
    }
    budgets = budgets_of(competition)
    mode = str(competition.funding_mode)
    funding = funding_line(ranking, requests, budgets, mode=mode)
    rows = _rows(ranking, funding, app_ids, apps, per_stage, weights, sources)
    digest = final_digest(
        sources,
        weights,
        budgets,
        mode,
        chain_stage.tie_breaks,
        codes,
        [apps[a].requested_fen for a in app_ids],
    )
    params = {
        "weights": {k: str(v) for k, v in weights.items()},
        "incomplete": "exclude",
        "funding_mode": mode,
        "tie_breaks": list(chain_stage.tie_breaks or []),
        "tie_break_stage": str(chain_stage.kind),
        "tie_break_sources": tie_sources,
        "digest_form": "venture-final-v1",
    }
    diagnostics = {
        "sources": {k: s.id for k, s in sources.items()},
        "budgets": {k: [b.budget, b.max_count] for k, b in budgets.items() if k != NO_CATEGORY},
        "remaining": {k: v for k, v in funding.remaining.items() if k != NO_CATEGORY},
        "funded": {
            k: sum(1 for d in funding.decisions if d.category == k and d.status == "funded")
            for k in budgets
            if k != NO_CATEGORY
        },
        "ranked": len(ranking),
        "incomplete": len(app_ids) - len(ranking),
    }
    return Computed(
        "weighted",
        params,
        digest,
        sum(s.sheet_count for s in sources.values()),
        diagnostics,
        rows,
        sorted(s.id for s in sources.values()),
    )


def _source_scores(sources: dict) -> dict[str, dict[int, Decimal]]:
    """stage -> {application id: published score} (one query for all sources)."""
    kind_of = {s.id: kind for kind, s in sources.items()}
    rows = db.session.execute(
        sa.select(
            SnapshotEntry.snapshot_id,
            SnapshotEntry.application_id,
            SnapshotEntry.score,
            SnapshotEntry.sheets,
        ).where(SnapshotEntry.snapshot_id.in_(list(kind_of)), SnapshotEntry.score.is_not(None))
    ).all()
    scores: dict[str, dict[int, Decimal]] = {kind: {} for kind in sources}
    for snapshot_id, app_id, score, _sheets in rows:
        scores[kind_of[snapshot_id]][app_id] = Decimal(str(score)).quantize(Decimal("0.01"))
    return scores


def _applications(app_ids: list[int]) -> dict:
    if not app_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            Application.id,
            Application.code,
            Application.category_id,
            Application.requested_fen,
            Application.submitted_at,
        ).where(Application.id.in_(app_ids))
    ).all()
    return {row.id: row for row in rows}


def _rows(ranking, funding, app_ids, apps, per_stage, weights, sources) -> list:
    decisions = {d.application: d for d in funding.decisions}
    columns = ranking.columns()
    category_rank = category_ranks(
        columns.ranks, [apps[app_ids[key]].category_id for key in columns.applications]
    )
    weight_text = {k: _weight(w) for k, w in weights.items()}
    rows = []
    for position, key in enumerate(columns.applications):
        app = apps[app_ids[key]]
        decision = decisions.get(key)
        stage_scores = {
            kind: str(per_stage[kind][key]) for kind in sources if key in per_stage[kind]
        }
        rows.append(
            writing.entry(
                application_id=app.id,
                category_id=app.category_id,
                position=position + 1,
                rank=category_rank[position],
                overall_rank=columns.ranks[position],
                score=columns.scores[position],
                exact_score=str(columns.exact[position]),
                details={
                    "stages": stage_scores,
                    "weights": weight_text,
                    "exact": str(columns.exact[position]),
                },
                funding=FundingOutcome(decision.status) if decision else FundingOutcome.NOT_FUNDED,
                funded_fen=decision.granted if decision else 0,
            )
        )
    ranked = set(columns.applications)
    for key, app_id in enumerate(app_ids):
        if key in ranked:
            continue
        app = apps[app_id]
        rows.append(
            writing.entry(
                application_id=app.id,
                category_id=app.category_id,
                position=len(rows) + 1,
                rank=None,
                overall_rank=None,
                score=None,
                flags=(INCOMPLETE_STAGES,),
                details={
                    "stages": {
                        kind: str(per_stage[kind][key])
                        for kind in sources
                        if key in per_stage[kind]
                    },
                    "weights": weight_text,
                },
                funding=FundingOutcome.NOT_FUNDED,
                funded_fen=0,
            )
        )
    return rows


def _weight(weight: Decimal) -> str:
    return format(weight.normalize(), "f")


def final_digest(sources, weights, budgets, mode, tie_breaks, codes, requested) -> str:
    canonical = {
        "form": "venture-final-v1",
        # Which snapshot a tie-break read is an id, not an input: left out.
        "sources": {
            k: {
                "digest": s.input_digest,
                "method": s.method,
                "params": {p: v for p, v in s.params.items() if p != "tie_break_sources"},
            }
            for k, s in sources.items()
        },
        "weights": {k: str(v) for k, v in weights.items()},
        "budgets": {k: [b.budget, b.max_count] for k, b in budgets.items()},
        "mode": mode,
        "tie_breaks": list(tie_breaks or []),
        "requests": [[code, int(fen or 0)] for code, fen in zip(codes, requested, strict=True)],
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
