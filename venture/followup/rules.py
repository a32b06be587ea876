"""Pure rules of the follow-up: exact money splits, the report calendar, grades.

No Flask and no database here, so the rules can be read and tested on their own.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# A progress report is due this many days after the end of its month or quarter.
REPORT_GRACE_DAYS = 10


def split_exact(total_fen: int, weights: Sequence[int | Decimal | str]) -> list[int]:
    """Split ``total_fen`` in proportion to ``weights``, in whole fen, summing exactly.

    The rule (used for the approved budget by line and for the tranches): each part is
    ``floor(total × weight ÷ Σ weights)``; the few fen the flooring leaves over go to
    the part with the largest weight (the first of equal ones). So every part is within
    one rounding of its exact share and the parts add up to the total to the fen.
    """
    if total_fen < 0:
        raise ValueError("the total must not be negative")
    fractions = [Fraction(str(w)) for w in weights]
    if not fractions:
        return []
    if any(f < 0 for f in fractions):
        raise ValueError("weights must not be negative")
    weight_sum = sum(fractions)
    if weight_sum == 0:
        raise ValueError("the weights add up to zero")
    parts = [int(total_fen * f // weight_sum) for f in fractions]
    largest = max(range(len(fractions)), key=lambda i: (fractions[i], -i))
    parts[largest] += total_fen - sum(parts)
    return parts


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def report_periods(start: date, end: date, period: str) -> list[tuple[date, date]]:
    """Calendar months ("monthly") or quarters ("quarterly") covering start..end.

    The first and last periods are cut to the implementation dates: a project running
    2025-07-15 .. 2026-06-30 quarterly reports on 07-15..09-30, 10-01..12-31, ... .
    """
    if end < start:
        return []
    if period not in ("monthly", "quarterly"):
        raise ValueError(f"unknown report period {period!r}")
    periods = []
    current = start
    while current <= end:
        month = current.month if period == "monthly" else ((current.month - 1) // 3) * 3 + 3
        period_end = _last_day(current.year, month)
        periods.append((current, min(period_end, end)))
        current = period_end + timedelta(days=1)
    return periods


def local_end_of_day(day: date) -> datetime:
    """23:59:59 in Asia/Shanghai on ``day``, as a UTC timestamp."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL_TZ).astimezone(UTC)


def report_due_at(period_end: date, grace_days: int = REPORT_GRACE_DAYS) -> datetime:
    """A report is due at the end of the day ``grace_days`` after its period ends (local time)."""
    return local_end_of_day(period_end + timedelta(days=grace_days))


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def local_dates_of(
    starts_at: datetime | None, ends_at: datetime | None
) -> tuple[date | None, date | None]:
    """The first and last local day of a stage whose end is exclusive (an end at local
    midnight belongs to the day before)."""
    first = local_date(starts_at) if starts_at else None
    last = local_date(ends_at - timedelta(microseconds=1)) if ends_at else None
    return first, last


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def grade_for(score: Decimal, grade_a_min: Decimal, grade_b_min: Decimal) -> str:
    """A ≥ grade_a_min, B ≥ grade_b_min, else C (boundaries belong to the higher grade)."""
    if score >= grade_a_min:
        return "A"
    if score >= grade_b_min:
        return "B"
    return "C"


def has_passed(score: Decimal, pass_mark: Decimal) -> bool:
    return score >= pass_mark
