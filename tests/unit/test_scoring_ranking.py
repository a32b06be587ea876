"""Published scores (2 decimals, half up), competition ranks, tie-breaks, movements."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from tests.unit.scoring_helpers import per_app, published, ranks
from venture.scoring import (
    TieBreak,
    compare_rankings,
    publish_score,
    rank_scores,
    score_stage,
)
from venture.scoring.ranking import publish_many


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (82.125, "82.13"),  # exactly representable half: up
        (82.12499999999999, "82.13"),  # float noise of an exact 82.125: snapped, then up
        (1.005, "1.01"),  # binary 1.00499999999999989..., typed as 1.005
        (82.124, "82.12"),
        (82.1251, "82.13"),
        (0.0, "0.00"),
        (-0.001, "0.00"),  # no "-0.00"
        (-2.125, "-2.13"),  # half up = away from zero
        (Decimal("82.125"), "82.13"),
        (Decimal("82.1249999"), "82.12"),  # Decimals are exact: no snap
        (Fraction(657, 8), "82.13"),  # 82.125 exactly
        (Fraction(2, 3) * 10, "6.67"),
        (7, "7.00"),
    ],
)
def test_publish_score_rounds_half_up_to_two_decimals(value, expected):
    assert format(publish_score(value), "f") == expected


def test_numpy_floats_publish_like_floats():
    assert publish_score(np.float64(82.125)) == Decimal("82.13")


def test_exact_mean_of_82_125_publishes_82_13_despite_float_noise():
    # (80.3 + 84.1 + 81.975) / 3 = 246.375 / 3 = 82.125 exactly,
    # but in float64 the mean is 82.12499999999999.
    assert (80.3 + 84.1 + 81.975) / 3 != 82.125
    result = score_stage(per_app({"A": [80.3, 84.1, 81.975]}), "mean")
    assert published(result) == {"A": "82.13"}


def test_mean_of_half_cents_from_two_totals():
    # (82.25 + 82.00) / 2 = 82.125 -> 82.13;  (70.01 + 70.00) / 2 = 70.005 -> 70.01
    result = score_stage(per_app({"A": [82.25, 82.0], "B": [70.01, 70.0]}), "mean")
    assert published(result) == {"A": "82.13", "B": "70.01"}


def test_vectorised_publishing_agrees_with_the_exact_path():
    rng = np.random.default_rng(1)
    near_half = (rng.integers(0, 10_000_000, 2000) + 0.5) / 100  # x.xx5 values
    noisy = near_half + rng.choice([-1e-13, 0, 1e-13], 2000)
    values = np.concatenate([near_half, noisy, rng.uniform(-100, 100, 2000), [0.0, -0.0]])
    published_values, cents = publish_many(values)
    expected = [publish_score(float(v)) for v in values]
    assert published_values == expected
    assert cents == [int(v.scaleb(2)) for v in expected]


def test_competition_ranking_shares_rank_of_the_first_and_lists_by_code():
    # Z 85.004 and B 84.996 both publish 85.00: rank 2 twice, listed B then Z; then 4.
    ranking = rank_scores({"Z": 85.004, "A": 90.0, "B": 84.996, "C": 80.0})
    assert ranks(ranking) == [(1, "A"), (2, "B"), (2, "Z"), (4, "C")]
    assert [format(e.score, "f") for e in ranking] == ["90.00", "85.00", "85.00", "80.00"]


def test_ties_only_at_two_decimals_count():
    ranking = rank_scores({"A": 85.014, "B": 85.006})  # 85.01 vs 85.01: tie
    assert ranks(ranking) == [(1, "A"), (1, "B")]
    ranking = rank_scores({"A": 85.004, "B": 85.006})  # 85.00 vs 85.01: no tie
    assert ranks(ranking) == [(1, "B"), (2, "A")]


def test_tie_break_chain_separates_ties_in_order():
    scores = {"A": 90.0, "B": 85.0, "C": 85.0, "D": 85.0, "E": 70.0}
    # First key: roadshow score, higher first; B and C tie on it, D is lower.
    roadshow = TieBreak({"B": 88, "C": 88, "D": 80}, name="roadshow")
    # Second key: submission order, earlier (smaller) first: C before B.
    submitted = TieBreak({"B": 20, "C": 10, "D": 5}, descending=False, name="submitted")
    ranking = rank_scores(scores, tie_breaks=[roadshow, submitted])
    assert ranks(ranking) == [(1, "A"), (2, "C"), (3, "B"), (4, "D"), (5, "E")]


def test_tie_break_may_be_a_key_function():
    # Shorter code first (ascending length); None means "no value": listed after.
    lengths = TieBreak(lambda app: None if app == "X" else len(app), descending=False)
    ranking = rank_scores({"BBB": 85.0, "A": 85.0, "X": 85.0, "CC": 85.0}, tie_breaks=[lengths])
    assert ranks(ranking) == [(1, "A"), (2, "CC"), (3, "BBB"), (4, "X")]


def test_ties_the_chain_cannot_separate_share_a_rank_in_code_order():
    ranking = rank_scores(
        {"Y": 85.0, "X": 85.0, "W": 85.0}, tie_breaks=[TieBreak({"Y": 1, "X": 1, "W": 2})]
    )
    assert ranks(ranking) == [(1, "W"), (2, "X"), (2, "Y")]


def test_applications_without_a_tie_break_value_come_after():
    for descending in (True, False):
        ranking = rank_scores(
            {"A": 85.0, "B": 85.0, "C": 85.0},
            tie_breaks=[TieBreak({"B": 1, "C": 2}, descending=descending)],
        )
        first = ["C", "B"] if descending else ["B", "C"]
        assert ranks(ranking) == [(1, first[0]), (2, first[1]), (3, "A")]


def test_tie_breaks_never_reorder_different_scores():
    ranking = rank_scores({"A": 90.0, "B": 80.0}, tie_breaks=[TieBreak({"A": 0, "B": 99})])
    assert ranks(ranking) == [(1, "A"), (2, "B")]


def test_ranking_lookup_helpers():
    ranking = rank_scores({"A": 90.0, "B": 80.0})
    assert ranking.get("B").rank == 2 and ranking.get("nope") is None
    assert ranking.applications() == ["A", "B"]
    assert ranking.scores() == {"A": Decimal("90.00"), "B": Decimal("80.00")}


def test_compare_rankings_reports_who_moved_and_by_how_much():
    before = rank_scores({"A": 90.0, "B": 85.0, "C": 80.0, "D": 70.0})
    after = rank_scores({"C": 95.0, "A": 90.0, "B": 85.0, "E": 60.0})
    movements = {m.application: m for m in compare_rankings(before, after)}
    assert [m.application for m in compare_rankings(before, after)] == ["C", "A", "B", "E", "D"]
    assert movements["C"].change == 2 and movements["C"].moved  # 3rd -> 1st
    assert movements["A"].change == -1  # 1st -> 2nd
    assert movements["B"].change == -1
    assert movements["E"].before_rank is None and movements["E"].change is None
    assert movements["D"].after_rank is None and movements["D"].moved
    assert movements["C"].before_score == Decimal("80.00")
    assert movements["C"].after_score == Decimal("95.00")


def test_unmoved_applications_are_reported_as_such():
    ranking = rank_scores({"A": 1.0, "B": 2.0})
    assert not any(m.moved for m in compare_rankings(ranking, ranking))
