"""A community's dispute of an activity record, from the liaison's note to its end.

The liaison disputes (``open_dispute``, from ``review_activity``); the organization
answers with evidence (``answer_dispute``); the liaison confirms the activity or keeps
the dispute (``respond_to_answer``); those who run the competition decide when the two
cannot agree (``decide_dispute``: upheld, the activity is not counted; dismissed, it is
confirmed). While a dispute is open it holds the tranche its report pays for
(``held_tranche``, ``dispute_hold_reason``).
"""

from __future__ import annotations

from flask_babel import gettext as _

from venture.audit.services import record
from venture.db import service, utcnow
from venture.errors import Conflict, DomainError, Forbidden, ValidationError
from venture.extensions import db
from venture.files.services import store_upload
from venture.followup import policies
from venture.followup.models import (
    OPEN_DISPUTE_STATUSES,
    ActivityDispute,
    DisputeEntry,
    DisputeEvidence,
    DisputeStatus,
    DisputeStep,
    EvaluationKind,
    LiaisonStatus,
    TrancheCondition,
    TrancheStatus,
)
from venture.followup.rules import local_date
from venture.followup.services._common import (
    external,
    notify_all,
    org_people,
    organizers,
    require_text,
)

MB = 1024 * 1024
MAX_EVIDENCE_FILES = 10
# A sign-in sheet may be a scan, a photo, a Word table or a spreadsheet.
EVIDENCE_KINDS = ("pdf", "image", "word", "excel")
MAX_TEXT = 5000


def dispute_link(dispute) -> str:
    return external("followup.dispute", dispute_id=dispute.id)


def _context(dispute) -> dict:
    activity = dispute.activity
    project = activity.report.project
    return {
        "competition_id": project.competition_id,
        "link": dispute_link(dispute),
        "project_name": project.application.project_name,
        "community": activity.community.name,
        "held_on": activity.held_on.isoformat(),
        "activity_type": activity.activity_type,
    }


def _liaisons(activity) -> list:
    """The active liaisons of the activity's community (the one who disputed may have left)."""
    return [u for u in sorted(activity.community.liaisons, key=lambda u: u.id) if u.active]


def _text(value: str | None, field: str, message) -> str:
    text = require_text(value, field, message)
    if len(text) > MAX_TEXT:
        raise ValidationError(_("At most %(n)d characters.", n=MAX_TEXT), field=field)
    return text


def _ensure_open(dispute, *allowed: DisputeStatus) -> None:
    if not dispute.status.is_open:
        raise Conflict(_("This dispute has ended."))
    if dispute.status not in allowed:
        messages = {
            DisputeStatus.OPEN: _("The dispute waits for the organization's answer."),
            DisputeStatus.ANSWERED: _(
                "The organization has answered; the dispute waits for the community's liaison."
            ),
            DisputeStatus.KEPT: _(
                "The community keeps the dispute; it waits for the organizer's decision."
            ),
        }
        raise Conflict(messages[dispute.status])


def _step(dispute, step: DisputeStep, text: str, actor) -> DisputeEntry:
    entry = DisputeEntry(step=step, text=text, author_id=actor.id if actor is not None else None)
    dispute.steps.append(entry)
    return entry


# --- the steps ------------------------------------------------------------------------


def open_dispute(activity, *, note: str, actor) -> ActivityDispute:
    """Called by ``review_activity`` when the liaison disputes: in its transaction."""
    dispute = ActivityDispute(status=DisputeStatus.OPEN)
    activity.dispute = dispute
    _step(dispute, DisputeStep.OPENED, note, actor)
    db.session.flush()
    record(
        "followup.open_dispute",
        dispute,
        actor=actor,
        changes={"activity_id": activity.id, "status": [None, DisputeStatus.OPEN], "note": note},
    )
    context = _context(dispute)
    people = {
        u.id: u for u in [*organizers(), *org_people(activity.report.project.organization_id)]
    }
    notify_all(
        people.values(), "activity_disputed", liaison=actor.display_name, note=note, **context
    )
    return dispute


@service
def answer_dispute(dispute, *, text: str, files=(), actor) -> DisputeEntry:
    """The organization answers, with evidence such as a sign-in sheet or photos."""
    if not policies.can_answer_dispute(actor, dispute):
        raise Forbidden(_("Only the organization that reported the activity can answer."))
    _ensure_open(dispute, DisputeStatus.OPEN)
    text = _text(text, "text", _("Write your answer to the community's dispute."))
    uploads = [f for f in files or () if getattr(f, "filename", "")]
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise ValidationError(_("At most %(n)d files.", n=MAX_EVIDENCE_FILES), field="evidence")
    entry = _step(dispute, DisputeStep.ANSWERED, text, actor)
    for upload in uploads:
        try:
            stored = store_upload(
                upload, user=actor, allowed_kinds=EVIDENCE_KINDS, max_bytes=20 * MB
            )
        except DomainError as error:  # a wrong type or too large: said beside the files
            error.field = error.field or "evidence"
            raise
        entry.evidence.append(DisputeEvidence(file=stored))
    dispute.status = DisputeStatus.ANSWERED
    db.session.flush()
    record(
        "followup.answer_dispute",
        dispute,
        actor=actor,
        changes={
            "status": [DisputeStatus.OPEN, DisputeStatus.ANSWERED],
            "text": text,
            "evidence": [e.file.id for e in entry.evidence],
        },
    )
    notify_all(
        _liaisons(dispute.activity),
        "dispute_answered",
        organization=_organization_name(dispute),
        files=len(uploads),
        **_context(dispute),
    )
    return entry


def _organization_name(dispute) -> str:
    return dispute.activity.report.project.organization.name


@service
def respond_to_answer(dispute, *, confirm: bool, note: str, actor) -> None:
    """The liaison reads the answer: confirms the activity (the dispute is resolved) or
    keeps the dispute (with a reason), which sends it to the organizer."""
    if not policies.can_respond_to_dispute(actor, dispute):
        raise Forbidden(_("Only the liaison of the activity's community can respond."))
    _ensure_open(dispute, DisputeStatus.ANSWERED)
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise ValidationError(_("At most %(n)d characters.", n=MAX_TEXT), field="note")
    activity = dispute.activity
    if confirm:
        _step(dispute, DisputeStep.CONFIRMED, note, actor)
        _close(
            dispute,
            DisputeStatus.RESOLVED,
            LiaisonStatus.CONFIRMED,
            actor=actor,
            note=note,
            action="followup.resolve_dispute",
        )
        notify_all(
            _everyone_but_liaisons(activity),
            "dispute_resolved",
            liaison=actor.display_name,
            note=note,
            **_context(dispute),
        )
        return
    note = _text(note, "note", _("Say why the answer does not settle the dispute."))
    _step(dispute, DisputeStep.KEPT, note, actor)
    dispute.status = DisputeStatus.KEPT
    record(
        "followup.keep_dispute",
        dispute,
        actor=actor,
        changes={"status": [DisputeStatus.ANSWERED, DisputeStatus.KEPT], "note": note},
    )
    notify_all(
        _everyone_but_liaisons(activity),
        "dispute_kept",
        liaison=actor.display_name,
        note=note,
        **_context(dispute),
    )


@service
def decide_dispute(dispute, *, uphold: bool, reason: str, actor) -> None:
    """Those who run the competition decide: uphold (the activity is not counted) or
    dismiss (the activity is confirmed). A reason is required either way."""
    if not policies.can_decide_dispute(actor, dispute):
        raise Forbidden()
    _ensure_open(dispute, *OPEN_DISPUTE_STATUSES)
    reason = _text(reason, "reason", _("Give the reason for the decision."))
    step, status, liaison_status = (
        (DisputeStep.UPHELD, DisputeStatus.UPHELD, LiaisonStatus.DISPUTED)
        if uphold
        else (DisputeStep.DISMISSED, DisputeStatus.DISMISSED, LiaisonStatus.CONFIRMED)
    )
    _step(dispute, step, reason, actor)
    _close(
        dispute, status, liaison_status, actor=actor, note=reason, action="followup.decide_dispute"
    )
    activity = dispute.activity
    people = {
        u.id: u
        for u in [*org_people(activity.report.project.organization_id), *_liaisons(activity)]
    }
    notify_all(
        people.values(), "dispute_decided", upheld=uphold, reason=reason, **_context(dispute)
    )


def _close(
    dispute, status: DisputeStatus, liaison_status: LiaisonStatus, *, actor, note: str, action: str
) -> None:
    before = dispute.status
    activity = dispute.activity
    dispute.status = status
    dispute.closed_at = utcnow()
    changes = {"status": [before, status], "note": note}
    if activity.liaison_status != liaison_status:
        changes["liaison_status"] = [activity.liaison_status, liaison_status]
        activity.liaison_status = liaison_status
    record(action, dispute, actor=actor, changes=changes)


def _everyone_but_liaisons(activity) -> list:
    """The organization's people and the organizers."""
    people = {
        u.id: u for u in [*org_people(activity.report.project.organization_id), *organizers()]
    }
    return list(people.values())


# --- the hold on the money ---------------------------------------------------------------

_EVALUATION_OF = {
    TrancheCondition.MIDTERM_PASSED: EvaluationKind.MIDTERM,
    TrancheCondition.FINAL_PASSED: EvaluationKind.FINAL,
}


def _report_counts_for(report, tranche) -> bool:
    """A report counts towards the evaluation that comes after its period."""
    kind = _EVALUATION_OF[tranche.condition]
    evaluation = next((e for e in report.project.evaluations if e.kind == kind), None)
    return evaluation is None or report.period_end <= local_date(evaluation.due_at)


def held_tranche(report):
    """The tranche a report pays for: the first tranche paid after an evaluation that
    comes after the report's period (the last such tranche for a later report). Money
    already paid cannot be held, so a released one passes the hold to the next pending
    tranche. None when nothing is left to hold."""
    tranches = sorted(report.project.tranches, key=lambda t: t.position)
    after_evaluation = [t for t in tranches if t.condition in _EVALUATION_OF]
    if not after_evaluation:
        return None
    own = next((t for t in after_evaluation if _report_counts_for(report, t)), after_evaluation[-1])
    return next(
        (t for t in tranches if t.position >= own.position and t.status == TrancheStatus.PENDING),
        None,
    )


def holds_of(project) -> dict[int, list[ActivityDispute]]:
    """tranche id → the open disputes holding it (``Project.open_disputes``, which list
    pages load with their projects; the status is checked again for a dispute ended in
    this session)."""
    holds: dict[int, list[ActivityDispute]] = {}
    for dispute in project.open_disputes:
        if not dispute.status.is_open:
            continue
        tranche = held_tranche(dispute.activity.report)
        if tranche is not None:
            holds.setdefault(tranche.id, []).append(dispute)
    return holds


def dispute_hold_reason(tranche) -> str | None:
    """Why an open dispute holds this tranche, naming the (first) dispute; None when none does."""
    held = holds_of(tranche.project).get(tranche.id)
    if not held:
        return None
    first = held[0].activity
    values = {
        "community": first.community.name,
        "date": first.held_on.isoformat(),
        "type": first.activity_type,
        "n": len(held),
    }
    if len(held) == 1:
        return _(
            "Held by an open dispute: %(community)s disputes the activity of %(date)s (%(type)s). "
            "The tranche can be released once the dispute ends.",
            **values,
        )
    return _(
        "Held by %(n)d open disputes, the first over the activity of %(date)s in %(community)s "
        "(%(type)s). The tranche can be released once they end.",
        **values,
    )
