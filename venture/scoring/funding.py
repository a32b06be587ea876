"""The funding line: walk the final ranking and fund while each category's budget allows.

Amounts are integer fen (1 yuan = 100 fen), so no rounding ever happens here.

For each category, applications are taken in ranking order (equal ranks in their listed
order). An application is funded, with its full requested amount, when the amount fits
in what is left of its category's budget and the category has not reached its maximum
count. When it does not fit:

* mode ``"skip"``: it is not funded, and the walk goes on to the next, which may fit;
* mode ``"stop"``: it is not funded, and no later application of its category is.

Reaching the maximum count stops the category in both modes. Every ranked application
that is not funded is on the *waitlist*, in ranking order (its place in the ranking is
its place on the list). Entries without a score (see ``combine_stages(...,
incomplete="rank_last")``) are not part of the funding walk.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from venture.scoring.errors import InvalidParameterError
from venture.scoring.ranking import Ranking

FUNDED = "funded"
WAITLIST = "waitlist"
MODES = ("skip", "stop")


@dataclass(frozen=True)
class FundingRequest:
    category: str
    amount: int  # fen


@dataclass(frozen=True)
class CategoryBudget:
    budget: int  # fen
    max_count: int | None = None


@dataclass(frozen=True)
class FundingDecision:
    application: Hashable
    category: str
    rank: int | None
    status: str  # FUNDED or WAITLIST
    requested: int  # fen
    granted: int  # fen: the requested amount when funded, else 0


@dataclass(frozen=True)
class FundingResult:
    decisions: tuple[FundingDecision, ...]  # in ranking order
    remaining: dict[str, int]  # category -> budget left, fen

    def funded(self, category: str | None = None) -> list[Hashable]:
        return self._with(FUNDED, category)

    def waitlist(self, category: str | None = None) -> list[Hashable]:
        return self._with(WAITLIST, category)

    def _with(self, status: str, category: str | None) -> list[Hashable]:
        return [
            d.application
            for d in self.decisions
            if d.status == status and category in (None, d.category)
        ]


def funding_line(
    ranking: Ranking,
    requests: Mapping[Hashable, FundingRequest | tuple[str, int]],
    budgets: Mapping[str, CategoryBudget | int | tuple[int, int | None]],
    mode: str = "skip",
) -> FundingResult:
    """Decide funded / waitlist for every scored application of the ranking."""
    if mode not in MODES:
        raise InvalidParameterError(f"mode must be one of {', '.join(MODES)}")
    budgets = {name: _budget(name, value) for name, value in budgets.items()}
    remaining = {name: budget.budget for name, budget in budgets.items()}
    funded_count = dict.fromkeys(budgets, 0)
    closed: set[str] = set()
    decisions = []
    for entry in ranking:
        if entry.score is None:
            continue
        request = _request(entry.application, requests, budgets)
        category, limit = request.category, budgets[request.category].max_count
        if limit is not None and funded_count[category] >= limit:
            closed.add(category)
        fits = request.amount <= remaining[category]
        if category not in closed and fits:
            remaining[category] -= request.amount
            funded_count[category] += 1
            decisions.append(
                FundingDecision(
                    entry.application, category, entry.rank, FUNDED, request.amount, request.amount
                )
            )
            continue
        if mode == "stop":
            closed.add(category)
        decisions.append(
            FundingDecision(entry.application, category, entry.rank, WAITLIST, request.amount, 0)
        )
    return FundingResult(tuple(decisions), remaining)


def _budget(name: str, value: CategoryBudget | int | tuple[int, int | None]) -> CategoryBudget:
    if isinstance(value, int) and not isinstance(value, bool):
        value = CategoryBudget(value)
    elif isinstance(value, tuple):
        value = CategoryBudget(*value)
    if not isinstance(value, CategoryBudget) or not _is_fen(value.budget):
        raise InvalidParameterError(f"the budget of {name!r} must be a whole number of fen ≥ 0")
    if value.max_count is not None and not _is_fen(value.max_count):
        raise InvalidParameterError(f"the max count of {name!r} must be a whole number ≥ 0")
    return value


def _request(application: Hashable, requests, budgets) -> FundingRequest:
    try:
        request = requests[application]
    except KeyError:
        raise InvalidParameterError(f"application {application} has no funding request") from None
    if isinstance(request, tuple):
        request = FundingRequest(*request)
    if request.category not in budgets:
        raise InvalidParameterError(
            f"application {application} asks in category {request.category!r}, which has no budget"
        )
    if not _is_fen(request.amount):
        raise InvalidParameterError(
            f"application {application} must request a whole number of fen ≥ 0"
        )
    return request


def _is_fen(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
