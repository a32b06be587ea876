"""Reading the audit log for its page: the entries by filters, a page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from venture.accounts.models import User
from venture.audit.models import AuditEntry
from venture.extensions import db
from venture.templating import LOCAL_TZ

ENTRIES_PER_PAGE = 50


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered_query(args: Mapping[str, str]):
    """The entries, newest first, by the page's filters: object type and id, action (a
    prefix), actor (a part of the label or the user's name), local days from and to."""
    query = sa.select(AuditEntry).order_by(AuditEntry.seq.desc())
    if args.get("object_type"):
        query = query.where(AuditEntry.object_type == args["object_type"])
    if args.get("object_id"):
        query = query.where(AuditEntry.object_id == args["object_id"].strip())
    if args.get("action"):
        query = query.where(AuditEntry.action.ilike(f"{args['action'].strip()}%"))
    if args.get("actor"):
        pattern = f"%{args['actor'].strip()}%"
        by_name = sa.select(User.id).where(User.name.ilike(pattern))
        query = query.where(
            sa.or_(AuditEntry.actor_label.ilike(pattern), AuditEntry.actor_id.in_(by_name))
        )
    start, end = _parse_day(args.get("from")), _parse_day(args.get("to"))
    if start:
        query = query.where(AuditEntry.created_at >= datetime.combine(start, time(), LOCAL_TZ))
    if end:
        query = query.where(
            AuditEntry.created_at < datetime.combine(end + timedelta(days=1), time(), LOCAL_TZ)
        )
    return query


def entry_page(args: Mapping[str, str], page: int, per_page: int = ENTRIES_PER_PAGE):
    return db.paginate(filtered_query(args), page=page, per_page=per_page, error_out=False)


def object_types() -> list[str]:
    """The kinds of object the log names (for the filter's list)."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
        )
    )
