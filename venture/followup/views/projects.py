"""The project page and its money: agreement, tranches, spending, termination, recovery."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.competitions.models import ReportPeriod
from venture.db import get_or_404, utcnow
from venture.errors import NotFound
from venture.files.models import StoredFile
from venture.files.services import download
from venture.followup import forms, policies, queries, services
from venture.followup.models import ProjectMilestone, Tranche
from venture.followup.views import bp
from venture.followup.views._helpers import back_to_project, check_csrf, project_or_404, uploaded
from venture.labels import label
from venture.policy import organizer_only, require, roles, signed_in
from venture.web import attempt, render_form


@bp.route("/projects/<int:project_id>")
@signed_in
def project(project_id: int):
    project = project_or_404(project_id)
    require(policies.can_view_project(current_user, project))
    return render_template(
        "followup/project.html",
        project=project,
        now=utcnow(),
        next=queries.next_due(project),
        money=queries.money_of(project),
        spending=queries.spending_by_line(project),
        expenses=queries.expenses_of(project),
        reports=queries.reports_of(project),
        team=queries.team_of(project),
        block_reasons={t.id: services.tranche_block_reason(t) for t in project.tranches},
        holds=services.holds_of(project),
        can_work=policies.can_work_on_project(current_user, project),
        can_manage=policies.can_manage_project(current_user, project),
        form=forms.ConfirmForm(),
        can_change_dates=policies.can_change_agreement_dates(current_user, project),
        open_evaluations={
            e.id for e in project.evaluations if policies.can_view_evaluation(current_user, e)
        },
    )


# --- the agreement ------------------------------------------------------------------


@bp.route("/projects/<int:project_id>/agreement", methods=["GET", "POST"])
@signed_in
def agreement(project_id: int):
    project = project_or_404(project_id)
    require(policies.can_view_project(current_user, project))
    can_work = policies.can_work_on_project(current_user, project)
    form = forms.AgreementForm(obj=project.agreement)
    form.report_period.choices = _report_period_choices(project)
    if request.method == "GET":
        form.report_period.data = _period_value(project.agreement)
    status = None
    if request.method == "POST":
        require(can_work)
        if form.validate_on_submit():
            outcome = attempt(
                form,
                services.submit_agreement,
                project,
                signed_on=form.signed_on.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                report_period=form.report_period.data,
                upload=uploaded("signed_copy"),
                actor=current_user,
            )
            if outcome:
                return back_to_project(
                    project.id, _("The agreement has been saved. The organizer will confirm it.")
                )
            status = outcome.status
    return render_form(
        "followup/agreement.html",
        form,
        status=status,
        project=project,
        can_work=can_work,
        plan=project.tranches,
        confirm_form=forms.ConfirmForm(),
        can_change_dates=policies.can_change_agreement_dates(current_user, project),
    )


def _period_value(agreement) -> str:
    return agreement.report_period.value if agreement and agreement.report_period else ""


def _report_period_choices(project) -> list[tuple[str, str]]:
    """The competition's setting first (an empty value), then each period by name."""
    default = project.competition.report_period
    return [("", _("As the competition: %(period)s", period=label(default)))] + [
        (p.value, label(p)) for p in ReportPeriod
    ]


@bp.route("/projects/<int:project_id>/agreement/dates", methods=["GET", "POST"])
@organizer_only
def agreement_dates(project_id: int):
    """Change the agreement's dates with a reason: the schedule is rebuilt."""
    project = project_or_404(project_id)
    require(
        policies.can_change_agreement_dates(current_user, project),
        _("The dates can change only while the project is running."),
    )
    form = forms.AgreementDatesForm(obj=project.agreement)
    form.report_period.choices = _report_period_choices(project)
    if request.method == "GET":
        form.report_period.data = _period_value(project.agreement)
    status = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            services.change_agreement_dates,
            project,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            report_period=form.report_period.data,
            reason=form.reason.data,
            actor=current_user,
        )
        if outcome:
            return back_to_project(
                project.id,
                _(
                    "The dates have changed; the reports that had not started "
                    "follow them and the organization has been told."
                ),
            )
        status = outcome.status
    return render_form(
        "followup/agreement_dates.html",
        form,
        status=status,
        project=project,
        reports=queries.reports_of(project),
    )


@bp.route("/projects/<int:project_id>/agreement/confirm", methods=["POST"])
@organizer_only
def confirm_agreement(project_id: int):
    check_csrf()
    project = project_or_404(project_id)
    services.confirm_agreement(project, actor=current_user)
    return back_to_project(
        project.id, _("The agreement is confirmed; the project is now being implemented.")
    )


# --- tranches -------------------------------------------------------------------------


@bp.route("/tranches/<int:tranche_id>/release", methods=["POST"])
@organizer_only
def release_tranche(tranche_id: int):
    check_csrf()
    tranche = get_or_404(Tranche, tranche_id)
    project_or_404(tranche.project_id)  # loads the project with its evaluations and tranches
    services.release_tranche(tranche, actor=current_user)
    return back_to_project(
        tranche.project_id, _("Tranche %(n)d has been released.", n=tranche.position)
    )


# --- milestones and spending --------------------------------------------------------


@bp.route("/milestones/<int:milestone_id>/done", methods=["GET", "POST"])
@roles("applicant")
def milestone_done(milestone_id: int):
    milestone = get_or_404(ProjectMilestone, milestone_id)
    project = project_or_404(milestone.project_id)
    require(policies.can_work_on_project(current_user, project))
    form = forms.MilestoneForm()
    status = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            services.complete_milestone,
            milestone,
            note=form.note.data,
            upload=uploaded("evidence"),
            actor=current_user,
        )
        if outcome:
            return back_to_project(project.id, _("The milestone is marked as done."))
        status = outcome.status
    return render_form(
        "followup/milestone_form.html", form, status=status, project=project, milestone=milestone
    )


@bp.route("/projects/<int:project_id>/expenses/new", methods=["GET", "POST"])
@roles("applicant")
def expense_new(project_id: int):
    project = project_or_404(project_id)
    require(policies.can_work_on_project(current_user, project))
    form = forms.ExpenseForm()
    form.line_id.choices = [(line.id, line.name) for line in project.budget]
    status = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            services.record_expense,
            project,
            line_id=form.line_id.data,
            amount_fen=form.amount.fen,
            spent_on=form.spent_on.data,
            description=form.description.data,
            voucher=uploaded("voucher"),
            actor=current_user,
        )
        if outcome:
            return back_to_project(project.id, _("The expense has been recorded."))
        status = outcome.status
    return render_form(
        "followup/expense_form.html",
        form,
        status=status,
        project=project,
        spending=queries.spending_by_line(project),
    )


# --- termination and recovery -------------------------------------------------------


@bp.route("/projects/<int:project_id>/terminate", methods=["GET", "POST"])
@organizer_only
def terminate(project_id: int):
    project = project_or_404(project_id)
    form = forms.TerminateForm()
    status = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            services.terminate_project,
            project,
            reason=form.reason.data,
            recovery_fen=form.recovery.fen or 0,
            actor=current_user,
        )
        if outcome:
            return back_to_project(project.id, _("The project has been terminated."))
        status = outcome.status
    return render_form(
        "followup/terminate.html",
        form,
        status=status,
        project=project,
        money=queries.money_of(project),
    )


@bp.route("/projects/<int:project_id>/recoveries", methods=["GET", "POST"])
@organizer_only
def recovery(project_id: int):
    project = project_or_404(project_id)
    form = forms.RecoveryForm()
    status = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            services.record_recovery,
            project,
            amount_fen=form.amount.fen,
            received_on=form.received_on.data,
            note=form.note.data,
            actor=current_user,
        )
        if outcome:
            return back_to_project(project.id, _("The payment has been recorded."))
        status = outcome.status
    return render_form("followup/recovery_form.html", form, status=status, project=project)


# --- files of a project ---------------------------------------------------------------


@bp.route("/projects/<int:project_id>/files/<int:file_id>")
@signed_in
def project_file(project_id: int, file_id: int):
    project = project_or_404(project_id)
    require(policies.can_view_project(current_user, project))
    if not policies.is_project_file(project, file_id):
        raise NotFound()
    return download(get_or_404(StoredFile, file_id))


@bp.app_template_global("followup_file_url")
def followup_file_url(project_id: int, file_id: int | None) -> str:
    return (
        url_for("followup.project_file", project_id=project_id, file_id=file_id) if file_id else ""
    )
