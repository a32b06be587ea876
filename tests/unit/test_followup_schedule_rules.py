"""The days a rebuilt schedule leaves to the reports it keeps."""

from __future__ import annotations

from datetime import date

from venture.followup.services.schedule import subtract_periods

D = date


def test_a_period_without_kept_reports_stays_whole():
    assert subtract_periods((D(2027, 1, 1), D(2027, 3, 31)), []) == [
        (D(2027, 1, 1), D(2027, 3, 31))
    ]


def test_a_kept_report_at_the_start_cuts_the_new_period_after_it():
    assert subtract_periods(
        (D(2027, 1, 1), D(2027, 3, 31)), [(D(2026, 12, 1), D(2027, 1, 31))]
    ) == [(D(2027, 2, 1), D(2027, 3, 31))]


def test_a_kept_report_inside_splits_the_new_period():
    assert subtract_periods((D(2027, 1, 1), D(2027, 3, 31)), [(D(2027, 2, 1), D(2027, 2, 28))]) == [
        (D(2027, 1, 1), D(2027, 1, 31)),
        (D(2027, 3, 1), D(2027, 3, 31)),
    ]


def test_a_period_covered_by_kept_reports_disappears():
    kept = [(D(2027, 1, 1), D(2027, 1, 31)), (D(2027, 2, 1), D(2027, 3, 31))]
    assert subtract_periods((D(2027, 1, 10), D(2027, 3, 1)), kept) == []


def test_kept_reports_elsewhere_change_nothing():
    assert subtract_periods((D(2027, 4, 1), D(2027, 6, 30)), [(D(2027, 1, 1), D(2027, 3, 31))]) == [
        (D(2027, 4, 1), D(2027, 6, 30))
    ]
