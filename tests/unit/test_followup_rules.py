"""The follow-up's pure rules: exact splits, the report calendar, grades, reminder windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from venture.followup import rules
from venture.followup.reminders import report_window


def test_split_puts_the_remainder_on_the_largest_part():
    # 100.01 yuan in 50/30/20: floors 5000, 3000, 2000 leave 1 fen for the 50% tranche.
    assert rules.split_exact(10_001, [50, 30, 20]) == [5001, 3000, 2000]
    # Budget lines scaled to an approved amount: the largest line takes the leftover fen.
    assert rules.split_exact(100, [1, 1, 1]) == [34, 33, 33]
    assert rules.split_exact(7, [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]) == [2, 2, 3]


def test_split_of_zero_and_bad_weights():
    assert rules.split_exact(0, [50, 50]) == [0, 0]
    assert rules.split_exact(5, []) == []
    with pytest.raises(ValueError):
        rules.split_exact(5, [0, 0])
    with pytest.raises(ValueError):
        rules.split_exact(-1, [1])


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12).filter(
        lambda w: sum(w) > 0
    ),
)
def test_split_is_exact_and_fair(total, weights):
    parts = rules.split_exact(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    largest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    for i, (part, weight) in enumerate(zip(parts, weights, strict=True)):
        floor = total * weight // sum(weights)
        if i == largest:
            assert (
                floor <= part < floor + len(weights)
            )  # the leftover is less than one fen per part
        else:
            assert part == floor


def test_quarterly_periods_are_calendar_quarters_cut_to_the_implementation():
    periods = rules.report_periods(date(2025, 7, 15), date(2026, 6, 30), "quarterly")
    assert periods == [
        (date(2025, 7, 15), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
    ]


def test_monthly_periods_handle_february_and_a_short_tail():
    periods = rules.report_periods(date(2024, 1, 31), date(2024, 3, 5), "monthly")
    assert periods == [
        (date(2024, 1, 31), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 5)),
    ]
    assert rules.report_periods(date(2024, 3, 5), date(2024, 3, 1), "monthly") == []
    with pytest.raises(ValueError):
        rules.report_periods(date(2024, 1, 1), date(2024, 2, 1), "weekly")


def test_a_report_is_due_at_the_end_of_the_tenth_day_in_beijing_time():
    due = rules.report_due_at(date(2025, 9, 30))
    assert due == datetime(2025, 10, 10, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Asia/Shanghai


def test_stage_end_at_local_midnight_belongs_to_the_day_before():
    starts = datetime(2025, 6, 30, 16, 0, tzinfo=UTC)  # 2025-07-01 00:00 Beijing
    ends = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)  # 2026-07-01 00:00 Beijing (exclusive)
    assert rules.local_dates_of(starts, ends) == (date(2025, 7, 1), date(2026, 6, 30))


@pytest.mark.parametrize(
    "score, grade",
    [("100", "A"), ("85.00", "A"), ("84.99", "B"), ("60", "B"), ("59.99", "C"), ("0", "C")],
)
def test_grade_boundaries_belong_to_the_higher_grade(score, grade):
    assert rules.grade_for(Decimal(score), Decimal("85"), Decimal("60")) == grade


def test_pass_mark_is_inclusive():
    assert rules.has_passed(Decimal("60.00"), Decimal("60"))
    assert not rules.has_passed(Decimal("59.99"), Decimal("60"))


def test_reminder_windows():
    due = datetime(2026, 1, 10, 15, 59, 59, tzinfo=UTC)
    assert report_window(due, due - timedelta(days=8)) is None
    assert report_window(due, due - timedelta(days=7)) == "before"
    assert report_window(due, due - timedelta(seconds=1)) == "before"
    assert report_window(due, due) == "due"
    assert report_window(due, due + timedelta(days=7) - timedelta(seconds=1)) == "due"
    assert report_window(due, due + timedelta(days=7)) == "overdue"
    assert report_window(due, due + timedelta(days=70)) == "overdue"


def test_add_months_clamps_to_the_month_end():
    assert rules.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert rules.add_months(date(2025, 11, 15), 14) == date(2027, 1, 15)
