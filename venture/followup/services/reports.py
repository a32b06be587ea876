"""Progress reports with activity records, the community's confirmation, milestones,
spending, and deadline extensions."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.audit.services import record
from venture.db import service, utcnow
from venture.errors import Conflict, Forbidden, ValidationError
from venture.extensions import db
from venture.files.services import store_upload
from venture.followup import rules
from venture.followup.integration import communities_of_liaison
from venture.followup.models import (
    Activity,
    ActivityPhoto,
    EvaluationStatus,
    Expense,
    LiaisonStatus,
    ProjectStatus,
    ReportStatus,
)
from venture.followup.services._common import (
    external,
    not_in_future,
    notify_all,
    require_text,
    today_local,
)
from venture.followup.services.disputes import open_dispute

MB = 1024 * 1024
MAX_PHOTOS = 6
EVIDENCE_KINDS = ("pdf", "image", "word", "excel")
RUNNING = (ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED)


def _ensure_running(project) -> None:
    if project.status not in RUNNING:
        raise Conflict(_("This can be done only while the project is being implemented."))


def _ensure_draft(report) -> None:
    if report.status != ReportStatus.DUE:
        raise Conflict(_("This report has been submitted and can no longer change."))


def host_community_ids(project) -> set[int]:
    return {c.id for c in project.application.communities}


# --- reports and their activities ---------------------------------------------------


@service
def save_report_summary(report, *, summary: str, actor) -> None:
    _ensure_running(report.project)
    _ensure_draft(report)
    summary = (summary or "").strip()
    if summary != report.summary:
        record(
            "followup.save_report",
            report,
            actor=actor,
            changes={"summary": [report.summary, summary]},
        )
        report.summary = summary


@service
def add_activity(
    report,
    *,
    community_id: int | None,
    held_on: date | None,
    activity_type: str,
    participants: int | None,
    residents: int | None,
    description: str,
    photos=(),
    actor,
) -> Activity:
    """Add an activity record to a report that is still being written."""
    project = report.project
    _ensure_running(project)
    _ensure_draft(report)
    if community_id not in host_community_ids(project):
        raise ValidationError(
            _("Choose one of the project's host communities."), field="community_id"
        )
    if held_on is None or not report.period_start <= held_on <= report.period_end:
        raise ValidationError(
            _(
                "The date must fall within the report's period (%(start)s to %(end)s).",
                start=report.period_start.isoformat(),
                end=report.period_end.isoformat(),
            ),
            field="held_on",
        )
    not_in_future(held_on, "held_on")
    activity_type = require_text(activity_type, "activity_type", _("Enter the type of activity."))[
        :100
    ]
    if participants is None or participants < 0:
        raise ValidationError(_("Enter the number of participants."), field="participants")
    if residents is None or residents < 0 or residents > participants:
        raise ValidationError(
            _("Residents cannot be more than the participants."), field="residents"
        )
    uploads = [p for p in photos or () if getattr(p, "filename", "")]
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos per activity.", n=MAX_PHOTOS), field="photos")
    activity = Activity(
        community_id=community_id,
        held_on=held_on,
        activity_type=activity_type,
        participants=participants,
        residents=residents,
        description=(description or "").strip(),
    )
    for upload in uploads:
        activity.photos.append(
            ActivityPhoto(
                file=store_upload(upload, user=actor, allowed_kinds=("image",), max_bytes=10 * MB)
            )
        )
    report.activities.append(activity)
    db.session.flush()
    record(
        "followup.add_activity",
        activity,
        actor=actor,
        changes={
            "report_id": report.id,
            "held_on": held_on,
            "community_id": community_id,
            "participants": participants,
            "residents": residents,
            "photos": len(uploads),
        },
    )
    return activity


@service
def remove_activity(activity, *, actor) -> None:
    report = activity.report
    _ensure_running(report.project)
    _ensure_draft(report)
    record(
        "followup.remove_activity",
        activity,
        actor=actor,
        changes={"report_id": report.id, "held_on": activity.held_on},
    )
    report.activities.remove(activity)


@service
def submit_report(report, *, summary: str | None = None, actor) -> None:
    """Submit a report: it becomes read-only and its activities wait for the liaisons."""
    project = report.project
    _ensure_running(project)
    _ensure_draft(report)
    if summary is not None:
        report.summary = summary.strip()
    require_text(report.summary, "summary", _("Write a summary of the period before submitting."))
    if today_local() < report.period_start:
        raise Conflict(_("This report's period has not started yet."))
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = utcnow()
    report.submitted_by_id = actor.id
    record(
        "followup.submit_report",
        report,
        actor=actor,
        changes={
            "status": [ReportStatus.DUE, ReportStatus.SUBMITTED],
            "activities": len(report.activities),
        },
    )
    _tell_liaisons(report)


def _tell_liaisons(report) -> None:
    from venture.accounts.models import User
    from venture.orgs.models import community_liaison

    community_ids = {a.community_id for a in report.activities}
    if not community_ids:
        return
    liaisons = db.session.scalars(
        sa.select(User)
        .join(community_liaison, community_liaison.c.user_id == User.id)
        .where(community_liaison.c.area_id.in_(community_ids), User.active.is_(True))
        .distinct()
        .order_by(User.id)
    )
    project = report.project
    notify_all(
        liaisons,
        "activities_to_confirm",
        competition_id=project.competition_id,
        link=external("followup.liaison_home"),
        project_name=project.application.project_name,
        organization=project.organization.name,
        count=len(report.activities),
    )


@service
def review_activity(activity, *, confirm: bool, note: str, actor) -> None:
    """The host community's liaison confirms or disputes an activity record."""
    if activity.community_id not in communities_of_liaison(actor):
        raise Forbidden(_("Only the liaison of the activity's community can confirm it."))
    if activity.report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("This activity's report has not been submitted yet."))
    if activity.liaison_status != LiaisonStatus.PENDING:
        raise Conflict(_("This activity record has already been reviewed."))
    note = (note or "").strip()
    if not confirm and not note:
        raise ValidationError(
            _("Say what is wrong with the record when you dispute it."), field="note"
        )
    status = LiaisonStatus.CONFIRMED if confirm else LiaisonStatus.DISPUTED
    activity.liaison_status = status
    activity.liaison_note = note
    activity.reviewed_by_id = actor.id
    activity.reviewed_at = utcnow()
    record(
        "followup.review_activity",
        activity,
        actor=actor,
        changes={"liaison_status": [LiaisonStatus.PENDING, status], "note": note},
    )
    if status == LiaisonStatus.DISPUTED:
        open_dispute(
            activity, note=note, actor=actor
        )  # told to the organization and the organizers


# --- milestones and spending --------------------------------------------------------


@service
def complete_milestone(milestone, *, note: str, upload=None, actor) -> None:
    _ensure_running(milestone.project)
    if milestone.done_at is not None:
        raise Conflict(_("This milestone is already marked as done."))
    milestone.evidence_note = require_text(
        note, "note", _("Describe the evidence that the milestone is done.")
    )
    if upload is not None and getattr(upload, "filename", ""):
        milestone.evidence_file = store_upload(upload, user=actor, allowed_kinds=EVIDENCE_KINDS)
    milestone.done_at = utcnow()
    record(
        "followup.complete_milestone",
        milestone,
        actor=actor,
        changes={"done": [False, True], "note": milestone.evidence_note},
    )


@service
def record_expense(
    project,
    *,
    line_id: int | None,
    amount_fen: int | None,
    spent_on: date | None,
    description: str,
    voucher=None,
    actor,
) -> Expense:
    """Record spending against a line of the approved budget, with its voucher."""
    _ensure_running(project)
    line = next((line for line in project.budget if line.id == line_id), None)
    if line is None:
        raise ValidationError(_("Choose a line of the approved budget."), field="line_id")
    if amount_fen is None or amount_fen <= 0:
        raise ValidationError(_("Enter an amount above zero."), field="amount")
    not_in_future(spent_on, "spent_on")
    if voucher is None or not getattr(voucher, "filename", ""):
        raise ValidationError(_("Attach the voucher (invoice or receipt)."), field="voucher")
    expense = Expense(
        project_id=project.id,
        line=line,
        amount_fen=amount_fen,
        spent_on=spent_on,
        description=(description or "").strip()[:300],
        recorded_by_id=actor.id,
        voucher=store_upload(voucher, user=actor, allowed_kinds=("pdf", "image")),
    )
    db.session.add(expense)
    db.session.flush()
    record(
        "followup.record_expense",
        expense,
        actor=actor,
        changes={
            "project_id": project.id,
            "line": line.name,
            "amount_fen": amount_fen,
            "spent_on": spent_on,
        },
    )
    return expense


# --- deadline extensions (延期) -------------------------------------------------------


@service
def extend_deadline(item, *, due_on: date | None, actor) -> None:
    """The organizer moves the deadline of an unsubmitted report or self-assessment."""
    from venture.followup.models import Evaluation

    is_evaluation = isinstance(item, Evaluation)
    open_status = EvaluationStatus.OPEN if is_evaluation else ReportStatus.DUE
    if item.status != open_status:
        raise Conflict(_("Only the deadline of something not yet submitted can be extended."))
    if item.project.status in (ProjectStatus.TERMINATED, ProjectStatus.CLOSED):
        raise Conflict(_("This project has ended."))
    if due_on is None or due_on < today_local():
        raise ValidationError(_("The new deadline must be today or later."), field="due_on")
    new_due = rules.local_end_of_day(due_on)
    record(
        "followup.extend_deadline", item, actor=actor, changes={"due_at": [item.due_at, new_due]}
    )
    item.due_at = new_due
