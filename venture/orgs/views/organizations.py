"""An organization as its members see it: register, profile, edit, members."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.db import get_or_404
from venture.errors import DomainError, NotFound
from venture.orgs import forms, policies, services
from venture.orgs.labels import FIELD_LABELS
from venture.orgs.models import Membership, Organization, VerificationStatus
from venture.orgs.views import bp
from venture.policy import require, roles, signed_in
from venture.web import attempt, render_form


def viewable_org(org_id: int) -> Organization:
    """403 for anyone but members and organizers, before telling whether it exists."""
    require(policies.can_view_organization(current_user, org_id))
    return get_or_404(Organization, org_id)


def editable_org(org_id: int) -> Organization:
    require(policies.can_edit_organization(current_user, org_id))
    return get_or_404(Organization, org_id)


def _status_for(error: DomainError) -> int:
    return error.status if error.status == 409 else 422


@bp.route("/orgs/")
@roles("applicant")
def mine():
    return render_template("orgs/mine.html", orgs=services.organizations_of(current_user))


@bp.route("/orgs/new", methods=["GET", "POST"])
@roles("applicant")
def register():
    form = forms.OrganizationForm()
    if form.validate_on_submit():
        registered = attempt(
            form, services.register_organization, actor=current_user, data=form.profile()
        )
        if not registered:
            return render_form(
                "orgs/form.html", form, status=_status_for(registered.error), org=None
            )
        org = registered.value
        flash(
            _("%(name)s is registered. The organizer will verify its data.", name=org.name),
            "success",
        )
        return redirect(url_for("orgs.show", org_id=org.id))
    return render_form("orgs/form.html", form, org=None)


@bp.route("/orgs/<int:org_id>")
@signed_in
def show(org_id: int):
    org = viewable_org(org_id)
    context = {
        "org": org,
        "members": services.members_of(org),
        "workers": services.social_workers_of(org),
        "is_member": policies.is_member(current_user, org.id),
        "field_labels": FIELD_LABELS,
    }
    if current_user.is_organizer:
        context.update(
            changes=services.pending_changes(org),
            reject_form=forms.RejectForm(),
            flag_form=forms.FlagForm(),
            end_flag_form=forms.EndFlagForm(),
        )
    return render_template("orgs/show.html", **context)


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(org_id: int):
    org = editable_org(org_id)
    form = forms.OrganizationForm(obj=org)
    if request.method == "GET":
        form.rating.data, form.annual_inspection.data, form.party_org.data = (
            org.rating.value,
            org.annual_inspection.value,
            org.party_org.value,
        )
    if form.validate_on_submit():
        updated = attempt(
            form, services.update_organization, org, actor=current_user, data=form.profile()
        )
        if not updated:
            return render_form("orgs/form.html", form, status=_status_for(updated.error), org=org)
        changes = updated.value
        if not changes:
            flash(_("Nothing was changed."), "info")
        elif org.verification_status == VerificationStatus.PENDING and org.unverified_fields:
            flash(_("Saved. The changed data will be verified again by the organizer."), "warning")
        elif org.is_verified and set(org.unverified_fields or []) & set(changes):
            flash(
                _(
                    "Saved. The organization stays verified; the organizer will confirm the changed data."
                ),
                "info",
            )
        else:
            flash(_("Saved."), "success")
        return redirect(url_for("orgs.show", org_id=org.id))
    return render_form("orgs/form.html", form, org=org)


# --- members ------------------------------------------------------------------------------


def _membership_of(org: Organization, membership_id: int) -> Membership:
    membership = get_or_404(Membership, membership_id)
    if membership.organization_id != org.id:
        raise NotFound()
    return membership


@bp.route("/orgs/<int:org_id>/members")
@signed_in
def members(org_id: int):
    org = viewable_org(org_id)
    return _members_page(org, forms.InviteMemberForm())


def _members_page(org: Organization, form, status: int | None = None):
    return render_form(
        "orgs/members.html",
        form,
        status=status,
        org=org,
        members=services.members_of(org),
        is_member=policies.is_member(current_user, org.id),
        is_owner=policies.is_owner(current_user, org.id),
    )


@bp.route("/orgs/<int:org_id>/members/invite", methods=["POST"])
@signed_in
def invite_member(org_id: int):
    require(policies.can_manage_members(current_user, org_id))
    org = get_or_404(Organization, org_id)
    form = forms.InviteMemberForm()
    if form.validate_on_submit():
        invited = attempt(
            form,
            services.invite_member,
            org,
            actor=current_user,
            email=form.email.data,
            name=form.name.data or "",
            locale=form.locale.data,
        )
        if not invited:
            return _members_page(org, form, status=_status_for(invited.error))
        membership = invited.value
        if membership.user.has_password:
            flash(_("%(email)s is now a member.", email=membership.user.email), "success")
        else:
            flash(
                _(
                    "An invitation has been sent to %(email)s; the account is a member already.",
                    email=membership.user.email,
                ),
                "success",
            )
        return redirect(url_for("orgs.members", org_id=org.id))
    return _members_page(org, form)


@bp.route("/orgs/<int:org_id>/members/<int:membership_id>/remove", methods=["POST"])
@signed_in
def remove_member(org_id: int, membership_id: int):
    require(policies.is_member(current_user, org_id))
    org = get_or_404(Organization, org_id)
    membership = _membership_of(org, membership_id)
    require(policies.can_remove_member(current_user, membership))
    leaving = membership.user_id == current_user.id
    email = membership.user.email
    services.remove_member(membership, actor=current_user)
    if leaving:
        flash(_("You have left %(name)s.", name=org.name), "success")
        return redirect(url_for("orgs.mine"))
    flash(_("%(email)s is no longer a member.", email=email), "success")
    return redirect(url_for("orgs.members", org_id=org.id))


@bp.route("/orgs/<int:org_id>/members/<int:membership_id>/role", methods=["POST"])
@signed_in
def member_role(org_id: int, membership_id: int):
    require(policies.can_change_member_role(current_user, org_id))
    org = get_or_404(Organization, org_id)
    membership = _membership_of(org, membership_id)
    role = request.form.get("role", "")
    if role not in ("owner", "member"):
        raise DomainError(_("Choose a value from the list."))
    services.set_member_role(membership, role, actor=current_user)
    flash(_("The role of %(email)s has been changed.", email=membership.user.email), "success")
    return redirect(url_for("orgs.members", org_id=org.id))
