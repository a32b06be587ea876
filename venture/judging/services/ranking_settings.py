"""A scoring stage's ranking settings: the aggregation method (with K for the trimmed
mean), the judge-disagreement threshold, the tie-break chain and the advancement rule.

They are read by the next computation of the stage (``rankings.compute``); a snapshot
already computed keeps the settings it was computed with (its ``params``).

The tie-break chain is stored as ``rankings.tiebreaks`` reads it. The links an organizer
may choose (:func:`allowed_links`):

* online review and roadshow only (the evaluation stages rank nothing);
* ``stage``: the published score of the online review or the roadshow (the roadshow's
  chain also breaks ties in the final ranking; the online review may not name itself:
  its equal scores are equal there);
* ``criterion``: a criterion of the stage's own rubric, and for the roadshow also one of
  the online review's (with ``"stage": "online_review"``);
* ``requested_amount`` and ``submitted_at``.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from venture.accounts.models import User
from venture.audit.services import changes_between, record
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import AdvanceRule, Method, Stage, StageKind
from venture.competitions.rubrics import RUBRIC_TOTAL
from venture.db import service
from venture.errors import ValidationError

RANKED_STAGES = (StageKind.ONLINE_REVIEW, StageKind.ROADSHOW)  # they have a tie-break chain
SHORTLIST_STAGE = StageKind.ONLINE_REVIEW  # its advancement rule makes the roadshow shortlist
MAX_LINKS = 4
MAX_TRIM_K = 10
MAX_TOP_N = 1000


def current_settings(stage: Stage) -> dict:
    """The settings as stored values (numbers with two decimals), to compare and audit."""

    def points(value):
        return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))

    return {
        "method": str(stage.method),
        "trim_k": stage.trim_k,
        "disagreement_threshold": points(stage.disagreement_threshold),
        "tie_breaks": [normalized(stage, link) for link in stage.tie_breaks or []],
        "advance_rule": str(stage.advance_rule),
        "advance_top_n": stage.advance_top_n,
        "advance_threshold": points(stage.advance_threshold),
    }


def normalized(stage: Stage, link) -> dict | object:
    """A criterion link of the stage's own rubric without the redundant ``stage`` key."""
    if (
        isinstance(link, dict)
        and link.get("kind") == "criterion"
        and link.get("stage") == stage.kind.value
    ):
        return {k: v for k, v in link.items() if k != "stage"}
    return link


def allowed_links(stage: Stage) -> list[dict]:
    """The links the stage's chain may hold, in the order the form offers them."""
    if stage.kind not in RANKED_STAGES:
        return []
    competition = stage.competition
    ranked = [s for s in (competition.stage(k) for k in RANKED_STAGES) if s is not None]
    links = [
        {"kind": "stage", "stage": s.kind.value}
        for s in ranked
        if not (s.id == stage.id and s.kind == StageKind.ONLINE_REVIEW)
    ]
    for source in ranked:
        if source.position > stage.position or source.rubric is None:
            continue
        extra = {} if source.id == stage.id else {"stage": source.kind.value}
        links += [{"kind": "criterion", "name": c.name, **extra} for c in source.rubric.criteria]
    return links + [{"kind": "requested_amount"}, {"kind": "submitted_at"}]


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _score_limit(stage: Stage) -> Decimal:
    return stage.rubric.total_max if stage.rubric is not None else RUBRIC_TOTAL


def _points(value, field: str, limit: Decimal, message: str) -> Decimal:
    """A number of points: finite, more than 0, at most ``limit``, two decimals at most."""
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise ValidationError(message, field=field)
    value = Decimal(value)
    if not value.is_finite() or value <= 0 or value > limit:
        raise ValidationError(message, field=field)
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Use at most two decimals."), field=field)
    return value.quantize(Decimal("0.01"))


def _whole(value, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(message, field=field)
    return value


def _method(value) -> Method:
    try:
        return Method(value)
    except ValueError:
        raise ValidationError(_("Choose one of the listed methods."), field="method") from None


def judges_needed(method, trim_k: int) -> int:
    """Judges per application the method needs: the trimmed mean must keep one total."""
    return 2 * trim_k + 1 if method == Method.TRIMMED else 1


def _trim_k(stage: Stage, method: Method, value) -> int:
    k = _whole(
        value, "trim_k", 1, MAX_TRIM_K, _("K is a whole number from 1 to %(max)s.", max=MAX_TRIM_K)
    )
    judges = stage.judges_per_application
    if judges < judges_needed(method, k):
        if judges < 3:
            raise ValidationError(
                _(
                    "The trimmed mean needs at least 3 judges per application (this stage has "
                    "%(n)s): choose another method or more judges.",
                    n=judges,
                ),
                field="trim_k",
            )
        raise ValidationError(
            _(
                "With %(n)s judges per application, dropping the %(k)s highest and the %(k)s "
                "lowest totals leaves nothing to average: choose K at most %(max)s.",
                n=judges,
                k=k,
                max=(judges - 1) // 2,
            ),
            field="trim_k",
        )
    return k


def _chain(stage: Stage, links) -> list[dict]:
    """The chosen links in order; an empty choice (None, "") is skipped. Errors name the
    choice by its place (``tie_break_<n>``)."""
    allowed = allowed_links(stage)
    chain = []
    for number, link in enumerate(links or [], start=1):
        if link in (None, "", {}):
            continue
        field = f"tie_break_{number}"
        link = normalized(stage, link)
        if not allowed:  # the form shows no tie-breaks for this stage: the message goes above it
            raise ValidationError(
                _("Only the online review and the roadshow have a tie-break chain.")
            )
        if link not in allowed:
            if isinstance(link, dict) and link.get("kind") == "criterion":
                raise ValidationError(
                    _(
                        "The criterion %(name)s is not in this stage's rubric.",
                        name=str(link.get("name", ""))[:100],
                    ),
                    field=field,
                )
            raise ValidationError(_("Choose one of the listed tie-breaks."), field=field)
        if link in chain:
            raise ValidationError(_("This tie-break is already earlier in the chain."), field=field)
        if len(chain) == MAX_LINKS:
            raise ValidationError(_("At most %(n)s tie-breaks.", n=MAX_LINKS), field=field)
        chain.append(link)
    return chain


def _advancement(
    stage: Stage, rule, top_n, threshold
) -> tuple[AdvanceRule, int | None, Decimal | None]:
    try:
        rule = AdvanceRule(rule)
    except ValueError:
        raise ValidationError(
            _("Choose one of the listed advancement rules."), field="advance_rule"
        ) from None
    if rule != AdvanceRule.NONE and stage.kind != SHORTLIST_STAGE:
        raise ValidationError(_("Only the online review makes a shortlist (for the roadshow)."))
    if rule == AdvanceRule.TOP_N:
        if top_n is None:
            raise ValidationError(
                _("Give how many applications of each category advance."), field="advance_top_n"
            )
        top_n = _whole(
            top_n,
            "advance_top_n",
            1,
            MAX_TOP_N,
            _("The number is a whole number from 1 to %(max)s.", max=MAX_TOP_N),
        )
        return rule, top_n, None
    if rule == AdvanceRule.THRESHOLD:
        limit = _score_limit(stage)
        if threshold is None:
            raise ValidationError(
                _("Give the score an application needs to advance."), field="advance_threshold"
            )
        threshold = _points(
            threshold,
            "advance_threshold",
            limit,
            _("The score is more than 0 and at most %(max)s.", max=_plain(limit)),
        )
        return rule, None, threshold
    return rule, None, None


@service
def update_ranking_settings(
    stage: Stage,
    actor: User,
    *,
    method,
    trim_k,
    disagreement_threshold,
    tie_breaks,
    advance_rule=AdvanceRule.NONE,
    advance_top_n=None,
    advance_threshold=None,
) -> dict:
    """Validate and store the stage's ranking settings; returns the audited changes."""
    ensure_unlocked(
        stage.competition,
        action="judging.ranking_settings",
        object_type="stage",
        object_id=stage.id,
        actor=actor,
        stage_kind=stage.kind,
    )
    method = _method(method)
    trim_k = _trim_k(stage, method, trim_k)
    limit = _score_limit(stage)
    threshold = _points(
        disagreement_threshold,
        "disagreement_threshold",
        limit,
        _("The threshold is more than 0 and at most %(max)s points.", max=_plain(limit)),
    )
    chain = _chain(stage, tie_breaks)
    rule, top_n, score = _advancement(stage, advance_rule, advance_top_n, advance_threshold)
    before = current_settings(stage)
    stage.method, stage.trim_k, stage.disagreement_threshold, stage.tie_breaks = (
        method,
        trim_k,
        threshold,
        chain,
    )
    stage.advance_rule, stage.advance_top_n, stage.advance_threshold = rule, top_n, score
    changes = changes_between(before, current_settings(stage))
    if changes:
        record("judging.ranking_settings", stage, actor=actor, changes=changes)
    return changes
