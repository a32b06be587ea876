"""The live roadshow (路演): sessions, the ordered shortlist, the "now presenting" pointer,
and what the room sees. Roadshow sheets are ordinary score sheets of the roadshow stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.accounts.models import User
from venture.applications.models import Application
from venture.applications.services.submission import member_users
from venture.audit.services import record
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import Stage, StageKind
from venture.db import service, utcnow
from venture.errors import Conflict, ValidationError
from venture.extensions import db
from venture.judging.models import (
    Assignment,
    AssignmentStatus,
    Panel,
    RoadshowSession,
    RoadshowSlot,
    RoadshowStatus,
    ScoreSheet,
    SheetStatus,
    SlotStatus,
    panel_member,
)
from venture.judging.models import Conflict as ConflictRecord
from venture.judging.services.candidates import passed_applications
from venture.judging.services.common import external
from venture.notices.services import notify
from venture.templating import format_local


def latest_review_snapshot(stage: Stage):
    """The competition's latest online-review ranking (the one the rankings pages publish), or None."""
    from venture.rankings.queries import latest_stage_snapshot

    review = stage.competition.stage(StageKind.ONLINE_REVIEW)
    return latest_stage_snapshot(review) if review is not None else None


def advanced_in_latest_review(stage: Stage) -> list[int]:
    """Applications marked advanced in the latest online-review snapshot (in ranking order)."""
    from venture.rankings.queries import shortlist

    review = stage.competition.stage(StageKind.ONLINE_REVIEW)
    return shortlist(review) if review is not None else []


def review_scores(snapshot) -> dict[int, Decimal]:
    """The published online-review score per application, computed by the stage's method.

    The same figure as the ranking (not a raw mean of the sheets, which differs as soon as
    the method trims or calibrates); applications left out of the ranking have none."""
    from venture.rankings.queries import snapshot_scores

    return snapshot_scores(snapshot.id if snapshot is not None else None)


# The roadshow's picker offers what the online review judged: every passed application.
pickable_applications = passed_applications


def session_judges(session: RoadshowSession) -> list[User]:
    """The stage's panel judges and anyone assigned to one of the session's projects."""
    assigned = (
        sa.select(Assignment.judge_id)
        .join(RoadshowSlot, RoadshowSlot.application_id == Assignment.application_id)
        .where(
            RoadshowSlot.session_id == session.id,
            Assignment.stage_id == session.stage_id,
            Assignment.status == AssignmentStatus.ACTIVE,
        )
    )
    panel = (
        sa.select(panel_member.c.judge_id)
        .join(Panel, Panel.id == panel_member.c.panel_id)
        .where(Panel.stage_id == session.stage_id)
    )
    return list(
        db.session.scalars(
            sa.select(User)
            .where(sa.or_(User.id.in_(assigned), User.id.in_(panel)), User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def _check_stage(stage: Stage) -> None:
    if stage.kind != StageKind.ROADSHOW:
        raise ValidationError(_("Roadshow sessions belong to the roadshow stage."))


def _validate_fields(name: str, venue: str) -> tuple[str, str]:
    name, venue = (name or "").strip(), (venue or "").strip()
    if not name:
        raise ValidationError(_("Give the session a name."), field="name")
    if len(name) > 120:
        raise ValidationError(_("At most %(n)d characters.", n=120), field="name")
    if len(venue) > 200:
        raise ValidationError(_("At most %(n)d characters.", n=200), field="venue")
    return name, venue


def _notify_schedule(session: RoadshowSession, rescheduled: bool) -> int:
    judges = session_judges(session)
    for judge in judges:
        notify(
            judge,
            "roadshow_schedule",
            link=external("judging.roadshow_live", session_id=session.id),
            competition_id=session.stage.competition_id,
            session=session,
            rescheduled=rescheduled,
            when=format_local(session.scheduled_at),
            projects=len(session.slots),
            competition=session.stage.competition,
        )
    _notify_presenters(session, rescheduled)
    return len(judges)


def _notify_presenters(
    session: RoadshowSession, rescheduled: bool, only: set[int] | None = None
) -> None:
    """Each presenting organization's members hear their own slot: date, place and order
    (``only``: just these applications, e.g. the ones added to an existing session)."""
    slots = sorted(session.slots, key=lambda s: s.position)
    competition = session.stage.competition
    for slot in slots:
        if only is not None and slot.application_id not in only:
            continue
        application = slot.application
        link = external(
            "applications.show", application_id=application.id
        )  # also outside a request
        for user in member_users(application):
            notify(
                user,
                "roadshow_presenting",
                link=link,
                competition_id=competition.id,
                session=session,
                rescheduled=rescheduled,
                when=format_local(session.scheduled_at),
                venue=session.venue,
                position=slot.position,
                total=len(slots),
                code=application.display_code,
                project=application.project_name,
                competition=competition.name,
            )


@service
def create_session(
    stage: Stage,
    actor: User,
    *,
    name: str,
    venue: str,
    scheduled_at: datetime | None,
    application_ids: list[int] | None = None,
) -> RoadshowSession:
    _check_stage(stage)
    ensure_unlocked(
        stage.competition,
        action="judging.roadshow_create",
        object_type="stage",
        object_id=stage.id,
        actor=actor,
        stage_kind=stage.kind,
    )
    name, venue = _validate_fields(name, venue)
    session = RoadshowSession(stage_id=stage.id, name=name, venue=venue, scheduled_at=scheduled_at)
    db.session.add(session)
    db.session.flush()
    ids = application_ids if application_ids is not None else advanced_in_latest_review(stage)
    _place_slots(session, stage, ids)
    record(
        "judging.roadshow_create",
        session,
        actor=actor,
        changes={"name": name, "venue": venue, "scheduled_at": scheduled_at, "applications": ids},
    )
    _notify_schedule(session, rescheduled=False)
    return session


@service
def update_session(
    session: RoadshowSession, actor: User, *, name: str, venue: str, scheduled_at: datetime | None
) -> RoadshowSession:
    if session.status == RoadshowStatus.CLOSED:
        raise Conflict(_("This session has ended."))
    name, venue = _validate_fields(name, venue)
    before = {"name": session.name, "venue": session.venue, "scheduled_at": session.scheduled_at}
    session.name, session.venue, session.scheduled_at = name, venue, scheduled_at
    changes = {k: [v, getattr(session, k)] for k, v in before.items() if v != getattr(session, k)}
    if changes:
        record("judging.roadshow_update", session, actor=actor, changes=changes)
        if "venue" in changes or "scheduled_at" in changes:
            _notify_schedule(session, rescheduled=True)
    return session


def _place_slots(session: RoadshowSession, stage: Stage, application_ids: list[int]) -> None:
    ids = list(dict.fromkeys(int(i) for i in application_ids))
    apps = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Application).where(
                Application.id.in_(ids), Application.competition_id == stage.competition_id
            )
        )
    }
    unknown = [i for i in ids if i not in apps]
    if unknown:
        raise ValidationError(_("Some chosen applications do not belong to this competition."))
    existing = {s.application_id: s for s in session.slots}
    for app_id, slot in list(existing.items()):
        if app_id not in apps:
            if slot.status != SlotStatus.WAITING:
                raise Conflict(
                    _(
                        "%(app)s has been presented already and stays in the session.",
                        app=slot.application.display_code,
                    )
                )
            session.slots.remove(slot)
    for position, app_id in enumerate(ids, start=1):
        slot = existing.get(app_id)
        if slot is None:
            slot = RoadshowSlot(application_id=app_id, status=SlotStatus.WAITING)
            session.slots.append(slot)
        slot.position = position


@service
def set_slots(session: RoadshowSession, application_ids: list[int], actor: User) -> None:
    """Choose and order the session's projects."""
    ensure_unlocked(
        session.stage.competition,
        action="judging.roadshow_slots",
        object_type="roadshow_session",
        object_id=session.id,
        actor=actor,
        stage_kind=session.stage.kind,
    )
    if session.status == RoadshowStatus.CLOSED:
        raise Conflict(_("This session has ended."))
    before = [s.application_id for s in session.slots]
    _place_slots(session, session.stage, application_ids)
    db.session.flush()
    after = [s.application_id for s in sorted(session.slots, key=lambda s: s.position)]
    if before != after:
        record(
            "judging.roadshow_slots",
            session,
            actor=actor,
            changes={"applications": [before, after]},
        )
    added = set(after) - set(before)
    if added:
        _notify_presenters(session, rescheduled=False, only=added)


@service
def move_slot(session: RoadshowSession, slot_id: int, offset: int, actor: User) -> None:
    order = [s.application_id for s in sorted(session.slots, key=lambda s: s.position)]
    slot = next((s for s in session.slots if s.id == slot_id), None)
    if slot is None:
        raise ValidationError(_("Unknown project."))
    index = order.index(slot.application_id)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    set_slots(session, order, actor)


@service
def start_session(session: RoadshowSession, actor: User) -> None:
    if session.status != RoadshowStatus.SCHEDULED:
        raise Conflict(_("Only a scheduled session can start."))
    if not session.slots:
        raise ValidationError(_("Add the projects before starting the session."))
    session.status = RoadshowStatus.LIVE
    session.started_at = utcnow()
    record(
        "judging.roadshow_start", session, actor=actor, changes={"status": ["scheduled", "live"]}
    )


@service
def present(session: RoadshowSession, slot_id: int, actor: User) -> RoadshowSlot:
    """Move the "now presenting" pointer to a project."""
    if session.status != RoadshowStatus.LIVE:
        raise Conflict(_("Start the session first."))
    slot = next((s for s in session.slots if s.id == slot_id), None)
    if slot is None:
        raise ValidationError(_("Unknown project."))
    if slot.status == SlotStatus.CLOSED:
        raise Conflict(
            _("%(app)s has been closed; its scores are final.", app=slot.application.display_code)
        )
    for other in session.slots:
        if other.status == SlotStatus.PRESENTING and other.id != slot.id:
            other.status = SlotStatus.WAITING
    slot.status = SlotStatus.PRESENTING
    slot.started_at = slot.started_at or utcnow()
    session.current_slot = slot
    record(
        "judging.roadshow_present",
        slot,
        actor=actor,
        changes={"application_id": slot.application_id},
    )
    return slot


def next_waiting(session: RoadshowSession) -> RoadshowSlot | None:
    return next(
        (
            s
            for s in sorted(session.slots, key=lambda s: s.position)
            if s.status == SlotStatus.WAITING
        ),
        None,
    )


class UnsubmittedSheets(Conflict):
    """Closing the project on stage would leave some of its judges' sheets unsubmitted:
    the organizer is asked first, told how many and what becomes of their sheets."""

    def __init__(self, slot: RoadshowSlot, pending: list[User], total: int):
        self.slot, self.pending, self.total = slot, pending, total
        super().__init__(
            _(
                "%(n)d of %(total)d judges have not submitted their sheet for %(code)s yet: %(names)s.",
                n=len(pending),
                total=total,
                code=slot.application.display_code,
                names="、".join(j.display_name for j in pending),
            )
        )


def pending_judges(session: RoadshowSession, slot: RoadshowSlot) -> tuple[list[User], int]:
    """The slot's judges who have not submitted, and how many judges it has."""
    judges = slot_judges(session, slot)
    submitted = submitted_judge_ids(session.stage_id, slot.application_id)
    return [j for j in judges if j.id not in submitted], len(judges)


def _check_pending(session: RoadshowSession, slot: RoadshowSlot, confirmed: bool) -> int:
    """How many sheets are still open; refused unless the organizer confirmed closing.
    What closing does to them (the truth the confirmation states): they stay drafts,
    do not count, and their judges can no longer change them; the paper upload can
    still store those judges' scores."""
    pending, total = pending_judges(session, slot)
    if pending and not confirmed:
        raise UnsubmittedSheets(slot, pending, total)
    return len(pending)


@service
def close_slot(session: RoadshowSession, actor: User, *, confirmed: bool = False) -> RoadshowSlot:
    """Close the project being presented: its scores are fixed and shown."""
    ensure_unlocked(
        session.stage.competition,
        action="judging.roadshow_close_slot",
        object_type="roadshow_session",
        object_id=session.id,
        actor=actor,
        stage_kind=session.stage.kind,
    )
    slot = session.current_slot
    if (
        session.status != RoadshowStatus.LIVE
        or slot is None
        or slot.status != SlotStatus.PRESENTING
    ):
        raise Conflict(_("No project is being presented."))
    unsubmitted = _check_pending(session, slot, confirmed)
    slot.status = SlotStatus.CLOSED
    slot.closed_at = utcnow()
    submitted = submitted_judge_ids(session.stage_id, slot.application_id)
    record(
        "judging.roadshow_close_slot",
        slot,
        actor=actor,
        changes={
            "status": ["presenting", "closed"],
            "sheets": len(submitted),
            "unsubmitted": unsubmitted,
        },
    )
    return slot


@service
def close_session(session: RoadshowSession, actor: User, *, confirmed: bool = False) -> None:
    if session.status != RoadshowStatus.LIVE:
        raise Conflict(_("Only a live session can be closed."))
    unsubmitted = 0
    for slot in session.slots:
        if slot.status == SlotStatus.PRESENTING:
            unsubmitted += _check_pending(session, slot, confirmed)
            slot.status, slot.closed_at = SlotStatus.CLOSED, utcnow()
    session.status = RoadshowStatus.CLOSED
    session.closed_at = utcnow()
    record(
        "judging.roadshow_close",
        session,
        actor=actor,
        changes={"status": ["live", "closed"], "unsubmitted": unsubmitted},
    )


def submitted_judge_ids(stage_id: int, application_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ScoreSheet.judge_id).where(
                ScoreSheet.stage_id == stage_id,
                ScoreSheet.application_id == application_id,
                ScoreSheet.status == SheetStatus.SUBMITTED,
            )
        )
    )


def slot_judges(session: RoadshowSession, slot: RoadshowSlot) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Assignment, Assignment.judge_id == User.id)
            .where(
                Assignment.stage_id == session.stage_id,
                Assignment.application_id == slot.application_id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
            .order_by(User.name, User.id)
        )
    )


def state(session: RoadshowSession, user) -> dict:
    """What the live pages poll: the pointer, and who has submitted (organizers only)."""
    from venture.judging import policies
    from venture.judging.services.sheets import get_sheet

    slot = session.current_slot
    data = {
        "session": session.id,
        "status": str(session.status),
        "slot": None,
        "done": sum(1 for s in session.slots if s.status == SlotStatus.CLOSED),
        "total": len(session.slots),
    }
    if slot is None:
        return data
    data["slot"] = {
        "id": slot.id,
        "position": slot.position,
        "status": str(slot.status),
        "code": slot.application.display_code,
        "project": slot.application.project_name,
    }
    if user.is_organizer:
        submitted = submitted_judge_ids(session.stage_id, slot.application_id)
        data["judges"] = [
            {"id": j.id, "name": j.display_name, "submitted": j.id in submitted}
            for j in slot_judges(session, slot)
        ]
        data["recused"] = [
            {"id": j.id, "name": j.display_name, "reason": reason}
            for j, reason in recused_judges(session, slot)
        ]
    elif policies.can_score_slot(user, slot):
        sheet = get_sheet(session.stage_id, slot.application_id, user.id)
        data["mine"] = {
            "status": str(sheet.status) if sheet else "not_started",
            "version": sheet.version if sheet else 0,
        }
    else:
        data["mine"] = {"status": "not_assigned", "version": 0}
    return data


def recused_judges(session: RoadshowSession, slot: RoadshowSlot) -> list[tuple[User, str]]:
    """Judges of the slot's project who stepped down for a conflict of interest (their
    assignment removed, the conflict on record), with the reason they gave."""
    rows = db.session.execute(
        sa.select(User, ConflictRecord.reason)
        .join(Assignment, Assignment.judge_id == User.id)
        .join(
            ConflictRecord,
            sa.and_(
                ConflictRecord.judge_id == User.id,
                ConflictRecord.application_id == slot.application_id,
            ),
        )
        .where(
            Assignment.stage_id == session.stage_id,
            Assignment.application_id == slot.application_id,
            Assignment.status == AssignmentStatus.REMOVED,
        )
        .order_by(User.name, User.id)
    ).all()
    return [(user, reason) for user, reason in rows]


@dataclass
class SlotResult:
    judge: User
    total: Decimal | None
    submitted: bool


def slot_results(
    session: RoadshowSession, slot: RoadshowSlot
) -> tuple[list[SlotResult], Decimal | None]:
    from venture.judging.services.sheets import stage_sheet_totals

    totals = {
        t.judge_id: t.total
        for t in stage_sheet_totals(session.stage, application_ids=[slot.application_id])
    }
    rows = [SlotResult(j, totals.get(j.id), j.id in totals) for j in slot_judges(session, slot)]
    values = [r.total for r in rows if r.total is not None]
    mean = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None
    return rows, mean
