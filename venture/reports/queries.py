"""Reading for the reports' pages: the index, the judging dashboard, exports and imports.
(The dashboards' own figures are read by ``reports/dashboards``.)"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from venture.competitions.models import Competition, Stage
from venture.extensions import db
from venture.followup.models import Project
from venture.judging.models import RoadshowSession, ScoreSheet, SheetStatus


def competitions_with_stages() -> list[Competition]:
    """Every competition, newest first, with its stages."""
    return list(
        db.session.scalars(
            sa.select(Competition)
            .options(selectinload(Competition.stages))
            .order_by(Competition.year.desc(), Competition.id.desc())
        )
    )


def scored_stage_ids(competition_id: int | None = None) -> set[int]:
    """The stages with at least one submitted sheet (of one competition when given)."""
    query = sa.select(ScoreSheet.stage_id).where(ScoreSheet.status == SheetStatus.SUBMITTED)
    if competition_id is not None:
        query = query.join(Stage, Stage.id == ScoreSheet.stage_id).where(
            Stage.competition_id == competition_id
        )
    return set(db.session.scalars(query.distinct()))


def project_counts() -> dict[int, int]:
    """How many follow-up projects each competition has."""
    return dict(
        db.session.execute(
            sa.select(Project.competition_id, sa.func.count(Project.id)).group_by(
                Project.competition_id
            )
        ).all()
    )


def load_stage(stage_id: int) -> Stage | None:
    """A stage with its competition and the competition's categories."""
    return db.session.scalar(
        sa.select(Stage)
        .where(Stage.id == stage_id)
        .options(joinedload(Stage.competition).selectinload(Competition.categories))
    )


def competition_or_none(competition_id: int | None) -> Competition | None:
    return db.session.get(Competition, competition_id) if competition_id else None


def recent_roadshow_sessions(limit: int = 20) -> list[RoadshowSession]:
    """The latest roadshow sessions (their scores can be imported), with stage and competition."""
    return list(
        db.session.scalars(
            sa.select(RoadshowSession)
            .options(joinedload(RoadshowSession.stage).joinedload(Stage.competition))
            .order_by(RoadshowSession.id.desc())
            .limit(limit)
        ).all()
    )
