"""A dispute of an activity record: its page, the organization's answer, the liaison's
response, the organizer's decision."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.errors import NotFound
from venture.followup import forms, policies, queries, services
from venture.followup.models import ActivityDispute
from venture.followup.views import bp
from venture.followup.views._helpers import project_or_404
from venture.policy import require, roles, signed_in
from venture.web import attempt, render_form


def _dispute_or_404(dispute_id: int) -> ActivityDispute:
    dispute = queries.load_dispute(dispute_id)
    if dispute is None:
        raise NotFound()
    project_or_404(
        dispute.activity.report.project_id
    )  # the project with its tranches and evaluations
    return dispute


def _render(dispute, *, answer_form=None, response_form=None, decision_form=None, status=None):
    project = dispute.activity.report.project
    return render_form(
        "followup/dispute.html",
        answer_form or response_form or decision_form or forms.ConfirmForm(),
        status=status,
        dispute=dispute,
        activity=dispute.activity,
        project=project,
        held=services.held_tranche(dispute.activity.report) if dispute.status.is_open else None,
        can_answer=policies.can_answer_dispute(current_user, dispute),
        can_respond=policies.can_respond_to_dispute(current_user, dispute),
        can_decide=policies.can_decide_dispute(current_user, dispute),
        answer_form=answer_form or forms.DisputeAnswerForm(prefix="answer"),
        response_form=response_form or forms.DisputeResponseForm(prefix="response"),
        decision_form=decision_form or forms.DisputeDecisionForm(prefix="decision"),
    )


def _refused(dispute_id: int, outcome, form_name: str, form):
    """Re-render the page after a refusal (``attempt`` put the message beside its field or
    above; the service rolled back, so the dispute is read again) with the refusal's status
    (422 for bad input, 415 for a wrong file type, 409 for a wrong step)."""
    return _render(_dispute_or_404(dispute_id), status=outcome.status, **{form_name: form})


@bp.route("/disputes/<int:dispute_id>")
@signed_in
def dispute(dispute_id: int):
    dispute = _dispute_or_404(dispute_id)
    require(policies.can_view_dispute(current_user, dispute))
    return _render(dispute)


@bp.route("/disputes/<int:dispute_id>/answer", methods=["POST"])
@roles("applicant")
def dispute_answer(dispute_id: int):
    dispute = _dispute_or_404(dispute_id)
    require(policies.can_answer_dispute(current_user, dispute))
    form = forms.DisputeAnswerForm(prefix="answer")
    if not form.validate_on_submit():
        return _render(dispute, answer_form=form, status=422)
    outcome = attempt(
        form,
        services.answer_dispute,
        dispute,
        text=form.text.data,
        files=request.files.getlist("answer-evidence"),
        actor=current_user,
    )
    if not outcome:
        return _refused(dispute_id, outcome, "answer_form", form)
    flash(_("Your answer has been sent to the community's liaison."), "success")
    return redirect(url_for("followup.dispute", dispute_id=dispute_id))


@bp.route("/disputes/<int:dispute_id>/respond", methods=["POST"])
@roles("liaison")
def dispute_respond(dispute_id: int):
    dispute = _dispute_or_404(dispute_id)
    require(policies.can_respond_to_dispute(current_user, dispute))
    form = forms.DisputeResponseForm(prefix="response")
    if not form.validate_on_submit():
        return _render(dispute, response_form=form, status=422)
    confirm = form.decision.data == "confirm"
    outcome = attempt(
        form,
        services.respond_to_answer,
        dispute,
        confirm=confirm,
        note=form.note.data,
        actor=current_user,
    )
    if not outcome:
        return _refused(dispute_id, outcome, "response_form", form)
    flash(
        _("Thank you: the activity is confirmed and the dispute has ended.")
        if confirm
        else _("You keep the dispute; the organizer will decide."),
        "success",
    )
    return redirect(url_for("followup.dispute", dispute_id=dispute_id))


@bp.route("/disputes/<int:dispute_id>/decide", methods=["POST"])
@signed_in
def dispute_decide(dispute_id: int):
    """Asked of the policy, not of a role, so the decision can move to the operator."""
    dispute = _dispute_or_404(dispute_id)
    require(policies.can_decide_dispute(current_user, dispute))
    form = forms.DisputeDecisionForm(prefix="decision")
    if not form.validate_on_submit():
        return _render(dispute, decision_form=form, status=422)
    uphold = form.outcome.data == "uphold"
    outcome = attempt(
        form,
        services.decide_dispute,
        dispute,
        uphold=uphold,
        reason=form.reason.data,
        actor=current_user,
    )
    if not outcome:
        return _refused(dispute_id, outcome, "decision_form", form)
    flash(
        _("The dispute is upheld: the activity is not counted.")
        if uphold
        else _("The dispute is dismissed: the activity is confirmed."),
        "success",
    )
    return redirect(url_for("followup.dispute", dispute_id=dispute_id))
