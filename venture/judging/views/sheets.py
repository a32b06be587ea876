"""Judge-facing pages: the dashboard, conflict declaration, the score sheet (with its
autosave JSON), the application view and its attachments, and the sheets of an
application once they may be seen."""

from __future__ import annotations

from collections import defaultdict

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts.forms import ConfirmForm
from venture.applications.models import Attachment
from venture.competitions.gates import closes_at_by_stage
from venture.competitions.models import StageKind
from venture.db import get_or_404, utcnow
from venture.errors import Conflict, DomainError
from venture.files.services import download, served_name
from venture.forms import coerce_id, whole_number
from venture.judging import policies, queries
from venture.judging.forms import ReasonForm
from venture.judging.models import Recommendation, RoadshowSession, ScoreSheet
from venture.judging.services import conflicts
from venture.judging.services import sheets as sheet_services
from venture.judging.views import bp
from venture.judging.views.helpers import json_error, load_application, load_stage, sheet_values
from venture.judging.views.roadshow import render_live
from venture.policy import require, roles, signed_in
from venture.security import TooDeep, loads_json, refuse_too_deep, refuse_unstorable
from venture.templating import LOCAL_TZ
from venture.web import attempt


@bp.route("/")
@roles("judge")
def dashboard():
    rows = policies.without_conflicts(current_user, queries.judge_assignments(current_user.id))
    now = utcnow()
    groups = _by_stage(rows, now)
    closes = closes_at_by_stage([g["stage"] for g in groups], user=current_user)
    return render_template("judging/dashboard.html", groups=groups, closes=closes, now=now)


def _by_stage(rows, now) -> list[dict]:
    """The rows by stage, with how many sheets are submitted; open stages first, the one
    closing soonest first."""
    by_stage: dict[int, dict] = {}
    for assignment, sheet in rows:
        group = by_stage.setdefault(
            assignment.stage_id, {"stage": assignment.stage, "rows": [], "done": 0}
        )
        group["rows"].append((assignment, sheet))
        group["done"] += 1 if sheet is not None and sheet.is_submitted else 0
    return sorted(
        by_stage.values(), key=lambda g: (g["stage"].has_ended(now), g["stage"].closes_at or now)
    )


def _sheet_context(stage, application, sheet, *, values=None, errors=None):
    rubric = sheet.rubric if sheet is not None else stage.rubric
    if values is None:
        values = sheet_values(sheet)
    return {
        "stage": stage,
        "application": application,
        "sheet": sheet,
        "rubric": rubric,
        "values": values,
        "errors": errors or {},
        "blind": policies.is_blind_for(current_user, stage),
        "problem": sheet_services.editable_problem(current_user, stage, application, sheet),
        "recommendations": list(Recommendation),
        "attachments": _visible_attachments(stage, application),
    }


def _visible_attachments(stage, application):
    return policies.visible_attachments(current_user, stage, queries.attachments_of(application.id))


def _load_for_judge(stage_id: int, application_id: int):
    stage = load_stage(stage_id)
    application = load_application(stage, application_id)
    require(policies.can_score(current_user, stage, application))
    return stage, application


def _roadshow_session(stage, application) -> RoadshowSession:
    session = queries.roadshow_session_of(stage.id, application.id)
    if session is None:
        raise Conflict(_("This project is not in a roadshow session yet."))
    return session


def _roadshow_redirect(stage, application):
    return redirect(
        url_for("judging.roadshow_live", session_id=_roadshow_session(stage, application).id)
    )


@bp.route("/stages/<int:stage_id>/applications/<int:application_id>", methods=["GET", "POST"])
@roles("judge")
def sheet(stage_id: int, application_id: int):
    stage, application = _load_for_judge(stage_id, application_id)
    roadshow = stage.kind == StageKind.ROADSHOW
    if roadshow and request.method == "GET":
        return _roadshow_redirect(stage, application)
    if not policies.has_confirmed_no_conflict(current_user, stage, application):
        if roadshow:
            return _roadshow_redirect(stage, application)
        return render_template(
            "judging/declare.html",
            stage=stage,
            application=application,
            form=ReasonForm(),
            confirm_form=ConfirmForm(),
            blind=policies.is_blind_for(current_user, stage),
        )
    if request.method == "POST":
        return _post_sheet(stage, application)
    return render_template(
        "judging/sheet.html",
        **_sheet_context(stage, application, _current_sheet(stage, application)),
    )


def _post_sheet(stage, application):
    """Save or submit from the page's form. Whatever is refused, the page comes back with
    everything the judge typed and the refused answers marked, never a redirect that
    drops them (online review, roadshow and evaluations alike)."""
    submit = request.form.get("action") == "submit"
    outcome = attempt(
        None,
        sheet_services.save_sheet,
        current_user,
        stage,
        application,
        request.form,
        version=request.form.get("version", type=coerce_id) or 0,
        submit=submit,
    )
    if not outcome:  # flashed; a SheetInvalid names the refused answers
        errors = getattr(outcome.error, "errors", None)
        return _typed_again(stage, application, errors=errors, status=outcome.status)
    saved = outcome.value
    if saved.invalid:
        flash(
            _(
                "Your draft has been saved, except %(count)d marked answer(s): correct them and save again.",
                count=len(saved.invalid),
            ),
            "warning",
        )
        return _typed_again(stage, application, errors=saved.invalid, status=422)
    flash(
        _("Your sheet has been submitted. Thank you.")
        if submit
        else _("Your draft has been saved."),
        "success",
    )
    if stage.kind == StageKind.ROADSHOW:
        return _roadshow_redirect(stage, application)
    if submit:
        return redirect(url_for("judging.dashboard"))
    return redirect(url_for("judging.sheet", stage_id=stage.id, application_id=application.id))


def _typed_again(stage, application, *, errors=None, status: int):
    """The sheet's page again with the typed values (and the version the server has now,
    so the next save is not refused as stale)."""
    values = _form_values()
    if stage.kind == StageKind.ROADSHOW:
        return render_live(
            _roadshow_session(stage, application),
            typed=(application.id, values, errors or {}),
            status=status,
        )
    context = _sheet_context(
        stage, application, _current_sheet(stage, application), values=values, errors=errors
    )
    return render_template("judging/sheet.html", **context), status


def _current_sheet(stage, application):
    return sheet_services.get_sheet(stage.id, application.id, current_user.id)


def _form_values() -> dict:
    values = request.form.to_dict()
    for key in list(values):
        if key.startswith("na-"):
            values[key] = True
    return values


@bp.route("/stages/<int:stage_id>/applications/<int:application_id>/confirm", methods=["POST"])
@roles("judge")
def confirm_no_conflict(stage_id: int, application_id: int):
    stage, application = _load_for_judge(stage_id, application_id)
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("The form has expired. Reload the page and try again."))
    conflicts.confirm_no_conflict(
        current_user, policies.active_assignment(current_user, stage.id, application.id)
    )
    if stage.kind == StageKind.ROADSHOW:
        return _roadshow_redirect(stage, application)
    return redirect(url_for("judging.sheet", stage_id=stage.id, application_id=application.id))


@bp.route("/stages/<int:stage_id>/applications/<int:application_id>/declare", methods=["POST"])
@roles("judge")
def declare_conflict(stage_id: int, application_id: int):
    stage, application = _load_for_judge(stage_id, application_id)
    form = ReasonForm()
    if form.validate_on_submit():
        declared = attempt(
            None,  # a refusal is said above the page, as the page has always said it
            conflicts.declare_conflict,
            current_user,
            policies.active_assignment(current_user, stage.id, application.id),
            form.reason.data,
        )
        if declared:
            _say_declared(replaced=declared.value is not None)
            if stage.kind == StageKind.ROADSHOW:
                return _roadshow_redirect(stage, application)
            return redirect(url_for("judging.dashboard"))
    return render_template(
        "judging/declare.html",
        stage=stage,
        application=application,
        form=form,
        confirm_form=ConfirmForm(),
        blind=policies.is_blind_for(current_user, stage),
    ), 422


def _say_declared(*, replaced: bool) -> None:
    # The truth: a replacement exists only when one could be assigned.
    if replaced:
        flash(
            _(
                "Your conflict of interest has been recorded; another judge has been assigned in your "
                "place."
            ),
            "success",
        )
    else:
        flash(
            _(
                "Your conflict of interest has been recorded and you no longer score this application. "
                "No other judge could be assigned in your place: you are replaced only if the organizer "
                "assigns someone. The organizer has been told."
            ),
            "warning",
        )


def _payload() -> dict:
    """The sheet's fields from a JSON body, or from a form's ``payload`` (sendBeacon)."""
    if request.is_json:
        data = request.get_json(silent=True)
    else:
        try:
            data = loads_json(request.form.get("payload") or "{}")
        except TooDeep:
            refuse_too_deep()
        except ValueError:
            data = None
    data = data if isinstance(data, dict) else {}
    refuse_unstorable(data)  # decoded here, after the request guard looked at the raw form
    return data


@bp.route("/stages/<int:stage_id>/applications/<int:application_id>/autosave", methods=["POST"])
@roles("judge")
def autosave(stage_id: int, application_id: int):
    stage, application = _load_for_judge(stage_id, application_id)
    data = _payload()
    version = whole_number(data.get("version") or 0)  # "abc", 1e400 or 2**63: no version (a 409)
    version = -1 if version is None else version
    # Two refusals carry more than a message, so they are caught here: the answers a
    # submission lacks, and the version the server holds after a stale save. Any other
    # refusal is the app's JSON error (this endpoint is posted JSON, or a beacon's form
    # whose answer nobody reads).
    try:
        saved = sheet_services.save_sheet(
            current_user,
            stage,
            application,
            data,
            version=version,
            submit=str(data.get("action")) == "submit",
        )
    except sheet_services.SheetInvalid as error:  # a submission with invalid or missing answers
        return json_error(error, errors=error.errors)
    except Conflict as error:
        current = sheet_services.get_sheet(stage.id, application.id, current_user.id)
        return json_error(
            error,
            version=current.version if current else 0,
            status=str(current.status) if current else "not_started",
        )
    # A draft keeps every valid answer; the invalid ones are named so the page marks them.
    return jsonify(
        {
            "ok": True,
            "version": saved.sheet.version,
            "status": str(saved.sheet.status),
            "saved_at": saved.sheet.updated_at.astimezone(LOCAL_TZ).strftime("%H:%M:%S"),
            "errors": saved.invalid,
        }
    )


@bp.route("/stages/<int:stage_id>/applications/<int:application_id>/sheet.json")
@roles("judge")
def sheet_json(stage_id: int, application_id: int):
    stage, application = _load_for_judge(stage_id, application_id)
    current = sheet_services.get_sheet(stage.id, application.id, current_user.id)
    problem = sheet_services.editable_problem(current_user, stage, application, current)
    return jsonify(
        {
            "version": current.version if current else 0,
            "status": str(current.status) if current else "not_started",
            "editable": problem is None,
            "values": sheet_values(current),
        }
    )


@bp.route("/stages/<int:stage_id>/applications/<int:application_id>/application")
@signed_in
def application_view(stage_id: int, application_id: int):
    stage = load_stage(stage_id)
    application = load_application(stage, application_id)
    require(policies.can_open_application(current_user, stage, application))
    if not policies.has_confirmed_no_conflict(current_user, stage, application):
        return redirect(url_for("judging.sheet", stage_id=stage.id, application_id=application.id))
    return render_template(
        "judging/application.html",
        stage=stage,
        application=application,
        blind=policies.is_blind_for(current_user, stage),
        attachments=_visible_attachments(stage, application),
    )


@bp.route(
    "/stages/<int:stage_id>/applications/<int:application_id>/attachments/<int:attachment_id>"
)
@signed_in
def attachment(stage_id: int, application_id: int, attachment_id: int):
    stage = load_stage(stage_id)
    application = load_application(stage, application_id)
    item = get_or_404(Attachment, attachment_id)
    require(policies.can_download_attachment(current_user, stage, application, item))
    if not policies.is_blind_for(current_user, stage):
        return download(item.file)
    # Blind: saved as the page names it ("Attachment 2"), without the applicant's file name
    # or the document properties that may name them.
    number = next(
        i for i, a in enumerate(_visible_attachments(stage, application), 1) if a.id == item.id
    )
    return download(
        item.file, name=served_name(item.file, blind_attachment_label(number)), blind=True
    )


def blind_attachment_label(number: int) -> str:
    return _("Attachment %(n)d", n=number)


@bp.route("/stages/<int:stage_id>/applications/<int:application_id>/sheets")
@signed_in
def application_sheets(stage_id: int, application_id: int):
    stage = load_stage(stage_id)
    application = load_application(stage, application_id)
    require(policies.can_view_all_sheets(current_user, stage, application))
    items = policies.visible_sheets(
        current_user, queries.application_sheets(stage.id, application.id)
    )
    totals = {s.id: sheet_services.sheet_total(s) for s in items}
    rubric = items[0].rubric if items else stage.rubric
    scores = defaultdict(dict)
    for s in items:
        for row in s.scores:
            scores[s.id][row.criterion_id] = row
    return render_template(
        "judging/application_sheets.html",
        stage=stage,
        application=application,
        sheets=items,
        totals=totals,
        rubric=rubric,
        scores=scores,
        blind=policies.is_blind_for(current_user, stage),
        reopen_form=ReasonForm(),
    )


@bp.route("/sheets/<int:sheet_id>/reopen", methods=["POST"])
@roles("organizer")
def reopen(sheet_id: int):
    item = get_or_404(ScoreSheet, sheet_id)
    require(policies.can_reopen(current_user, item))
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for reopening the sheet."), "danger")
    elif attempt(None, sheet_services.reopen_sheet, item, form.reason.data, current_user):
        flash(_("The sheet has been reopened; the judge has been told."), "success")
    return redirect(
        url_for(
            "judging.application_sheets", stage_id=item.stage_id, application_id=item.application_id
        )
    )
