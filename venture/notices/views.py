from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts.forms import ConfirmForm
from venture.forms import coerce_id, page_number
from venture.notices import kinds, services
from venture.notices.models import EmailStatus
from venture.policy import organizer_only, signed_in
from venture.web import safe_next

bp = Blueprint("notices", __name__)


@bp.route("/inbox")
@signed_in
def inbox():
    page = services.inbox_page(current_user, request.args.get("page", 1, type=page_number))
    return render_template("notices/inbox.html", page=page, form=ConfirmForm())


@bp.route("/inbox/<int:notice_id>")
@signed_in
def show(notice_id: int):
    notice = services.get_own_notice(current_user, notice_id)
    return render_template("notices/show.html", notice=notice, form=ConfirmForm())


@bp.route("/inbox/<int:notice_id>/open", methods=["POST"])
@signed_in
def open_notice(notice_id: int):
    """Mark as read and follow the notice's link."""
    notice = services.mark_read(current_user, notice_id)
    return redirect(
        safe_next(
            notice.link.removeprefix(_base_url()), url_for("notices.show", notice_id=notice.id)
        )
    )


@bp.route("/inbox/<int:notice_id>/read", methods=["POST"])
@signed_in
def mark_read(notice_id: int):
    services.mark_read(current_user, notice_id)
    return redirect(url_for("notices.inbox"))


@bp.route("/inbox/read-all", methods=["POST"])
@signed_in
def mark_all_read():
    count = services.mark_all_read(current_user)
    flash(_("%(n)d notice(s) marked as read.", n=count), "success")
    return redirect(url_for("notices.inbox"))


@bp.route("/admin/notices")
@organizer_only
def delivery_log():
    status = request.args.get("status") or None
    if status not in {s.value for s in EmailStatus}:
        status = None
    kind = request.args.get("kind") or None
    if kind not in kinds.KINDS:
        kind = None
    q = (request.args.get("q") or "").strip() or None
    competition_id = request.args.get("competition", type=coerce_id)
    page = services.delivery_log(
        status=status,
        kind=kind,
        q=q,
        page=request.args.get("page", 1, type=page_number),
        competition_id=competition_id,
    )
    return render_template(
        "notices/delivery_log.html",
        page=page,
        status=status,
        kind=kind,
        q=q or "",
        statuses=list(EmailStatus),
        kinds=kinds.KINDS,
        form=ConfirmForm(),
        competitions=services.log_competitions(),
        competition_id=competition_id,
    )


@bp.route("/admin/notices/<int:notice_id>/resend", methods=["POST"])
@organizer_only
def resend(notice_id: int):
    services.resend(notice_id, actor=current_user)
    flash(_("The notice has been queued to be sent again."), "success")
    return redirect(
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else url_for("notices.delivery_log")
    )


def _base_url() -> str:
    from flask import current_app

    return current_app.config["BASE_URL"]
