"""The organizer's view of the audit log, with filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user

from venture.accounts.models import User
from venture.audit import presenting
from venture.audit.models import AuditEntry
from venture.audit.services import published_head
from venture.extensions import db
from venture.forms import page_number
from venture.policy import organizer_only
from venture.templating import LOCAL_TZ

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered_query(args):
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


@bp.route("/")
@organizer_only
def index():
    page = db.paginate(
        filtered_query(request.args),
        page=request.args.get("page", 1, type=page_number),
        per_page=50,
        error_out=False,
    )
    object_types = db.session.scalars(
        sa.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    )
    return render_template(
        "audit/index.html",
        page=page,
        args=request.args,
        lines=presenting.present(page.items, current_user),
        object_types=sorted(
            ((t, presenting.noun(t)) for t in object_types if t), key=lambda pair: pair[1]
        ),
        actions=presenting.action_choices(),
        audit_head=published_head(),
    )
