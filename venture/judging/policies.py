"""Who may open, score and see what in judging. Every judging route asks these.

The rule that matters most: a judge with a conflict of interest (回避) on an application
can never open it, score it or see its scores, whatever the URL.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import Session

from venture.competitions.models import StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.judging.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    Panel,
    RoadshowSlot,
    SlotStatus,
    panel_member,
)


def _is_organizer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_organizer)


def _is_judge(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_judge)


# The view asks these, and the service asks them again before it writes: within one
# request the answer is remembered, and forgotten as soon as an assignment or a conflict
# is written through the session (see _forget_on_change).
_MEMO_KEY = "judging_policy_memo"


def _remembered(key, compute):
    if not has_request_context():
        return compute()
    memo = g.setdefault(_MEMO_KEY, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@sa.event.listens_for(Session, "before_flush")
def _forget_on_change(session, _context, _instances) -> None:
    if has_request_context() and any(
        isinstance(o, Assignment | Conflict)
        for o in (*session.new, *session.dirty, *session.deleted)
    ):
        g.pop(_MEMO_KEY, None)


def active_assignment(user, stage_id: int, application_id: int) -> Assignment | None:
    if not _is_judge(user):
        return None
    return _remembered(
        ("assignment", user.id, stage_id, application_id),
        lambda: db.session.scalar(
            sa.select(Assignment).where(
                Assignment.stage_id == stage_id,
                Assignment.application_id == application_id,
                Assignment.judge_id == user.id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
        ),
    )


def is_conflicted(user, application) -> bool:
    from venture.judging.services.conflicts import is_conflicted as detected

    return _remembered(
        ("conflict", user.id, application.id), lambda: detected(user.id, application)
    )


def is_blind_for(user, stage) -> bool:
    """Blind review hides the applicant from judges (never at the public roadshow)."""
    return bool(stage.blind) and stage.kind != StageKind.ROADSHOW and not _is_organizer(user)


def can_manage(user) -> bool:
    return _is_organizer(user)


def can_open_application(user, stage, application) -> bool:
    if application.competition_id != stage.competition_id:
        return False
    if _is_organizer(user):
        return True
    return active_assignment(user, stage.id, application.id) is not None and not is_conflicted(
        user, application
    )


def can_score(user, stage, application) -> bool:
    return _is_judge(user) and can_open_application(user, stage, application)


def can_download_attachment(user, stage, application, attachment) -> bool:
    if attachment.application_id != application.id or not can_open_application(
        user, stage, application
    ):
        return False
    if not has_confirmed_no_conflict(user, stage, application):
        return False
    return not (is_blind_for(user, stage) and attachment.identifying)


def visible_attachments(user, stage, attachments) -> list:
    """The attachments this user may see: a blind reviewer never sees the identifying ones."""
    blind = is_blind_for(user, stage)
    return [a for a in attachments if not (blind and a.identifying)]


def without_conflicts(user, assignment_rows) -> list:
    """(assignment, sheet) rows of this judge, less the applications they are conflicted on
    (a conflict found since the assignment was made hides it at once)."""
    from venture.judging.services.conflicts import detect

    rows = list(assignment_rows)
    conflicted = detect({user.id}, [a.application for a, _sheet in rows])
    return [(a, s) for a, s in rows if (a.application_id, user.id) not in conflicted]


def has_confirmed_no_conflict(user, stage, application) -> bool:
    """A judge opens an application's contents only after saying they have no conflict."""
    assignment = active_assignment(user, stage.id, application.id)
    return assignment is None or assignment.no_conflict_confirmed_at is not None


def was_assigned(user, stage_id: int, application_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Assignment.id).where(
                Assignment.stage_id == stage_id,
                Assignment.application_id == application_id,
                Assignment.judge_id == user.id,
            )
        )
        is not None
    )


def can_view_all_sheets(user, stage, application) -> bool:
    """Every sheet of an application: organizers; judges of it after the stage closed,
    where the stage reveals sheets (never with a conflict)."""
    if application.competition_id != stage.competition_id:
        return False
    if _is_organizer(user):
        return True
    if not _is_judge(user) or not stage.reveal_after_close or not stage.has_ended(utcnow()):
        return False
    return was_assigned(user, stage.id, application.id) and not is_conflicted(user, application)


def visible_sheets(user, sheets) -> list:
    """Of an application's sheets, those this user sees on its sheets page: organizers
    every one, judges (after the stage closed) the submitted ones."""
    if _is_organizer(user):
        return list(sheets)
    return [s for s in sheets if s.is_submitted]


def can_reopen(user, sheet) -> bool:
    return _is_organizer(user)


# --- roadshow -----------------------------------------------------------------------------


def is_session_judge(user, session) -> bool:
    """A judge on the roadshow stage's panel or assigned to one of the session's projects."""
    if not _is_judge(user):
        return False
    assigned = db.session.scalar(
        sa.select(Assignment.id)
        .join(RoadshowSlot, RoadshowSlot.application_id == Assignment.application_id)
        .where(
            RoadshowSlot.session_id == session.id,
            Assignment.stage_id == session.stage_id,
            Assignment.judge_id == user.id,
            Assignment.status == AssignmentStatus.ACTIVE,
        )
        .limit(1)
    )
    if assigned is not None:
        return True
    return (
        db.session.scalar(
            sa.select(panel_member.c.judge_id)
            .join(Panel, Panel.id == panel_member.c.panel_id)
            .where(Panel.stage_id == session.stage_id, panel_member.c.judge_id == user.id)
            .limit(1)
        )
        is not None
    )


def can_view_session(user, session) -> bool:
    return _is_organizer(user) or is_session_judge(user, session)


def can_score_slot(user, slot) -> bool:
    return (
        _is_judge(user)
        and active_assignment(user, slot.session.stage_id, slot.application_id) is not None
        and not is_conflicted(user, slot.application)
    )


def can_view_slot_results(user, slot) -> bool:
    """Scores of a project are shown once the organizer closed it, never with a conflict."""
    if slot.status != SlotStatus.CLOSED:
        return False
    return _is_organizer(user) or can_score_slot(user, slot)
