"""Read-side queries of the competitions pages: the public and the organizer's lists, the
choices of the editor's forms, a stage's extensions. Each runs a fixed number of SQL
statements whatever the number of rows (selectin and joined loads, no lazy loads in a loop)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from venture.applications.models import Application
from venture.competitions.models import Competition, CompetitionStatus, Stage, StageExtension
from venture.extensions import db
from venture.orgs.models import Area, AreaLevel, Organization

NEWEST_FIRST = (Competition.year.desc(), Competition.id.desc())


def published_competitions() -> list[Competition]:
    """Every competition but the drafts, the newest first, with stages and categories."""
    return db.session.scalars(
        sa.select(Competition)
        .where(Competition.status != CompetitionStatus.DRAFT)
        .options(selectinload(Competition.stages), selectinload(Competition.categories))
        .order_by(*NEWEST_FIRST)
    ).all()


def all_competitions() -> list[Competition]:
    """The organizer's list: every competition, drafts too, the newest first, with stages."""
    return db.session.scalars(
        sa.select(Competition).options(selectinload(Competition.stages)).order_by(*NEWEST_FIRST)
    ).all()


def application_counts() -> dict[int, int]:
    """How many applications each competition has: competition id → count (none: absent)."""
    return dict(
        db.session.execute(
            sa.select(Application.competition_id, sa.func.count(Application.id)).group_by(
                Application.competition_id
            )
        ).all()
    )


def coverable_areas() -> list[Area]:
    """The districts and streets a competition may cover, each with its parent loaded (for
    its path), by name."""
    return db.session.scalars(
        sa.select(Area)
        .where(Area.level != AreaLevel.COMMUNITY)
        .options(joinedload(Area.parent))
        .order_by(Area.name)
    ).all()


def applicant_organizations(competition_id: int) -> list[Organization]:
    """The organizations with an application in the competition, by name."""
    return db.session.scalars(
        sa.select(Organization)
        .where(
            Organization.id.in_(
                sa.select(Application.organization_id).where(
                    Application.competition_id == competition_id
                )
            )
        )
        .order_by(Organization.name)
    ).all()


def stage_extensions(stage: Stage) -> list[StageExtension]:
    """The extensions granted on a stage, the latest first."""
    return db.session.scalars(
        sa.select(StageExtension)
        .where(StageExtension.stage_id == stage.id)
        .order_by(StageExtension.granted_at.desc())
    ).all()
