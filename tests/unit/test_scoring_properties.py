"""Properties that must hold for any stage (hypothesis)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from venture.scoring import TOO_FEW_TO_TRIM, rank_scores, score_stage, sheet_totals
from venture.scoring.methods import bias_scores

totals_values = st.integers(0, 10_000).map(lambda cents: cents / 100)  # 0.00 .. 100.00


@st.composite
def complete_stages(draw, min_apps=3, max_apps=8, min_judges=2, max_judges=5):
    """Every judge scores every application."""
    n_apps = draw(st.integers(min_apps, max_apps))
    n_judges = draw(st.integers(min_judges, max_judges))
    values = draw(st.lists(totals_values, min_size=n_apps * n_judges, max_size=n_apps * n_judges))
    apps = [f"A{a}" for a in range(n_apps) for _ in range(n_judges)]
    judges = [f"J{j}" for _ in range(n_apps) for j in range(n_judges)]
    return apps, judges, np.array(values)


@st.composite
def linked_stages(draw):
    """Incomplete panels kept connected by a ring: application a meets judges a and a+1."""
    n_judges = draw(st.integers(2, 5))
    n_apps = draw(st.integers(n_judges, 10))
    apps, judges = [], []
    for a in range(n_apps):
        panel = {a % n_judges, (a + 1) % n_judges}
        panel |= set(draw(st.sets(st.integers(0, n_judges - 1), max_size=2)))
        for j in sorted(panel):
            apps.append(f"A{a}")
            judges.append(f"J{j}")
    values = draw(st.lists(totals_values, min_size=len(apps), max_size=len(apps)))
    return apps, judges, np.array(values)


def order_preserved(before: np.ndarray, after: np.ndarray) -> bool:
    """Every pair clearly ordered in ``before`` keeps its order in ``after``."""
    difference_before = before[:, None] - before[None, :]
    difference_after = after[:, None] - after[None, :]
    clear = np.abs(difference_before) > 1e-6
    return bool(np.all(np.sign(difference_before[clear]) == np.sign(difference_after[clear])))


def exact_scores(result) -> np.ndarray:
    by_app = {e.application: e.exact for e in result.ranking}
    return np.array([by_app[a] for a in sorted(by_app)])


@given(complete_stages(min_apps=1))
def test_trimmed_with_k_0_equals_the_mean(stage):
    totals = sheet_totals(*stage)
    trimmed = score_stage(totals, "trimmed", trim=0)
    mean = score_stage(totals, "mean")
    assert [(e.application, e.score, e.rank) for e in trimmed.ranking] == [
        (e.application, e.score, e.rank) for e in mean.ranking
    ]
    assert not any(TOO_FEW_TO_TRIM in e.flags for e in trimmed.ranking)


@given(complete_stages(min_judges=1), st.integers(0, 2))
def test_trimmed_lies_between_the_lowest_and_highest_total(stage, k):
    apps, _, values = stage
    result = score_stage(sheet_totals(*stage), "trimmed", trim=k)
    for entry in result.ranking:
        own = values[np.array(apps) == entry.application]
        assert own.min() - 1e-9 <= entry.exact <= own.max() + 1e-9


@given(complete_stages(min_judges=2), st.data())
def test_adding_a_constant_to_one_judge_keeps_the_zscore_order(stage, data):
    apps, judges, values = stage
    judges_array = np.array(judges)
    for judge in set(judges):  # every judge standardised: ≥ 3 totals and some spread
        assume(np.ptp(values[judges_array == judge]) > 0)
    shifted_judge = data.draw(st.sampled_from(sorted(set(judges))))
    constant = data.draw(st.integers(-30, 30))
    shifted = values + np.where(judges_array == shifted_judge, constant, 0)
    before = exact_scores(score_stage(sheet_totals(apps, judges, values), "zscore"))
    after = exact_scores(score_stage(sheet_totals(apps, judges, shifted), "zscore"))
    assert order_preserved(before, after)


@given(linked_stages(), st.data())
def test_adding_a_constant_to_one_judge_shifts_bias_scores_uniformly(stage, data):
    apps, judges, values = stage
    judges_array = np.array(judges)
    shifted_judge = data.draw(st.sampled_from(sorted(set(judges))))
    constant = data.draw(st.integers(-30, 30))
    shifted = values + np.where(judges_array == shifted_judge, constant, 0)
    before, _ = bias_scores(sheet_totals(apps, judges, values))
    after, _ = bias_scores(sheet_totals(apps, judges, shifted))
    # The judge's bias absorbs c − c/J; every application's v moves by c/J.
    n_judges = len(set(judges))
    assert np.allclose(after - before, constant / n_judges, atol=1e-7)
    assert order_preserved(before, after)


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.text("ABCDEFGH", min_size=1, max_size=3),
        st.integers(0, 400).map(lambda n: n / 8),
        min_size=1,
        max_size=30,
    )
)
def test_ranks_form_a_valid_competition_ranking(scores):
    ranking = list(rank_scores(scores))
    assert sorted(e.application for e in ranking) == sorted(scores)
    assert ranking[0].rank == 1
    for position, (previous, entry) in enumerate(pairwise(ranking), start=2):
        assert entry.score <= previous.score
        if entry.score == previous.score:
            assert entry.rank == previous.rank
            assert entry.application > previous.application  # code order within a tie
        else:
            assert entry.rank == position  # the rank of the first of its equals
