"""The live roadshow: the organizer's sessions and control room, the judges' phone page,
the polled state, closed projects' results and the paper fallback."""

from __future__ import annotations

from datetime import UTC

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts.forms import ConfirmForm
from venture.competitions.models import StageKind
from venture.db import get_or_404
from venture.errors import DomainError, NotFound
from venture.forms import coerce_id, record_ids
from venture.judging import policies, queries
from venture.judging.forms import ReasonForm, SessionForm, UploadForm
from venture.judging.models import Recommendation, RoadshowSession, RoadshowStatus
from venture.judging.services import paper as paper_services
from venture.judging.services import roadshow as roadshow_services
from venture.judging.services import sheets as sheet_services
from venture.judging.views import bp
from venture.judging.views.helpers import load_stage, sheet_values
from venture.policy import organizer_only, require, signed_in
from venture.rankings.labels import method_label
from venture.templating import LOCAL_TZ
from venture.web import attempt

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _roadshow_stage(stage_id: int):
    stage = load_stage(stage_id)
    if stage.kind != StageKind.ROADSHOW:
        raise NotFound()
    return stage


def _utc(local_value):
    return local_value.replace(tzinfo=LOCAL_TZ).astimezone(UTC) if local_value else None


def _check_form() -> None:
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("The form has expired. Reload the page and try again."))


def _load_session(session_id: int) -> RoadshowSession:
    return get_or_404(RoadshowSession, session_id)


@bp.route("/stages/<int:stage_id>/roadshow", methods=["GET", "POST"])
@organizer_only
def roadshow_sessions(stage_id: int):
    stage = _roadshow_stage(stage_id)
    form = SessionForm()
    if form.validate_on_submit():
        ids = record_ids(request.form.getlist("application_id"))
        created = attempt(
            form,
            roadshow_services.create_session,
            stage,
            current_user,
            name=form.name.data,
            venue=form.venue.data or "",
            scheduled_at=_utc(form.scheduled_at.data),
            application_ids=ids or None,
        )
        if created:
            session = created.value
            flash(
                _("The session has been created with %(n)d projects.", n=len(session.slots)),
                "success",
            )
            return redirect(url_for("judging.roadshow_slots", session_id=session.id))
    sessions = queries.stage_sessions(stage.id)
    advanced = roadshow_services.advanced_in_latest_review(stage)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "judging/roadshow_sessions.html",
        stage=stage,
        sessions=sessions,
        form=form,
        advanced=len(advanced),
    ), status


@bp.route("/roadshow/<int:session_id>/edit", methods=["GET", "POST"])
@organizer_only
def roadshow_edit(session_id: int):
    session = _load_session(session_id)
    form = SessionForm(obj=session)
    if request.method == "GET" and session.scheduled_at:
        form.scheduled_at.data = session.scheduled_at.astimezone(LOCAL_TZ).replace(tzinfo=None)
    if form.validate_on_submit() and attempt(
        form,
        roadshow_services.update_session,
        session,
        current_user,
        name=form.name.data,
        venue=form.venue.data or "",
        scheduled_at=_utc(form.scheduled_at.data),
    ):
        flash(_("The session has been saved."), "success")
        return redirect(url_for("judging.roadshow_slots", session_id=session.id))
    status = 422 if request.method == "POST" else 200
    return render_template("judging/roadshow_edit.html", session=session, form=form), status


@bp.route("/roadshow/<int:session_id>/slots", methods=["GET", "POST"])
@organizer_only
def roadshow_slots(session_id: int):
    session = _load_session(session_id)
    if request.method == "POST":
        _check_form()
        attempt(None, _change_slots, session, request.form.get("action"))
        return redirect(url_for("judging.roadshow_slots", session_id=session.id))
    placed = {s.application_id for s in session.slots}
    ranking = roadshow_services.latest_review_snapshot(session.stage)
    scores = roadshow_services.review_scores(ranking)
    pickable = [
        a for a in roadshow_services.pickable_applications(session.stage) if a.id not in placed
    ]
    pickable.sort(key=lambda a: -(scores.get(a.id) or 0))
    return render_template(
        "judging/roadshow_slots.html",
        session=session,
        pickable=pickable,
        scores=scores,
        ranking=ranking,
        method_label=method_label,
        form=ConfirmForm(),
        judges=roadshow_services.session_judges(session),
    )


def _change_slots(session, action) -> None:
    """The one service the button asks for, with the slots it leaves."""
    current = [s.application_id for s in sorted(session.slots, key=lambda s: s.position)]
    if action == "add":
        current.append(request.form.get("application_id", type=coerce_id) or 0)
        roadshow_services.set_slots(session, current, current_user)
    elif action == "remove":
        target = request.form.get("application_id", type=coerce_id)
        roadshow_services.set_slots(session, [a for a in current if a != target], current_user)
    elif action in ("up", "down"):
        roadshow_services.move_slot(
            session,
            request.form.get("slot_id", type=coerce_id) or 0,
            -1 if action == "up" else 1,
            current_user,
        )
    elif action == "default":
        advanced = roadshow_services.advanced_in_latest_review(session.stage)
        if not advanced:
            raise DomainError(
                _("No online-review ranking has marked applications as advanced yet.")
            )
        roadshow_services.set_slots(session, advanced, current_user)
    else:
        raise DomainError(_("Unknown action."))


@bp.route("/roadshow/<int:session_id>/control", methods=["GET", "POST"])
@organizer_only
def roadshow_control(session_id: int):
    session = _load_session(session_id)
    if request.method == "POST":
        _check_form()
        action = request.form.get("action")
        done = attempt(None, _control, session, action, request.form.get("confirmed") == "1")
        if done and done.value is not None:
            pending = done.value
            return _control_page(session, confirm=(action, pending), status=pending.status)
        return redirect(url_for("judging.roadshow_control", session_id=session.id))
    return _control_page(session)


def _control(session, action, confirmed: bool):
    """The one service the control room's button asks for. Closing while judges are still
    scoring is asked first: the question (UnsubmittedSheets) is given back, not refused."""
    if action == "start":
        roadshow_services.start_session(session, current_user)
    elif action == "present":
        roadshow_services.present(
            session, request.form.get("slot_id", type=coerce_id) or 0, current_user
        )
    elif action == "next":
        following = roadshow_services.next_waiting(session)
        if following is None:
            raise DomainError(_("Every project has been presented."))
        roadshow_services.present(session, following.id, current_user)
    elif action in ("close_slot", "close"):
        close = (
            roadshow_services.close_slot
            if action == "close_slot"
            else roadshow_services.close_session
        )
        try:
            close(session, current_user, confirmed=confirmed)
        except roadshow_services.UnsubmittedSheets as pending:  # a question, not a refusal
            return pending
    else:
        raise DomainError(_("Unknown action."))
    return None


def _control_page(session, *, confirm=None, status: int = 200):
    state = roadshow_services.state(session, current_user)
    return render_template(
        "judging/roadshow_control.html",
        session=session,
        state=state,
        form=ConfirmForm(),
        next_slot=roadshow_services.next_waiting(session),
        confirm=confirm,
    ), status


@bp.route("/roadshow/<int:session_id>/state.json")
@signed_in
def roadshow_state(session_id: int):
    session = _load_session(session_id)
    require(policies.can_view_session(current_user, session))
    return jsonify(roadshow_services.state(session, current_user))


@bp.route("/roadshow/<int:session_id>")
@signed_in
def roadshow_live(session_id: int):
    """The judge's phone page: the project being presented and its sheet."""
    session = _load_session(session_id)
    if current_user.is_organizer:
        return redirect(url_for("judging.roadshow_control", session_id=session.id))
    return render_live(session)


def render_live(session: RoadshowSession, *, typed=None, status: int = 200):
    """The phone page. ``typed`` = (application id, values, errors): a refused save comes
    back with what the judge typed, its refused answers marked, when that project is
    still the one on the page."""
    require(policies.can_view_session(current_user, session))
    slot = session.current_slot if session.status == RoadshowStatus.LIVE else None
    context = {
        "session": session,
        "slot": None,
        "state": roadshow_services.state(session, current_user),
    }
    if slot is not None and policies.can_score_slot(current_user, slot):
        stage, application = session.stage, slot.application
        assignment = policies.active_assignment(current_user, stage.id, application.id)
        sheet = sheet_services.get_sheet(stage.id, application.id, current_user.id)
        values, errors = sheet_values(sheet), {}
        if typed is not None and typed[0] == application.id:
            values, errors = typed[1], typed[2]
        context.update(
            slot=slot,
            application=application,
            stage=stage,
            sheet=sheet,
            rubric=sheet.rubric if sheet else stage.rubric,
            values=values,
            errors=errors,
            confirmed=assignment.no_conflict_confirmed_at is not None,
            problem=sheet_services.editable_problem(current_user, stage, application, sheet),
            recommendations=list(Recommendation),
            declare_form=ReasonForm(),
            confirm_form=ConfirmForm(),
        )
    return render_template("judging/roadshow_live.html", **context), status


@bp.route("/roadshow/<int:session_id>/slots/<int:slot_id>/results")
@signed_in
def roadshow_results(session_id: int, slot_id: int):
    session = _load_session(session_id)
    slot = next((s for s in session.slots if s.id == slot_id), None)
    if slot is None:
        raise NotFound()
    require(policies.can_view_slot_results(current_user, slot))
    rows, mean = roadshow_services.slot_results(session, slot)
    return render_template(
        "judging/roadshow_results.html", session=session, slot=slot, rows=rows, mean=mean
    )


@bp.route("/roadshow/<int:session_id>/paper.xlsx")
@organizer_only
def roadshow_paper_template(session_id: int):
    session = _load_session(session_id)
    if session.stage.rubric is None:
        raise DomainError(_("This stage has no rubric yet."))
    return Response(
        paper_services.template(session),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=roadshow-{session.id}-paper.xlsx"},
    )


@bp.route("/roadshow/<int:session_id>/paper", methods=["GET", "POST"])
@organizer_only
def roadshow_paper(session_id: int):
    session = _load_session(session_id)
    form = UploadForm()
    errors = []
    if form.validate_on_submit():
        stored = attempt(form, paper_services.import_paper, session, form.file.data, current_user)
        if stored:
            flash(_("%(n)d paper sheets stored.", n=stored.value), "success")
            return redirect(url_for("judging.roadshow_control", session_id=session.id))
        if isinstance(stored.error, paper_services.PaperRejected):  # the rows' errors, listed
            errors = stored.error.errors
    status = 422 if request.method == "POST" else 200
    return render_template(
        "judging/roadshow_paper.html", session=session, form=form, errors=errors
    ), status
