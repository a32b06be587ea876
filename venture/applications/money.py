"""The money rules of an application, as pure functions of plain numbers.

The same rules run live in the form (venture/static/js/applications.js mirrors them)
and again on the server at submission and screening. Amounts are integer fen;
percentages are Decimals; nothing here touches the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from flask_babel import gettext as _

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class LineRule:
    id: int
    group: str  # activity / management / tax
    name: str
    cap_pct: Decimal | None


@dataclass(frozen=True)
class MoneyRules:
    max_amount_fen: int
    max_share_pct: Decimal
    min_cofunding_pct: Decimal
    group_caps: dict  # group -> Decimal
    rules: dict  # rule id -> LineRule
    group_labels: dict = field(default_factory=dict)  # group -> label shown to users


@dataclass(frozen=True)
class Line:
    rule_id: int | None
    amount_fen: int
    item: str = ""


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str = "budget"


def yuan(fen: int) -> str:
    return f"¥{Decimal(fen) / 100:,.2f}"


def pct(value: Decimal, rounding=ROUND_HALF_UP) -> str:
    """A percentage for people: 10 → "10", 12.345 → "12.35". Shares over a cap are
    rounded up (ROUND_UP) so that 60.001% never reads as the allowed 60.00%."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal("1")))
    return str(value.quantize(Decimal("0.01"), rounding=rounding))


def share_of(amount_fen: int, total_fen: int) -> Decimal:
    return (Decimal(amount_fen) * HUNDRED / Decimal(total_fen)) if total_fen else Decimal("0")


def rules_of(competition) -> MoneyRules:
    """The competition's rules as plain values."""
    from venture.competitions.labels import label_of as label
    from venture.competitions.models import BudgetGroup

    return MoneyRules(
        max_amount_fen=competition.max_amount_fen,
        max_share_pct=Decimal(competition.max_share_pct),
        min_cofunding_pct=Decimal(competition.min_cofunding_pct),
        group_caps={
            g: Decimal(str(v))
            for g, v in (competition.group_caps or {}).items()
            if v not in (None, "")
        },
        rules={
            r.id: LineRule(
                r.id,
                r.line_group.value,
                r.name,
                Decimal(r.max_share_pct) if r.max_share_pct is not None else None,
            )
            for r in competition.budget_rules
        },
        group_labels={g.value: label(g) for g in BudgetGroup},
    )


def check_money(
    rules: MoneyRules, lines: list[Line], requested_fen: int, cofunding_fen: int
) -> list[Problem]:
    """Every broken money rule, with a message naming the line, the amount and the cap."""
    total = sum(line.amount_fen for line in lines)
    if total <= 0:
        return [
            Problem(
                "budget_empty", _("The budget table is empty: add its lines with their amounts.")
            )
        ]
    by_rule, by_group = _sums(rules, lines)
    return [
        *_line_problems(rules, lines),
        *_request_problems(rules, requested_fen, cofunding_fen, total),
        *_line_cap_problems(rules, by_rule, total),
        *_group_cap_problems(rules, by_rule, by_group, total),
    ]


def _line_problems(rules: MoneyRules, lines: list[Line]) -> list[Problem]:
    """Lines that cannot be counted as they are: negative, or of a kind not allowed."""
    problems: list[Problem] = []
    if any(line.amount_fen < 0 for line in lines):
        problems.append(Problem("negative", _("An amount in the budget table is negative.")))
    if any(line.rule_id not in rules.rules for line in lines):
        problems.append(
            Problem(
                "unknown_line", _("A budget line is of a kind this competition does not allow.")
            )
        )
    return problems


def _request_problems(
    rules: MoneyRules, requested_fen: int, cofunding_fen: int, total: int
) -> list[Problem]:
    """The amount requested and the co-funding against the total and the competition's limits."""
    problems: list[Problem] = []
    if requested_fen <= 0:
        problems.append(Problem("requested_missing", _("Enter the amount requested."), "requested"))
    if requested_fen + cofunding_fen != total:
        problems.append(
            Problem(
                "sum",
                _(
                    "The amount requested (%(requested)s) plus the co-funding (%(cofunding)s) "
                    "must equal the budget total (%(total)s).",
                    requested=yuan(requested_fen),
                    cofunding=yuan(cofunding_fen),
                    total=yuan(total),
                ),
                "cofunding",
            )
        )
    if requested_fen > rules.max_amount_fen:
        problems.append(
            Problem(
                "max_amount",
                _(
                    "The amount requested (%(requested)s) is above the maximum of "
                    "%(maximum)s per project.",
                    requested=yuan(requested_fen),
                    maximum=yuan(rules.max_amount_fen),
                ),
                "requested",
            )
        )
    if requested_fen * HUNDRED > rules.max_share_pct * total:
        problems.append(
            Problem(
                "max_share",
                _(
                    "The amount requested is %(share)s%% of the project budget; at most "
                    "%(cap)s%% may be requested.",
                    share=pct(share_of(requested_fen, total), ROUND_UP),
                    cap=pct(rules.max_share_pct),
                ),
                "requested",
            )
        )
    if cofunding_fen * HUNDRED < rules.min_cofunding_pct * total:
        problems.append(
            Problem(
                "min_cofunding",
                _(
                    "The co-funding is %(share)s%% of the project budget; at least "
                    "%(minimum)s%% is required.",
                    share=pct(share_of(cofunding_fen, total), ROUND_DOWN),
                    minimum=pct(rules.min_cofunding_pct),
                ),
                "cofunding",
            )
        )
    return problems


def _sums(rules: MoneyRules, lines: list[Line]) -> tuple[dict[int, int], dict[str, int]]:
    """The budget's amounts per line rule and per group (lines of unknown kinds left out)."""
    by_rule: dict[int, int] = defaultdict(int)
    by_group: dict[str, int] = defaultdict(int)
    for line in lines:
        rule = rules.rules.get(line.rule_id)
        if rule is not None:
            by_rule[rule.id] += line.amount_fen
            by_group[rule.group] += line.amount_fen
    return by_rule, by_group


def _line_cap_problems(rules: MoneyRules, by_rule: dict[int, int], total: int) -> list[Problem]:
    problems: list[Problem] = []
    for rule_id, amount in by_rule.items():
        rule = rules.rules[rule_id]
        if rule.cap_pct is not None and amount * HUNDRED > rule.cap_pct * total:
            problems.append(
                Problem(
                    "line_cap",
                    _(
                        "%(line)s is %(amount)s, %(share)s%% of the budget; the cap is %(cap)s%%.",
                        line=rule.name,
                        amount=yuan(amount),
                        share=pct(share_of(amount, total), ROUND_UP),
                        cap=pct(rule.cap_pct),
                    ),
                )
            )
    return problems


def _group_cap_problems(
    rules: MoneyRules, by_rule: dict[int, int], by_group: dict[str, int], total: int
) -> list[Problem]:
    problems: list[Problem] = []
    for group, cap in rules.group_caps.items():
        amount = by_group.get(group, 0)
        if amount * HUNDRED > cap * total:
            names = "、".join(
                r.name for r in rules.rules.values() if r.group == group and by_rule.get(r.id)
            )
            problems.append(
                Problem(
                    "group_cap",
                    _(
                        "%(group)s (%(lines)s) is %(amount)s, %(share)s%% of the budget; "
                        "the cap is %(cap)s%%.",
                        group=rules.group_labels.get(group, group),
                        lines=names,
                        amount=yuan(amount),
                        share=pct(share_of(amount, total), ROUND_UP),
                        cap=pct(cap),
                    ),
                )
            )
    return problems
