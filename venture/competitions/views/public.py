"""Competitions as applicants and the public see them."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from venture.competitions import policies, queries
from venture.competitions.gates import current_stage
from venture.competitions.models import Competition, CompetitionStatus, StageKind
from venture.competitions.views import bp
from venture.db import get_or_404, utcnow
from venture.policy import public, require


@bp.route("/")
@public
def index():
    """Open competitions, the newest first; finished ones below."""
    comps = queries.published_competitions()
    return render_template(
        "competitions/index.html",
        open_now=[c for c in comps if c.status == CompetitionStatus.OPEN],
        others=[c for c in comps if c.status != CompetitionStatus.OPEN],
        now=utcnow(),
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
