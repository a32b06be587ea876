"""Score a stage: sheets in, ranking with flags and diagnostics out."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from venture.scoring.diagnostics import (
    DEFAULT_DISAGREEMENT_THRESHOLD,
    DISAGREEMENT,
    OUTLIER_SHEET,
    SHEET_WITHOUT_TOTAL,
    Diagnostics,
    diagnose,
)
from venture.scoring.errors import InvalidParameterError, ScoringError
from venture.scoring.methods import (
    METHODS,
    TOO_FEW_TO_TRIM,
    UNSTANDARDISED_SHEET,
    MethodOutput,
    run_method,
)
from venture.scoring.ranking import Ranking, TieBreak, compare_rankings, rank_rows
from venture.scoring.totals import CriterionScore, SheetTotals, aggregate

# The order in which flags are listed on an application.
FLAG_ORDER = (
    DISAGREEMENT,
    OUTLIER_SHEET,
    SHEET_WITHOUT_TOTAL,
    TOO_FEW_TO_TRIM,
    UNSTANDARDISED_SHEET,
)

Sheets = Iterable[CriterionScore] | SheetTotals


@dataclass(frozen=True)
class StageResult:
    """One method's outcome on one stage."""

    method: str
    params: Mapping[str, Any]
    ranking: Ranking
    diagnostics: Diagnostics
    unscored: tuple[Hashable, ...] = ()  # applications whose every sheet was all n/a
    judge_bias: dict[Hashable, float] | None = None  # bias method only
    unstandardised_judges: tuple[tuple[Hashable, str], ...] = ()  # zscore only


@dataclass(frozen=True)
class MethodComparison:
    """Every requested method on the same sheets; ``refused`` holds the methods that
    could not run (e.g. bias on a disconnected panel) with their error."""

    results: dict[str, StageResult]
    refused: dict[str, ScoringError] = field(default_factory=dict)

    def __getitem__(self, method: str) -> StageResult:
        return self.results[method]

    def movements(self, before: str, after: str):
        """Who moved between two methods' rankings (see ``compare_rankings``)."""
        return compare_rankings(self.results[before].ranking, self.results[after].ranking)


def score_stage(
    sheets: Sheets,
    method: str = "trimmed",
    *,
    trim: int = 1,
    disagreement_threshold: float = DEFAULT_DISAGREEMENT_THRESHOLD,
    tie_breaks: Sequence[TieBreak] = (),
) -> StageResult:
    """Score one stage with one method.

    ``sheets`` is either criterion records (checked and summed, see ``aggregate``) or
    :class:`SheetTotals` already aggregated (see ``sheet_totals``).
    """
    totals = as_totals(sheets)
    _check_params(method, trim, disagreement_threshold)
    diagnostics = diagnose(totals, disagreement_threshold)
    return _result(totals, method, trim, diagnostics, tie_breaks)


def compute_all(
    sheets: Sheets,
    methods: Sequence[str] = METHODS,
    *,
    trim: int = 1,
    disagreement_threshold: float = DEFAULT_DISAGREEMENT_THRESHOLD,
    tie_breaks: Sequence[TieBreak] = (),
) -> MethodComparison:
    """Run several methods on the same sheets, sharing aggregation and diagnostics."""
    totals = as_totals(sheets)
    for method in methods:
        _check_params(method, trim, disagreement_threshold)
    diagnostics = diagnose(totals, disagreement_threshold)
    results, refused = {}, {}
    for method in methods:
        try:
            results[method] = _result(totals, method, trim, diagnostics, tie_breaks)
        except ScoringError as error:
            refused[method] = error
    return MethodComparison(results, refused)


def as_totals(sheets: Sheets) -> SheetTotals:
    return sheets if isinstance(sheets, SheetTotals) else aggregate(sheets)


def _check_params(method: str, trim: int, disagreement_threshold: float) -> None:
    if method not in METHODS:
        raise InvalidParameterError(
            f"unknown method {method!r}; choose one of {', '.join(METHODS)}"
        )
    if isinstance(trim, bool) or not isinstance(trim, int | np.integer) or trim < 0:
        raise InvalidParameterError("the trim K must be a whole number, 0 or more")
    if not disagreement_threshold >= 0:
        raise InvalidParameterError("the disagreement threshold must be 0 or more")


def _result(
    totals: SheetTotals,
    method: str,
    trim: int,
    diagnostics: Diagnostics,
    tie_breaks: Sequence[TieBreak],
) -> StageResult:
    params = {"trim": int(trim)} if method == "trimmed" else {}
    params["disagreement_threshold"] = diagnostics.disagreement_threshold
    if totals.n_sheets == 0:
        return StageResult(method, params, Ranking(()), diagnostics, totals.unscored)
    output = run_method(method, totals, trim=trim)
    ranking = rank_rows(
        list(totals.applications),
        output.scores,
        tie_breaks=tie_breaks,
        sheets=totals.sheets_per_application.tolist(),
        flags=_application_flags(totals.n_applications, diagnostics, output),
    )
    return StageResult(
        method,
        params,
        ranking,
        diagnostics,
        totals.unscored,
        output.judge_bias,
        output.unstandardised_judges,
    )


def _application_flags(
    n_applications: int, diagnostics: Diagnostics, output: MethodOutput
) -> list[tuple[str, ...]]:
    """Each application's flag names, in FLAG_ORDER (via one bit pattern per application)."""
    masks = {**diagnostics.app_flags, **output.flags}
    names = [name for name in FLAG_ORDER if name in masks]
    bits = np.zeros(n_applications, dtype=np.int64)
    for bit, name in enumerate(names):
        bits |= masks[name].astype(np.int64) << bit
    patterns = {
        int(pattern): tuple(name for bit, name in enumerate(names) if pattern >> bit & 1)
        for pattern in np.unique(bits)
    }
    return [patterns[pattern] for pattern in bits.tolist()]
