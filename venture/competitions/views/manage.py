"""The organizer's list of competitions and a competition's overview."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from venture.competitions import policies, queries, services
from venture.competitions.gates import current_stage
from venture.competitions.models import Competition
from venture.competitions.views import bp
from venture.db import get_or_404, utcnow
from venture.policy import organizer_only, require


@bp.route("/manage")
@organizer_only
def manage():
    return render_template(
        "competitions/manage.html",
        comps=queries.all_competitions(),
        counts=queries.application_counts(),
        now=utcnow(),
    )


@bp.route("/<int:competition_id>/overview")
@organizer_only
def overview(competition_id: int):
    from venture.applications.queries import overview_counts

    comp = get_or_404(Competition, competition_id)
    require(policies.can_manage(current_user))
    return render_template(
        "competitions/overview.html",
        comp=comp,
        now=utcnow(),
        problems=services.setup_problems(comp),
        current=current_stage(comp),
        **overview_counts(comp),
    )
