"""Competitions as applicants and the public see them, and the organizer's overview."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from venture.competitions import labels as _labels  # noqa: F401  (enum labels)
from venture.competitions import policies
from venture.competitions.gates import current_stage
from venture.competitions.models import Competition, CompetitionStatus, StageKind
from venture.db import get_or_404, utcnow
from venture.extensions import db
from venture.policy import organizer_only, public, require

bp = Blueprint("competitions", __name__, url_prefix="/competitions")


@bp.route("/")
@public
def index():
    """Open competitions, the newest first; finished ones below."""
    comps = db.session.scalars(
        sa.select(Competition)
        .where(Competition.status != CompetitionStatus.DRAFT)
        .options(
            sa.orm.selectinload(Competition.stages), sa.orm.selectinload(Competition.categories)
        )
        .order_by(Competition.year.desc(), Competition.id.desc())
    ).all()
    now = utcnow()
    open_now = [c for c in comps if c.status == CompetitionStatus.OPEN]
    others = [c for c in comps if c.status != CompetitionStatus.OPEN]
    return render_template(
        "competitions/index.html",
        open_now=open_now,
        others=others,
        now=now,
        window=lambda c: c.stage(StageKind.APPLICATION),
    )


@bp.route("/<int:competition_id>")
@public
def show(competition_id: int):
    comp = get_or_404(Competition, competition_id)
    require(policies.can_view(current_user, comp))
    from venture.applications.eligibility import verification_note
    from venture.applications.services import accepting_applications, my_organizations

    orgs = my_organizations(current_user) if current_user.is_authenticated else []
    notes = [note for note in (verification_note(o, comp) for o in orgs) if note]
    return render_template(
        "competitions/show.html",
        comp=comp,
        now=utcnow(),
        orgs=orgs,
        verification_notes=notes,
        current=current_stage(comp),
        accepting=accepting_applications(comp, utcnow()),
        window=comp.stage(StageKind.APPLICATION),
    )


@bp.route("/manage")
@organizer_only
def manage():
    from venture.applications.models import Application

    comps = db.session.scalars(
        sa.select(Competition)
        .options(sa.orm.selectinload(Competition.stages))
        .order_by(Competition.year.desc(), Competition.id.desc())
    ).all()
    counts = dict(
        db.session.execute(
            sa.select(Application.competition_id, sa.func.count(Application.id)).group_by(
                Application.competition_id
            )
        ).all()
    )
    return render_template("competitions/manage.html", comps=comps, counts=counts, now=utcnow())


@bp.route("/<int:competition_id>/overview")
@organizer_only
def overview(competition_id: int):
    from venture.applications.queries import overview_counts

    comp = get_or_404(Competition, competition_id)
    require(policies.can_manage(current_user))
    from venture.competitions.services import setup_problems

    return render_template(
        "competitions/overview.html",
        comp=comp,
        now=utcnow(),
        problems=setup_problems(comp),
        current=current_stage(comp),
        **overview_counts(comp),
    )
