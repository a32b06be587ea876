"""Which applications a scoring stage assigns judges to, by stage kind.

Other domains register their own: the follow-up domain registers the mid-term and final
evaluations, e.g. ``CANDIDATES[StageKind.MIDTERM] = lambda stage: [...]``.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from venture.applications.models import Application, ApplicationStatus
from venture.competitions.models import Stage, StageKind
from venture.extensions import db
from venture.judging.models import RoadshowSession, RoadshowSlot


def passed_applications(stage: Stage) -> list[Application]:
    """Online review: every application that passed screening."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(
                Application.competition_id == stage.competition_id,
                Application.status == ApplicationStatus.PASSED,
            )
            .order_by(Application.code, Application.id)
        )
    )


def roadshow_shortlist(stage: Stage) -> list[Application]:
    """Roadshow: the applications placed in the stage's sessions (the shortlist)."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .join(RoadshowSlot, RoadshowSlot.application_id == Application.id)
            .join(RoadshowSession, RoadshowSession.id == RoadshowSlot.session_id)
            .where(RoadshowSession.stage_id == stage.id)
            .distinct()
            .order_by(Application.code, Application.id)
        )
    )


CANDIDATES: dict[StageKind, Callable[[Stage], list[Application]]] = {
    StageKind.ONLINE_REVIEW: passed_applications,
    StageKind.ROADSHOW: roadshow_shortlist,
}


def candidates_for(stage: Stage) -> list[Application]:
    finder = CANDIDATES.get(stage.kind)
    return finder(stage) if finder is not None else []
