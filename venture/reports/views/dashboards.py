"""Dashboards: the reports' index, a competition's overview, a stage's judging charts and
a competition's follow-up charts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from venture.competitions.models import Competition, Stage
from venture.db import get_or_404
from venture.errors import NotFound
from venture.extensions import db
from venture.followup.models import Project
from venture.judging.models import ScoreSheet, SheetStatus
from venture.policy import organizer_only, require
from venture.reports import labels as _labels  # noqa: F401  (enum labels)
from venture.reports import policies
from venture.reports.dashboards import followup as followup_dashboard
from venture.reports.dashboards import judging as judging_dashboard
from venture.reports.dashboards import overview as overview_dashboard
from venture.reports.views import bp


@bp.route("/")
@organizer_only
def index():
    require(policies.can_view_reports(current_user))
    competitions = list(
        db.session.scalars(
            sa.select(Competition)
            .options(selectinload(Competition.stages))
            .order_by(Competition.year.desc(), Competition.id.desc())
        )
    )
    scored = set(
        db.session.scalars(
            sa.select(ScoreSheet.stage_id)
            .where(ScoreSheet.status == SheetStatus.SUBMITTED)
            .distinct()
        )
    )
    projects = dict(
        db.session.execute(
            sa.select(Project.competition_id, sa.func.count(Project.id)).group_by(
                Project.competition_id
            )
        ).all()
    )
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
    stage = db.session.scalar(
        sa.select(Stage)
        .where(Stage.id == stage_id)
        .options(joinedload(Stage.competition).selectinload(Competition.categories))
    )
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
