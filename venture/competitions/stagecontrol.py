"""The organizer's controls over a competition's stages: open a stage now, close it now,
extend it (for everyone, for one judge or evaluator, or for one applicant organization).

The planned dates stay as they were set up; a control writes the reality beside them
(``Stage.actual_opens_at`` / ``actual_closes_at``, or a ``StageExtension``), which every
gate reads through ``competitions.gates``. Each control needs a reason, is audited, and
tells the people it affects. The 公示 is the results' public notice: it opens when the
results are approved, and closes early only once its legal minimum has run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from venture.audit.services import record
from venture.competitions.gates import OPEN, closes_at_for, stage_state
from venture.competitions.labels import stage_label
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import (
    MIN_PUBLICITY_DAYS,
    SCORING_STAGES,
    SELECTION_STAGES,
    CompetitionStatus,
    Stage,
    StageExtension,
    StageKind,
)
from venture.db import service, utcnow
from venture.errors import Conflict, ValidationError
from venture.extensions import db
from venture.notices import kinds
from venture.templating import format_local

kinds.register("stage_opened", _l("A stage was opened early"))
kinds.register("stage_closed", _l("A stage was closed early"))
kinds.register("stage_extended", _l("A stage was extended"))

MAX_REASON_LENGTH = 2000


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason: it is kept in the audit log and sent to the people affected."),
            field="reason",
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            _("The reason is too long (at most %(n)d characters).", n=MAX_REASON_LENGTH),
            field="reason",
        )
    return reason


def _check_controllable(stage: Stage, action: str, actor) -> None:
    competition = stage.competition
    if competition.status != CompetitionStatus.OPEN:
        raise Conflict(
            _(
                "Only the stages of an open competition can be controlled; open the competition first."
            )
        )
    if stage.kind in SELECTION_STAGES:
        # nothing that feeds the results changes once they are final
        ensure_unlocked(
            competition, action=action, object_type="stage", object_id=stage.id, actor=actor
        )


def _publication(stage: Stage):
    from venture.results.models import Publication, PublicationStatus

    publication = db.session.scalar(
        sa.select(Publication).where(Publication.competition_id == stage.competition_id)
    )
    if publication is None or publication.status != PublicationStatus.PUBLICITY:
        return None
    return publication


def publicity_minimum_end(publication) -> datetime | None:
    """The earliest moment the public notice may close: its legal minimum after it opened."""
    if publication is None or publication.publicity_starts_at is None:
        return None
    return publication.publicity_starts_at + timedelta(days=MIN_PUBLICITY_DAYS)


# --- the people a control affects -------------------------------------------------------------


def _judges(stage: Stage) -> list:
    from venture.accounts.models import User
    from venture.judging.models import Assignment, AssignmentStatus

    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.id.in_(
                    sa.select(Assignment.judge_id).where(
                        Assignment.stage_id == stage.id,
                        Assignment.status == AssignmentStatus.ACTIVE,
                    )
                ),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def _members(organization_ids) -> list:
    from venture.accounts.models import User
    from venture.orgs.models import Membership

    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id.in_(organization_ids), User.active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def _applicant_members(stage: Stage) -> list:
    from venture.applications.models import Application

    return _members(
        sa.select(Application.organization_id).where(
            Application.competition_id == stage.competition_id
        )
    )


def affected_people(stage: Stage, *, user=None, organization_id: int | None = None) -> list:
    """Who is told about a control: the one person or organization it is for; otherwise
    the judges (or evaluators) of a scoring stage, the applicants of any other stage."""
    if user is not None:
        return [user]
    if organization_id is not None:
        return _members([organization_id])
    if stage.kind in SCORING_STAGES:
        return _judges(stage)
    return _applicant_members(stage)


def _link(stage: Stage, recipient) -> str:
    # bound here: a control may run outside a request (the CLI, a test, a task)
    adapter = current_app.url_map.bind("localhost")
    if stage.kind in SCORING_STAGES and getattr(recipient, "is_judge", False):
        path = adapter.build("judging.dashboard")
    else:
        path = adapter.build("competitions.show", {"competition_id": stage.competition_id})
    return current_app.config["BASE_URL"] + path


def _tell(stage: Stage, kind: str, people, *, reason: str, **context) -> None:
    from venture.notices.services import notify

    for person in people:
        notify(
            person,
            kind,
            link=_link(stage, person),
            competition_id=stage.competition_id,
            competition=stage.competition.name,
            stage=stage_label(stage.kind),
            reason=reason,
            **context,
        )


def _iso(value: datetime | None):
    return value.isoformat() if value else None


# --- the controls ------------------------------------------------------------------------------


@service
def open_stage_now(stage: Stage, *, actor, reason: str, now: datetime | None = None) -> Stage:
    """Open a stage before its planned start (e.g. the judging, or the mid-term early)."""
    now = now or utcnow()
    _check_controllable(stage, "stage.opened", actor)
    reason = _reason(reason)
    state = stage_state(stage, now=now)
    if state == OPEN:
        raise Conflict(_("%(stage)s is open already.", stage=stage_label(stage.kind)))
    if state != "before":
        raise Conflict(
            _("%(stage)s has closed; extend it to give more time.", stage=stage_label(stage.kind))
        )
    changes = {"reason": reason, "actual_opens_at": [_iso(stage.actual_opens_at), _iso(now)]}
    if stage.kind == StageKind.PUBLICITY:
        publication = _publication(stage)
        if publication is None:
            raise Conflict(
                _(
                    "The public notice opens when the results are approved: approve them on the "
                    "results page."
                )
            )
        minimum = now + timedelta(days=MIN_PUBLICITY_DAYS)
        changes["publicity_starts_at"] = [_iso(publication.publicity_starts_at), _iso(now)]
        publication.publicity_starts_at = now
        if publication.publicity_ends_at is None or publication.publicity_ends_at < minimum:
            changes["publicity_ends_at"] = [_iso(publication.publicity_ends_at), _iso(minimum)]
            publication.publicity_ends_at = stage.actual_closes_at = minimum
        publication.version += 1
    stage.actual_opens_at = now
    record("stage.opened", stage, actor=actor, changes=changes)
    _tell(
        stage,
        "stage_opened",
        affected_people(stage),
        reason=reason,
        opened=format_local(now),
        closes=format_local(stage.closes_at) if stage.closes_at else "",
    )
    return stage


@service
def close_stage_now(stage: Stage, *, actor, reason: str, now: datetime | None = None) -> Stage:
    """Close a stage before its planned end, for everyone (extensions for one person end too)."""
    now = now or utcnow()
    _check_controllable(stage, "stage.closed", actor)
    reason = _reason(reason)
    if stage_state(stage, now=now) != OPEN:
        raise Conflict(
            _(
                "%(stage)s is not open: only an open stage can be closed.",
                stage=stage_label(stage.kind),
            )
        )
    changes = {"reason": reason, "actual_closes_at": [_iso(stage.actual_closes_at), _iso(now)]}
    if stage.kind == StageKind.PUBLICITY:
        publication = _publication(stage)
        earliest = publicity_minimum_end(publication)
        if publication is None or earliest is None:
            raise Conflict(_("The results are not on public notice."))
        if now < earliest:
            raise Conflict(
                _(
                    "The public notice must run at least %(days)d days: it can be closed from %(when)s "
                    "(Beijing time).",
                    days=MIN_PUBLICITY_DAYS,
                    when=format_local(earliest),
                )
            )
        changes["publicity_ends_at"] = [_iso(publication.publicity_ends_at), _iso(now)]
        publication.publicity_ends_at = now
        publication.version += 1
    stage.actual_closes_at = now
    for extension in db.session.scalars(
        sa.select(StageExtension).where(
            StageExtension.stage_id == stage.id, StageExtension.until > now
        )
    ):
        extension.until = now
    record("stage.closed", stage, actor=actor, changes=changes)
    _tell(
        stage,
        "stage_closed",
        affected_people(stage),
        reason=reason,
        closed=format_local(now),
        planned=format_local(stage.ends_at) if stage.ends_at else "",
    )
    return stage


@service
def extend_stage(
    stage: Stage,
    *,
    actor,
    reason: str,
    until: datetime,
    user=None,
    organization=None,
    now: datetime | None = None,
) -> Stage:
    """Give more time until ``until``: to everyone, or to one judge (``user``) of a scoring
    stage, or to one applicant ``organization`` in the application window."""
    now = now or utcnow()
    _check_controllable(stage, "stage.extended", actor)
    reason = _reason(reason)
    if not isinstance(until, datetime) or until.tzinfo is None:
        raise ValidationError(_("Enter the new end with a date and a time."), field="until")
    if user is not None and organization is not None:
        raise ValidationError(
            _("Extend for one judge or for one organization, not both."), field="beneficiary"
        )
    if user is not None and (stage.kind not in SCORING_STAGES or user not in _judges(stage)):
        raise ValidationError(
            _("Only a judge with an assignment in this stage can get more time alone."),
            field="beneficiary",
        )
    if organization is not None and stage.kind != StageKind.APPLICATION:
        raise ValidationError(
            _("Only the application window can be extended for one organization."),
            field="beneficiary",
        )
    organization_id = organization.id if organization is not None else None
    current = closes_at_for(stage, user=user, organization_id=organization_id)
    if until <= now or (current is not None and until <= current):
        raise ValidationError(
            _(
                "Choose a new end after %(when)s (Beijing time).",
                when=format_local(max(now, current) if current else now),
            ),
            field="until",
        )
    changes = {"reason": reason, "closes_at": [_iso(current), _iso(until)]}
    if user is None and organization is None:
        if stage.kind == StageKind.PUBLICITY:
            publication = _publication(stage)
            if publication is not None:
                changes["publicity_ends_at"] = [_iso(publication.publicity_ends_at), _iso(until)]
                publication.publicity_ends_at = until
                publication.version += 1
        stage.actual_closes_at = until
    else:
        changes["for"] = (
            f"user:{user.id}" if user is not None else f"organization:{organization_id}"
        )
        db.session.add(
            StageExtension(
                stage_id=stage.id,
                user_id=user.id if user is not None else None,
                organization_id=organization_id,
                until=until,
                reason=reason,
                granted_by_id=actor.id,
                granted_at=now,
            )
        )
    record("stage.extended", stage, actor=actor, changes=changes)
    _tell(
        stage,
        "stage_extended",
        affected_people(stage, user=user, organization_id=organization_id),
        reason=reason,
        until=format_local(until),
        alone=user is not None or organization is not None,
    )
    return stage
