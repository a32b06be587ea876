"""What applicants, organizers and visitors see first on the home page."""

from __future__ import annotations

from venture.applications import queries, services
from venture.applications.models import Application, ApplicationStatus
from venture.competitions.models import Competition
from venture.db import utcnow


def accepting_competitions(now) -> list[Competition]:
    """Open competitions whose application window is open now (stages loaded in one query)."""
    import sqlalchemy as sa
    from sqlalchemy.orm import selectinload

    from venture.competitions.models import CompetitionStatus
    from venture.extensions import db

    query = (
        sa.select(Competition)
        .where(Competition.status == CompetitionStatus.OPEN)
        .options(selectinload(Competition.stages))
        .order_by(Competition.year.desc())
    )
    return [c for c in db.session.scalars(query) if services.accepting_applications(c, now)]


def _applicant_panel(user):
    if not getattr(user, "is_authenticated", False) or user.is_organizer or user.is_judge:
        return None

    now = utcnow()
    items = []
    for _org, apps in queries.applications_of_user(user):
        for a in apps:
            if a.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
                d = services.edit_deadline(a)
                if d is None or d > now:
                    items.append((a, d))
    # Open calls are news for applicants; another role (a liaison) sees the block only
    # when it has an application of its own to finish.
    if not user.is_applicant and not items:
        return None
    open_comps = accepting_competitions(now)
    return {
        "template": "applications/_home.html",
        "todo": items,
        "open_comps": open_comps,
        "now": now,
    }


def _public_panel(user):
    """Visitors see the competitions open for applications."""
    if getattr(user, "is_authenticated", False):
        return None

    comps = accepting_competitions(utcnow())
    return {"template": "competitions/_home_public.html", "comps": comps} if comps else None


def _organizer_panel(user):
    if not getattr(user, "is_authenticated", False) or not user.is_organizer:
        return None
    import sqlalchemy as sa
    from sqlalchemy.orm import selectinload

    from venture.competitions.models import CompetitionStatus
    from venture.extensions import db

    comps = list(
        db.session.scalars(
            sa.select(Competition)
            .where(Competition.status != CompetitionStatus.ARCHIVED)
            .options(selectinload(Competition.stages))
            .order_by(Competition.year.desc(), Competition.id.desc())
        )
    )
    waiting = dict(
        db.session.execute(
            sa.select(Application.competition_id, sa.func.count(Application.id))
            .where(Application.status == ApplicationStatus.SUBMITTED)
            .group_by(Application.competition_id)
        ).all()
    )
    now = utcnow()
    return {
        "template": "applications/_home_organizer.html",
        "comps": [(c, waiting.get(c.id, 0), _stage_now(c, now)) for c in comps],
    }


def _stage_now(competition: Competition, now):
    from venture.competitions.gates import current_stage

    """The stage an open competition is in now, for the home page (competitions.phase)."""
    return current_stage(competition, now)


def _register_panels():
    from venture.main.views import HOME_PANELS

    for panel in (_public_panel, _organizer_panel, _applicant_panel):
        if panel not in HOME_PANELS:
            HOME_PANELS.append(panel)


_register_panels()
