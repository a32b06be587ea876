"""The agreement, the tranches and what happens to the money when a project stops."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from venture.audit.services import changes_between, jsonable, record, record_refusal
from venture.db import service, utcnow
from venture.errors import Conflict, ValidationError
from venture.files.services import store_upload
from venture.followup.models import (
    EvaluationKind,
    EvaluationStatus,
    ProjectStatus,
    RecoveryPayment,
    TrancheCondition,
    TrancheStatus,
)
from venture.followup.services._common import (
    not_in_future,
    notify_all,
    org_people,
    project_link,
    require_text,
)
from venture.followup.services.disputes import dispute_hold_reason
from venture.followup.services.schedule import (
    agreement_schedule,
    apply_schedule,
    checked_agreement_dates,
    schedule_notice_context,
)
from venture.templating import format_money

AGREEMENT_KINDS = ("pdf", "image")
MB = 1024 * 1024


# --- the agreement (签约) -------------------------------------------------------------


@service
def submit_agreement(
    project,
    *,
    signed_on: date | None,
    starts_on: date | None,
    ends_on: date | None,
    report_period: str | None = None,
    upload=None,
    actor,
) -> None:
    """The organization enters the agreement's dates and uploads the signed copy; the
    project's reports and evaluations follow those dates from now on."""
    agreement = project.agreement
    if project.status != ProjectStatus.AGREEMENT or agreement.confirmed_at is not None:
        raise Conflict(_("The agreement has already been confirmed."))
    not_in_future(signed_on, "signed_on")
    period = checked_agreement_dates(starts_on, ends_on, report_period)
    has_file = upload is not None and getattr(upload, "filename", "")
    if not has_file and agreement.signed_copy_id is None:
        raise ValidationError(_("Upload the signed agreement (PDF or image)."), field="signed_copy")
    before = {
        "signed_on": agreement.signed_on,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "report_period": agreement.report_period,
        "signed_copy_id": agreement.signed_copy_id,
    }
    if has_file:
        agreement.signed_copy = store_upload(
            upload, user=actor, allowed_kinds=AGREEMENT_KINDS, max_bytes=20 * MB
        )
    agreement.signed_on, agreement.starts_on, agreement.ends_on = signed_on, starts_on, ends_on
    agreement.report_period = period
    after = {
        "signed_on": signed_on,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "report_period": period,
        "signed_copy_id": agreement.signed_copy.id if agreement.signed_copy else None,
    }
    schedule_changes = apply_schedule(project, agreement_schedule(project))
    record(
        "followup.submit_agreement",
        agreement,
        actor=actor,
        changes={**changes_between(jsonable(before), jsonable(after)), **schedule_changes},
    )


@service
def confirm_agreement(project, *, actor) -> None:
    """The organizer confirms the signed agreement: the project starts and the signing
    tranche becomes releasable."""
    agreement = project.agreement
    if project.status != ProjectStatus.AGREEMENT or agreement.confirmed_at is not None:
        raise Conflict(_("The agreement has already been confirmed."))
    if agreement.signed_copy_id is None:
        raise ValidationError(_("The organization has not uploaded the signed agreement yet."))
    agreement.confirmed_at = utcnow()
    agreement.confirmed_by_id = actor.id
    project.status = ProjectStatus.ACTIVE
    # The signed agreement is the source of the schedule (already applied when it was
    # entered; again here so an agreement saved before this rule follows it too).
    schedule_changes = apply_schedule(project, agreement_schedule(project))
    record(
        "followup.confirm_agreement",
        project,
        actor=actor,
        changes={"status": [ProjectStatus.AGREEMENT, ProjectStatus.ACTIVE], **schedule_changes},
    )
    notify_all(
        org_people(project.organization_id),
        "agreement_confirmed",
        competition_id=project.competition_id,
        link=project_link(project),
        project_name=project.application.project_name,
        starts_on=agreement.starts_on.isoformat() if agreement.starts_on else "",
        ends_on=agreement.ends_on.isoformat() if agreement.ends_on else "",
        **schedule_notice_context(project),
    )


# --- tranches -------------------------------------------------------------------------


def _evaluation(project, kind: EvaluationKind):
    return next((e for e in project.evaluations if e.kind == kind), None)


def tranche_block_reason(tranche) -> str | None:
    """Why this tranche cannot be released now, or None when it can."""
    project = tranche.project
    if tranche.status == TrancheStatus.RELEASED:
        return _("This tranche has already been released.")
    if tranche.status == TrancheStatus.CANCELLED or project.status == ProjectStatus.TERMINATED:
        return _("The project was terminated: no further payments.")
    if project.status == ProjectStatus.SUSPENDED:
        return _("Payments are stopped: an evaluation of this project failed.")
    if project.status == ProjectStatus.AGREEMENT:
        return _("The agreement has not been confirmed yet.")
    earlier = [
        t
        for t in project.tranches
        if t.position < tranche.position and t.status == TrancheStatus.PENDING
    ]
    if earlier:
        return _("Tranche %(n)d must be released first.", n=earlier[0].position)
    held = dispute_hold_reason(tranche)
    if held:
        return held
    if tranche.condition == TrancheCondition.MIDTERM_PASSED:
        return _evaluation_reason(
            _evaluation(project, EvaluationKind.MIDTERM),
            _("The mid-term evaluation has not been passed yet."),
            _("The mid-term evaluation failed."),
        )
    if tranche.condition == TrancheCondition.FINAL_PASSED:
        return _evaluation_reason(
            _evaluation(project, EvaluationKind.FINAL),
            _("The final evaluation has not been passed yet."),
            _("The final evaluation failed."),
        )
    return None  # signing: the agreement is confirmed (the project is active)


def _evaluation_reason(evaluation, pending, failed) -> str | None:
    if evaluation is not None and evaluation.status == EvaluationStatus.PASSED:
        return None
    if evaluation is not None and evaluation.status == EvaluationStatus.FAILED:
        return failed
    return pending


@service
def release_tranche(tranche, *, actor) -> None:
    """Release (拨付) one tranche, only when its condition holds."""
    reason = tranche_block_reason(tranche)
    if reason:
        record_refusal(
            "followup.release_tranche",
            object_type="tranche",
            object_id=tranche.id,
            reason=reason,
            actor=actor,
        )
        raise Conflict(reason)
    project = tranche.project
    tranche.status = TrancheStatus.RELEASED
    tranche.released_at = utcnow()
    tranche.released_by_id = actor.id
    record(
        "followup.release_tranche",
        tranche,
        actor=actor,
        changes={
            "status": [TrancheStatus.PENDING, TrancheStatus.RELEASED],
            "amount_fen": tranche.amount_fen,
            "project_id": project.id,
        },
    )
    notify_all(
        org_people(project.organization_id),
        "tranche_released",
        competition_id=project.competition_id,
        link=project_link(project),
        project_name=project.application.project_name,
        position=tranche.position,
        amount=format_money(tranche.amount_fen),
    )
    close_if_finished(project, actor=actor)


def released_fen(project) -> int:
    return sum(t.amount_fen for t in project.tranches if t.status == TrancheStatus.RELEASED)


def close_if_finished(project, *, actor=None) -> bool:
    """Close an active project whose final evaluation passed and whose tranches are all paid."""
    final = _evaluation(project, EvaluationKind.FINAL)
    if (
        project.status != ProjectStatus.ACTIVE
        or final is None
        or final.status != EvaluationStatus.PASSED
        or any(t.status != TrancheStatus.RELEASED for t in project.tranches)
    ):
        return False
    project.status = ProjectStatus.CLOSED
    project.closed_at = utcnow()
    project.grade = final.grade
    project.final_score = final.score
    record(
        "followup.close_project",
        project,
        actor=actor,
        changes={
            "status": [ProjectStatus.ACTIVE, ProjectStatus.CLOSED],
            "grade": final.grade,
            "final_score": final.score,
        },
    )
    return True


# --- termination and recovery (追回) --------------------------------------------------


@service
def terminate_project(project, *, reason: str, recovery_fen: int, actor) -> None:
    """End a project early; pending tranches are cancelled and up to the released
    amount may be claimed back."""
    if project.status not in (
        ProjectStatus.AGREEMENT,
        ProjectStatus.ACTIVE,
        ProjectStatus.SUSPENDED,
    ):
        raise Conflict(_("Only a project that is still running can be terminated."))
    reason = require_text(reason, "reason", _("Give the reason for the termination."))
    released = released_fen(project)
    if recovery_fen is None or recovery_fen < 0:
        raise ValidationError(
            _("Enter the amount to recover (0 when nothing is claimed back)."), field="recovery"
        )
    if recovery_fen > released:
        raise ValidationError(
            _(
                "The amount to recover cannot exceed the amount released (%(released)s).",
                released=format_money(released),
            ),
            field="recovery",
        )
    before = project.status
    for tranche in project.tranches:
        if tranche.status == TrancheStatus.PENDING:
            tranche.status = TrancheStatus.CANCELLED
    project.status = ProjectStatus.TERMINATED
    project.terminated_at = utcnow()
    project.termination_reason = reason
    project.recovery_fen = recovery_fen
    record(
        "followup.terminate_project",
        project,
        actor=actor,
        changes={
            "status": [before, ProjectStatus.TERMINATED],
            "reason": reason,
            "recovery_fen": recovery_fen,
            "released_fen": released,
        },
    )
    notify_all(
        org_people(project.organization_id),
        "project_terminated",
        competition_id=project.competition_id,
        link=project_link(project),
        project_name=project.application.project_name,
        reason=reason,
        recovery=format_money(recovery_fen) if recovery_fen else "",
    )


@service
def record_recovery(
    project, *, amount_fen: int, received_on: date | None, note: str = "", actor
) -> RecoveryPayment:
    """Record money paid back on a terminated project."""
    if project.status != ProjectStatus.TERMINATED or project.recovery_fen == 0:
        raise Conflict(_("Nothing is to be recovered on this project."))
    outstanding = project.recovery_fen - project.recovered_fen
    if amount_fen is None or amount_fen <= 0:
        raise ValidationError(_("Enter an amount above zero."), field="amount")
    if amount_fen > outstanding:
        raise ValidationError(
            _(
                "The amount is more than what is still to recover (%(rest)s).",
                rest=format_money(outstanding),
            ),
            field="amount",
        )
    not_in_future(received_on, "received_on")
    payment = RecoveryPayment(
        project_id=project.id,
        amount_fen=amount_fen,
        received_on=received_on,
        note=(note or "").strip()[:300],
        recorded_by_id=actor.id,
    )
    project.recoveries.append(payment)
    project.recovered_fen += amount_fen
    record(
        "followup.record_recovery",
        project,
        actor=actor,
        changes={
            "recovered_fen": [project.recovered_fen - amount_fen, project.recovered_fen],
            "amount_fen": amount_fen,
            "received_on": received_on,
        },
    )
    notify_all(
        org_people(project.organization_id),
        "recovery_recorded",
        competition_id=project.competition_id,
        link=project_link(project),
        project_name=project.application.project_name,
        amount=format_money(amount_fen),
        outstanding=format_money(project.recovery_fen - project.recovered_fen),
    )
    return payment
