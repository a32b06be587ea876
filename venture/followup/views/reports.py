"""Progress reports: writing and submitting them, activity records, the liaison's review."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.db import get_or_404, utcnow
from venture.errors import DomainError, NotFound, ValidationError
from venture.followup import forms, policies, queries, services
from venture.followup.models import Activity, ProgressReport
from venture.followup.services._common import today_local
from venture.followup.views import bp
from venture.followup.views._helpers import check_csrf, project_or_404
from venture.policy import organizer_only, require, roles, signed_in
from venture.web import attempt, render_form, safe_next

# Suggestions for the activity type (the field stays free text).
ACTIVITY_TYPES = [
    "入户探访",
    "小组活动",
    "社区活动",
    "技能培训",
    "志愿服务",
    "个案服务",
    "宣传倡导",
    "议事协商",
]


def _report_or_404(report_id: int) -> ProgressReport:
    report = queries.load_report(report_id)
    if report is None:
        raise NotFound()
    return report


def _render_report(
    report, project, form, status=None, *, extend_form=None, review_form=None, review_error=None
):
    liaison_areas = set()
    if current_user.is_liaison:
        from venture.followup.integration import communities_of_liaison

        liaison_areas = communities_of_liaison(current_user)
    return render_form(
        "followup/report.html",
        form,
        status=status,
        report=report,
        project=project,
        now=utcnow(),
        can_work=policies.can_work_on_project(current_user, project),
        can_manage=policies.can_manage_project(current_user, project),
        liaison_areas=liaison_areas,
        review_form=review_form or forms.ReviewForm(),
        review_error=review_error or {},
        extend_form=extend_form or forms.ExtendForm(prefix="extend"),
        confirm_form=forms.ConfirmForm(),
    )


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@signed_in
def report(report_id: int):
    report = _report_or_404(report_id)
    project = project_or_404(report.project_id)
    require(policies.can_view_project(current_user, project))
    form = forms.ReportForm(obj=report)
    if request.method == "POST":
        require(policies.can_work_on_project(current_user, project))
        if form.validate_on_submit():
            submitting = request.form.get("action") == "submit"
            save = services.submit_report if submitting else services.save_report_summary
            outcome = attempt(form, save, report, summary=form.summary.data, actor=current_user)
            if not outcome:  # the service rolled back: read the report again for the page
                return _render_report(
                    _report_or_404(report_id), project, form, status=outcome.status
                )
            flash(
                _("The report has been submitted; the communities will confirm its activities.")
                if submitting
                else _("The summary has been saved."),
                "success",
            )
            return redirect(url_for("followup.report", report_id=report.id))
    return _render_report(report, project, form)


@bp.route("/reports/<int:report_id>/activities/new", methods=["GET", "POST"])
@roles("applicant")
def activity_new(report_id: int):
    report = _report_or_404(report_id)
    project = project_or_404(report.project_id)
    require(policies.can_work_on_project(current_user, project))
    form = forms.ActivityForm()
    form.community_id.choices = [(c.id, c.path) for c in project.application.communities]
    if request.method == "GET":
        form.held_on.data = min(report.period_end, today_local())
    status = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            services.add_activity,
            report,
            community_id=form.community_id.data,
            held_on=form.held_on.data,
            activity_type=form.activity_type.data,
            participants=form.participants.data,
            residents=form.residents.data,
            description=form.description.data,
            photos=request.files.getlist("photos"),
            actor=current_user,
        )
        if outcome:
            flash(_("The activity has been added to the report."), "success")
            return redirect(url_for("followup.report", report_id=report.id))
        status = outcome.status
    return render_form(
        "followup/activity_form.html",
        form,
        status=status,
        report=report,
        project=project,
        activity_types=ACTIVITY_TYPES,
    )


@bp.route("/activities/<int:activity_id>/remove", methods=["POST"])
@roles("applicant")
def activity_remove(activity_id: int):
    check_csrf()
    activity = get_or_404(Activity, activity_id)
    report = activity.report
    project = project_or_404(report.project_id)
    require(policies.can_work_on_project(current_user, project))
    services.remove_activity(activity, actor=current_user)
    flash(_("The activity has been removed."), "success")
    return redirect(url_for("followup.report", report_id=report.id))


@bp.route("/activities/<int:activity_id>/review", methods=["POST"])
@roles("liaison")
def activity_review(activity_id: int):
    activity = queries.load_activity(activity_id)
    if activity is None:
        raise NotFound()
    require(policies.can_review_activity(current_user, activity))
    form = forms.ReviewForm()
    back = safe_next(
        request.form.get("next"), url_for("followup.report", report_id=activity.report_id)
    )
    if not form.validate_on_submit():
        raise DomainError(_("The form has expired. Reload the page and try again."))
    try:
        services.review_activity(
            activity,
            confirm=form.decision.data == "confirm",
            note=form.note.data,
            actor=current_user,
        )
    except ValidationError as error:
        # Kept by hand: a refused review is shown beside its own activity in the report's
        # list (review_error), not flashed as attempt() would; other refusals propagate.
        report = _report_or_404(activity.report_id)  # the service rolled back: read again
        return _render_report(
            report,
            project_or_404(report.project_id),
            forms.ReportForm(obj=report),
            status=422,
            review_form=form,
            review_error={activity_id: str(error.message)},
        )
    flash(
        _("Thank you: the activity record is confirmed.")
        if form.decision.data == "confirm"
        else _("The activity record is disputed; the organizer has been told."),
        "success",
    )
    return redirect(back)


@bp.route("/reports/<int:report_id>/extend", methods=["POST"])
@organizer_only
def extend_report(report_id: int):
    report = _report_or_404(report_id)
    project = project_or_404(report.project_id)
    form = forms.ExtendForm(prefix="extend")
    status = 422
    if form.validate_on_submit():
        outcome = attempt(
            form, services.extend_deadline, report, due_on=form.due_on.data, actor=current_user
        )
        if outcome:
            flash(_("The deadline has been moved."), "success")
            return redirect(url_for("followup.report", report_id=report.id))
        status = outcome.status
    report = _report_or_404(report_id)
    return _render_report(
        report, project, forms.ReportForm(obj=report), status=status, extend_form=form
    )
