"""What a reader needs to trust (or question) a stage's scores.

* disagreement: the application's highest minus lowest total is above a threshold;
* outlier sheet: |T − median| > 3 × MAD of the application's totals (MAD unscaled; no
  outliers where MAD is 0);
* per judge: count, mean, population standard deviation and severity (their total minus
  the mean of the other judges' totals on the same application, averaged over their
  applications that have other judges; negative = harsher than the panel);
* reliability: ICC(1) and ICC(1,k) of Shrout & Fleiss (1979), one-way random effects.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np

from venture.scoring.methods import grouped_median
from venture.scoring.totals import SheetTotals

DISAGREEMENT = "disagreement"
OUTLIER_SHEET = "outlier_sheet"
SHEET_WITHOUT_TOTAL = "sheet_without_total"

DEFAULT_DISAGREEMENT_THRESHOLD = 20.0
OUTLIER_MAD_FACTOR = 3.0
# Comparisons at a threshold tolerate float noise, so 0.1-steps exactly at the threshold
# are never flagged because of binary rounding.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class JudgeStats:
    judge: Hashable
    count: int
    mean: float
    std: float  # population standard deviation of the judge's totals
    severity: float | None  # None when none of their applications has another judge


@dataclass(frozen=True)
class OutlierSheet:
    application: Hashable
    judge: Hashable
    total: float
    median: float  # of the application's totals
    mad: float  # median absolute deviation of the application's totals


@dataclass(frozen=True)
class Disagreement:
    application: Hashable
    spread: float  # highest total minus lowest total


@dataclass(frozen=True)
class Reliability:
    """ICC(1): reliability of one sheet; ICC(1,k): of the mean of k sheets.

    With unequal numbers of sheets per application, k is the standard k0 =
    (N − Σ n_a² / N) / (A − 1) (N sheets, A applications, n_a sheets of a), which is the
    common count when it is equal. ICC(1,k) = (BMS − WMS) / BMS, the Spearman–Brown
    step-up of ICC(1) to k0 sheets.
    """

    icc1: float | None
    icc1k: float | None
    k: float | None
    between_ms: float | None  # BMS: between-applications mean square
    within_ms: float | None  # WMS: within-applications mean square


@dataclass(frozen=True)
class Diagnostics:
    judges: tuple[JudgeStats, ...]
    outliers: tuple[OutlierSheet, ...]
    disagreements: tuple[Disagreement, ...]
    reliability: Reliability
    empty_sheets: tuple[tuple[Hashable, Hashable], ...]  # (application, judge), all n/a
    disagreement_threshold: float
    app_flags: dict[str, np.ndarray] = field(default_factory=dict, repr=False)


def diagnose(
    totals: SheetTotals, disagreement_threshold: float = DEFAULT_DISAGREEMENT_THRESHOLD
) -> Diagnostics:
    """Every diagnostic of a stage, plus boolean flag arrays per application code."""
    disagreement_threshold = float(disagreement_threshold)  # a Decimal is welcome too
    spread = _spread(totals)
    disagree = spread > disagreement_threshold + TOLERANCE
    outlier_index, medians, mads = _outlier_sheets(totals)
    has_outlier = np.zeros(totals.n_applications, dtype=bool)
    has_outlier[totals.app[outlier_index]] = True
    has_empty = _has_empty_sheet(totals)
    return Diagnostics(
        judges=judge_stats(totals),
        outliers=tuple(
            OutlierSheet(
                totals.applications[totals.app[i]],
                totals.judges[totals.judge[i]],
                float(totals.total[i]),
                float(medians[totals.app[i]]),
                float(mads[totals.app[i]]),
            )
            for i in outlier_index.tolist()
        ),
        disagreements=tuple(
            Disagreement(totals.applications[a], float(spread[a]))
            for a in np.flatnonzero(disagree).tolist()
        ),
        reliability=reliability(totals),
        empty_sheets=totals.empty_sheets,
        disagreement_threshold=disagreement_threshold,
        app_flags={
            DISAGREEMENT: disagree,
            OUTLIER_SHEET: has_outlier,
            SHEET_WITHOUT_TOTAL: has_empty,
        },
    )


def _has_empty_sheet(totals: SheetTotals) -> np.ndarray:
    flagged = np.zeros(totals.n_applications, dtype=bool)
    if totals.empty_sheets:
        code = {application: i for i, application in enumerate(totals.applications)}
        for application, _judge in totals.empty_sheets:
            if application in code:  # else it has no total at all: unscored
                flagged[code[application]] = True
    return flagged


def judge_stats(totals: SheetTotals) -> tuple[JudgeStats, ...]:
    judge, total, n = totals.judge, totals.total, totals.n_judges
    if not totals.n_sheets:
        return ()
    count = np.bincount(judge, minlength=n)
    mean = np.bincount(judge, total, n) / count
    std = np.sqrt(np.bincount(judge, (total - mean[judge]) ** 2, n) / count)
    severity = _severity(totals)
    return tuple(
        JudgeStats(
            totals.judges[j],
            int(count[j]),
            float(mean[j]),
            float(std[j]),
            None if np.isnan(severity[j]) else float(severity[j]),
        )
        for j in range(n)
    )


def _severity(totals: SheetTotals) -> np.ndarray:
    """Mean over a judge's shared applications of (T − mean of the others' totals)."""
    app, judge, total = totals.app, totals.judge, totals.total
    counts = totals.sheets_per_application[app]
    app_sum = np.bincount(app, total, totals.n_applications)[app]
    shared = counts > 1
    with np.errstate(invalid="ignore", divide="ignore"):
        others_mean = (app_sum - total) / (counts - 1)
        difference = np.where(shared, total - others_mean, 0.0)
        return np.bincount(judge, difference, totals.n_judges) / np.bincount(
            judge, shared, totals.n_judges
        )


def _spread(totals: SheetTotals) -> np.ndarray:
    groups = totals.groups
    if not totals.n_sheets:
        return np.zeros(0)
    last = groups.starts + groups.counts - 1
    return groups.total[last] - groups.total[groups.starts]


def _outlier_sheets(totals: SheetTotals) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices (into the sheet arrays, by application then judge), medians and MADs."""
    groups = totals.groups
    if not totals.n_sheets:
        return np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0)
    median = grouped_median(groups.total, groups.counts, groups.starts)
    deviation = np.abs(groups.total - median[groups.app])
    # Sorting (application, deviation) keeps each application's slice where it was.
    sorted_deviation = deviation[np.lexsort((deviation, groups.app))]
    mad = grouped_median(sorted_deviation, groups.counts, groups.starts)
    is_outlier = (mad[groups.app] > 0) & (
        deviation > OUTLIER_MAD_FACTOR * mad[groups.app] + TOLERANCE
    )
    index = groups.order[is_outlier]
    index = index[np.lexsort((totals.judge[index], totals.app[index]))]
    return index, median, mad


def reliability(totals: SheetTotals) -> Reliability:
    """One-way random-effects ICCs; None where they cannot be computed.

    Needs at least 2 applications and at least one application with 2 or more sheets
    (within-application degrees of freedom); ICC(1) also needs BMS + (k − 1)·WMS > 0 and
    ICC(1,k) needs BMS > 0 (both fail only when every total is equal).
    """
    n_apps, n_sheets = totals.n_applications, totals.n_sheets
    if n_apps < 2 or n_sheets - n_apps < 1:
        return Reliability(None, None, None, None, None)
    counts = totals.sheets_per_application
    app_mean = np.bincount(totals.app, totals.total, n_apps) / counts
    grand_mean = totals.total.mean()
    between = float((counts * (app_mean - grand_mean) ** 2).sum() / (n_apps - 1))
    within = float(((totals.total - app_mean[totals.app]) ** 2).sum() / (n_sheets - n_apps))
    k0 = float((n_sheets - (counts.astype(float) ** 2).sum() / n_sheets) / (n_apps - 1))
    single_denominator = between + (k0 - 1) * within
    icc1 = (between - within) / single_denominator if single_denominator > 0 else None
    icc1k = (between - within) / between if between > 0 else None
    return Reliability(icc1, icc1k, k0, between, within)
