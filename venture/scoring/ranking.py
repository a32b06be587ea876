"""Published scores (2 decimals, half up) and competition ranking.

Rounding. Methods compute in float64. A float is published by taking its shortest
repr as a Decimal, snapping it to 10 decimals (this removes binary noise such as
82.12499999999999 for an exact 82.125), then rounding to 2 decimals ROUND_HALF_UP
(halves go away from zero). Scores built from totals with at most 4 decimals and a few
hundred sheets are, when not exactly on a half-cent, at least 1e-9 away from one, so the
snap never moves a value across a boundary. Decimal and Fraction inputs (e.g. stage
combinations) are rounded exactly, without the snap.

Ranking. Order by published score, highest first. Equal published scores share the rank
of the first of them (1, 2, 2, 4) unless a tie-break chain separates them; still-equal
ones are listed by application id ascending.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import cached_property
from math import isfinite
from typing import Any

import numpy as np

from venture.scoring.errors import InvalidParameterError

CENT = Decimal("0.01")
SNAP = Decimal("1e-10")
_CONTEXT = Context(prec=60)
_MISSING = object()

Exact = float | Decimal | Fraction | int


def publish_score(value: Exact) -> Decimal:
    """The published score: 2 decimals, half up (see the module docstring)."""
    if isinstance(value, Fraction):
        return _fraction_half_up(value)
    if isinstance(value, float):  # also numpy.float64, whose repr is not the number
        value = float(value)
        if not isfinite(value):
            raise InvalidParameterError(f"cannot publish the score {value!r}")
        decimal = Decimal(repr(value)).quantize(SNAP, ROUND_HALF_EVEN, context=_CONTEXT)
    else:
        decimal = Decimal(value)
    return _no_negative_zero(decimal.quantize(CENT, ROUND_HALF_UP, context=_CONTEXT))


def publish_many(values: Sequence[Exact] | np.ndarray) -> tuple[list[Decimal], list[int]]:
    """Published scores and their integer cents; the same results as ``publish_score``.

    Float arrays take a vectorised path: a value whose hundredfold is more than 1e-6
    away from a half (and below 1e7 in size, where float64 still has that precision)
    cannot be moved across a half-cent by the 1e-10 snap, so floor(|x|·100 + 0.5) is its
    half-up rounding. The few others go through ``publish_score``.
    """
    if not isinstance(values, np.ndarray) or values.dtype.kind != "f":
        published = [publish_score(value) for value in values]
        return published, [int(score.scaleb(2)) for score in published]
    cents = publish_cents(values)
    return [Decimal(c).scaleb(-2) for c in cents], cents


def publish_cents(values: np.ndarray) -> list[int]:
    """The published scores of a float array as integer cents (see ``publish_many``)."""
    scaled = np.abs(values) * 100
    fraction = scaled - np.floor(scaled)
    safe = np.isfinite(values) & (np.abs(fraction - 0.5) > 1e-6) & (scaled < 1e9)
    rounded = np.where(safe, np.sign(values) * np.floor(scaled + 0.5), 0.0)
    cents = rounded.astype(np.int64).tolist()
    for i in np.flatnonzero(~safe).tolist():
        cents[i] = int(publish_score(values[i]).scaleb(2))
    return cents


def _fraction_half_up(value: Fraction) -> Decimal:
    cents = (200 * abs(value.numerator) + value.denominator) // (2 * value.denominator)
    signed = -cents if value < 0 else cents
    return _no_negative_zero(Decimal(signed).scaleb(-2))


def _no_negative_zero(value: Decimal) -> Decimal:
    return value if value else Decimal("0.00")


@dataclass(frozen=True)
class TieBreak:
    """Separates equal published scores: a value per application, compared in order.

    ``values`` is a mapping application -> sortable value, or a function of the
    application (returning None for "no value"). ``descending=True`` puts the highest
    value first. Applications without a value come after those with one.
    """

    values: Mapping[Hashable, Any] | Callable[[Hashable], Any]
    descending: bool = True
    name: str = ""

    def value_of(self, application: Hashable) -> Any:
        if isinstance(self.values, Mapping):
            return self.values.get(application, _MISSING)
        value = self.values(application)
        return _MISSING if value is None else value


@dataclass(frozen=True, slots=True)
class RankedApplication:
    rank: int | None
    application: Hashable
    score: Decimal | None  # published: 2 decimals
    exact: Exact | None  # before rounding
    sheets: int | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ranking:
    entries: tuple[RankedApplication, ...]

    def __iter__(self) -> Iterator[RankedApplication]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, position: int) -> RankedApplication:
        return self.entries[position]

    @cached_property
    def _by_application(self) -> dict[Hashable, RankedApplication]:
        return {entry.application: entry for entry in self.entries}

    def get(self, application: Hashable) -> RankedApplication | None:
        return self._by_application.get(application)

    def applications(self) -> list[Hashable]:
        return [entry.application for entry in self.entries]

    def scores(self) -> dict[Hashable, Decimal]:
        """Published scores of the applications that have one."""
        return {e.application: e.score for e in self.entries if e.score is not None}

    def cents_and_ranks(self) -> RankingCents:
        """The lightest bulk view: published scores as integer cents, and ranks."""
        entries = self.entries
        return RankingCents(
            [e.application for e in entries],
            [None if e.score is None else int(e.score.scaleb(2)) for e in entries],
            [e.rank for e in entries],
        )

    def columns(self) -> RankingColumns:
        """The ranking as parallel lists in ranking order (for bulk readers)."""
        entries = self.entries
        return RankingColumns(
            [e.application for e in entries],
            [e.rank for e in entries],
            [e.score for e in entries],
            [e.exact for e in entries],
            [e.sheets for e in entries],
            [e.flags for e in entries],
        )


@dataclass(frozen=True)
class RankingCents:
    """Parallel lists, in ranking order: application, published score in cents, rank."""

    applications: list[Hashable]
    cents: list[int | None]
    ranks: list[int | None]


@dataclass(frozen=True)
class RankingColumns:
    """Parallel lists, in ranking order: application, rank, published and exact score,
    sheets and flags."""

    applications: list[Hashable]
    ranks: list[int | None]
    scores: list[Decimal | None]
    exact: list[Exact | None]
    sheets: list[int | None]
    flags: list[tuple[str, ...]]


class _ArrayRanking(Ranking):
    """A ranking computed with numpy: the same entries, made only when first used.

    Bulk readers (the platform ranks 10,000 applications with five methods) take
    :meth:`columns` and never pay for 50,000 entry objects.
    """

    def __init__(self, applications, order, rank_list, cents, exact, sheets, flags):
        object.__setattr__(
            self, "_parts", (applications, order, rank_list, cents, exact, sheets, flags)
        )

    @cached_property
    def _published(self) -> list[Decimal]:
        return [Decimal(c).scaleb(-2) for c in self._parts[3]]  # made only when read

    def __eq__(self, other) -> bool:
        return isinstance(other, Ranking) and self.entries == other.entries

    __hash__ = Ranking.__hash__

    @cached_property
    def entries(self) -> tuple[RankedApplication, ...]:  # type: ignore[override]
        applications, order, rank_list, _cents, exact, sheets, flags = self._parts
        published = self._published
        return tuple(
            RankedApplication(rank, applications[i], published[i], exact[i], sheets[i], flags[i])
            for i, rank in zip(order, rank_list, strict=True)
        )

    def cents_and_ranks(self) -> RankingCents:
        applications, order, rank_list, cents, *_rest = self._parts
        return RankingCents(
            [applications[i] for i in order], [cents[i] for i in order], list(rank_list)
        )

    def columns(self) -> RankingColumns:
        applications, order, rank_list, _cents, exact, sheets, flags = self._parts
        published = self._published
        return RankingColumns(
            [applications[i] for i in order],
            list(rank_list),
            [published[i] for i in order],
            [exact[i] for i in order],
            [sheets[i] for i in order],
            [flags[i] for i in order],
        )


def rank_scores(
    scores: Mapping[Hashable, Exact],
    *,
    tie_breaks: Sequence[TieBreak] = (),
    sheets: Mapping[Hashable, int] | None = None,
    flags: Mapping[Hashable, Sequence[str]] | None = None,
) -> Ranking:
    """Rank applications by their scores (exact values; published here)."""
    applications = list(scores)
    return rank_rows(
        applications,
        [scores[a] for a in applications],
        tie_breaks=tie_breaks,
        sheets=[sheets.get(a) for a in applications] if sheets else None,
        flags=[tuple(flags.get(a, ())) for a in applications] if flags else None,
    )


def rank_rows(
    applications: Sequence[Hashable],
    exact: Sequence[Exact] | np.ndarray,
    *,
    tie_breaks: Sequence[TieBreak] = (),
    sheets: Sequence[int | None] | None = None,
    flags: Sequence[tuple[str, ...]] | None = None,
) -> Ranking:
    """Like :func:`rank_scores` on parallel sequences (the engine's fast path)."""
    if sheets is None:
        sheets = [None] * len(applications)
    if flags is None:
        flags = [()] * len(applications)
    if not tie_breaks and isinstance(exact, np.ndarray) and exact.dtype.kind == "f":
        cents = publish_cents(exact)
        order, rank_list = _order_and_ranks(applications, cents)
        return _ArrayRanking(applications, order, rank_list, cents, exact.tolist(), sheets, flags)
    published, cents = publish_many(exact)
    if isinstance(exact, np.ndarray):
        exact = exact.tolist()
    order = _ranking_order(applications, cents, tie_breaks)
    ties_key = _tie_identity(applications, cents, tie_breaks)
    entries, previous_key, rank = [], None, 0
    for position, i in enumerate(order, start=1):
        key = ties_key(i)
        if key != previous_key:
            rank, previous_key = position, key
        entries.append(
            RankedApplication(rank, applications[i], published[i], exact[i], sheets[i], flags[i])
        )
    return Ranking(tuple(entries))


def _order_and_ranks(applications, cents) -> tuple[list[int], list[int]]:
    """Without tie-breaks: by score, highest first, then by application id; equal
    scores share the rank of the first (vectorised; same result as the general path)."""
    by_id = np.array(sorted(range(len(applications)), key=applications.__getitem__), dtype=np.intp)
    cents_array = np.array(cents, dtype=np.int64)
    order = by_id[np.argsort(-cents_array[by_id], kind="stable")]
    ordered = cents_array[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    positions = np.arange(1, len(order) + 1)
    rank_array = np.maximum.accumulate(np.where(starts, positions, 0))
    return order.tolist(), rank_array.tolist()


def _tie_identity(applications, cents, tie_breaks):
    """What two entries must share to share a rank: the cents and every tie-break value."""
    if not tie_breaks:
        return cents.__getitem__
    return lambda i: (cents[i], *(tb.value_of(applications[i]) for tb in tie_breaks))


def _ranking_order(applications, cents, tie_breaks) -> list[int]:
    """Stable sorts, least significant first: id, then tie-breaks backwards, then score."""
    order = sorted(range(len(applications)), key=applications.__getitem__)
    for tie_break in reversed(tie_breaks):
        order.sort(key=_tie_break_key(applications, tie_break), reverse=tie_break.descending)
    order.sort(key=cents.__getitem__, reverse=True)
    return order


def _tie_break_key(applications, tie_break: TieBreak):
    present_first = tie_break.descending

    def key(i: int) -> tuple:
        value = tie_break.value_of(applications[i])
        if value is _MISSING:
            return (not present_first,)
        return (present_first, value)

    return key


def category_ranks(overall_ranks: Sequence[int], categories: Sequence[Hashable]) -> list[int]:
    """Rank within each category, from a ranking's overall ranks in its order (equal
    overall ranks stay equal): the i-th result is the i-th application's."""
    seen: dict = {}
    last: dict = {}
    out = []
    for rank, category in zip(overall_ranks, categories, strict=True):
        place = seen[category] = seen.get(category, 0) + 1
        previous_rank, previous_category_rank = last.get(category, (None, 0))
        category_rank = previous_category_rank if rank == previous_rank else place
        last[category] = (rank, category_rank)
        out.append(category_rank)
    return out


@dataclass(frozen=True)
class Movement:
    """One application's place in two rankings (None where it is absent)."""

    application: Hashable
    before_rank: int | None
    after_rank: int | None
    before_score: Decimal | None
    after_score: Decimal | None

    @property
    def change(self) -> int | None:
        """Places gained (positive = moved up); None when absent from one ranking."""
        if self.before_rank is None or self.after_rank is None:
            return None
        return self.before_rank - self.after_rank

    @property
    def moved(self) -> bool:
        return self.change != 0


def compare_rankings(before: Ranking, after: Ranking) -> tuple[Movement, ...]:
    """Every application of either ranking, in the order of ``after`` then of ``before``."""
    movements = []
    for entry in after:
        old = before.get(entry.application)
        movements.append(
            Movement(
                entry.application,
                old.rank if old else None,
                entry.rank,
                old.score if old else None,
                entry.score,
            )
        )
    for entry in before:
        if after.get(entry.application) is None:
            movements.append(Movement(entry.application, entry.rank, None, entry.score, None))
    return tuple(movements)
