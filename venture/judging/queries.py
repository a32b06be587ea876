"""What the judging pages read: plain functions taking plain arguments (ids, filters, a
page number) and giving rows or a pagination. State changes are the services'; who may
see what is the policies'."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from venture.accounts.models import Role, User
from venture.applications.models import Application, Attachment
from venture.competitions.gates import closes_sql
from venture.competitions.models import Competition, Stage
from venture.extensions import db
from venture.judging.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    JudgeProfile,
    JudgeTie,
    RoadshowSession,
    RoadshowSlot,
    ScoreSheet,
)

JUDGES_PER_PAGE = 50


# --- the judge's side ------------------------------------------------------------------------


def judge_assignments(judge_id: int) -> list[tuple[Assignment, ScoreSheet | None]]:
    """The judge's active assignments with their sheets (None before the first save), the
    stage closing last first, then by application code; stage, competition, application
    and category loaded with them."""
    return db.session.execute(
        sa.select(Assignment, ScoreSheet)
        .outerjoin(
            ScoreSheet,
            sa.and_(
                ScoreSheet.stage_id == Assignment.stage_id,
                ScoreSheet.application_id == Assignment.application_id,
                ScoreSheet.judge_id == Assignment.judge_id,
            ),
        )
        .join(Stage, Stage.id == Assignment.stage_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.judge_id == judge_id, Assignment.status == AssignmentStatus.ACTIVE)
        .options(
            joinedload(Assignment.stage).joinedload(Stage.competition),
            joinedload(Assignment.application).joinedload(Application.category),
        )
        .order_by(closes_sql().desc(), Application.code)
    ).all()


def attachments_of(application_id: int) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.application_id == application_id)
            .options(joinedload(Attachment.file))
            .order_by(Attachment.id)
        )
    )


def roadshow_session_of(stage_id: int, application_id: int) -> RoadshowSession | None:
    """The stage's roadshow session that has the application in a slot, if any."""
    return db.session.scalar(
        sa.select(RoadshowSession)
        .join(RoadshowSlot, RoadshowSlot.session_id == RoadshowSession.id)
        .where(RoadshowSession.stage_id == stage_id, RoadshowSlot.application_id == application_id)
        .limit(1)
    )


def application_sheets(stage_id: int, application_id: int) -> list[ScoreSheet]:
    """Every sheet of an application in a stage, with scores, judge and rubric."""
    return list(
        db.session.scalars(
            sa.select(ScoreSheet)
            .where(ScoreSheet.stage_id == stage_id, ScoreSheet.application_id == application_id)
            .options(
                selectinload(ScoreSheet.scores),
                joinedload(ScoreSheet.judge),
                joinedload(ScoreSheet.rubric),
            )
            .order_by(ScoreSheet.id)
        )
    )


# --- the organizer's side --------------------------------------------------------------------


def competitions_with_stages() -> list[Competition]:
    """Every competition, newest first, with its stages."""
    return list(
        db.session.scalars(
            sa.select(Competition)
            .options(selectinload(Competition.stages))
            .order_by(Competition.year.desc(), Competition.id.desc())
        )
    )


def get_user(user_id: int | None) -> User | None:
    """The user with this id, or None (no id, or no such user)."""
    return db.session.get(User, user_id or 0)


def get_application(application_id: int | None) -> Application | None:
    return db.session.get(Application, application_id or 0)


def applications_by_ids(ids) -> list[Application]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Application).where(Application.id.in_(ids))))


def competition_conflicts(competition_id: int) -> list[Conflict]:
    """The conflicts of interest recorded on a competition's applications, by code."""
    return list(
        db.session.scalars(
            sa.select(Conflict)
            .join(Application, Application.id == Conflict.application_id)
            .where(Application.competition_id == competition_id)
            .options(
                joinedload(Conflict.judge),
                joinedload(Conflict.application).joinedload(Application.organization),
            )
            .order_by(Application.code, Conflict.id)
        )
    )


def judge_conflicts(judge_id: int) -> list[Conflict]:
    return list(
        db.session.scalars(
            sa.select(Conflict)
            .where(Conflict.judge_id == judge_id)
            .options(joinedload(Conflict.application))
            .order_by(Conflict.id)
        )
    )


def judge_ties(judge_id: int) -> list[JudgeTie]:
    return list(
        db.session.scalars(
            sa.select(JudgeTie)
            .where(JudgeTie.judge_id == judge_id)
            .options(joinedload(JudgeTie.organization))
            .order_by(JudgeTie.id)
        )
    )


def judges_page(q: str = "", expertise: str = "", *, page: int = 1):
    """One page of the judge pool, active judges first, filtered by a name, email or
    employer fragment and by one area of expertise."""
    return db.paginate(
        _pool_query(q, expertise), page=page, per_page=JUDGES_PER_PAGE, error_out=False
    )


def _pool_query(q: str | None = None, expertise: str | None = None):
    query = (
        sa.select(User)
        .outerjoin(JudgeProfile, JudgeProfile.user_id == User.id)
        .where(User.role == Role.JUDGE)
        .order_by(User.active.desc(), User.name, User.id)
    )
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            sa.or_(User.name.ilike(like), User.email.ilike(like), JudgeProfile.employer.ilike(like))
        )
    if expertise:
        # The JSON list is stored as text, with non-ASCII escaped (\uXXXX): match the quoted item.
        text = sa.cast(JudgeProfile.expertise, sa.String)
        item = expertise.strip()
        query = query.where(
            sa.or_(
                text.contains(json.dumps(item), autoescape=True),
                text.contains(json.dumps(item, ensure_ascii=False), autoescape=True),
            )
        )
    return query


def stage_sessions(stage_id: int) -> list[RoadshowSession]:
    """A roadshow stage's sessions in the order they were created, with their slots."""
    return list(
        db.session.scalars(
            sa.select(RoadshowSession)
            .where(RoadshowSession.stage_id == stage_id)
            .options(selectinload(RoadshowSession.slots))
            .order_by(RoadshowSession.id)
        )
    )
