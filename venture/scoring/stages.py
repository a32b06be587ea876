"""Combining stages into a final score, and who advances to the next stage.

Stage combination works on *published* stage scores (2 decimals), in exact Decimal
arithmetic: final = Σ weight × published stage score, then published half up. A reader
can redo it from the published tables. Weights are Decimals summing to exactly 1.

Only applications scored in every stage of positive weight get a final score. The
others ("incomplete") are, by the ``incomplete`` parameter:

* ``"exclude"`` (default): left out of the final ranking;
* ``"rank_last"``: listed after every complete application, without a score, all
  sharing the next rank, by application id, flagged ``incomplete_stages``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal

from venture.scoring.engine import StageResult
from venture.scoring.errors import InvalidParameterError
from venture.scoring.ranking import RankedApplication, Ranking, TieBreak, rank_rows

INCOMPLETE_STAGES = "incomplete_stages"
INCOMPLETE_POLICIES = ("exclude", "rank_last")

StageScores = Ranking | StageResult | Mapping[Hashable, Decimal]


def combine_stages(
    stages: Mapping[str, StageScores],
    weights: Mapping[str, Decimal],
    *,
    incomplete: str = "exclude",
    tie_breaks: Sequence[TieBreak] = (),
) -> Ranking:
    """Final ranking from weighted stage scores, e.g. {"online": 0.4, "roadshow": 0.6}."""
    if incomplete not in INCOMPLETE_POLICIES:
        raise InvalidParameterError(f"incomplete must be one of {', '.join(INCOMPLETE_POLICIES)}")
    weighted = _check_weights(stages, weights)
    per_stage = {name: _stage_scores(stages[name]) for name in weighted}
    everyone = set().union(*per_stage.values()) if per_stage else set()
    complete = sorted(a for a in everyone if all(a in s for s in per_stage.values()))
    exact = [
        sum((weights[name] * per_stage[name][a] for name in weighted), Decimal(0)) for a in complete
    ]
    ranking = rank_rows(complete, exact, tie_breaks=tie_breaks)
    if incomplete == "exclude":
        return ranking
    last_rank = len(complete) + 1
    left_out = tuple(
        RankedApplication(last_rank, a, None, None, None, (INCOMPLETE_STAGES,))
        for a in sorted(everyone - set(complete))
    )
    return Ranking(ranking.entries + left_out)


def _check_weights(stages: Mapping[str, StageScores], weights: Mapping[str, Decimal]) -> list[str]:
    for name, weight in weights.items():
        if not isinstance(weight, Decimal) or not weight.is_finite() or weight < 0:
            raise InvalidParameterError(
                f"the weight of stage {name!r} must be a Decimal of 0 or more, got {weight!r}"
            )
        if name not in stages:
            raise InvalidParameterError(f"stage {name!r} has a weight but no scores")
    if sum(weights.values(), Decimal(0)) != 1:
        raise InvalidParameterError(
            f"the stage weights must sum to 1, they sum to {sum(weights.values(), Decimal(0))}"
        )
    return [name for name, weight in weights.items() if weight > 0]


def _stage_scores(stage: StageScores) -> dict[Hashable, Decimal]:
    if isinstance(stage, StageResult):
        stage = stage.ranking
    if isinstance(stage, Ranking):
        return stage.scores()
    scores = {}
    for application, value in stage.items():
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise InvalidParameterError(
                f"stage score of {application} must be a Decimal, got {value!r}"
            )
        scores[application] = Decimal(value)
    return scores


def advance_top_n(
    ranking: Ranking,
    categories: Mapping[Hashable, str],
    n: int | Mapping[str, int],
    *,
    include_ties: bool = True,
) -> list[Hashable]:
    """The first N of each category, in ranking order.

    Ranks within a category follow the overall ranking (equal ranks stay equal). With
    ``include_ties`` (default) every application whose category rank is at most N
    advances, so a tie at the cut can let more than N through; without it, exactly the
    first N listed. ``n`` is one number for all categories or one per category (a
    category not in the mapping advances no one). Unscored entries never advance.
    """
    taken: dict[str, int] = {}  # category -> entries seen
    last: dict[str, tuple[int | None, int]] = {}  # category -> (overall rank, category rank)
    shortlist = []
    for entry in ranking:
        if entry.score is None:
            continue
        category = _category_of(entry.application, categories)
        limit = n.get(category, 0) if isinstance(n, Mapping) else n
        position = taken[category] = taken.get(category, 0) + 1
        previous_rank, previous_category_rank = last.get(category, (None, 0))
        category_rank = previous_category_rank if entry.rank == previous_rank else position
        last[category] = (entry.rank, category_rank)
        if (category_rank if include_ties else position) <= limit:
            shortlist.append(entry.application)
    return shortlist


def advance_by_threshold(
    ranking: Ranking,
    threshold: Decimal | int | Mapping[str, Decimal],
    categories: Mapping[Hashable, str] | None = None,
) -> list[Hashable]:
    """Applications whose published score is at least the threshold, in ranking order.

    The threshold is one number, or one per category (then ``categories`` is needed and a
    category without a threshold advances no one).
    """
    shortlist = []
    for entry in ranking:
        if entry.score is None:
            continue
        if isinstance(threshold, Mapping):
            if categories is None:
                raise InvalidParameterError("thresholds per category need the categories")
            bar = threshold.get(_category_of(entry.application, categories))
            if bar is None:
                continue
        else:
            bar = threshold
        if entry.score >= _as_decimal(bar):
            shortlist.append(entry.application)
    return shortlist


def _as_decimal(value: Decimal | int | float) -> Decimal:
    """A threshold as typed: a float 80.1 means Decimal("80.1"), not its binary value."""
    return Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)


def _category_of(application: Hashable, categories: Mapping[Hashable, str]) -> str:
    try:
        return categories[application]
    except KeyError:
        raise InvalidParameterError(f"application {application} has no category") from None
