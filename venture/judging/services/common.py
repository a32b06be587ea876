"""Shared by the judging services: notice kinds, absolute links, who the organizers are."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l

from venture.accounts.models import Role, User
from venture.extensions import db
from venture.judging import labels as _labels  # noqa: F401  (enum labels used in messages)
from venture.notices import kinds

kinds.register("judge_assigned", _l("Applications assigned to you for review"))
kinds.register("assignment_replaced", _l("A judge was replaced after a conflict of interest"))
kinds.register("sheet_reopened", _l("A score sheet was reopened"))
kinds.register("judge_reminder", _l("Reminder: score sheets are waiting"))
kinds.register("roadshow_schedule", _l("Roadshow schedule"))
kinds.register("roadshow_presenting", _l("Roadshow schedule for presenting organizations"))


def external(endpoint: str, **values) -> str:
    """An absolute link; works outside a request too (CLI, demo seeding, workers)."""
    if has_request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def organizers_for(competition) -> list[User]:
    """Who hears about a competition's judging: its creator, else every organizer."""
    if competition.created_by_id:
        creator = db.session.get(User, competition.created_by_id)
        if creator is not None and creator.active and creator.role == Role.ORGANIZER:
            return [creator]
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.ORGANIZER, User.active.is_(True))
            .order_by(User.id)
        )
    )


def active_judges() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.JUDGE, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )
