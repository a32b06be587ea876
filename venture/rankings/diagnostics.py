"""What a stage snapshot records besides its entries (``ResultSnapshot.diagnostics``).

JSON, written once per snapshot::

    {"methods": ["mean", "median", "trimmed", "zscore", "bias"],  # order of entries' scores/ranks
     "criteria": [[id, name, "15.0"], ...],
     "counts": {"applications", "unscored", "sheets", "judges"},
     "stage": {"mean": μ, "sd": σ},                  # of all sheet totals (zscore's μ and σ)
     "judges": [{"id", "count", "mean", "sd", "severity", "bias", "unstandardised"}, ...],
     "icc": {"icc1", "icc1k", "k", "bms", "wms"},
     "outliers": [[application id, judge id, total, median, mad], ...],
     "disagreements": [[application id, spread], ...], "disagreement_threshold": "20.00",
     "empty_sheets": [[application id, judge id], ...],
     "refused": {"bias": {"groups": [{"applications": [...], "judges": [...]}]}},
     "comparison": {"mean": {"moved", "up", "down", "largest"}, ...}}  # against the stage's method

Judge means and standard deviations, the stage's μ and σ and the judges' biases are
kept at full precision: a sheet's calibrated totals are written out from them exactly
as the engine computed them (zscore: μ + σ·(T − μj)/σj; bias: T − b(judge)).
"""

from __future__ import annotations

import numpy as np

from venture.scoring import DisconnectedPanelError, MethodComparison, StageResult


def stage_diagnostics(
    sheets, totals, comparison: MethodComparison, chosen: StageResult, by_method, app_ids: list[int]
) -> dict:
    diagnostics = chosen.diagnostics
    bias = comparison.results["bias"].judge_bias if "bias" in comparison.results else {}
    unstandardised = (
        dict(comparison.results["zscore"].unstandardised_judges)
        if "zscore" in comparison.results
        else {}
    )
    reliability = diagnostics.reliability
    methods, _scores, _ranks, rank_arrays = by_method
    return {
        "methods": methods,
        "criteria": [[c.id, c.name, str(c.max_score)] for c in sheets.criteria],
        "counts": {
            "applications": totals.n_applications,
            "unscored": len(totals.unscored),
            "sheets": sheets.n_sheets,
            "judges": totals.n_judges,
        },
        "stage": {
            "mean": float(totals.total.mean()) if totals.n_sheets else None,
            "sd": float(totals.total.std()) if totals.n_sheets else None,
        },
        "judges": [
            {
                "id": s.judge,
                "count": s.count,
                "mean": s.mean,
                "sd": s.std,
                "severity": s.severity,
                "bias": bias.get(s.judge),
                "unstandardised": unstandardised.get(s.judge),
            }
            for s in diagnostics.judges
        ],
        "icc": {
            "icc1": reliability.icc1,
            "icc1k": reliability.icc1k,
            "k": reliability.k,
            "bms": reliability.between_ms,
            "wms": reliability.within_ms,
        },
        "outliers": [
            [
                app_ids[o.application],
                o.judge,
                round(o.total, 4),
                round(o.median, 4),
                round(o.mad, 4),
            ]
            for o in diagnostics.outliers
        ],
        "disagreements": [
            [app_ids[d.application], round(d.spread, 4)] for d in diagnostics.disagreements
        ],
        "disagreement_threshold": str(diagnostics.disagreement_threshold),
        "empty_sheets": [[app_ids[k], j] for k, j in totals.empty_sheets],
        "refused": {m: refusal_detail(e, app_ids) for m, e in comparison.refused.items()},
        "comparison": comparison_summary(chosen.method, methods, rank_arrays),
    }


def refusal_detail(error, app_ids) -> dict:
    if isinstance(error, DisconnectedPanelError):
        return {
            "groups": [
                {"applications": [app_ids[k] for k in c.applications], "judges": list(c.judges)}
                for c in error.components
            ]
        }
    return {"message": str(error)}


def comparison_summary(method: str, methods: list[str], rank_arrays: list[np.ndarray]) -> dict:
    """How many applications each method moves, compared with the stage's method."""
    base = rank_arrays[methods.index(method)]
    summary = {}
    for other, ranks in zip(methods, rank_arrays, strict=True):
        if other == method:
            continue
        change = base - ranks  # places gained under the other method
        summary[other] = {
            "moved": int((change != 0).sum()),
            "up": int((change > 0).sum()),
            "down": int((change < 0).sum()),
            "largest": int(np.abs(change).max()) if len(change) else 0,
        }
    return summary
