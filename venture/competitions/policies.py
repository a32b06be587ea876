"""Who may see and set up competitions."""

from __future__ import annotations

import sqlalchemy as sa

from venture.competitions.models import CompetitionStatus
from venture.extensions import db


def can_manage(user) -> bool:
    return bool(getattr(user, "is_organizer", False))


def can_control_stages(user, competition) -> bool:
    """Who may open, close and extend the stages of a running competition (the reality
    beside the planned dates). Today: the organizers; the bureaus' roles may narrow it."""
    return can_manage(user)


def can_view(user, competition) -> bool:
    """Drafts are seen by organizers only; open and archived competitions by everyone."""
    return competition.status != CompetitionStatus.DRAFT or can_manage(user)


def rubric_in_use(rubric) -> bool:
    """A rubric is frozen once any score sheet was written against it."""
    from venture.judging.models import ScoreSheet

    return (
        db.session.scalar(
            sa.select(ScoreSheet.id).where(ScoreSheet.rubric_id == rubric.id).limit(1)
        )
        is not None
    )


def rubric_frozen(rubric) -> bool:
    """A rubric's criteria may no longer change: a sheet was written against it, or its
    stage's results are locked."""
    return rubric_in_use(rubric) or rubric.competition.is_locked_for(rubric.stage_kind)
