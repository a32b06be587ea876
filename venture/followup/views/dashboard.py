"""Dashboards: the organizer's follow-up, the community view, disputes; the
organization's and the liaison's lists."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.competitions.models import Competition
from venture.db import get_or_404
from venture.followup import queries, services
from venture.followup.forms import ConfirmForm
from venture.followup.integration import communities_of_liaison
from venture.followup.models import ProjectStatus
from venture.followup.views import bp
from venture.followup.views._helpers import check_csrf
from venture.forms import page_number
from venture.policy import organizer_only, roles


@bp.route("/")
@organizer_only
def dashboard():
    filters = queries.Filters.from_args(request.args)
    page, rows = queries.dashboard_page(filters, request.args.get("page", 1, type=page_number))
    return render_template(
        "followup/dashboard.html",
        page=page,
        rows=rows,
        filters=filters,
        choices=queries.filter_choices(),
        statuses=list(ProjectStatus),
        summary=queries.organizer_summary(),
        pending=services.competitions_with_pending_projects(),
        form=ConfirmForm(),
    )


@bp.route("/competitions/<int:competition_id>/projects", methods=["POST"])
@organizer_only
def create_projects(competition_id: int):
    check_csrf()
    competition = get_or_404(Competition, competition_id)
    created = services.create_projects_from_results(competition, actor=current_user)
    flash(
        _("%(n)d project(s) created from the final results.", n=len(created))
        if created
        else _("Every funded application already has its project."),
        "success",
    )
    return redirect(url_for("followup.dashboard", competition=competition.id))


@bp.route("/evaluations/run-checks", methods=["POST"])
@organizer_only
def run_checks():
    """What beat does every hour, on demand: fail missing self-assessments past their
    deadline, and decide evaluations whose sheets are all in."""
    check_csrf()
    failed = services.expire_overdue_evaluations(actor=current_user)
    decided = services.decide_ready_evaluations(actor=current_user)
    flash(
        _(
            "%(failed)d evaluation(s) failed for a missing self-assessment; %(decided)d decided from complete "
            "sheets.",
            failed=failed,
            decided=decided,
        ),
        "info",
    )
    return redirect(url_for("followup.dashboard"))


@bp.route("/communities")
@organizer_only
def communities():
    page, blocks = queries.community_page(request.args.get("page", 1, type=page_number))
    return render_template("followup/communities.html", page=page, blocks=blocks)


@bp.route("/disputes")
@organizer_only
def disputes():
    page = queries.disputed_page(request.args.get("page", 1, type=page_number))
    return render_template("followup/disputes.html", page=page)


@bp.route("/mine")
@roles("applicant")
def my_projects():
    projects = queries.organization_projects(current_user)
    return render_template("followup/my_projects.html", rows=queries.project_rows(projects))


@bp.route("/community")
@roles("liaison")
def liaison_home():
    community_ids = communities_of_liaison(current_user)
    projects = queries.liaison_projects(community_ids)
    return render_template(
        "followup/liaison.html",
        rows=queries.project_rows(projects),
        waiting=queries.activities_waiting(community_ids),
        disputes=queries.disputed_page(1, per_page=50, community_ids=community_ids),
    )
