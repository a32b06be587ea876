"""The judge pool: organizers list, invite and import judges; judges keep their own
profile and declared ties."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts.forms import ConfirmForm
from venture.accounts.models import Role, User
from venture.db import get_or_404
from venture.errors import DomainError, NotFound
from venture.forms import page_number
from venture.judging import queries
from venture.judging.forms import InviteJudgeForm, ProfileForm, TieForm, UploadForm
from venture.judging.models import TieKind
from venture.judging.services import pool as pool_services
from venture.judging.views import bp
from venture.labels import label
from venture.policy import organizer_only, roles
from venture.web import attempt, render_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _tie_form():
    form = TieForm(prefix="tie")
    form.kind.choices = [(k.value, label(k)) for k in TieKind]
    return form


@bp.route("/profile", methods=["GET", "POST"])
@roles("judge")
def profile():
    row = pool_services.profile_of(current_user)
    form = ProfileForm(obj=row)
    if request.method == "GET" and row is not None:
        form.expertise.data = "、".join(row.expertise or [])
    if request.method == "GET" and row is None:
        form.phone.data = current_user.phone
    if form.validate_on_submit() and attempt(
        form,
        pool_services.update_profile,
        current_user,
        current_user,
        title=form.title.data,
        employer=form.employer.data,
        employer_uscc=form.employer_uscc.data,
        expertise=form.expertise.data,
        phone=form.phone.data,
    ):
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("judging.profile"))
    return render_form(
        "judging/profile.html",
        form,
        tie_form=_tie_form(),
        ties=queries.judge_ties(current_user.id),
        delete_form=ConfirmForm(),
    )


@bp.route("/profile/ties", methods=["POST"])
@roles("judge")
def add_tie():
    form = _tie_form()
    if form.validate_on_submit() and attempt(
        form,
        pool_services.add_tie,
        current_user,
        form.organization.data,
        form.kind.data,
        form.note.data,
    ):
        flash(
            _("The tie has been recorded. You will not be given this organization's applications."),
            "success",
        )
        return redirect(url_for("judging.profile"))
    row = pool_services.profile_of(current_user)
    profile_form = ProfileForm(obj=row, formdata=None)
    if row is not None:
        profile_form.expertise.data = "、".join(row.expertise or [])
    return render_template(
        "judging/profile.html",
        form=profile_form,
        tie_form=form,
        ties=queries.judge_ties(current_user.id),
        delete_form=ConfirmForm(),
    ), 422


@bp.route("/profile/ties/<int:tie_id>/delete", methods=["POST"])
@roles("judge")
def remove_tie(tie_id: int):
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("The form has expired. Reload the page and try again."))
    pool_services.remove_tie(current_user, tie_id)
    flash(_("The tie has been removed."), "success")
    return redirect(url_for("judging.profile"))


@bp.route("/judges")
@organizer_only
def judges():
    q = (request.args.get("q") or "").strip()
    expertise = (request.args.get("expertise") or "").strip()
    page = queries.judges_page(q, expertise, page=request.args.get("page", 1, type=page_number))
    return render_template(
        "judging/judges.html",
        page=page,
        q=q,
        expertise=expertise,
        profiles=pool_services.profiles_for(page.items),
        expertise_choices=pool_services.COMMON_EXPERTISE,
    )


@bp.route("/judges/<int:user_id>")
@organizer_only
def judge_detail(user_id: int):
    user = get_or_404(User, user_id)
    if user.role != Role.JUDGE:
        raise NotFound()
    return render_template(
        "judging/judge_detail.html",
        judge=user,
        profile=pool_services.profile_of(user),
        ties=queries.judge_ties(user.id),
        conflicts=queries.judge_conflicts(user.id),
    )


@bp.route("/judges/invite", methods=["GET", "POST"])
@organizer_only
def invite():
    form = InviteJudgeForm()
    if form.validate_on_submit() and attempt(
        form,
        pool_services.invite_judge,
        email=form.email.data,
        name=form.name.data,
        invited_by=current_user,
        locale=form.locale.data,
        title=form.title.data,
        employer=form.employer.data,
        employer_uscc=form.employer_uscc.data,
        expertise=form.expertise.data,
        phone=form.phone.data,
    ):
        flash(_("The invitation has been sent to %(email)s.", email=form.email.data), "success")
        return redirect(url_for("judging.judges"))
    return render_form("judging/invite.html", form)


@bp.route("/judges/template.xlsx")
@organizer_only
def import_template():
    return Response(
        pool_services.import_template(),
        mimetype=XLSX,
        headers={"Content-Disposition": "attachment; filename=judges-template.xlsx"},
    )


@bp.route("/judges/import", methods=["GET", "POST"])
@organizer_only
def import_judges():
    form = UploadForm()
    errors, warnings = [], []
    if form.validate_on_submit():
        imported = attempt(form, pool_services.import_judges, form.file.data, current_user)
        if imported:
            flash(_("%(n)d judges imported and invited.", n=len(imported.value.users)), "success")
            for warning in imported.value.warnings:
                flash(warning, "warning")
            return redirect(url_for("judging.judges"))
        if isinstance(imported.error, pool_services.ImportRejected):  # the rows' errors, listed
            errors, warnings = imported.error.errors, imported.error.warnings
    status = 422 if request.method == "POST" else 200
    return render_template(
        "judging/import.html",
        form=form,
        errors=errors,
        import_warnings=warnings,
        columns=[c.header for c in pool_services.COLUMNS],
    ), status
