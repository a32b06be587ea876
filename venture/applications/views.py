"""The applicant's side: starting, filling in (with autosave), attachments, submitting,
withdrawing, the printable view, revisions and their differences."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from venture.applications import forms, policies, queries, services
from venture.applications import labels as _labels  # noqa: F401  (enum labels)
from venture.applications.eligibility import verification_note
from venture.applications.models import Application, ApplicationStatus, Attachment, AttachmentKind
from venture.applications.money import rules_of
from venture.applications.progress import next_steps
from venture.applications.sections import SECTIONS, next_section, section
from venture.applications.services.drafting import edit_refusal
from venture.applications.snapshot import (
    FIELD_LABELS,
    TABLES,
    build_snapshot,
    column_label,
    diff_snapshots,
)
from venture.competitions import labels as _comp_labels  # noqa: F401
from venture.competitions.labels import label_of as label
from venture.competitions.models import Competition
from venture.db import get_or_404, utcnow
from venture.errors import DomainError, NotFound, ValidationError
from venture.files.services import download as download_file
from venture.followup.rules import local_date
from venture.forms import coerce_id
from venture.orgs.models import Qualification
from venture.policy import require, roles, signed_in
from venture.web import attempt

bp = Blueprint("applications", __name__, url_prefix="/applications")


def _application(application_id: int, *, edit: bool = False) -> Application:
    app = get_or_404(Application, application_id)
    require(policies.can_edit(current_user, app) if edit else policies.can_view(current_user, app))
    return app


@bp.route("/")
@signed_in
def mine():
    groups = queries.applications_of_user(current_user)
    now = utcnow()
    steps = next_steps([a for _org, apps in groups for a in apps], now)
    return render_template("applications/mine.html", groups=groups, now=now, steps=steps)


@bp.route("/start/<int:competition_id>", methods=["POST"])
@roles("applicant")
def start(competition_id: int):
    comp = get_or_404(Competition, competition_id)
    form = forms.StartForm()
    orgs = {o.id: o for o in services.my_organizations(current_user)}
    org = orgs.get(form.organization_id.data)
    if org is None:
        raise ValidationError(_("Choose one of your organizations."))
    app = services.start_application(comp, org, actor=current_user)  # refusals render their message
    flash(_("Your application has been started. It saves itself while you type."), "success")
    return redirect(url_for("applications.edit", application_id=app.id, section_key="project"))


@bp.route("/<int:application_id>")
@signed_in
def show(application_id: int):
    app = _application(application_id)
    now = utcnow()
    return render_template(
        "applications/show.html",
        app=app,
        now=now,
        step=next_steps([app], now)[app.id],
        verification=verification_note(app.organization, app.competition),
        can_edit=policies.can_edit(current_user, app),
        deadline=services.edit_deadline(app),
        withdraw_deadline=services.withdraw_deadline(app),
        problems=services.submission_problems(app)
        if app.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
        else [],
    )


# --- editing -------------------------------------------------------------------------------


def _initial(app: Application, key: str) -> dict:
    """The section's current values, as the form shows them."""
    from venture.competitions.forms import fen_to_yuan

    if key == "project":
        return {
            "project_name": app.project_name,
            "category_id": app.category_id,
            "period_months": app.period_months,
            "start_date": app.start_date,
            "end_date": app.end_date,
            "communities": [c.id for c in app.communities],
        }
    if key == "plan":
        rows = [
            {"name": m.name, "month": m.month, "deliverable": m.deliverable} for m in app.milestones
        ]
        return {
            "implementation_plan": app.implementation_plan,
            "milestones": rows + [{}] * forms.BLANK_ROWS,
        }
    if key == "team":
        rows = [
            {
                "social_worker_id": t.social_worker_id,
                "name": t.name,
                "education": t.education,
                "qualification": t.qualification.value,
                "role": t.role,
            }
            for t in app.team
        ]
        return {"team": rows + [{"qualification": Qualification.NONE.value}] * forms.BLANK_ROWS}
    if key == "budget":
        rows = [
            {
                "rule_id": b.rule_id,
                "item": b.item,
                "amount": fen_to_yuan(b.amount_fen),
                "note": b.note,
            }
            for b in app.budget_lines
        ]
        return {
            "lines": rows + [{}] * forms.BLANK_ROWS,
            "requested": fen_to_yuan(app.requested_fen),
            "cofunding": fen_to_yuan(app.cofunding_fen),
        }
    spec = section(key)
    return {name: getattr(app, name) for name in spec.fields}


def _make_form(app: Application, key: str, formdata=None):
    form_cls = forms.SECTION_FORMS[key]
    if formdata is None and request.method == "POST" and request.mimetype != "application/json":
        form = form_cls()
    elif formdata is not None:
        form = form_cls(formdata=formdata, meta={"csrf": False})
    else:
        form = form_cls(data={**_initial(app, key), "version": app.version})
    _choices(app, key, form)
    return form


def _choices(app: Application, key: str, form) -> None:
    if key == "project":
        form.category_id.choices = [("", _("— choose —"))] + [
            (c.id, c.name) for c in app.competition.categories
        ]
    elif key == "team":
        workers = [
            (w.id, f"{w.name}（{label(w.qualification)}）")
            for w in app.organization.social_workers
            if w.active
        ]
        for entry in form.team.entries:
            entry.form.social_worker_id.choices = [("", _("— not from the list —"))] + workers
            entry.form.qualification.choices = [(q.value, label(q)) for q in Qualification]
    elif key == "budget":
        rules = [(r.id, f"{label(r.line_group)} · {r.name}") for r in app.competition.budget_rules]
        for entry in form.lines.entries:
            entry.form.rule_id.choices = [("", _("— choose —"))] + rules


def money_config(app: Application) -> dict:
    """The money rules and their messages for the live check in the browser."""
    rules = rules_of(app.competition)
    marks = {
        k: "{" + k + "}"
        for k in (
            "requested",
            "cofunding",
            "total",
            "maximum",
            "share",
            "cap",
            "minimum",
            "line",
            "amount",
            "group",
            "lines",
        )
    }
    return {
        "max_amount_fen": rules.max_amount_fen,
        "max_share_pct": str(rules.max_share_pct),
        "min_cofunding_pct": str(rules.min_cofunding_pct),
        "group_caps": {g: str(v) for g, v in rules.group_caps.items()},
        "group_labels": rules.group_labels,
        "rules": {
            str(r.id): {
                "group": r.group,
                "name": r.name,
                "cap": str(r.cap_pct) if r.cap_pct is not None else None,
            }
            for r in rules.rules.values()
        },
        "messages": {
            "empty": _("The budget table is empty: add its lines with their amounts."),
            "sum": _(
                "The amount requested (%(requested)s) plus the co-funding (%(cofunding)s) must equal the budget "
                "total (%(total)s).",
                **marks,
            ),
            "max_amount": _(
                "The amount requested (%(requested)s) is above the maximum of %(maximum)s per project.",
                **marks,
            ),
            "max_share": _(
                "The amount requested is %(share)s%% of the project budget; at most %(cap)s%% may be "
                "requested.",
                **marks,
            ),
            "min_cofunding": _(
                "The co-funding is %(share)s%% of the project budget; at least %(minimum)s%% is "
                "required.",
                **marks,
            ),
            "line_cap": _(
                "%(line)s is %(amount)s, %(share)s%% of the budget; the cap is %(cap)s%%.", **marks
            ),
            "group_cap": _(
                "%(group)s (%(lines)s) is %(amount)s, %(share)s%% of the budget; the cap is %(cap)s%%.",
                **marks,
            ),
            "ok": _("The budget keeps every money rule."),
        },
    }


def _edit_page(app: Application, key: str, form, status: int = 200, conflict: bool = False):
    problems = services.submission_problems(app)
    by_section = {}
    for p in problems:
        by_section.setdefault(p.field, []).append(p.message)
    context = {
        "app": app,
        "section": section(key),
        "sections": SECTIONS,
        "form": form,
        "problems": problems,
        "by_section": by_section,
        "deadline": services.edit_deadline(app),
        "now": utcnow(),
        "next_section": next_section(key),
        "conflict": conflict,
        "verification": verification_note(app.organization, app.competition),
    }
    if key == "project":
        context["community_groups"] = queries.community_choices()
    if key == "budget":
        context["money"] = money_config(app)
    if key == "attachments":
        context["upload"] = form
        context["on_file"] = services.documents_on_file(app)
        context["today"] = local_date(utcnow())
    return render_template("applications/edit.html", **context), status


@bp.route("/<int:application_id>/edit/<section_key>", methods=["GET", "POST"])
@signed_in
def edit(application_id: int, section_key: str):
    app = _application(application_id, edit=True)
    if section(section_key) is None:
        raise NotFound()
    if section_key == "attachments":
        return redirect(url_for("applications.attachments", application_id=app.id))
    refusal = edit_refusal(app)
    if refusal is not None:
        return _not_editable(app, refusal)
    form = _make_form(app, section_key)
    if request.method == "POST":
        return _save(app, section_key, form)
    return _edit_page(app, section_key, form)


def _not_editable(app: Application, refusal):
    if request.method == "POST":
        raise refusal  # refused with its status and message; nothing is written
    flash(str(refusal.message), "warning")
    return redirect(url_for("applications.show", application_id=app.id))


def _save(app: Application, key: str, form):
    """The Save button: the section's form, saved; on to the section asked for."""
    if not form.validate():
        for message in form.version.errors:  # a hidden field: its refusal is said at the top
            flash(str(message), "danger")
        return _edit_page(app, key, form, status=422)
    saved = attempt(
        form,
        services.save_section,
        app,
        key,
        form.values(),
        version=form.loaded_version,
        actor=current_user,
    )
    if not saved:
        return _refused_save(app, key, form, saved.error)
    flash(_("Saved."), "success")
    target = request.form.get("go") or key
    if section(target) is None:
        target = key
    return redirect(url_for("applications.edit", application_id=app.id, section_key=target))


def _refused_save(app: Application, key: str, form, error):
    """The page again with what was typed; after someone else's save (flashed), it holds
    the version the server has now, so saving again replaces theirs on purpose."""
    if isinstance(error, services.StaleEdit):
        form.version.data = error.current_version
        return _edit_page(app, key, form, status=error.status, conflict=True)
    return _edit_page(app, key, form, status=error.status)


@bp.route("/<int:application_id>/autosave/<section_key>", methods=["POST"])
@signed_in
def autosave(application_id: int, section_key: str):
    """The form's fields as JSON ({"fields": {name: value or [values]}}); answers the new version."""
    app = _application(application_id, edit=True)
    spec = section(section_key)
    if spec is None or not spec.autosave:
        raise NotFound()
    payload = request.get_json(silent=True) or {}
    fields = payload.get("fields")
    if not isinstance(fields, dict):
        return jsonify(
            {"error": {"status": 400, "message": _("The request could not be understood.")}}
        ), 400
    formdata = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            formdata.add(str(name), "" if item is None else str(item))
    form = _make_form(app, section_key, formdata=formdata)
    if not form.validate():
        if form.version.errors:
            return jsonify(
                {
                    "error": {
                        "status": 400,
                        "message": str(form.version.errors[0]),
                        "field": "version",
                    }
                }
            ), 400
        return jsonify(
            {
                "error": {
                    "status": 422,
                    "message": _("Some fields are not valid; they were not saved."),
                    "fields": form.errors,
                }
            }
        ), 422
    # A stale save answers with the version the server has, for the page to offer; any
    # other refusal is the app's JSON error (the body is JSON).
    try:
        services.save_section(
            app, section_key, form.values(), version=form.loaded_version, actor=current_user
        )
    except services.StaleEdit as error:
        return jsonify(
            {
                "error": {"status": 409, "message": str(error.message)},
                "version": error.current_version,
            }
        ), 409
    problems = [p.message for p in services.submission_problems(app) if p.field == section_key]
    return jsonify({"version": app.version, "saved_at": utcnow().isoformat(), "problems": problems})


# --- attachments -------------------------------------------------------------------------------


@bp.route("/<int:application_id>/attachments", methods=["GET", "POST"])
@signed_in
def attachments(application_id: int):
    app = _application(application_id, edit=True)
    form = forms.AttachmentForm()
    form.kind.choices = [(k.value, label(k)) for k in AttachmentKind]
    if form.validate_on_submit():
        added = attempt(
            form,
            services.add_attachment,
            app,
            form.file.data,
            kind=form.kind.data,
            identifying=form.identifying.data,
            valid_until=form.valid_until.data,
            actor=current_user,
        )
        if not added:
            return _edit_page(app, "attachments", form, status=added.status)
        flash(_("The file has been attached."), "success")
        return redirect(url_for("applications.attachments", application_id=app.id))
    return _edit_page(app, "attachments", form, status=422 if form.errors else 200)


def _attachment(app: Application, attachment_id: int) -> Attachment:
    attachment = next((a for a in app.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NotFound()
    return attachment


@bp.route("/<int:application_id>/attachments/<int:attachment_id>")
@signed_in
def download(application_id: int, attachment_id: int):
    app = get_or_404(Application, application_id)
    attachment = next((a for a in app.attachments if a.id == attachment_id), None)
    require(
        attachment is not None
        and policies.can_download(current_user, attachment)
        or (attachment is None and policies.can_view(current_user, app))
    )
    if attachment is None:
        raise NotFound()
    return download_file(attachment.file)


@bp.route("/<int:application_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@signed_in
def delete_attachment(application_id: int, attachment_id: int):
    app = _application(application_id, edit=True)
    if attempt(None, _remove_attachment, app, attachment_id):
        flash(_("The attachment has been removed."), "success")
    return redirect(url_for("applications.attachments", application_id=app.id))


def _remove_attachment(app: Application, attachment_id: int) -> None:
    services.remove_attachment(_attachment(app, attachment_id), actor=current_user)


@bp.route("/<int:application_id>/attachments/<int:attachment_id>/identifying", methods=["POST"])
@signed_in
def mark_attachment(application_id: int, attachment_id: int):
    app = _application(application_id, edit=True)
    attempt(None, _mark_attachment, app, attachment_id, request.form.get("identifying") == "1")
    return redirect(url_for("applications.attachments", application_id=app.id))


def _mark_attachment(app: Application, attachment_id: int, identifying: bool) -> None:
    services.set_attachment_identifying(
        _attachment(app, attachment_id), identifying, actor=current_user
    )


@bp.route("/<int:application_id>/attachments/reuse", methods=["POST"])
@signed_in
def reuse_documents(application_id: int):
    """Take the organization's documents on file (from its earlier applications)."""
    app = _application(application_id, edit=True)
    reused = attempt(None, services.reuse_documents, app, actor=current_user)
    if reused and reused.value:
        flash(_("The documents on file have been added to this application."), "success")
    elif reused:
        flash(
            _("No document on file fits this application (none valid, or over the size limit)."),
            "warning",
        )
    return redirect(url_for("applications.attachments", application_id=app.id))


# --- submitting and withdrawing ------------------------------------------------------------------


@bp.route("/<int:application_id>/submit", methods=["POST"])
@signed_in
def submit(application_id: int):
    app = _application(application_id, edit=True)
    form = forms.SubmitForm()
    if not form.validate():
        if form.version.errors:
            raise ValidationError(form.version.errors[0])
        raise DomainError(_("The form has expired. Reload the page and try again."))
    # Two refusals are shown on the submit page, each with what it carries: every problem
    # of the application, and the version someone else saved. Any other refusal is the
    # app's error page.
    try:
        services.save_section(
            app, "submit", form.values(), version=form.loaded_version, actor=current_user
        )
        services.submit_application(app, actor=current_user)
    except services.SubmissionRefused as error:
        for problem in error.problems:
            flash(problem.message, "danger")
        # The pledge was saved before the submission was refused: the page now holds the
        # version the server has, so the next save or submit is not taken for someone else's.
        form.version.data = app.version
        return _edit_page(app, "submit", form, status=422)
    except services.StaleEdit as error:
        flash(str(error.message), "danger")
        return _refused_save(app, "submit", form, error)
    flash(
        _(
            "Your application %(code)s has been submitted (revision %(n)d).",
            code=app.code,
            n=app.revision,
        ),
        "success",
    )
    return redirect(url_for("applications.show", application_id=app.id))


@bp.route("/<int:application_id>/withdraw", methods=["POST"])
@signed_in
def withdraw(application_id: int):
    app = _application(application_id, edit=True)
    form = forms.WithdrawForm()
    form.validate()
    services.withdraw_application(app, actor=current_user, reason=form.reason.data or "")
    flash(_("The application has been withdrawn."), "success")
    return redirect(url_for("applications.show", application_id=app.id))


# --- reading: print view, revisions, differences ---------------------------------------------------


def _render_data(app: Application, data: dict, *, title: str, revision=None):
    return render_template(
        "applications/print.html",
        app=app,
        data=data,
        title=title,
        revision=revision,
        field_labels=FIELD_LABELS,
        tables=TABLES,
        column_label=column_label,
    )


@bp.route("/<int:application_id>/print")
@signed_in
def print_view(application_id: int):
    app = _application(application_id)
    return _render_data(app, build_snapshot(app), title=_("Application (current state)"))


@bp.route("/<int:application_id>/revisions/<int:number>")
@signed_in
def revision(application_id: int, number: int):
    app = _application(application_id)
    rev = next((r for r in app.revisions if r.number == number), None)
    if rev is None:
        raise NotFound()
    return _render_data(app, rev.data, title=_("Revision %(n)d", n=number), revision=rev)


@bp.route("/<int:application_id>/diff")
@signed_in
def diff(application_id: int):
    app = _application(application_id)
    revisions = {r.number: r for r in app.revisions}
    if len(revisions) < 2:
        flash(_("There is only one revision so far; nothing to compare."), "info")
        return redirect(url_for("applications.show", application_id=app.id))
    new_n = request.args.get("to", type=coerce_id) or max(revisions)
    old_n = request.args.get("from", type=coerce_id) or new_n - 1
    if old_n not in revisions or new_n not in revisions:
        raise NotFound()
    result = diff_snapshots(revisions[old_n].data, revisions[new_n].data)
    return render_template(
        "applications/diff.html",
        app=app,
        old=revisions[old_n],
        new=revisions[new_n],
        result=result,
        numbers=sorted(revisions),
        column_label=column_label,
    )


from venture.applications import panels as _panels  # noqa: E402,F401  (home page panels)
