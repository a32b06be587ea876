"""The five ways of turning an application's sheet totals into one score.

Every function takes :class:`SheetTotals` and returns float64 arrays indexed by
application code; all work is vectorised over the sheets (no per-sheet Python objects).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from venture.scoring.errors import DisconnectedPanelError, InvalidParameterError, PanelComponent
from venture.scoring.totals import SheetTotals

METHODS = ("mean", "median", "trimmed", "zscore", "bias")

TOO_FEW_TO_TRIM = "too_few_sheets_to_trim"
UNSTANDARDISED_SHEET = "unstandardised_sheet"

ZSCORE_MIN_TOTALS = 3  # a judge needs this many totals before we trust their spread


@dataclass(frozen=True, eq=False)
class MethodOutput:
    """Scores per application code, boolean flag arrays, and what the method learnt."""

    scores: np.ndarray
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    judge_bias: dict[Hashable, float] | None = None  # bias: b(judge), summing to 0
    unstandardised_judges: tuple[tuple[Hashable, str], ...] = ()  # zscore: (judge, why)


def run_method(method: str, totals: SheetTotals, *, trim: int = 1) -> MethodOutput:
    """Score a stage with one method (names in :data:`METHODS`)."""
    if method == "mean":
        return MethodOutput(mean_scores(totals))
    if method == "median":
        return MethodOutput(median_scores(totals))
    if method == "trimmed":
        scores, too_few = trimmed_scores(totals, trim)
        return MethodOutput(scores, {TOO_FEW_TO_TRIM: too_few})
    if method == "zscore":
        return zscore_output(totals)
    if method == "bias":
        scores, bias = bias_scores(totals)
        return MethodOutput(scores, judge_bias=dict(zip(totals.judges, bias.tolist(), strict=True)))
    raise InvalidParameterError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def mean_scores(totals: SheetTotals) -> np.ndarray:
    """Arithmetic mean of each application's totals."""
    return _per_app_mean(totals, totals.total)


def median_scores(totals: SheetTotals) -> np.ndarray:
    """Middle total; mean of the two middle ones for an even count."""
    groups = totals.groups
    return grouped_median(groups.total, groups.counts, groups.starts)


def grouped_median(sorted_values: np.ndarray, counts: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Median of each group of ``sorted_values`` (sorted within each group)."""
    low = starts + (counts - 1) // 2
    high = starts + counts // 2
    return (sorted_values[low] + sorted_values[high]) / 2  # (x + x) / 2 == x exactly


def trimmed_scores(totals: SheetTotals, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Drop the K highest and K lowest totals and average the rest.

    Applications with fewer than 2K+1 totals get the plain mean; the second array marks
    them (flag ``too_few_sheets_to_trim``).
    """
    if k < 0:
        raise InvalidParameterError("the trim K must be 0 or more")
    mean = mean_scores(totals)
    counts = totals.sheets_per_application
    too_few = counts < 2 * k + 1
    if k == 0:
        return mean, too_few  # nothing to drop: exactly the mean
    groups = totals.groups
    kept = (groups.position >= k) & (groups.position < groups.counts[groups.app] - k)
    kept_sum = np.bincount(groups.app, np.where(kept, groups.total, 0.0), len(counts))
    with np.errstate(invalid="ignore", divide="ignore"):
        trimmed = kept_sum / (counts - 2 * k)
    return np.where(too_few, mean, trimmed), too_few


def zscore_output(totals: SheetTotals) -> MethodOutput:
    """Standardise each judge's totals to the stage's mean and spread, then average.

    T -> μ + σ·(T − μj)/σj, with μj, σj the judge's mean and population standard
    deviation and μ, σ those of all totals. Judges with fewer than 3 totals or with all
    totals equal keep their totals as they are (their applications are flagged).
    """
    judge, total, n_judges = totals.judge, totals.total, totals.n_judges
    count = np.bincount(judge, minlength=n_judges)
    judge_mean = np.bincount(judge, total, n_judges) / count
    judge_std = np.sqrt(np.bincount(judge, (total - judge_mean[judge]) ** 2, n_judges) / count)
    # Zero spread is decided on the totals themselves, not on a float σj that may be 1e-17.
    spread = _per_group_max(judge, total, n_judges) + _per_group_max(judge, -total, n_judges)
    too_few = count < ZSCORE_MIN_TOTALS
    flat = spread == 0
    standardise = ~too_few & ~flat
    safe_std = np.where(standardise, judge_std, 1.0)
    stage_mean, stage_std = total.mean(), total.std()
    adjusted = np.where(
        standardise[judge],
        stage_mean + stage_std * (total - judge_mean[judge]) / safe_std[judge],
        total,
    )
    unstandardised_sheet = np.bincount(totals.app, ~standardise[judge], totals.n_applications) > 0
    reasons = [
        (
            totals.judges[j],
            f"fewer than {ZSCORE_MIN_TOTALS} totals" if too_few[j] else "all totals equal",
        )
        for j in np.flatnonzero(~standardise).tolist()
    ]
    return MethodOutput(
        _per_app_mean(totals, adjusted),
        {UNSTANDARDISED_SHEET: unstandardised_sheet},
        unstandardised_judges=tuple(reasons),
    )


def bias_scores(totals: SheetTotals) -> tuple[np.ndarray, np.ndarray]:
    """Least squares fit of T = v(application) + b(judge) with Σ b = 0; returns (v, b).

    Eliminating v (v_a = mean over a's sheets of T − b_j) leaves the judges' normal
    equations L b = c, where L = diag(sheets of j) − Σ_a [j, k both on a] / n_a is a
    graph Laplacian of judges linked through shared applications and
    c_j = Σ over j's sheets of (T − mean of the application). L is singular along
    (1, …, 1); solving (L + 1·1ᵀ) b = c picks the solution with Σ b = 0. The system is
    judges × judges, so 10,000 applications cost no more than 200 judges.
    """
    components = panel_components(totals)
    if len(components) > 1:
        raise DisconnectedPanelError(components)
    app, judge, total = totals.app, totals.judge, totals.total
    n_apps, n_judges = totals.n_applications, totals.n_judges
    counts = totals.sheets_per_application
    app_mean = np.bincount(app, total, n_apps) / counts
    incidence = csr_matrix((np.ones(len(app)), (app, judge)), shape=(n_apps, n_judges))
    weighted = csr_matrix((1.0 / counts[app], (app, judge)), shape=(n_apps, n_judges))
    shared = (incidence.T @ weighted).toarray()
    laplacian = np.diag(np.bincount(judge, minlength=n_judges).astype(float)) - shared
    rhs = np.bincount(judge, total - app_mean[app], n_judges)
    bias = np.linalg.solve(laplacian + 1.0, rhs)
    value = app_mean - np.bincount(app, bias[judge], n_apps) / counts
    return value, bias


def panel_components(totals: SheetTotals) -> list[PanelComponent]:
    """Connected groups of the bipartite graph applications — judges (edge = a sheet)."""
    n_apps, n_judges = totals.n_applications, totals.n_judges
    if totals.n_sheets == 0:
        return []
    graph = csr_matrix(
        (np.ones(totals.n_sheets), (totals.app, n_apps + totals.judge)),
        shape=(n_apps + n_judges, n_apps + n_judges),
    )
    count, labels = connected_components(graph, directed=False)
    if count == 1:
        return [PanelComponent(totals.applications, totals.judges)]
    app_labels, judge_labels = labels[:n_apps], labels[n_apps:]
    return [
        PanelComponent(
            tuple(totals.applications[i] for i in np.flatnonzero(app_labels == label).tolist()),
            tuple(totals.judges[j] for j in np.flatnonzero(judge_labels == label).tolist()),
        )
        for label in range(count)
    ]


def _per_app_mean(totals: SheetTotals, values: np.ndarray) -> np.ndarray:
    return np.bincount(totals.app, values, totals.n_applications) / totals.sheets_per_application


def _per_group_max(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    result = np.full(n_groups, -np.inf)
    np.maximum.at(result, group, values)
    return result
