"""Disagreement, outlier sheets, judge statistics and panel reliability."""

from __future__ import annotations

import pytest

from tests.unit.scoring_helpers import criterion as c
from tests.unit.scoring_helpers import per_app, totals_of
from venture.scoring import (
    DISAGREEMENT,
    OUTLIER_SHEET,
    SHEET_WITHOUT_TOTAL,
    aggregate,
    diagnose,
    score_stage,
)


def flags_of(result, application):
    return result.ranking.get(application).flags


def test_disagreement_is_strictly_above_the_threshold():
    # A: 80.5 − 60 = 20.5 > 20 -> flagged;  B: 80 − 60 = 20, not above -> not flagged
    result = score_stage(per_app({"A": [60, 80.5, 70], "B": [60, 80, 70]}), "mean")
    assert DISAGREEMENT in flags_of(result, "A")
    assert DISAGREEMENT not in flags_of(result, "B")
    assert [(d.application, d.spread) for d in result.diagnostics.disagreements] == [("A", 20.5)]


def test_disagreement_at_the_threshold_is_not_flagged_by_float_noise():
    # 80.3 − 60.3 is 20.000000000000004 in float64; exactly 20 in decimals.
    result = score_stage(per_app({"A": [60.3, 80.3]}), "mean")
    assert DISAGREEMENT not in flags_of(result, "A")


def test_disagreement_threshold_is_a_parameter():
    sheets = per_app({"A": [60, 71]})  # spread 11
    assert DISAGREEMENT in flags_of(score_stage(sheets, disagreement_threshold=10), "A")
    assert DISAGREEMENT not in flags_of(score_stage(sheets, disagreement_threshold=11), "A")


def test_outlier_sheet_beyond_three_mads():
    # Totals 80, 81, 82, 83, 95: median 82; |deviations| 2, 1, 0, 1, 13 -> sorted
    # 0, 1, 1, 2, 13 -> MAD 1. Only 13 > 3 × 1: J5's sheet (95) is an outlier.
    result = score_stage(per_app({"A": [80, 81, 82, 83, 95]}), "mean")
    [outlier] = result.diagnostics.outliers
    assert (outlier.application, outlier.judge, outlier.total) == ("A", "J5", 95)
    assert (outlier.median, outlier.mad) == (82, 1)
    assert OUTLIER_SHEET in flags_of(result, "A")


def test_deviation_of_exactly_three_mads_is_not_an_outlier():
    # 79, 81, 82, 83, 85: median 82; deviations 3, 1, 0, 1, 3 -> MAD 1; 3 > 3 is false.
    result = score_stage(per_app({"A": [79, 81, 82, 83, 85]}), "mean")
    assert result.diagnostics.outliers == ()


def test_outliers_with_an_even_count():
    # 70, 72, 74, 90: median (72 + 74) / 2 = 73; deviations 3, 1, 1, 17 -> sorted
    # 1, 1, 3, 17 -> MAD (1 + 3) / 2 = 2; 17 > 6 -> 90 (J4) is an outlier.
    result = score_stage(per_app({"A": [70, 72, 74, 90]}), "mean")
    assert [(o.judge, o.median, o.mad) for o in result.diagnostics.outliers] == [("J4", 73, 2)]


def test_no_outliers_when_mad_is_zero():
    # 80, 80, 80, 95: median 80; deviations 0, 0, 0, 15 -> MAD 0 -> no outliers.
    result = score_stage(per_app({"A": [80, 80, 80, 95]}), "mean")
    assert result.diagnostics.outliers == ()
    assert OUTLIER_SHEET not in flags_of(result, "A")


def test_judge_count_mean_std_and_severity():
    # A: J1 80, J2 70, J3 60;  B: J1 90, J2 80;  C: J3 50 (alone).
    # J1: count 2, mean 85, std sqrt(((80−85)² + (90−85)²)/2) = 5
    #     severity: A 80 − (70 + 60)/2 = 15; B 90 − 80 = 10 -> (15 + 10) / 2 = 12.5
    # J2: mean 75, std 5; severity: A 70 − (80 + 60)/2 = 0; B 80 − 90 = −10 -> −5
    # J3: mean 55, std 5; severity: A 60 − (80 + 70)/2 = −15; C has no other judge -> −15
    sheets = totals_of(
        {
            ("A", "J1"): 80,
            ("A", "J2"): 70,
            ("A", "J3"): 60,
            ("B", "J1"): 90,
            ("B", "J2"): 80,
            ("C", "J3"): 50,
        }
    )
    stats = {s.judge: (s.count, s.mean, s.std, s.severity) for s in diagnose(sheets).judges}
    assert stats == {"J1": (2, 85, 5, 12.5), "J2": (2, 75, 5, -5), "J3": (2, 55, 5, -15)}


def test_severity_is_none_without_shared_applications():
    sheets = totals_of({("A", "J1"): 80, ("B", "J2"): 70})
    assert [s.severity for s in diagnose(sheets).judges] == [None, None]


# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def test_icc_reproduces_shrout_and_fleiss_table_2():
    # Target means 6, 3, 6.5, 4, 7.5, 4.75; grand mean 127 / 24 = 5.2917.
    # BMS = 4 × Σ(mean − 5.2917)² / 5 = 4 × 14.0521 / 5 = 11.2417
    # WMS = (30 + 14 + 11 + 26 + 17 + 14.75) / (24 − 6) = 112.75 / 18 = 6.2639
    # ICC(1) = (11.2417 − 6.2639) / (11.2417 + 3 × 6.2639) = 4.9778 / 30.0333 = 0.17
    # ICC(1,4) = 4.9778 / 11.2417 = 0.44
    sheets = per_app({f"T{i}": row for i, row in enumerate(SHROUT_FLEISS, start=1)})
    reliability = diagnose(sheets).reliability
    assert round(reliability.icc1, 2) == 0.17
    assert round(reliability.icc1k, 2) == 0.44
    assert reliability.k == 4
    assert reliability.between_ms == pytest.approx(11.2417, abs=1e-4)
    assert reliability.within_ms == pytest.approx(6.2639, abs=1e-4)


def test_icc_with_unequal_sheet_counts_uses_k0():
    # A: 1, 3 (mean 2);  B: 5, 7, 9 (mean 7);  grand mean 25 / 5 = 5
    # BMS = (2 × 9 + 3 × 4) / 1 = 30;  WMS = (1 + 1 + 4 + 0 + 4) / (5 − 2) = 10/3
    # k0 = (5 − (4 + 9) / 5) / 1 = 2.4
    # ICC(1) = (30 − 10/3) / (30 + 1.4 × 10/3) = 26.667 / 34.667 = 0.7692
    # ICC(1,k) = 26.667 / 30 = 0.8889
    sheets = per_app({"A": [1, 3], "B": [5, 7, 9]})
    reliability = diagnose(sheets).reliability
    assert reliability.k == pytest.approx(2.4)
    assert reliability.icc1 == pytest.approx(80 / 104)
    assert reliability.icc1k == pytest.approx(8 / 9)


@pytest.mark.parametrize(
    "table",
    [
        {"A": [70, 80, 90]},  # one application
        {"A": [70], "B": [80]},  # no application with two sheets: no within variance
        {"A": [70, 70], "B": [70, 70]},  # every total equal
    ],
)
def test_icc_is_none_when_it_cannot_be_computed(table):
    reliability = diagnose(per_app(table)).reliability
    assert reliability.icc1 is None and reliability.icc1k is None


def test_application_with_an_all_not_applicable_sheet_is_flagged():
    records = [
        c("A", "J1", "c1", None, 10),
        c("A", "J2", "c1", 7, 10),
        c("B", "J1", "c1", 5, 10),
        c("B", "J2", "c1", 6, 10),
    ]
    result = score_stage(aggregate(records), "mean")
    assert flags_of(result, "A") == (SHEET_WITHOUT_TOTAL,)
    assert flags_of(result, "B") == ()
    assert result.diagnostics.empty_sheets == (("A", "J1"),)


def test_disagreement_threshold_may_be_a_decimal():
    from decimal import Decimal

    result = score_stage(per_app({"A": [60, 75.5]}), disagreement_threshold=Decimal("15.5"))
    assert DISAGREEMENT not in flags_of(result, "A")  # 15.5 is not above 15.5
