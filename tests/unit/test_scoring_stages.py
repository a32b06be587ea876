"""Stage combination and advancement."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.unit.scoring_helpers import per_app, published, ranks
from venture.scoring import (
    INCOMPLETE_STAGES,
    InvalidParameterError,
    TieBreak,
    advance_by_threshold,
    advance_top_n,
    combine_stages,
    rank_scores,
    score_stage,
)

ONLINE = {"A": D("80.00"), "B": D("90.00"), "C": D("70.25"), "D": D("95.00")}
ROADSHOW = {"A": D("90.00"), "B": D("80.00"), "C": D("85.50")}
WEIGHTS = {"online": D("0.4"), "roadshow": D("0.6")}


def test_weighted_combination_of_published_stage_scores():
    # A: 0.4 × 80 + 0.6 × 90 = 32 + 54 = 86
    # B: 0.4 × 90 + 0.6 × 80 = 36 + 48 = 84
    # C: 0.4 × 70.25 + 0.6 × 85.50 = 28.1 + 51.3 = 79.4
    # D: online only -> no final score (excluded by default)
    ranking = combine_stages({"online": ONLINE, "roadshow": ROADSHOW}, WEIGHTS)
    assert ranks(ranking) == [(1, "A"), (2, "B"), (3, "C")]
    assert published(ranking) == {"A": "86.00", "B": "84.00", "C": "79.40"}
    assert ranking.get("C").exact == D("79.4000")


def test_combination_rounds_half_up_exactly():
    # 0.5 × 80.01 + 0.5 × 80.00 = 80.005 -> 80.01 (Decimal arithmetic, no float)
    ranking = combine_stages(
        {"s1": {"A": D("80.01")}, "s2": {"A": D("80.00")}}, {"s1": D("0.5"), "s2": D("0.5")}
    )
    assert published(ranking) == {"A": "80.01"}


def test_incomplete_applications_can_be_ranked_last():
    ranking = combine_stages(
        {"online": ONLINE, "roadshow": ROADSHOW}, WEIGHTS, incomplete="rank_last"
    )
    last = ranking[-1]
    assert ranks(ranking) == [(1, "A"), (2, "B"), (3, "C"), (4, "D")]
    assert last.score is None and last.flags == (INCOMPLETE_STAGES,)


def test_combination_accepts_stage_results_and_rankings():
    online = score_stage(per_app({"A": [80, 82], "B": [90, 70]}), "mean")  # A 81, B 80
    roadshow = rank_scores({"A": 70.0, "B": 90.0})
    ranking = combine_stages(
        {"online": online, "roadshow": roadshow}, {"online": D("0.5"), "roadshow": D("0.5")}
    )
    # A: (81 + 70) / 2 = 75.5;  B: (80 + 90) / 2 = 85
    assert published(ranking) == {"B": "85.00", "A": "75.50"}


def test_combination_tie_break():
    # Both combine to 85.00; the roadshow score separates them.
    stages = {"online": {"A": D("90"), "B": D("80")}, "roadshow": {"A": D("80"), "B": D("90")}}
    ranking = combine_stages(
        stages,
        {"online": D("0.5"), "roadshow": D("0.5")},
        tie_breaks=[TieBreak(stages["roadshow"])],
    )
    assert ranks(ranking) == [(1, "B"), (2, "A")]


def test_zero_weight_stage_does_not_require_presence():
    ranking = combine_stages(
        {"online": ONLINE, "roadshow": ROADSHOW}, {"online": D("1"), "roadshow": D("0")}
    )
    assert set(published(ranking)) == {"A", "B", "C", "D"}


@pytest.mark.parametrize(
    "weights",
    [
        {"online": D("0.4"), "roadshow": D("0.5")},  # sums to 0.9
        {"online": 0.4, "roadshow": 0.6},  # floats
        {"online": D("-0.4"), "roadshow": D("1.4")},  # negative
        {"online": D("0.4"), "final": D("0.6")},  # unknown stage
    ],
)
def test_bad_weights_are_refused(weights):
    with pytest.raises(InvalidParameterError):
        combine_stages({"online": ONLINE, "roadshow": ROADSHOW}, weights)


def test_unknown_incomplete_policy_is_refused():
    with pytest.raises(InvalidParameterError):
        combine_stages({"online": ONLINE}, {"online": D(1)}, incomplete="keep")


CATEGORIES = {
    "A": "elderly",
    "B": "elderly",
    "C": "elderly",
    "D": "youth",
    "E": "youth",
    "F": "youth",
}


def test_top_n_per_category():
    # elderly: A 90, B 85, C 80 -> top 2: A, B;  youth: D 88, E 70, F 60 -> D, E
    ranking = rank_scores({"A": 90.0, "B": 85.0, "C": 80.0, "D": 88.0, "E": 70.0, "F": 60.0})
    assert advance_top_n(ranking, CATEGORIES, 2) == ["A", "D", "B", "E"]
    assert advance_top_n(ranking, CATEGORIES, {"elderly": 1, "youth": 3}) == ["A", "D", "E", "F"]
    assert advance_top_n(ranking, CATEGORIES, {"youth": 1}) == ["D"]


def test_top_n_with_a_tie_at_the_cut():
    # elderly: A 90, B 85, C 85 -> category ranks 1, 2, 2. Top 2 includes both tied.
    ranking = rank_scores({"A": 90.0, "B": 85.0, "C": 85.0})
    assert advance_top_n(ranking, CATEGORIES, 2) == ["A", "B", "C"]
    assert advance_top_n(ranking, CATEGORIES, 2, include_ties=False) == ["A", "B"]


def test_top_n_category_ranks_follow_overall_ties_across_categories():
    # Overall: A 90 (1), D 85 (2), B 85 (2), C 80 (4). Within elderly: A 1, B 2, C 3.
    ranking = rank_scores({"A": 90.0, "B": 85.0, "C": 80.0, "D": 85.0})
    assert advance_top_n(ranking, CATEGORIES, 2) == ["A", "B", "D"]


def test_top_n_needs_every_category():
    with pytest.raises(InvalidParameterError, match="Z"):
        advance_top_n(rank_scores({"Z": 1.0}), CATEGORIES, 1)


def test_threshold_keeps_published_scores_at_or_above():
    # 79.995 publishes 80.00 (half up) and so reaches an 80 threshold; 79.994 does not.
    ranking = rank_scores({"A": 85.0, "B": 79.995, "C": 79.994, "D": 80.0})
    assert advance_by_threshold(ranking, D("80")) == ["A", "B", "D"]
    assert advance_by_threshold(ranking, 80.0) == ["A", "B", "D"]


def test_threshold_per_category():
    ranking = rank_scores({"A": 85.0, "B": 75.0, "D": 72.0, "E": 65.0})
    thresholds = {"elderly": D("80"), "youth": D("70")}
    assert advance_by_threshold(ranking, thresholds, CATEGORIES) == ["A", "D"]
    with pytest.raises(InvalidParameterError):
        advance_by_threshold(ranking, thresholds)
