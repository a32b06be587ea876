"""score_stage / compute_all: one input, every method side by side."""

from __future__ import annotations

from tests.unit.scoring_helpers import criterion as c
from tests.unit.scoring_helpers import per_app, published, totals_of
from venture.scoring import (
    DISAGREEMENT,
    METHODS,
    TOO_FEW_TO_TRIM,
    DisconnectedPanelError,
    aggregate,
    compute_all,
    score_stage,
    sheet_totals,
)


def test_compute_all_runs_every_method_on_the_same_sheets():
    # A: 60, 70, 95 -> mean 75, median 70, trimmed 70
    # B: 72, 74, 76 -> mean 74, median 74, trimmed 74
    sheets = per_app({"A": [60, 70, 95], "B": [72, 74, 76]})
    comparison = compute_all(sheets)
    assert set(comparison.results) == set(METHODS) and comparison.refused == {}
    assert published(comparison["mean"]) == {"A": "75.00", "B": "74.00"}
    assert published(comparison["median"]) == {"B": "74.00", "A": "70.00"}
    assert published(comparison["trimmed"]) == {"B": "74.00", "A": "70.00"}
    # A is first by mean, second by median: it moved down one place.
    [a_move] = [m for m in comparison.movements("mean", "median") if m.application == "A"]
    assert (a_move.before_rank, a_move.after_rank, a_move.change) == (1, 2, -1)
    # Diagnostics are computed once and shared.
    assert comparison["mean"].diagnostics is comparison["bias"].diagnostics


def test_compute_all_reports_a_refused_method_and_keeps_the_others():
    sheets = totals_of({("A", "J1"): 70, ("B", "J2"): 80})
    comparison = compute_all(sheets, ["mean", "bias"])
    assert list(comparison.results) == ["mean"]
    assert isinstance(comparison.refused["bias"], DisconnectedPanelError)


def test_flags_combine_diagnostics_and_method_in_a_fixed_order():
    result = score_stage(per_app({"A": [50, 80]}), "trimmed")  # spread 30, 2 sheets
    assert result.ranking.get("A").flags == (DISAGREEMENT, TOO_FEW_TO_TRIM)
    assert result.params == {"trim": 1, "disagreement_threshold": 20.0}


def test_records_and_totals_give_the_same_result():
    records = [
        c("A", "J1", "c1", 8, 10),
        c("A", "J1", "c2", 7, 10),
        c("A", "J2", "c1", 6, 10),
        c("A", "J2", "c2", None, 10),
        c("B", "J1", "c1", 9, 10),
        c("B", "J1", "c2", 9, 10),
        c("B", "J2", "c1", 5, 10),
        c("B", "J2", "c2", 6, 10),
    ]
    # A: J1 15, J2 6 / 10 × 20 = 12 -> mean 13.5;  B: 18, 11 -> 14.5
    from_records = score_stage(records, "mean")
    from_totals = score_stage(
        sheet_totals(["A", "A", "B", "B"], ["J1", "J2", "J1", "J2"], [15, 12, 18, 11]), "mean"
    )
    assert published(from_records) == published(from_totals) == {"B": "14.50", "A": "13.50"}
    assert [e.sheets for e in from_records.ranking] == [2, 2]


def test_an_empty_stage_gives_an_empty_ranking():
    result = score_stage(sheet_totals([], [], []), "bias")
    assert len(result.ranking) == 0 and result.diagnostics.reliability.icc1 is None


def test_unscored_applications_are_reported_not_ranked():
    records = [c("A", "J1", "c1", 5, 10), c("B", "J1", "c1", None, 10)]
    result = score_stage(aggregate(records), "mean")
    assert result.ranking.applications() == ["A"] and result.unscored == ("B",)
