"""Rubrics: ordered criteria whose maxima add up to 100, frozen once a score sheet
uses them (then copied to a new version)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from venture.audit.services import record
from venture.competitions import policies
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import (
    SCORING_STAGES,
    Competition,
    Rubric,
    RubricCriterion,
    StageKind,
)
from venture.db import service
from venture.errors import Conflict, ValidationError
from venture.extensions import db

RUBRIC_TOTAL = Decimal("100")


def _ensure_rubric_editable(rubric: Rubric, actor, action: str) -> None:
    ensure_unlocked(
        rubric.competition,
        action=action,
        object_type="rubric",
        object_id=rubric.id,
        actor=actor,
        stage_kind=rubric.stage_kind,
    )
    if rubric.id is not None and policies.rubric_in_use(rubric):
        raise Conflict(
            _(
                "Score sheets already use this rubric, so it can no longer change. "
                "Copy it to a new version instead."
            )
        )


@service
def create_rubric(competition: Competition, *, actor, name: str, stage_kind) -> Rubric:
    kind = StageKind(stage_kind)
    if kind not in SCORING_STAGES:
        raise ValidationError(_("Rubrics are for scoring stages only."), field="stage_kind")
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter a name."), field="name")
    ensure_unlocked(
        competition,
        action="rubric.created",
        object_type="competition",
        object_id=competition.id,
        actor=actor,
        stage_kind=kind,
    )
    if any(r.name == name for r in competition.rubrics):
        raise ValidationError(
            _("There is already a rubric named %(name)s.", name=name), field="name"
        )
    rubric = Rubric(name=name, stage_kind=kind, version=1)
    competition.rubrics.append(rubric)
    db.session.flush()
    record(
        "rubric.created",
        rubric,
        actor=actor,
        changes={"name": [None, name], "stage_kind": [None, kind.value]},
    )
    return rubric


def criteria_problems(criteria: list[dict]) -> list[str]:
    """What is wrong with a list of criteria; the sum is named when it is not 100."""
    problems = []
    names = [c["name"] for c in criteria]
    if not criteria:
        problems.append(_("Add at least one criterion."))
    if any(not n for n in names):
        problems.append(_("Every criterion needs a name."))
    if len(set(names)) != len(names):
        problems.append(_("Two criteria have the same name."))
    if any(c["max_score"] is None or c["max_score"] <= 0 for c in criteria):
        problems.append(_("Every maximum must be more than zero."))
    total = sum((c["max_score"] or Decimal("0") for c in criteria), Decimal("0"))
    if total != RUBRIC_TOTAL:
        problems.append(
            _("The maxima add up to %(sum)s; they must add up to 100.", sum=_plain(total))
        )
    return problems


def _plain(value: Decimal) -> str:
    return str(value.quantize(Decimal("1")) if value == value.to_integral() else value.normalize())


@service
def save_rubric(rubric: Rubric, *, actor, name: str, criteria: list[dict]) -> Rubric:
    """Replace the rubric's criteria: ``criteria`` is an ordered list of
    {"name", "description", "max_score" (Decimal), "allow_na"}."""
    _ensure_rubric_editable(rubric, actor, "rubric.changed")
    criteria = [
        {
            "name": (c.get("name") or "").strip(),
            "description": (c.get("description") or "").strip(),
            "max_score": c.get("max_score"),
            "allow_na": bool(c.get("allow_na")),
        }
        for c in criteria
    ]
    problems = criteria_problems(criteria)
    if problems:
        raise ValidationError(" ".join(problems), field="criteria")
    name = (name or "").strip() or rubric.name
    if any(
        r.name == name and r.version == rubric.version and r is not rubric
        for r in rubric.competition.rubrics
    ):
        raise ValidationError(
            _("There is already a rubric named %(name)s.", name=name), field="name"
        )
    before = _rubric_state(rubric)
    rubric.name = name
    rubric.criteria.clear()
    db.session.flush()
    for position, c in enumerate(criteria):
        rubric.criteria.append(RubricCriterion(position=position, **c))
    db.session.flush()
    after = _rubric_state(rubric)
    if before != after:
        record("rubric.changed", rubric, actor=actor, changes={"criteria": [before, after]})
    return rubric


def _rubric_state(rubric: Rubric) -> list:
    return [[c.name, str(c.max_score), c.allow_na] for c in rubric.criteria]


@service
def copy_rubric(rubric: Rubric, *, actor) -> Rubric:
    """A new, editable version of a rubric (the old one stays for its sheets)."""
    competition = rubric.competition
    ensure_unlocked(
        competition,
        action="rubric.copied",
        object_type="rubric",
        object_id=rubric.id,
        actor=actor,
        stage_kind=rubric.stage_kind,
    )
    version = max(r.version for r in competition.rubrics if r.name == rubric.name) + 1
    copy = Rubric(
        name=rubric.name, stage_kind=rubric.stage_kind, version=version, copied_from_id=rubric.id
    )
    for c in rubric.criteria:
        copy.criteria.append(
            RubricCriterion(
                position=c.position,
                name=c.name,
                description=c.description,
                max_score=c.max_score,
                allow_na=c.allow_na,
            )
        )
    competition.rubrics.append(copy)
    db.session.flush()
    record(
        "rubric.copied",
        copy,
        actor=actor,
        changes={"copied_from": [None, rubric.id], "version": [None, version]},
    )
    return copy


@service
def delete_rubric(rubric: Rubric, *, actor) -> None:
    _ensure_rubric_editable(rubric, actor, "rubric.deleted")
    if any(s.rubric_id == rubric.id for s in rubric.competition.stages):
        raise Conflict(_("A stage uses this rubric; choose another one for the stage first."))
    record("rubric.deleted", rubric, actor=actor, changes={"name": [rubric.name, None]})
    for copy in rubric.competition.rubrics:
        if copy.copied_from_id == rubric.id:
            copy.copied_from_id = None  # its copies stay; the original they came from is gone
    rubric.competition.rubrics.remove(rubric)
