"""The judge's panel on the home page: sheets waiting and live roadshow sessions."""

from __future__ import annotations

import sqlalchemy as sa

from venture.competitions.gates import closes_sql
from venture.competitions.models import Stage
from venture.db import utcnow
from venture.extensions import db
from venture.judging.models import (
    Assignment,
    AssignmentStatus,
    RoadshowSession,
    RoadshowSlot,
    RoadshowStatus,
    ScoreSheet,
    SheetStatus,
)


def judge_panel(user) -> dict | None:
    if not getattr(user, "is_authenticated", False) or not user.is_judge:
        return None
    now = utcnow()
    submitted = (
        sa.select(ScoreSheet.id)
        .where(
            ScoreSheet.stage_id == Assignment.stage_id,
            ScoreSheet.application_id == Assignment.application_id,
            ScoreSheet.judge_id == Assignment.judge_id,
            ScoreSheet.status == SheetStatus.SUBMITTED,
        )
        .exists()
    )
    waiting, deadline = db.session.execute(
        sa.select(sa.func.count(Assignment.id), sa.func.min(closes_sql()))
        .join(Stage, Stage.id == Assignment.stage_id)
        .where(
            Assignment.judge_id == user.id,
            Assignment.status == AssignmentStatus.ACTIVE,
            ~submitted,
            sa.or_(closes_sql().is_(None), closes_sql() > now),
        )
    ).one()
    live = list(
        db.session.scalars(
            sa.select(RoadshowSession)
            .join(RoadshowSlot, RoadshowSlot.session_id == RoadshowSession.id)
            .join(
                Assignment,
                sa.and_(
                    Assignment.application_id == RoadshowSlot.application_id,
                    Assignment.stage_id == RoadshowSession.stage_id,
                ),
            )
            .where(
                RoadshowSession.status == RoadshowStatus.LIVE,
                Assignment.judge_id == user.id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
            .distinct()
        )
    )
    return {
        "template": "judging/_home.html",
        "waiting": waiting,
        "deadline": deadline,
        "live": live,
    }
