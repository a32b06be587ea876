"""An organization's social workers: its members keep them, organizers read them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.db import get_or_404
from venture.errors import NotFound
from venture.orgs import forms, policies, services
from venture.orgs.models import Organization, SocialWorker
from venture.orgs.views import bp
from venture.policy import require, signed_in
from venture.web import attempt, render_form


def _org_for_editing(org_id: int) -> Organization:
    require(policies.can_edit_social_workers(current_user, org_id))
    return get_or_404(Organization, org_id)


def _worker_of(org: Organization, worker_id: int) -> SocialWorker:
    worker = get_or_404(SocialWorker, worker_id)
    if worker.organization_id != org.id:
        raise NotFound()
    return worker


@bp.route("/orgs/<int:org_id>/workers")
@signed_in
def workers(org_id: int):
    require(policies.can_view_social_workers(current_user, org_id))
    org = get_or_404(Organization, org_id)
    return render_template(
        "orgs/workers.html",
        org=org,
        workers=services.social_workers_of(org),
        can_edit=policies.can_edit_social_workers(current_user, org.id),
    )


@bp.route("/orgs/<int:org_id>/workers/new", methods=["GET", "POST"])
@signed_in
def add_worker(org_id: int):
    org = _org_for_editing(org_id)
    form = forms.SocialWorkerForm()
    if form.validate_on_submit():
        added = attempt(form, services.add_social_worker, org, actor=current_user, data=form.data)
        if added:
            flash(_("%(name)s has been added.", name=added.value.name), "success")
            return redirect(url_for("orgs.workers", org_id=org.id))
    return render_form("orgs/worker_form.html", form, org=org, worker=None)


@bp.route("/orgs/<int:org_id>/workers/<int:worker_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_worker(org_id: int, worker_id: int):
    org = _org_for_editing(org_id)
    worker = _worker_of(org, worker_id)
    form = forms.SocialWorkerForm(obj=worker)
    if request.method == "GET":
        form.qualification.data = worker.qualification.value
    if form.validate_on_submit() and attempt(
        form, services.update_social_worker, worker, actor=current_user, data=form.data
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("orgs.workers", org_id=org.id))
    return render_form("orgs/worker_form.html", form, org=org, worker=worker)


@bp.route("/orgs/<int:org_id>/workers/<int:worker_id>/active", methods=["POST"])
@signed_in
def worker_active(org_id: int, worker_id: int):
    org = _org_for_editing(org_id)
    worker = _worker_of(org, worker_id)
    active = request.form.get("active") == "1"
    services.set_social_worker_active(worker, active, actor=current_user)
    flash(
        _("%(name)s is active again.", name=worker.name)
        if active
        else _("%(name)s is marked as no longer working here.", name=worker.name),
        "success",
    )
    return redirect(url_for("orgs.workers", org_id=org.id))
