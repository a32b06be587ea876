"""Mid-term and final evaluations: the self-assessment, evaluators, the result."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.db import utcnow
from venture.errors import NotFound
from venture.files.services import download
from venture.followup import forms, policies, queries, services
from venture.followup.models import Evaluation
from venture.followup.views import bp
from venture.followup.views._helpers import project_or_404, uploaded
from venture.policy import organizer_only, require, roles, signed_in
from venture.web import attempt, render_form


def _evaluation_or_404(evaluation_id: int) -> Evaluation:
    evaluation = queries.load_evaluation(evaluation_id)
    if evaluation is None:
        raise NotFound()
    project_or_404(
        evaluation.project_id
    )  # the project with its relations, for the page and the rules
    return evaluation


def _render(
    evaluation, *, form=None, assign_form=None, decide_form=None, extend_form=None, status=None
):
    project = evaluation.project
    self_form = form or forms.SelfAssessmentForm(obj=evaluation)
    manage = policies.can_manage_project(current_user, project)
    return render_form(
        "followup/evaluation.html",
        self_form,
        status=status,
        evaluation=evaluation,
        project=project,
        now=utcnow(),
        can_work=policies.can_work_on_project(current_user, project),
        can_manage=manage,
        assignments=services.active_assignments(evaluation) if manage else [],
        sheets=services.submitted_sheets(evaluation) if manage else [],
        assign_form=assign_form or forms.AssignForm(prefix="assign", k=_default_k(evaluation)),
        decide_form=decide_form or forms.DecideForm(prefix="decide"),
        extend_form=extend_form or forms.ExtendForm(prefix="extend"),
    )


def _default_k(evaluation) -> int:
    return min(evaluation.stage.judges_per_application, 15) if evaluation.stage else 3


@bp.route("/evaluations/<int:evaluation_id>")
@signed_in
def evaluation(evaluation_id: int):
    evaluation = _evaluation_or_404(evaluation_id)
    require(policies.can_view_evaluation(current_user, evaluation))
    return _render(evaluation)


def _act(evaluation, form, form_name: str, action, on_done):
    """Run one organizer or applicant action from a form on the evaluation page: the
    page again with the form's errors (nothing written), or back to it when done."""
    evaluation_id = evaluation.id
    if not form.validate_on_submit():
        return _render(evaluation, status=422, **{form_name: form})
    outcome = attempt(form, action)
    if not outcome:  # the service rolled back: read the evaluation again for the page
        return _render(
            _evaluation_or_404(evaluation_id), status=outcome.status, **{form_name: form}
        )
    on_done(outcome.value)
    return redirect(url_for("followup.evaluation", evaluation_id=evaluation_id))


def _flash_success(message: str):
    return lambda _result: flash(message, "success")


@bp.route("/evaluations/<int:evaluation_id>/self-assessment", methods=["POST"])
@roles("applicant")
def self_assessment(evaluation_id: int):
    evaluation = _evaluation_or_404(evaluation_id)
    require(policies.can_work_on_project(current_user, evaluation.project))
    form = forms.SelfAssessmentForm()
    return _act(
        evaluation,
        form,
        "form",
        lambda: services.submit_self_assessment(
            evaluation,
            text=form.self_assessment.data,
            self_score=form.self_score.data,
            report_upload=uploaded("report_file"),
            ledger_upload=uploaded("ledger_file"),
            actor=current_user,
        ),
        _flash_success(
            _("The self-assessment has been submitted; evaluators will now score the project.")
        ),
    )


@bp.route("/evaluations/<int:evaluation_id>/assign", methods=["POST"])
@organizer_only
def assign(evaluation_id: int):
    evaluation = _evaluation_or_404(evaluation_id)
    form = forms.AssignForm(prefix="assign")

    def assigned(result):
        rows, missing = result
        flash(_("%(n)d evaluator(s) assigned.", n=len(rows)), "success")
        if missing:
            flash(
                _(
                    "%(n)d more evaluator(s) could not be found without a conflict of interest.",
                    n=missing,
                ),
                "warning",
            )

    return _act(
        evaluation,
        form,
        "assign_form",
        lambda: services.assign_evaluators(evaluation, k=form.k.data, actor=current_user),
        assigned,
    )


@bp.route("/evaluations/<int:evaluation_id>/decide", methods=["POST"])
@organizer_only
def decide(evaluation_id: int):
    evaluation = _evaluation_or_404(evaluation_id)
    form = forms.DecideForm(prefix="decide")
    return _act(
        evaluation,
        form,
        "decide_form",
        lambda: services.decide_evaluation(
            evaluation, actor=current_user, note=form.note.data or ""
        ),
        _flash_success(_("The evaluation result has been computed from the sheets.")),
    )


@bp.route("/evaluations/<int:evaluation_id>/extend", methods=["POST"])
@organizer_only
def extend_evaluation(evaluation_id: int):
    evaluation = _evaluation_or_404(evaluation_id)
    form = forms.ExtendForm(prefix="extend")
    return _act(
        evaluation,
        form,
        "extend_form",
        lambda: services.extend_deadline(evaluation, due_on=form.due_on.data, actor=current_user),
        _flash_success(_("The deadline has been moved.")),
    )


@bp.route("/evaluations/<int:evaluation_id>/files/<which>")
@signed_in
def evaluation_file(evaluation_id: int, which: str):
    evaluation = _evaluation_or_404(evaluation_id)
    require(policies.can_view_evaluation(current_user, evaluation))
    stored = {"report": evaluation.report_file, "ledger": evaluation.ledger_file}.get(which)
    if stored is None:
        raise NotFound()
    return download(stored)
