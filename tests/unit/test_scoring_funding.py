"""The funding line per category budget: skip vs stop, max count, waitlist."""

from __future__ import annotations

import pytest

from venture.scoring import (
    CategoryBudget,
    FundingRequest,
    InvalidParameterError,
    combine_stages,
    funding_line,
    rank_scores,
)

# Ranked A > B > C > D > E, all in "edu"; amounts in fen (100 fen = 1 yuan).
RANKING = rank_scores({"A": 95.0, "B": 90.0, "C": 85.0, "D": 80.0, "E": 75.0})
REQUESTS = {
    "A": ("edu", 50_000_00),
    "B": ("edu", 40_000_00),
    "C": ("edu", 30_000_00),
    "D": ("edu", 5_000_00),
    "E": ("edu", 5_000_00),
}


def statuses(result):
    return {d.application: (d.status, d.granted) for d in result.decisions}


def test_skip_mode_continues_past_what_does_not_fit():
    # Budget 100,000 yuan: A 50,000 (left 50,000), B 40,000 (left 10,000),
    # C 30,000 does not fit -> skipped; D 5,000 (left 5,000), E 5,000 (left 0).
    result = funding_line(RANKING, REQUESTS, {"edu": 100_000_00}, mode="skip")
    assert result.funded() == ["A", "B", "D", "E"]
    assert result.waitlist() == ["C"]
    assert result.remaining == {"edu": 0}
    assert statuses(result)["C"] == ("waitlist", 0)
    assert statuses(result)["D"] == ("funded", 5_000_00)


def test_stop_mode_stops_at_the_first_that_does_not_fit():
    # A, B funded (left 10,000); C does not fit -> stop: C, D, E wait.
    result = funding_line(RANKING, REQUESTS, {"edu": 100_000_00}, mode="stop")
    assert result.funded() == ["A", "B"]
    assert result.waitlist() == ["C", "D", "E"]
    assert result.remaining == {"edu": 10_000_00}


def test_max_count_stops_the_category():
    # Room in the budget for all, but at most 2 projects: A, B; the rest wait.
    result = funding_line(RANKING, REQUESTS, {"edu": CategoryBudget(10**9, max_count=2)})
    assert result.funded() == ["A", "B"]
    assert result.waitlist() == ["C", "D", "E"]
    assert result.remaining == {"edu": 10**9 - 90_000_00}


def test_an_exact_fit_is_funded():
    result = funding_line(RANKING, REQUESTS, {"edu": 50_000_00}, mode="stop")
    assert result.funded() == ["A"] and result.remaining == {"edu": 0}


def test_categories_have_their_own_budgets():
    ranking = rank_scores({"A": 95.0, "B": 90.0, "C": 85.0, "D": 80.0})
    requests = {
        "A": FundingRequest("edu", 60),
        "B": FundingRequest("elder", 60),
        "C": FundingRequest("edu", 50),
        "D": FundingRequest("elder", 40),
    }
    # edu 100: A 60 (left 40), C 50 does not fit.  elder 100: B 60 (40), D 40 (0).
    result = funding_line(ranking, requests, {"edu": 100, "elder": (100, None)})
    assert result.funded("edu") == ["A"] and result.waitlist("edu") == ["C"]
    assert result.funded("elder") == ["B", "D"]
    assert result.remaining == {"edu": 40, "elder": 0}
    assert [d.rank for d in result.decisions] == [1, 2, 3, 4]


def test_unscored_entries_are_not_part_of_the_walk():
    from decimal import Decimal as D

    ranking = combine_stages(
        {"s1": {"A": D(90), "B": D(80)}, "s2": {"A": D(90)}},
        {"s1": D("0.5"), "s2": D("0.5")},
        incomplete="rank_last",
    )
    result = funding_line(ranking, {"A": ("edu", 1), "B": ("edu", 1)}, {"edu": 10})
    assert [d.application for d in result.decisions] == ["A"]


@pytest.mark.parametrize(
    ("requests", "budgets", "mode"),
    [
        ({**REQUESTS, "A": ("edu", 1.5)}, {"edu": 100}, "skip"),  # fen must be whole
        ({**REQUESTS, "A": ("arts", 1)}, {"edu": 100}, "skip"),  # category without budget
        ({k: v for k, v in REQUESTS.items() if k != "A"}, {"edu": 100}, "skip"),  # no request
        (REQUESTS, {"edu": -1}, "skip"),  # negative budget
        (REQUESTS, {"edu": 100}, "greedy"),  # unknown mode
    ],
)
def test_bad_funding_input_is_refused(requests, budgets, mode):
    with pytest.raises(InvalidParameterError):
        funding_line(RANKING, requests, budgets, mode=mode)
