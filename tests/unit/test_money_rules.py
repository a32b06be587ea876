"""The money rules as pure functions: caps, shares, co-funding, line and group caps."""

from decimal import Decimal

from venture.applications.money import Line, LineRule, MoneyRules, check_money, pct

RULES = MoneyRules(
    max_amount_fen=10_000_000,
    max_share_pct=Decimal("60"),
    min_cofunding_pct=Decimal("20"),
    group_caps={"management": Decimal("10")},
    rules={
        1: LineRule(1, "activity", "宣传费", None),
        2: LineRule(2, "activity", "人员补贴", Decimal("40")),
        3: LineRule(3, "management", "管理费", None),
    },
    group_labels={"management": "Management costs"},
)


def codes(problems):
    return {p.code for p in problems}


def test_a_budget_within_every_rule_has_no_problem():
    lines = [Line(1, 5_000_000), Line(2, 4_000_000), Line(3, 1_000_000)]
    assert check_money(RULES, lines, requested_fen=6_000_000, cofunding_fen=4_000_000) == []


def test_management_over_its_group_cap_names_the_line_and_the_cap():
    lines = [Line(1, 5_000_000), Line(2, 3_800_000), Line(3, 1_200_000)]
    problems = check_money(RULES, lines, requested_fen=6_000_000, cofunding_fen=4_000_000)
    assert codes(problems) == {"group_cap"}
    message = problems[0].message
    assert "管理费" in message and "10%" in message and "12%" in message and "¥12,000.00" in message


def test_line_cap_share_cap_maximum_and_cofunding():
    lines = [Line(1, 2_000_000), Line(2, 10_000_000)]  # 人员补贴 83%
    problems = check_money(RULES, lines, requested_fen=11_000_000, cofunding_fen=1_000_000)
    assert codes(problems) == {"line_cap", "max_share", "max_amount", "min_cofunding"}


def test_requested_plus_cofunding_must_equal_the_total():
    problems = check_money(
        RULES, [Line(1, 1_000_000)], requested_fen=500_000, cofunding_fen=400_000
    )
    assert codes(problems) == {"sum"}


def test_empty_budget_and_unknown_lines():
    assert codes(check_money(RULES, [], 0, 0)) == {"budget_empty"}
    assert "unknown_line" in codes(check_money(RULES, [Line(99, 100)], 60, 40))


def test_exact_caps_are_allowed():
    # exactly 60% requested and exactly 10% management: both allowed
    lines = [Line(1, 900), Line(3, 100)]
    assert check_money(RULES, lines, requested_fen=600, cofunding_fen=400) == []
    assert pct(Decimal("12.345")) == "12.35" and pct(Decimal("10")) == "10"
