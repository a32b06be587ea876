"""The organizer's user administration: list, invite, deactivate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts import forms, queries, services
from venture.accounts.models import Role, User
from venture.db import get_or_404
from venture.errors import DomainError
from venture.forms import page_number
from venture.policy import organizer_only
from venture.web import attempt, render_form

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


@bp.route("/")
@organizer_only
def index():
    role = request.args.get("role") or None
    q = request.args.get("q") or None
    page = queries.user_page(role, q, request.args.get("page", 1, type=page_number))
    return render_template(
        "accounts/admin_users.html",
        page=page,
        role=role,
        q=q or "",
        roles=list(Role),
        form=forms.ConfirmForm(),
    )


@bp.route("/invite", methods=["GET", "POST"])
@organizer_only
def invite():
    form = forms.InviteForm()
    if request.method == "GET" and request.args.get("role") in {"judge", "liaison", "organizer"}:
        form.role.data = request.args["role"]
    if form.validate_on_submit():
        invited = attempt(
            form,
            services.invite_user,
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            invited_by=current_user,
            locale=form.locale.data,
        )
        if invited:
            flash(_("The invitation has been sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("admin_users.index"))
    return render_form(
        "accounts/invite.html", form, valid_for=services.token_max_age(services.TokenPurpose.INVITE)
    )


@bp.route("/<int:user_id>/active", methods=["POST"])
@organizer_only
def set_active(user_id: int):
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        raise DomainError(_("The form has expired. Reload the page and try again."))
    user = get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    services.set_active(user, active, actor=current_user)
    flash(
        _("The account of %(email)s is now active.", email=user.email)
        if active
        else _("The account of %(email)s has been deactivated.", email=user.email),
        "success",
    )
    return redirect(url_for("admin_users.index"))
