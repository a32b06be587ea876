"""One answer to "is stage X open now for person P", asked by every date gate (judging and
evaluation sheets, the roadshow, the application window, the 公示's objections, reminders).

The planned dates are the default; the organizer's controls are the reality: "open now"
and "close now" and an extension for everyone move the stage's real opening and closing
(``Stage.opens_at`` / ``Stage.closes_at``); an extension for one judge or one organization
keeps the stage open for them alone. Once the results are final nothing scores that feeds
them: the selection's stages (application to 公示) are closed whatever their dates say.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from venture.competitions.models import (
    SELECTION_STAGES,
    CompetitionStatus,
    Stage,
    StageExtension,
    StageKind,
)
from venture.db import utcnow
from venture.extensions import db

BEFORE, OPEN, CLOSED = "before", "open", "closed"
FOLLOW_UP_STAGES = (
    StageKind.AGREEMENT,
    StageKind.IMPLEMENTATION,
    StageKind.MIDTERM,
    StageKind.FINAL,
)


def extension_for(
    stage: Stage, *, user=None, organization_id: int | None = None
) -> StageExtension | None:
    """The latest extension granted in ``stage`` to this person or organization."""
    conditions = []
    if user is not None and getattr(user, "id", None) is not None:
        conditions.append(StageExtension.user_id == user.id)
    if organization_id is not None:
        conditions.append(StageExtension.organization_id == organization_id)
    if not conditions or stage.id is None:
        return None
    return db.session.scalar(
        sa.select(StageExtension)
        .where(StageExtension.stage_id == stage.id, sa.or_(*conditions))
        .order_by(StageExtension.granted_at.desc(), StageExtension.id.desc())
        .limit(1)
    )


def closes_at_for(
    stage: Stage, *, user=None, organization_id: int | None = None
) -> datetime | None:
    """When the stage closes for this person or organization (None: no end)."""
    if stage.closes_at is None:
        return None
    return _extended(stage, extension_for(stage, user=user, organization_id=organization_id))


def closes_at_by_stage(stages, *, user) -> dict[int, datetime | None]:
    """``closes_at_for`` for many stages at once (a list page): one query, not one per stage."""
    ids = [stage.id for stage in stages if stage.id is not None]
    latest: dict[int, StageExtension] = {}
    if ids and getattr(user, "id", None) is not None:
        for extension in db.session.scalars(
            sa.select(StageExtension)
            .where(StageExtension.stage_id.in_(ids), StageExtension.user_id == user.id)
            .order_by(StageExtension.granted_at, StageExtension.id)
        ):
            latest[extension.stage_id] = extension  # the latest granted wins, as extension_for
    return {
        stage.id: None if stage.closes_at is None else _extended(stage, latest.get(stage.id))
        for stage in stages
    }


def _extended(stage: Stage, extension: StageExtension | None) -> datetime:
    closes = stage.closes_at
    if extension is not None and extension.until > closes:
        return extension.until
    return closes


def _frozen_by_results(stage: Stage) -> bool:
    competition = stage.competition
    return (
        stage.kind in SELECTION_STAGES
        and competition is not None
        and competition.is_locked_for(stage.kind)
    )


def stage_state(
    stage: Stage, *, user=None, organization_id: int | None = None, now: datetime | None = None
) -> str:
    """BEFORE, OPEN or CLOSED for this person (or organization) at ``now``."""
    now = now or utcnow()
    if _frozen_by_results(stage):
        return CLOSED
    if stage.opens_at is not None and now < stage.opens_at:
        return BEFORE
    closes = stage.closes_at
    if closes is not None and now >= closes:
        closes = closes_at_for(stage, user=user, organization_id=organization_id)
        if closes is not None and now >= closes:
            return CLOSED
    return OPEN


def stage_is_open(
    stage: Stage, *, user=None, organization_id: int | None = None, now: datetime | None = None
) -> bool:
    return stage_state(stage, user=user, organization_id=organization_id, now=now) == OPEN


def closes_sql():
    """``Stage.closes_at`` as an SQL expression, for queries over many stages."""
    return sa.func.coalesce(Stage.actual_closes_at, Stage.ends_at)


# --- where a competition is now: its status and current stage as people see them -----------


def _is_current(stage: Stage, now: datetime) -> bool:
    if stage.opens_at is None or _frozen_by_results(stage):
        return False
    if stage.kind == StageKind.PUBLICITY and stage.actual_opens_at is None:
        # the 公示 begins when the results are approved (results.services.approve), not on a date
        return False
    return stage.is_open_at(now)


def current_stage(competition, now: datetime | None = None) -> Stage | None:
    """The stage a listed competition is in now: the latest of its open stages, by the
    reality (controls, approval of the results), never a selection stage after the
    results are final. None for a draft or archived competition, or between stages."""
    if competition.status != CompetitionStatus.OPEN:
        return None
    now = now or utcnow()
    open_stages = [s for s in competition.stages if _is_current(s, now)]
    return open_stages[-1] if open_stages else None


def competition_phase(competition, now: datetime | None = None) -> str:
    """What a competition's status means today: draft, upcoming, applications, selection,
    public_notice, results_final, follow_up or archived (labels: competitions.labels)."""
    if competition.status != CompetitionStatus.OPEN:
        return competition.status.value
    now = now or utcnow()
    if competition.results_final_at is not None:
        stage = current_stage(competition, now)
        return (
            "follow_up" if stage is not None and stage.kind in FOLLOW_UP_STAGES else "results_final"
        )
    publicity = competition.stage(StageKind.PUBLICITY)
    if publicity is not None and _is_current(publicity, now):
        return "public_notice"
    window = competition.stage(StageKind.APPLICATION)
    if window is not None and window.opens_at is not None and now < window.opens_at:
        return "upcoming"
    if window is not None and window.is_open_at(now):
        return "applications"
    return "selection"
