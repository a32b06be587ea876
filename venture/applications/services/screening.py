"""Eligibility screening (资格审查): pass, return for amendment, reject, bulk pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from venture.applications import eligibility
from venture.applications.models import Application, ApplicationStatus
from venture.applications.money import rules_of
from venture.applications.services.submission import notify_members
from venture.audit.services import record
from venture.competitions.locks import ensure_unlocked
from venture.db import service, utcnow
from venture.errors import Conflict, Forbidden, ValidationError
from venture.extensions import db
from venture.templating import LOCAL_TZ, format_local


def _check_screenable(application: Application, actor, action: str) -> None:
    if not getattr(actor, "is_organizer", False):
        raise Forbidden()
    ensure_unlocked(
        application.competition,
        action=action,
        object_type="application",
        object_id=application.id,
        actor=actor,
    )
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(
            _(
                "Only submitted applications can be screened; this one is %(status)s.",
                status=_label(application.status),
            )
        )


def _label(value) -> str:
    from venture.competitions.labels import label_of as label

    return label(value)


# Literal action names: the audit log's label registry must know every one (a test reads them).
SCREENING_ACTIONS = {
    ApplicationStatus.PASSED: "application.screening_passed",
    ApplicationStatus.REJECTED: "application.screening_rejected",
    ApplicationStatus.RETURNED: "application.screening_returned",
}


def _decide(
    application: Application, status: ApplicationStatus, *, actor, reason: str, now: datetime
) -> None:
    old = application.status
    application.status = status
    application.screening_reason = reason
    application.screened_at = now
    application.screened_by_id = actor.id
    application.version += 1
    record(
        SCREENING_ACTIONS[status],
        application,
        actor=actor,
        changes={
            "status": [old.value, status.value],
            "reason": [None, reason] if reason else [None, None],
            "revision": [None, application.revision],
        },
    )


def today_local(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def checklist(application: Application, now: datetime | None = None) -> list[eligibility.Check]:
    return eligibility.run_checks(application, today=today_local(now))


@service
def pass_application(
    application: Application, *, actor, note: str = "", now: datetime | None = None
) -> None:
    _check_screenable(application, actor, "application.screening_passed")
    _decide(
        application,
        ApplicationStatus.PASSED,
        actor=actor,
        reason=(note or "").strip(),
        now=now or utcnow(),
    )
    notify_members(
        application, "screening_result", passed=True, reason=application.screening_reason
    )


@service
def reject_application(
    application: Application, *, actor, reason: str, now: datetime | None = None
) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for the rejection: the organization will read it."), field="reason"
        )
    _check_screenable(application, actor, "application.screening_rejected")
    _decide(
        application, ApplicationStatus.REJECTED, actor=actor, reason=reason, now=now or utcnow()
    )
    notify_members(application, "screening_result", passed=False, reason=reason)


# A return for amendment gives the organization a week, to the end of an office day.
AMENDMENT_DAYS = 7
AMENDMENT_HOUR = 17


def default_resubmit_deadline(now: datetime | None = None) -> datetime:
    """The deadline pre-filled on the return form: AMENDMENT_DAYS after today, at 17:00 Beijing time (UTC)."""
    today = (now or utcnow()).astimezone(LOCAL_TZ).date()
    day = today + timedelta(days=AMENDMENT_DAYS)
    return datetime(day.year, day.month, day.day, AMENDMENT_HOUR, tzinfo=LOCAL_TZ).astimezone(UTC)


@service
def return_application(
    application: Application, *, actor, reason: str, deadline: datetime, now: datetime | None = None
) -> None:
    """Send back for amendment; the organization may edit and re-submit until ``deadline``."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say what needs to be amended: the organization will read it."), field="reason"
        )
    if deadline is None or deadline.tzinfo is None:
        raise ValidationError(_("Set the re-submission deadline."), field="deadline")
    if deadline <= now:
        raise ValidationError(
            _("The re-submission deadline must be in the future."), field="deadline"
        )
    _check_screenable(application, actor, "application.screening_returned")
    application.return_reason = reason
    application.resubmit_deadline = deadline
    _decide(application, ApplicationStatus.RETURNED, actor=actor, reason=reason, now=now)
    record(
        "application.resubmit_deadline_set",
        application,
        actor=actor,
        changes={"resubmit_deadline": [None, deadline.isoformat()]},
    )
    notify_members(
        application, "application_returned", reason=reason, deadline=format_local(deadline)
    )


@dataclass
class BulkResult:
    passed: list
    skipped: list  # (application, reason)


def load_for_checks(query):
    """Eager-load what the checklist reads, so checking a page costs a fixed number of queries."""
    from venture.orgs.models import Area, Organization

    return query.options(
        joinedload(Application.organization).selectinload(Organization.flags),
        joinedload(Application.category),
        selectinload(Application.budget_lines),
        selectinload(Application.attachments),
        selectinload(Application.communities).joinedload(Area.parent).joinedload(Area.parent),
    )


@service
def bulk_pass(competition, application_ids, *, actor, now: datetime | None = None) -> BulkResult:
    """Pass the chosen applications whose checklist is all green; the others are left as they are."""
    if not getattr(actor, "is_organizer", False):
        raise Forbidden()
    ensure_unlocked(
        competition,
        action="application.bulk_pass",
        object_type="competition",
        object_id=competition.id,
        actor=actor,
    )
    ids = {int(i) for i in application_ids}
    apps = (
        list(
            db.session.scalars(
                load_for_checks(
                    sa.select(Application)
                    .where(Application.competition_id == competition.id, Application.id.in_(ids))
                    .order_by(Application.code)
                )
            ).unique()
        )
        if ids
        else []
    )
    counts = eligibility.org_application_counts(competition.id, {a.organization_id for a in apps})
    rules = rules_of(competition)
    result = BulkResult([], [])
    for app in apps:
        if app.status != ApplicationStatus.SUBMITTED:
            result.skipped.append((app, _("not waiting for screening")))
            continue
        checks = eligibility.run_checks(app, today=today_local(now), counts=counts, rules=rules)
        failed = [c.title for c in checks if not c.ok]
        if failed:
            result.skipped.append((app, "、".join(failed)))
            continue
        pass_application(app, actor=actor, now=now)
        result.passed.append(app)
    return result
