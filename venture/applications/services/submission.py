"""Submitting (a code, a frozen revision, a notice to the members) and withdrawing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from venture.applications import policies
from venture.applications.models import Application, ApplicationRevision, ApplicationStatus
from venture.applications.services.drafting import (
    EDITABLE,
    _bump_version,
    ensure_editable,
    loaded_version,
    submission_problems,
)
from venture.applications.snapshot import build_snapshot
from venture.audit.services import record
from venture.competitions.models import Competition, StageKind
from venture.db import service, utcnow
from venture.errors import Conflict, DeadlinePassed, Forbidden, ValidationError
from venture.extensions import db
from venture.notices.services import notify
from venture.orgs.models import Membership
from venture.templating import format_local


class SubmissionRefused(ValidationError):
    """The application is not complete or breaks a rule; ``problems`` lists them all."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(
            _("The application cannot be submitted yet: %(first)s", first=problems[0].message)
            if len(problems) == 1
            else _(
                "The application cannot be submitted yet: %(count)d things need attention. %(first)s",
                count=len(problems),
                first=problems[0].message,
            )
        )


def allocate_code(competition: Competition) -> str:
    """The next code of the competition, without gaps or duplicates.

    One UPDATE increments the counter and returns it: on PostgreSQL the row lock
    makes a concurrent submission wait for this transaction, on SQLite the write lock
    does; if the submission rolls back, so does the counter.
    """
    seq = (
        db.session.execute(
            sa.update(Competition)
            .where(Competition.id == competition.id)
            .values(next_application_seq=Competition.next_application_seq + 1)
            .returning(Competition.next_application_seq)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        - 1
    )
    return f"{competition.code_prefix}-{seq:03d}"


def member_users(application: Application) -> list:
    from venture.accounts.models import User

    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == application.organization_id, User.active.is_(True))
            .order_by(User.id)
        )
    )


def application_link(application: Application) -> str:
    return current_app.config["BASE_URL"] + url_for(
        "applications.show", application_id=application.id
    )


def notify_members(application: Application, kind: str, **context) -> None:
    link = application_link(application)
    for user in member_users(application):
        notify(
            user,
            kind,
            link=link,
            competition_id=application.competition_id,
            application=application,
            code=application.display_code,
            project=application.project_name,
            organization=application.organization.name,
            competition=application.competition.name,
            **context,
        )


@service
def submit_application(
    application: Application, *, actor, version: int | None = None, now: datetime | None = None
) -> ApplicationRevision:
    """Check everything again, give the code (first time), freeze revision N, tell the members."""
    now = now or utcnow()
    if not policies.can_edit(actor, application):
        raise Forbidden()
    ensure_editable(application, now)
    problems = submission_problems(application)
    if problems:
        raise SubmissionRefused(problems)
    _bump_version(
        application, application.version if version is None else loaded_version(version), actor
    )
    old_status = application.status
    if application.code is None:
        application.code = allocate_code(application.competition)
    application.revision += 1
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = application.submitted_at or now
    application.last_submitted_at = now
    application.resubmit_deadline = None
    revision = ApplicationRevision(
        number=application.revision,
        created_by_id=actor.id,
        data=build_snapshot(application, application.revision),
    )
    application.revisions.append(revision)
    db.session.flush()
    record(
        "application.submitted",
        application,
        actor=actor,
        changes={
            "status": [old_status.value, "submitted"],
            "code": [None, application.code],
            "revision": [application.revision - 1, application.revision],
        },
    )
    notify_members(
        application,
        "application_submitted",
        revision=application.revision,
        submitted_at=format_local(now),
    )
    return revision


def withdraw_deadline(application: Application) -> datetime | None:
    stage = application.competition.stage(StageKind.SCREENING)
    return stage.closes_at if stage else None


@service
def withdraw_application(
    application: Application, *, actor, reason: str = "", now: datetime | None = None
) -> None:
    """The organization takes its application back, until the screening ends."""
    now = now or utcnow()
    if not policies.can_edit(actor, application):
        raise Forbidden()
    if application.status not in (*EDITABLE, ApplicationStatus.SUBMITTED, ApplicationStatus.PASSED):
        raise Conflict(_("This application can no longer be withdrawn."))
    deadline = withdraw_deadline(application)
    if deadline is not None and now >= deadline:
        raise DeadlinePassed(
            _(
                "The screening ended on %(when)s (Beijing time); the application can no longer "
                "be withdrawn.",
                when=format_local(deadline),
            )
        )
    old = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = now
    application.version += 1
    record(
        "application.withdrawn",
        application,
        actor=actor,
        changes={"status": [old.value, "withdrawn"], "reason": [None, (reason or "").strip()]},
    )
