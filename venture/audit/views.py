"""The organizer's view of the audit log, with filters."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from venture.audit import presenting, queries
from venture.audit.services import published_head
from venture.forms import page_number
from venture.policy import organizer_only

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
@organizer_only
def index():
    page = queries.entry_page(request.args, request.args.get("page", 1, type=page_number))
    object_types = queries.object_types()
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
