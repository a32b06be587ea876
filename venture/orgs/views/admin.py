"""The organizer's side: the list of organizations, verification, list flags."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.db import get_or_404
from venture.errors import NotFound
from venture.forms import page_number
from venture.orgs import forms, queries, services
from venture.orgs.labels import FIELD_LABELS
from venture.orgs.models import Organization, OrgFlag, OrgType, VerificationStatus
from venture.orgs.views import bp
from venture.policy import organizer_only
from venture.web import attempt


@bp.route("/admin/orgs/")
@organizer_only
def admin_list():
    status = request.args.get("status") or None
    org_type = request.args.get("type") or None
    q = (request.args.get("q") or "").strip()
    page = queries.organization_page(
        status=status,
        org_type=org_type,
        q=q,
        page=request.args.get("page", 1, type=page_number),
    )
    return render_template(
        "orgs/admin_list.html",
        page=page,
        status=status,
        org_type=org_type,
        q=q,
        statuses=list(VerificationStatus),
        types=list(OrgType),
        changes_filter=services.CHANGES_TO_CONFIRM,
    )


def _show_with_errors(org: Organization, status: int, **forms_):
    """Re-render the organization page with the organizer's forms and their errors."""
    context = {
        "org": org,
        "members": services.members_of(org),
        "workers": services.social_workers_of(org),
        "is_member": False,
        "field_labels": FIELD_LABELS,
        "changes": services.pending_changes(org),
        "reject_form": forms.RejectForm(formdata=None),
        "flag_form": forms.FlagForm(formdata=None),
        "end_flag_form": forms.EndFlagForm(formdata=None),
    }
    context.update(forms_)
    return render_template("orgs/show.html", **context), status


@bp.route("/admin/orgs/<int:org_id>/verify", methods=["POST"])
@organizer_only
def verify(org_id: int):
    org = get_or_404(Organization, org_id)
    confirming = org.is_verified
    services.verify_organization(org, actor=current_user)
    if confirming:
        flash(_("The changes to %(name)s are confirmed.", name=org.name), "success")
    else:
        flash(_("%(name)s is verified; its members have been told.", name=org.name), "success")
    return redirect(url_for("orgs.show", org_id=org.id))


@bp.route("/admin/orgs/<int:org_id>/reject", methods=["POST"])
@organizer_only
def reject(org_id: int):
    org = get_or_404(Organization, org_id)
    form = forms.RejectForm()
    if form.validate_on_submit():
        rejected = attempt(
            form, services.reject_organization, org, actor=current_user, reason=form.reason.data
        )
        if not rejected:
            return _show_with_errors(org, rejected.status, reject_form=form)
        flash(_("%(name)s is rejected; its members have been told why.", name=org.name), "success")
        return redirect(url_for("orgs.show", org_id=org.id))
    return _show_with_errors(org, 422, reject_form=form)


@bp.route("/admin/orgs/<int:org_id>/flags", methods=["POST"])
@organizer_only
def add_flag(org_id: int):
    org = get_or_404(Organization, org_id)
    form = forms.FlagForm()
    if form.validate_on_submit():
        added = attempt(
            form,
            services.add_flag,
            org,
            actor=current_user,
            kind=form.kind.data,
            listed_on=form.listed_on.data,
            note=form.note.data or "",
        )
        if not added:
            return _show_with_errors(org, added.status, flag_form=form)
        flash(_("The listing has been recorded."), "success")
        return redirect(url_for("orgs.show", org_id=org.id) + "#flags")
    return _show_with_errors(org, 422, flag_form=form)


@bp.route("/admin/orgs/<int:org_id>/flags/<int:flag_id>/end", methods=["POST"])
@organizer_only
def end_flag(org_id: int, flag_id: int):
    org = get_or_404(Organization, org_id)
    flag = get_or_404(OrgFlag, flag_id)
    if flag.organization_id != org.id:
        raise NotFound()
    form = forms.EndFlagForm()
    if form.validate_on_submit():
        ended = attempt(
            form,
            services.end_flag,
            flag,
            actor=current_user,
            removed_on=form.removed_on.data,
            note=form.note.data or "",
        )
        if not ended:
            return _show_with_errors(org, ended.status, end_flag_form=form)
        flash(_("The end of the listing has been recorded."), "success")
        return redirect(url_for("orgs.show", org_id=org.id) + "#flags")
    return _show_with_errors(org, 422, end_flag_form=form)
