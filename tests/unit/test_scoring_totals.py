"""Sheet totals: sums, not-applicable rescaling, and the input rules."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from tests.unit.scoring_helpers import criterion as c
from venture.scoring import (
    DuplicateScoreError,
    InconsistentMaximumError,
    InvalidTotalError,
    MissingCriterionError,
    MissingMaximumError,
    ScoreOutOfRangeError,
    aggregate,
    aggregate_arrays,
    sheet_totals,
)


def totals_by_sheet(totals) -> dict[tuple[str, str], float]:
    return {
        (totals.applications[a], totals.judges[j]): t
        for a, j, t in zip(
            totals.app.tolist(), totals.judge.tolist(), totals.total.tolist(), strict=True
        )
    }


def test_sheet_total_is_the_sum_of_criterion_scores():
    # J1 on A: 8 + 9.5 + 15 = 32.5
    totals = aggregate(
        [c("A", "J1", "c1", 8, 10), c("A", "J1", "c2", 9.5, 10), c("A", "J1", "c3", 15, 20)]
    )
    assert totals_by_sheet(totals) == {("A", "J1"): 32.5}


def test_not_applicable_rescales_to_the_whole_rubric():
    # Rubric maxima 10 + 10 + 20 = 40.
    # J1: 8 + 6 answered out of 10 + 10, c3 n/a -> 14 / 20 × 40 = 28
    # J2: 5 answered out of 10 (c2, c3 n/a) -> 5 / 10 × 40 = 20
    # J3: all answered -> 8 + 6 + 15 = 29 (no rescaling)
    records = [
        c("A", "J1", "c1", 8, 10),
        c("A", "J1", "c2", 6, 10),
        c("A", "J1", "c3", None, 20),
        c("A", "J2", "c1", 5, 10),
        c("A", "J2", "c2", None, 10),
        c("A", "J2", "c3", None, 20),
        c("A", "J3", "c1", 8, 10),
        c("A", "J3", "c2", 6, 10),
        c("A", "J3", "c3", 15, 20),
    ]
    assert totals_by_sheet(aggregate(records)) == {
        ("A", "J1"): 28.0,
        ("A", "J2"): 20.0,
        ("A", "J3"): 29.0,
    }


def test_a_sheet_with_every_criterion_not_applicable_has_no_total():
    records = [
        c("A", "J1", "c1", None, 10),
        c("A", "J1", "c2", None, 10),
        c("A", "J2", "c1", 7, 10),
        c("A", "J2", "c2", 8, 10),
        c("B", "J1", "c1", None, 10),
        c("B", "J1", "c2", None, 10),
    ]
    totals = aggregate(records)
    assert totals_by_sheet(totals) == {("A", "J2"): 15.0}
    assert set(totals.empty_sheets) == {("A", "J1"), ("B", "J1")}
    assert totals.unscored == ("B",)  # B has no total at all
    assert totals.judges == ("J2",)


def test_without_maxima_the_total_is_the_plain_sum():
    totals = aggregate([c("A", "J1", "c1", 7), c("A", "J1", "c2", 30)])
    assert totals_by_sheet(totals) == {("A", "J1"): 37.0}


def test_arrays_entry_point_matches_records():
    # Same sheets as the rescaling test, as parallel arrays with NaN for n/a.
    nan = float("nan")
    totals = aggregate_arrays(
        ["A", "A", "A", "B", "B", "B"],
        ["J1"] * 6,
        ["c1", "c2", "c3"] * 2,
        [8, 6, nan, 10, 10, 20],
        [10, 10, 20, 10, 10, 20],
    )
    assert totals_by_sheet(totals) == {("A", "J1"): 28.0, ("B", "J1"): 40.0}


@pytest.mark.parametrize("score", [-0.5, 10.5])
def test_score_outside_zero_to_max_is_refused_naming_the_record(score):
    bad = c("A", "J2", "c1", score, 10, line=7)
    records = [c("A", "J1", "c1", 5, 10, line=2), bad]
    with pytest.raises(ScoreOutOfRangeError) as caught:
        aggregate(records)
    assert caught.value.record is bad and caught.value.line == 7 and caught.value.index == 1
    assert "J2" in str(caught.value) and "c1" in str(caught.value)


def test_score_equal_to_max_or_zero_is_fine():
    totals = aggregate([c("A", "J1", "c1", 10, 10), c("A", "J1", "c2", 0, 10)])
    assert totals_by_sheet(totals) == {("A", "J1"): 10.0}


def test_duplicate_application_judge_criterion_names_the_second_record():
    first, second = c("A", "J1", "c1", 5, 10, line=2), c("A", "J1", "c1", 6, 10, line=3)
    with pytest.raises(DuplicateScoreError) as caught:
        aggregate([first, second])
    assert caught.value.record is second and caught.value.line == 3


def test_sheet_missing_a_criterion_that_others_have():
    records = [
        c("A", "J1", "c1", 5, 10, line=2),
        c("A", "J1", "c2", 5, 10, line=3),
        c("A", "J2", "c1", 5, 10, line=4),
    ]  # J2 has no c2
    with pytest.raises(MissingCriterionError) as caught:
        aggregate(records)
    assert caught.value.line == 4  # the first row of the incomplete sheet
    assert "c2" in caught.value.message and "J2" in caught.value.message


def test_rubric_is_the_union_over_the_stage_not_per_application():
    # B's only sheet lacks c2, which exists on A's sheets: the stage shares one rubric.
    records = [c("A", "J1", "c1", 5), c("A", "J1", "c2", 5), c("B", "J1", "c1", 5, line=9)]
    with pytest.raises(MissingCriterionError) as caught:
        aggregate(records)
    assert caught.value.line == 9


def test_inconsistent_max_for_the_same_criterion():
    records = [c("A", "J1", "c1", 5, 10, line=2), c("A", "J2", "c1", 5, 20, line=3)]
    with pytest.raises(InconsistentMaximumError) as caught:
        aggregate(records)
    assert caught.value.line == 3 and "20" in caught.value.message


def test_max_given_on_some_rows_only_is_inconsistent():
    with pytest.raises(InconsistentMaximumError):
        aggregate([c("A", "J1", "c1", 5, 10), c("A", "J2", "c1", 5, None)])


def test_not_applicable_without_maxima_cannot_be_rescaled():
    records = [c("A", "J1", "c1", 5, line=2), c("A", "J1", "c2", None, line=3)]
    with pytest.raises(MissingMaximumError) as caught:
        aggregate(records)
    assert caught.value.line == 3


def test_the_earliest_offending_record_is_reported():
    # Line 3 is out of range; line 4 duplicates line 2; the earlier problem wins.
    records = [
        c("A", "J1", "c1", 5, 10, line=2),
        c("B", "J1", "c1", 11, 10, line=3),
        c("A", "J1", "c1", 6, 10, line=4),
    ]
    with pytest.raises(ScoreOutOfRangeError) as caught:
        aggregate(records)
    assert caught.value.line == 3


def test_totals_entry_point_codes_ids_in_sorted_order():
    totals = sheet_totals(["B", "A", "B"], ["J2", "J1", "J1"], [70, 80, 90])
    assert totals.applications == ("A", "B") and totals.judges == ("J1", "J2")
    assert totals.app.tolist() == [1, 0, 1] and totals.judge.tolist() == [1, 0, 0]
    assert totals.sheets_per_application.tolist() == [1, 2]


def test_totals_entry_point_accepts_integer_ids():
    totals = sheet_totals(np.array([12, 3]), np.array([7, 7]), np.array([1.0, 2.0]))
    assert totals.applications == (3, 12) and totals.app.tolist() == [1, 0]


def test_totals_entry_point_refuses_a_second_sheet_of_the_same_judge():
    with pytest.raises(InvalidTotalError) as caught:
        sheet_totals(["A", "B", "A"], ["J1", "J1", "J1"], [1, 2, 3])
    assert caught.value.index == 2


def test_totals_entry_point_refuses_non_finite_totals():
    with pytest.raises(InvalidTotalError) as caught:
        sheet_totals(["A", "B"], ["J1", "J1"], [1, float("nan")])
    assert caught.value.index == 1


ENGINE = Path(__file__).resolve().parents[2] / "venture" / "scoring"


@pytest.mark.parametrize("module", sorted(p.name for p in ENGINE.glob("*.py")))
def test_engine_modules_import_neither_flask_nor_sqlalchemy_nor_the_platform(module):
    tree = ast.parse((ENGINE / module).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"flask", "sqlalchemy", "flask_sqlalchemy", "celery", "workers"}
    assert all(
        name.startswith("venture.scoring") for name in imported if name.split(".")[0] == "venture"
    )
