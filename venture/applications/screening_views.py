"""The organizer's side: the application list of a competition and eligibility screening."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.applications import eligibility, forms, queries, services
from venture.applications import labels as _labels  # noqa: F401  (enum labels)
from venture.applications.models import Application, ApplicationStatus
from venture.applications.money import rules_of
from venture.applications.services.screening import today_local
from venture.competitions import labels as _comp_labels  # noqa: F401
from venture.competitions.forms import local_to_utc
from venture.competitions.models import Competition
from venture.db import get_or_404, utcnow
from venture.forms import page_number, record_ids
from venture.policy import organizer_only
from venture.web import attempt

bp = Blueprint("screening", __name__, url_prefix="/screening")


@bp.route("/competitions/<int:competition_id>")
@organizer_only
def index(competition_id: int):
    comp = get_or_404(Competition, competition_id)
    filters = queries.ListFilters.from_args(request.args)
    page = queries.organizer_list(comp, filters, page=request.args.get("page", 1, type=page_number))
    counts = eligibility.org_application_counts(comp.id, {a.organization_id for a in page.items})
    rules = rules_of(comp)
    today = today_local()
    checks = {
        a.id: eligibility.run_checks(a, today=today, counts=counts, rules=rules) for a in page.items
    }
    return render_template(
        "applications/screening_list.html",
        comp=comp,
        page=page,
        filters=filters,
        checks=checks,
        counts=queries.status_counts(comp, filters),
        community_groups=queries.community_choices(),
        statuses=list(ApplicationStatus),
        sorts=queries.SORTS,
    )


@bp.route("/competitions/<int:competition_id>/bulk-pass", methods=["POST"])
@organizer_only
def bulk_pass(competition_id: int):
    comp = get_or_404(Competition, competition_id)
    ids = record_ids(request.form.getlist("application_id"))
    if not ids:
        flash(_("Tick the applications to pass first."), "warning")
    else:
        result = services.bulk_pass(comp, ids, actor=current_user)
        flash(_("%(n)d application(s) passed.", n=len(result.passed)), "success")
        for app, reason in result.skipped:
            flash(
                _("%(code)s was left as it is: %(reason)s", code=app.display_code, reason=reason),
                "warning",
            )
    return redirect(url_for("screening.index", competition_id=comp.id, **request.args))


def _screen_page(app: Application, status: int = 200, **form_overrides):
    forms_ = {
        "pass_form": forms.PassForm(prefix="pass"),
        "return_form": forms.ReturnForm(prefix="ret"),
        "reject_form": forms.RejectForm(prefix="rej"),
    }
    forms_.update(form_overrides)
    return render_template(
        "applications/screening_show.html",
        app=app,
        checks=services.checklist(app),
        now=utcnow(),
        **forms_,
    ), status


@bp.route("/applications/<int:application_id>")
@organizer_only
def show(application_id: int):
    app = get_or_404(Application, application_id)
    return _screen_page(app)


@bp.route("/applications/<int:application_id>/pass", methods=["POST"])
@organizer_only
def pass_(application_id: int):
    app = get_or_404(Application, application_id)
    form = forms.PassForm(prefix="pass")
    if not form.validate_on_submit():
        return _screen_page(app, 422, pass_form=form)
    services.pass_application(app, actor=current_user, note=form.note.data or "")
    flash(_("%(code)s has passed the screening.", code=app.display_code), "success")
    return redirect(url_for("screening.show", application_id=app.id))


@bp.route("/applications/<int:application_id>/return", methods=["POST"])
@organizer_only
def return_(application_id: int):
    app = get_or_404(Application, application_id)
    form = forms.ReturnForm(prefix="ret")
    status = 422
    if form.validate_on_submit():
        returned = attempt(
            form,
            services.return_application,
            app,
            actor=current_user,
            reason=form.reason.data,
            deadline=local_to_utc(form.deadline.data),
        )
        if returned:
            flash(_("%(code)s has been returned for amendment.", code=app.display_code), "success")
            return redirect(url_for("screening.show", application_id=app.id))
        status = returned.status
    return _screen_page(app, status, return_form=form)


@bp.route("/applications/<int:application_id>/reject", methods=["POST"])
@organizer_only
def reject(application_id: int):
    app = get_or_404(Application, application_id)
    form = forms.RejectForm(prefix="rej")
    status = 422
    if form.validate_on_submit():
        rejected = attempt(
            form, services.reject_application, app, actor=current_user, reason=form.reason.data
        )
        if rejected:
            flash(_("%(code)s has been rejected.", code=app.display_code), "success")
            return redirect(url_for("screening.show", application_id=app.id))
        status = rejected.status
    return _screen_page(app, status, reject_form=form)
