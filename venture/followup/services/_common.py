"""Helpers shared by the follow-up's services: links, recipients, small checks."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _

from venture.accounts.models import Role, User
from venture.errors import ValidationError
from venture.extensions import db
from venture.followup.rules import local_date
from venture.notices.services import notify
from venture.orgs.models import MemberRole, Membership


def external(endpoint: str, **values) -> str:
    """An absolute link, also from a beat task (no request)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def project_link(project) -> str:
    return external("followup.project", project_id=project.id)


def org_people(organization_id: int) -> list[User]:
    """The organization's active members, owners first."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization_id, User.active.is_(True))
            .order_by(sa.case((Membership.role == MemberRole.OWNER, 0), else_=1), User.id)
        )
    )


def organizers() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.ORGANIZER, User.active.is_(True))
            .order_by(User.id)
        )
    )


def notify_all(users, kind: str, *, competition_id: int | None = None, **context) -> None:
    for user in users:
        notify(user, kind, competition_id=competition_id, **context)


def today_local(now=None) -> date:
    from venture.db import utcnow

    return local_date(now or utcnow())


def require_text(value: str | None, field: str, message) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field)
    return text


def not_in_future(day: date | None, field: str) -> date:
    if day is None:
        raise ValidationError(_("Enter a date."), field=field)
    if day > today_local():
        raise ValidationError(_("The date cannot be in the future."), field=field)
    return day
