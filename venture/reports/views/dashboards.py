"""Dashboards: the reports' index, a competition's overview, a stage's judging charts and
a competition's follow-up charts."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from venture.competitions.models import Competition
from venture.db import get_or_404
from venture.errors import NotFound
from venture.policy import organizer_only, require
from venture.reports import labels as _labels  # noqa: F401  (enum labels)
from venture.reports import policies, queries
from venture.reports.dashboards import followup as followup_dashboard
from venture.reports.dashboards import judging as judging_dashboard
from venture.reports.dashboards import overview as overview_dashboard
from venture.reports.views import bp


@bp.route("/")
@organizer_only
def index():
    require(policies.can_view_reports(current_user))
    competitions = queries.competitions_with_stages()
    scored = queries.scored_stage_ids()
    projects = queries.project_counts()
    return render_template(
        "reports/index.html", competitions=competitions, scored=scored, projects=projects
    )


@bp.route("/competitions/<int:competition_id>")
@organizer_only
def overview(competition_id: int):
    require(policies.can_view_reports(current_user))
    comp = overview_dashboard.load_competition(competition_id)
    if comp is None:
        raise NotFound()
    return render_template(
        "reports/overview.html", comp=comp, sections=overview_dashboard.overview(comp)
    )


@bp.route("/stages/<int:stage_id>/judging")
@organizer_only
def judging(stage_id: int):
    require(policies.can_view_reports(current_user))
    stage = queries.load_stage(stage_id)
    if stage is None or not stage.is_scoring:
        raise NotFound()
    return render_template(
        "reports/judging.html",
        stage=stage,
        comp=stage.competition,
        sections=judging_dashboard.judging_charts(stage),
    )


@bp.route("/competitions/<int:competition_id>/followup")
@organizer_only
def followup(competition_id: int):
    require(policies.can_view_reports(current_user))
    comp = get_or_404(Competition, competition_id)
    return render_template(
        "reports/followup.html", comp=comp, sections=followup_dashboard.followup_charts(comp)
    )
