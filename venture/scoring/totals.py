"""From criterion scores to sheet totals, with the input rules checked.

A *sheet* is one judge's scoring of one application: one score per criterion of the
stage's rubric (the union of the criteria seen in the stage). Its *total* is the sum of
its scores; when some criteria are "not applicable" the sum of the answered scores is
rescaled to the whole rubric: answered sum ÷ answered maxima × all maxima.

Everything downstream works on :class:`SheetTotals`: numpy arrays of integer codes for
applications and judges plus a float64 total per sheet. The platform may build it
directly from totals it aggregated in SQL (:func:`sheet_totals`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np

from venture.scoring.errors import (
    DuplicateScoreError,
    InconsistentMaximumError,
    InvalidTotalError,
    MissingCriterionError,
    MissingMaximumError,
    ScoreOutOfRangeError,
    SheetValidationError,
)

Number = Decimal | float | int


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One judge's score of one criterion of one application (``score=None``: n/a)."""

    application: Hashable
    judge: Hashable
    criterion: Hashable
    score: Number | None
    max: Number | None = None
    line: int | None = None  # source line, when the record came from a file


@dataclass(frozen=True)
class AppGroups:
    """Sheets sorted by (application, total), with each application's slice."""

    order: np.ndarray  # indices into the sheet arrays
    app: np.ndarray  # application code of each sorted sheet
    total: np.ndarray  # sorted totals
    counts: np.ndarray  # sheets per application
    starts: np.ndarray  # first sorted position of each application
    position: np.ndarray  # 0-based position of each sorted sheet within its application


@dataclass(frozen=True, eq=False)
class SheetTotals:
    """One stage's sheet totals as arrays; ``app``/``judge`` index the id tuples."""

    applications: tuple[Hashable, ...]  # sorted ids of applications with a total
    judges: tuple[Hashable, ...]  # sorted ids of judges with a total
    app: np.ndarray
    judge: np.ndarray
    total: np.ndarray
    empty_sheets: tuple[tuple[Hashable, Hashable], ...] = field(default=())
    unscored: tuple[Hashable, ...] = field(default=())  # applications with no total at all

    @property
    def n_applications(self) -> int:
        return len(self.applications)

    @property
    def n_judges(self) -> int:
        return len(self.judges)

    @property
    def n_sheets(self) -> int:
        return len(self.total)

    @cached_property
    def sheets_per_application(self) -> np.ndarray:
        return np.bincount(self.app, minlength=self.n_applications)

    @cached_property
    def groups(self) -> AppGroups:
        order = np.lexsort((self.total, self.app))
        app_sorted = self.app[order]
        counts = self.sheets_per_application
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
        position = np.arange(len(order)) - starts[app_sorted]
        return AppGroups(order, app_sorted, self.total[order], counts, starts, position)


def sheet_totals(
    applications: Sequence[Hashable] | np.ndarray,
    judges: Sequence[Hashable] | np.ndarray,
    totals: Sequence[float] | np.ndarray,
) -> SheetTotals:
    """Sheet totals already aggregated (e.g. by SQL): one (application, judge, total) each.

    Ids are str or int (one kind per column). A total must be finite; an
    (application, judge) pair may appear once.
    """
    app_ids, app = _codes(applications)
    judge_ids, judge = _codes(judges)
    total = np.asarray(totals, dtype=np.float64)
    if not len(app) == len(judge) == len(total):
        raise InvalidTotalError("applications, judges and totals differ in length")
    bad = np.flatnonzero(~np.isfinite(total))
    if len(bad):
        index = int(bad[0])
        raise InvalidTotalError(f"sheet {index} has no finite total", index=index)
    repeated = _first_repeat(app * len(judge_ids) + judge)
    if repeated is not None:
        raise InvalidTotalError(
            f"judge {judge_ids[judge[repeated]]} has two sheets for application "
            f"{app_ids[app[repeated]]}",
            index=repeated,
        )
    return SheetTotals(app_ids, judge_ids, app.astype(np.intp), judge.astype(np.intp), total)


def aggregate(records: Iterable[CriterionScore]) -> SheetTotals:
    """Check criterion records and sum them into sheet totals (see module docstring)."""
    records = list(records)
    nan = float("nan")
    return _aggregate(
        [r.application for r in records],
        [r.judge for r in records],
        [r.criterion for r in records],
        np.array([nan if r.score is None else float(r.score) for r in records], dtype=np.float64),
        np.array([nan if r.max is None else float(r.max) for r in records], dtype=np.float64),
        records,
    )


def aggregate_arrays(
    applications: Sequence[Hashable] | np.ndarray,
    judges: Sequence[Hashable] | np.ndarray,
    criteria: Sequence[Hashable] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    maxima: Sequence[float] | np.ndarray | None = None,
) -> SheetTotals:
    """Like :func:`aggregate` on parallel arrays; NaN score = n/a, NaN max = unknown."""
    scores = np.asarray(scores, dtype=np.float64)
    if maxima is None:
        maxima = np.full(len(scores), np.nan)
    return _aggregate(
        applications, judges, criteria, scores, np.asarray(maxima, dtype=np.float64), None
    )


def _aggregate(
    applications, judges, criteria, score: np.ndarray, maximum: np.ndarray, records: list | None
) -> SheetTotals:
    app_ids, app = _codes(applications)
    judge_ids, judge = _codes(judges)
    criterion_ids, criterion = _codes(criteria)
    if not len(app) == len(judge) == len(criterion) == len(score) == len(maximum):
        raise SheetValidationError("the criterion columns differ in length")
    sheet_ids, sheet = np.unique(app * len(judge_ids) + judge, return_inverse=True)
    rubric_max = _rubric_maxima(criterion, maximum, len(criterion_ids))

    problems = [
        _check_numbers(score, maximum),
        _check_maxima(criterion, maximum, rubric_max, criterion_ids),
        _check_not_applicable(score, rubric_max),
        _check_range(score, maximum),
        _check_duplicates(sheet, criterion, len(criterion_ids)),
        _check_complete(sheet, criterion, criterion_ids),
    ]
    problems = [p for p in problems if p is not None]
    if problems:
        index, error_class, message = min(problems, key=lambda p: p[0])
        record = records[index] if records is not None else None
        context = (
            f"application {app_ids[app[index]]}, judge {judge_ids[judge[index]]}, "
            f"criterion {criterion_ids[criterion[index]]}: "
        )
        raise error_class(context + message, record=record, index=index)

    total, answered = _sheet_sums(sheet, len(sheet_ids), criterion, score, rubric_max)
    sheet_app, sheet_judge = np.divmod(sheet_ids, len(judge_ids))
    empty = [
        (app_ids[a], judge_ids[j])
        for a, j in zip(sheet_app[~answered].tolist(), sheet_judge[~answered].tolist(), strict=True)
    ]
    result = sheet_totals(
        np.asarray(app_ids, dtype=object)[sheet_app[answered]],
        np.asarray(judge_ids, dtype=object)[sheet_judge[answered]],
        total[answered],
    )
    scored = set(result.applications)
    unscored = tuple(sorted({a for a, _ in empty if a not in scored}))
    return SheetTotals(
        result.applications,
        result.judges,
        result.app,
        result.judge,
        result.total,
        tuple(empty),
        unscored,
    )


def _sheet_sums(sheet, n_sheets, criterion, score, rubric_max):
    """Each sheet's total (rescaled when it has n/a) and whether it has any answer."""
    is_answered = ~np.isnan(score)
    answered_sum = np.bincount(sheet, np.where(is_answered, score, 0.0), n_sheets)
    answered_count = np.bincount(sheet, is_answered, n_sheets)
    n_criteria = len(rubric_max)
    total = answered_sum
    partial = (answered_count < n_criteria) & (answered_count > 0)
    if partial.any():
        # Only reached when every maximum is known (checked before).
        answered_max = np.bincount(
            sheet, np.where(is_answered, rubric_max[criterion], 0.0), n_sheets
        )
        rescaled = answered_sum * rubric_max.sum() / np.where(partial, answered_max, 1.0)
        total = np.where(partial, rescaled, answered_sum)
    return total, answered_count > 0


def _rubric_maxima(criterion: np.ndarray, maximum: np.ndarray, n_criteria: int) -> np.ndarray:
    """Each criterion's maximum as first given (NaN when unknown)."""
    first = np.full(n_criteria, len(criterion), dtype=np.intp)
    np.minimum.at(first, criterion, np.arange(len(criterion)))
    return maximum[first] if len(criterion) else np.zeros(0)


# Each check returns (index of the first offending row, error class, message) or None.


def _check_numbers(score, maximum):
    bad_score = np.isinf(score)
    bad_max = ~np.isnan(maximum) & ~(maximum > 0) | np.isinf(maximum)
    index = _first(bad_score | bad_max)
    if index is None:
        return None
    if bad_score[index]:
        return index, ScoreOutOfRangeError, "the score is not a finite number"
    return index, InconsistentMaximumError, "the maximum must be a positive finite number"


def _check_maxima(criterion, maximum, rubric_max, criterion_ids):
    expected = rubric_max[criterion]
    differs = ~((maximum == expected) | (np.isnan(maximum) & np.isnan(expected)))
    index = _first(differs)
    if index is None:
        return None
    return (
        index,
        InconsistentMaximumError,
        (
            f"maximum {_show(maximum[index])} differs from {_show(expected[index])} given "
            f"for the same criterion before"
        ),
    )


def _check_not_applicable(score, rubric_max):
    if not np.isnan(rubric_max).any():
        return None
    index = _first(np.isnan(score))
    if index is None:
        return None
    return (
        index,
        MissingMaximumError,
        (
            "a not-applicable score needs every criterion's maximum (the max column) "
            "to rescale the total"
        ),
    )


def _check_range(score, maximum):
    below = score < 0
    above = score > maximum  # False where the maximum is unknown (NaN)
    index = _first(below | above)
    if index is None:
        return None
    if below[index]:
        return index, ScoreOutOfRangeError, f"score {_show(score[index])} is below 0"
    return (
        index,
        ScoreOutOfRangeError,
        (f"score {_show(score[index])} is above the maximum {_show(maximum[index])}"),
    )


def _check_duplicates(sheet, criterion, n_criteria):
    index = _first_repeat(sheet * n_criteria + criterion)
    if index is None:
        return None
    return index, DuplicateScoreError, "a second score for the same criterion on this sheet"


def _check_complete(sheet, criterion, criterion_ids):
    per_sheet = np.bincount(sheet, minlength=sheet.max() + 1 if len(sheet) else 0)
    short = np.flatnonzero(per_sheet < len(criterion_ids))
    if not len(short):
        return None
    rows_of_short = np.flatnonzero(np.isin(sheet, short))
    index = int(rows_of_short[0])  # the earliest row of an incomplete sheet
    present = set(criterion[sheet == sheet[index]].tolist())
    missing = [str(criterion_ids[c]) for c in range(len(criterion_ids)) if c not in present]
    return (
        index,
        MissingCriterionError,
        (f"this sheet lacks criterion {', '.join(missing)} that other sheets of the stage have"),
    )


def _codes(values) -> tuple[tuple[Hashable, ...], np.ndarray]:
    """Sorted distinct ids and each value's integer code."""
    array = np.asarray(values)
    if array.ndim != 1:
        array = np.asarray(list(values), dtype=object)
    ids, codes = np.unique(array, return_inverse=True)
    return tuple(ids.tolist()), codes.reshape(-1).astype(np.intp)


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if len(hits) else None


def _first_repeat(keys: np.ndarray) -> int | None:
    """Index of the earliest row whose key appeared on an earlier row."""
    if not len(keys):
        return None
    _, first = np.unique(keys, return_index=True)
    repeated = np.ones(len(keys), dtype=bool)
    repeated[first] = False
    return _first(repeated)


def _show(value: float) -> str:
    """A number for a message, as typed (11.0 shows as 11)."""
    if np.isnan(value):
        return "unknown"
    return format(Decimal(repr(float(value))).normalize(), "f")
