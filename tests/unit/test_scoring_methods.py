"""The five methods, against arithmetic done by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.unit.scoring_helpers import per_app, published, totals_of
from venture.scoring import (
    TOO_FEW_TO_TRIM,
    UNSTANDARDISED_SHEET,
    DisconnectedPanelError,
    InvalidParameterError,
    score_stage,
)
from venture.scoring.methods import bias_scores, panel_components


def test_mean():
    # A: (80 + 90 + 70) / 3 = 80;  B: (61 + 62) / 2 = 61.5
    result = score_stage(per_app({"A": [80, 90, 70], "B": [61, 62]}), "mean")
    assert published(result) == {"A": "80.00", "B": "61.50"}


def test_median_odd_and_even_counts():
    # A sorted 60, 70, 100 -> middle 70;  B sorted 60, 70, 80, 100 -> (70 + 80) / 2 = 75
    result = score_stage(per_app({"A": [100, 60, 70], "B": [80, 60, 100, 70]}), "median")
    assert published(result) == {"A": "70.00", "B": "75.00"}


def test_trimmed_drops_the_highest_and_lowest():
    # K=1: A 60, 70, 80, 90, 100 -> (70 + 80 + 90) / 3 = 80
    #      B 50, 95, 80          -> 80 (only the middle one is kept)
    result = score_stage(per_app({"A": [100, 60, 90, 70, 80], "B": [50, 95, 80]}), "trimmed")
    assert published(result) == {"A": "80.00", "B": "80.00"}
    assert all(TOO_FEW_TO_TRIM not in e.flags for e in result.ranking)


def test_trimmed_with_k_2():
    # K=2: 55, 60, 70, 80, 90, 100 -> drop 55, 60 and 90, 100 -> (70 + 80) / 2 = 75
    result = score_stage(per_app({"A": [55, 60, 70, 80, 90, 100]}), "trimmed", trim=2)
    assert published(result) == {"A": "75.00"}
    assert result.params["trim"] == 2


def test_trimmed_with_fewer_than_2k_plus_1_totals_takes_the_mean_and_flags():
    # K=1 needs 3 totals. A has 2: mean (70 + 85) / 2 = 77.5, flagged.
    # K=2 needs 5. B has 4: mean (50 + 60 + 70 + 100) / 4 = 70, flagged.
    k1 = score_stage(per_app({"A": [70, 85], "C": [1, 2, 3]}), "trimmed", trim=1)
    assert published(k1)["A"] == "77.50"
    assert k1.ranking.get("A").flags == (TOO_FEW_TO_TRIM,)
    assert k1.ranking.get("C").flags == ()
    k2 = score_stage(per_app({"B": [50, 60, 70, 100]}), "trimmed", trim=2)
    assert published(k2) == {"B": "70.00"}
    assert TOO_FEW_TO_TRIM in k2.ranking.get("B").flags


def test_trimmed_with_k_0_is_the_mean():
    sheets = per_app({"A": [100, 60, 71]})
    assert published(score_stage(sheets, "trimmed", trim=0)) == {"A": "77.00"}  # 231 / 3


def test_negative_trim_is_refused():
    with pytest.raises(InvalidParameterError):
        score_stage(per_app({"A": [1]}), "trimmed", trim=-1)


def test_unknown_method_is_refused():
    with pytest.raises(InvalidParameterError, match="unknown method"):
        score_stage(per_app({"A": [1]}), "average")


def test_zscore_standardises_every_judge():
    # J1 on A, B, C: 70, 80, 90 -> μ1 = 80, σ1² = (100 + 0 + 100) / 3 = 200/3
    # J2 on A, B, C: 50, 60, 70 -> μ2 = 60, σ2² = 200/3
    # All totals 70, 80, 90, 50, 60, 70 -> μ = 420 / 6 = 70,
    #   σ² = (0 + 100 + 400 + 400 + 100 + 0) / 6 = 500/3, so σ/σj = sqrt(2.5) = 1.5811388
    # J1: A -> 70 + 1.5811388 × (70 − 80) = 54.188612, B -> 70, C -> 85.811388
    # J2: A -> 70 + 1.5811388 × (50 − 60) = 54.188612, B -> 70, C -> 85.811388
    sheets = totals_of(
        {
            ("A", "J1"): 70,
            ("B", "J1"): 80,
            ("C", "J1"): 90,
            ("A", "J2"): 50,
            ("B", "J2"): 60,
            ("C", "J2"): 70,
        }
    )
    result = score_stage(sheets, "zscore")
    assert published(result) == {"A": "54.19", "B": "70.00", "C": "85.81"}
    assert result.ranking.get("A").exact == pytest.approx(70 - 10 * math.sqrt(2.5))
    assert result.unstandardised_judges == ()


def test_zscore_leaves_judges_with_few_totals_or_zero_spread_as_they_are():
    # J1 on A, B, C: 80, 60, 70 -> μ1 = 70, σ1² = 200/3
    # J2 on A, B, C: 70, 70, 70 -> zero spread: kept as they are
    # J3 on A only: 70          -> fewer than 3 totals: kept as it is
    # All totals 80, 60, 70, 70, 70, 70, 70 -> μ = 70, σ² = (100 + 100) / 7 = 200/7
    #   σ/σ1 = sqrt((200/7) / (200/3)) = sqrt(3/7) = 0.65465367
    # J1: A -> 70 + 0.65465367 × 10 = 76.5465367, B -> 63.4534633, C -> 70
    # A: (76.5465367 + 70 + 70) / 3 = 72.1821789 -> 72.18
    # B: (63.4534633 + 70) / 2 = 66.7267316 -> 66.73;  C: (70 + 70) / 2 = 70
    sheets = totals_of(
        {
            ("A", "J1"): 80,
            ("B", "J1"): 60,
            ("C", "J1"): 70,
            ("A", "J2"): 70,
            ("B", "J2"): 70,
            ("C", "J2"): 70,
            ("A", "J3"): 70,
        }
    )
    result = score_stage(sheets, "zscore")
    assert published(result) == {"A": "72.18", "B": "66.73", "C": "70.00"}
    assert dict(result.unstandardised_judges) == {
        "J2": "all totals equal",
        "J3": "fewer than 3 totals",
    }
    assert all(UNSTANDARDISED_SHEET in e.flags for e in result.ranking)  # J2 scored all


def test_zscore_judge_with_exactly_two_totals_is_not_standardised():
    # J1 on A, B, C: 70, 80, 90 -> μ1 = 80, σ1² = 200/3
    # J2 on A, B: 60, 100 -> only 2 totals (though spread out): kept as they are
    # All totals 70, 80, 90, 60, 100 -> μ = 80, σ² = (100 + 0 + 100 + 400 + 400) / 5 = 200
    #   σ/σ1 = sqrt(200 / (200/3)) = sqrt(3) = 1.7320508
    # J1: A -> 80 − 17.320508 = 62.679492, B -> 80, C -> 97.320508
    # A: (62.679492 + 60) / 2 = 61.339746 -> 61.34;  B: (80 + 100) / 2 = 90;  C: 97.32
    sheets = totals_of(
        {("A", "J1"): 70, ("B", "J1"): 80, ("C", "J1"): 90, ("A", "J2"): 60, ("B", "J2"): 100}
    )
    result = score_stage(sheets, "zscore")
    assert published(result) == {"C": "97.32", "B": "90.00", "A": "61.34"}
    assert result.unstandardised_judges == (("J2", "fewer than 3 totals"),)


def test_zscore_zero_spread_is_decided_on_the_totals_not_float_noise():
    # 0.1 × 3 sums to 0.30000000000000004, so a float σ would be ~1e-17, not 0;
    # dividing by it would blow the totals up. Equal totals must be left as they are.
    sheets = totals_of(
        {
            ("A", "J1"): 0.1,
            ("B", "J1"): 0.1,
            ("C", "J1"): 0.1,
            ("A", "J2"): 1,
            ("B", "J2"): 2,
            ("C", "J2"): 3,
        }
    )
    result = score_stage(sheets, "zscore")
    assert ("J1", "all totals equal") in result.unstandardised_judges
    assert all(abs(e.exact) < 10 for e in result.ranking)


def test_bias_recovers_an_exact_additive_model_and_reorders():
    # Made from v(P)=82, v(Q)=80, v(R)=79 and b(H)=−6, b(L)=+4, b(M)=+2 (sum 0):
    # P: H 76, M 84 (mean 80);  Q: L 84, M 82 (mean 83);  R: H 73, L 83 (mean 78)
    # The fit is exact, so bias returns v: P 82 > Q 80 > R 79, while mean says Q > P > R.
    sheets = totals_of(
        {
            ("P", "H"): 76,
            ("P", "M"): 84,
            ("Q", "L"): 84,
            ("Q", "M"): 82,
            ("R", "H"): 73,
            ("R", "L"): 83,
        }
    )
    result = score_stage(sheets, "bias")
    assert published(result) == {"P": "82.00", "Q": "80.00", "R": "79.00"}
    assert [e.application for e in result.ranking] == ["P", "Q", "R"]
    assert [e.application for e in score_stage(sheets, "mean").ranking] == ["Q", "P", "R"]
    assert result.judge_bias == pytest.approx({"H": -6, "L": 4, "M": 2})


def test_bias_with_residuals_and_a_single_sheet_application():
    # A: J1 10, J2 6;  B: J1 9 only.
    # Judges meet only on A (2 sheets): L = [[1/2, −1/2], [−1/2, 1/2]] (B adds 1 − 1/1 = 0)
    # c(J1) = (10 − 8) + (9 − 9) = 2,  c(J2) = 6 − 8 = −2
    # L b = c -> (b1 − b2) / 2 = 2, with b1 + b2 = 0 -> b1 = 2, b2 = −2
    # v(A) = mean(10 − 2, 6 + 2) = 8;  v(B) = 9 − 2 = 7
    sheets = totals_of({("A", "J1"): 10, ("A", "J2"): 6, ("B", "J1"): 9})
    value, bias = bias_scores(sheets)
    assert value.tolist() == pytest.approx([8, 7])
    assert bias.tolist() == pytest.approx([2, -2])


def test_bias_matches_a_dense_least_squares_fit():
    # Cross-check the judges×judges elimination against lstsq on the full design matrix
    # with the constraint Σ b = 0 as an extra row.
    rng = np.random.default_rng(7)
    table = {}
    for a in range(12):
        for j in {a % 5, (a + 1) % 5, int(rng.integers(5))}:
            table[(f"A{a:02d}", f"J{j}")] = float(rng.integers(40, 100))
    sheets = totals_of(table)
    value, bias = bias_scores(sheets)
    design = np.zeros((sheets.n_sheets + 1, sheets.n_applications + sheets.n_judges))
    design[np.arange(sheets.n_sheets), sheets.app] = 1
    design[np.arange(sheets.n_sheets), sheets.n_applications + sheets.judge] = 1
    design[-1, sheets.n_applications :] = 1
    solution = np.linalg.lstsq(design, np.append(sheets.total, 0), rcond=None)[0]
    assert value == pytest.approx(solution[: sheets.n_applications])
    assert bias == pytest.approx(solution[sheets.n_applications :])


def test_bias_refuses_a_disconnected_panel_and_names_the_groups():
    # {A, B ; J1, J2} never meet {C, D ; J3, J4}: their biases cannot be compared.
    sheets = totals_of(
        {
            ("A", "J1"): 70,
            ("A", "J2"): 75,
            ("B", "J2"): 80,
            ("C", "J3"): 60,
            ("D", "J3"): 65,
            ("D", "J4"): 90,
        }
    )
    with pytest.raises(DisconnectedPanelError) as caught:
        score_stage(sheets, "bias")
    groups = [(c.applications, c.judges) for c in caught.value.components]
    assert groups == [(("A", "B"), ("J1", "J2")), (("C", "D"), ("J3", "J4"))]
    message = str(caught.value)
    assert "2 separate groups" in message
    assert "group 1: applications A, B / judges J1, J2" in message
    assert "group 2: applications C, D / judges J3, J4" in message


def test_panel_components_of_a_connected_panel():
    sheets = totals_of({("A", "J1"): 1, ("A", "J2"): 2, ("B", "J2"): 3})
    assert len(panel_components(sheets)) == 1


def test_bias_with_one_judge_is_the_judges_totals():
    result = score_stage(per_app({"A": [70], "B": [75]}), "bias")
    assert published(result) == {"B": "75.00", "A": "70.00"}
    assert result.judge_bias == {"J1": pytest.approx(0)}
