"""Results pages: the public notice (公示) with objections and receipt lookup, the
organizer's decisions and objections, and members' score cards."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts.forms import ConfirmForm
from venture.audit.services import published_head
from venture.competitions.forms import local_to_utc
from venture.competitions.models import Competition
from venture.db import get_or_404, utcnow
from venture.errors import DeadlinePassed, NotFound, ValidationError
from venture.extensions import limiter
from venture.files.services import download
from venture.forms import coerce_id, page_number, whole_number
from venture.main.views import HOME_PANELS
from venture.policy import organizer_only, public, require, signed_in
from venture.rankings.policies import published_sheet_stages
from venture.results import (
    labels,  # noqa: F401 - registers the enum labels
    policies,
    queries,
    services,
)
from venture.results.forms import (
    AnswerForm,
    ApproveForm,
    DecisionForm,
    LookupForm,
    ObjectionForm,
    yuan_to_fen,
)
from venture.results.models import ObjectionStatus
from venture.results.scorecard import final_arithmetic
from venture.results.scorecard import scorecard as build_scorecard
from venture.web import attempt, render_form

bp = Blueprint("results", __name__)

DEFAULT_OBJECTION_RATE_LIMIT = "5 per hour"
DEFAULT_LOOKUP_RATE_LIMIT = "20 per hour"


def _objection_limit() -> str:
    return current_app.config.get("OBJECTION_RATE_LIMIT", DEFAULT_OBJECTION_RATE_LIMIT)


def _lookup_limit() -> str:
    return current_app.config.get("OBJECTION_LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_RATE_LIMIT)


def _public_or_404(competition_id: int):
    publication = queries.public_publication(competition_id)
    if publication is None:
        raise NotFound()
    return publication


# --- the public notice ---------------------------------------------------------------


@bp.route("/results")
@public
def public_index():
    return render_template(
        "results/public_index.html",
        publications=queries.public_publications(),
        now=utcnow(),
        audit_head=published_head(),
    )


@bp.route("/results/<int:competition_id>")
@public
def public_notice(competition_id: int):
    publication = _public_or_404(competition_id)
    competition = publication.competition
    decisions = services.decisions_of(competition)
    note_of, notes = queries.unranked_notes(decisions)
    return render_template(
        "results/public_notice.html",
        publication=publication,
        competition=competition,
        groups=_by_category(decisions),
        note_of=note_of,
        notes=notes,
        window=publication.window_state(utcnow()),
        counts=queries.objection_counts(competition),
        published=_published_sheets(competition),
        audit_head=published_head(),
    )


def _published_sheets(competition) -> list:
    """(stage, the `venture rank` command that recomputes it) for each stage whose sheets are public."""
    from venture.rankings.services import stage_rank_command

    return [(stage, stage_rank_command(stage)) for stage in published_sheet_stages(competition)]


def _by_category(decisions):
    groups: dict = {}
    for d in decisions:
        groups.setdefault(d.category.name if d.category else "", []).append(d)
    return list(groups.items())


@bp.route("/results/<int:competition_id>/objections/new", methods=["GET", "POST"])
@limiter.limit(_objection_limit, methods=["POST"])
@public
def objection_new(competition_id: int):
    publication = _public_or_404(competition_id)
    competition = publication.competition
    window = publication.window_state(utcnow())
    form = ObjectionForm()
    form.application_id.choices = [(None, _("Choose a project"))] + [
        (
            d.application_id,
            f"{d.application.display_code} · {d.application.project_name}"
            f"（{d.application.organization.name}）",
        )
        for d in services.decisions_of(competition)
    ]
    if request.method == "GET" and request.args.get("application", type=coerce_id):
        form.application_id.data = request.args.get("application", type=coerce_id)
    if form.validate_on_submit():
        filed = attempt(
            form,
            services.file_objection,
            competition,
            application_id=form.application_id.data,
            objector_kind=form.objector_kind.data,
            real_name=form.real_name.data,
            phone=form.phone.data,
            email=form.email.data,
            organization_name=form.organization_name.data,
            content=form.content.data,
            files=request.files.getlist(form.evidence.name),
            ip=request.remote_addr or "",
            locale=_locale(),
        )
        if filed:
            session["objection_receipt"] = {
                "code": filed.value.receipt_code,
                "competition_id": competition.id,
            }
            return redirect(url_for("results.objection_filed", competition_id=competition.id))
        if (
            isinstance(filed.error, DeadlinePassed)
            and publication.window_state(utcnow()) == "closed"
        ):
            window = "closed"  # it closed while the form was being filled in
    return render_form(
        "results/objection_form.html",
        form,
        publication=publication,
        competition=competition,
        window=window,
    )


def _locale() -> str:
    from venture.i18n import current_locale_code

    return current_locale_code()


@bp.route("/results/<int:competition_id>/objections/filed")
@public
def objection_filed(competition_id: int):
    publication = _public_or_404(competition_id)
    receipt = session.get("objection_receipt")
    if not receipt or receipt.get("competition_id") != competition_id:
        return redirect(url_for("results.public_notice", competition_id=competition_id))
    return render_template(
        "results/objection_filed.html",
        publication=publication,
        competition=publication.competition,
        receipt_code=receipt["code"],
    ), 201


@bp.route("/results/objections/lookup", methods=["GET", "POST"])
@limiter.limit(_lookup_limit, methods=["POST"])
@public
def objection_lookup():
    form = LookupForm()
    objection = None
    status = 200
    if form.validate_on_submit():
        objection = services.lookup_objection(form.receipt_code.data, form.phone.data)
        if objection is None:
            flash(_("No objection matches this receipt code and phone number."), "warning")
            status = 404
    return render_template("results/objection_lookup.html", form=form, objection=objection), status


# --- the organizer's results ----------------------------------------------------------


@bp.route("/manage/results")
@organizer_only
def manage_index():
    return render_template("results/manage_index.html", rows=queries.managed_competitions())


def _decisions_context(competition, **extra):
    publication = services.publication_of(competition)
    decisions = services.decisions_of(competition) if publication else []
    latest = services.latest_final_snapshot(competition)
    now = utcnow()
    return dict(
        competition=competition,
        publication=publication,
        decisions=decisions,
        budgets=services.budget_summary(competition, decisions),
        latest_snapshot=latest,
        newer_snapshot=bool(publication and latest and latest.id != publication.snapshot_id),
        counts=queries.objection_counts(competition),
        blockers=services.finalize_blockers(competition, publication, now),
        confirm=ConfirmForm(),
        now=now,
        planned_publicity=services.planned_publicity(competition, now),
        **extra,
    )


@bp.route("/competitions/<int:competition_id>/decisions")
@organizer_only
def decisions(competition_id: int):
    competition = get_or_404(Competition, competition_id)
    form = ApproveForm()
    if not form.days.data:
        form.days.data = str(competition.publicity_days)
    return render_template(
        "results/decisions.html", **_decisions_context(competition, approve_form=form)
    )


@bp.route("/competitions/<int:competition_id>/decisions/generate", methods=["POST"])
@organizer_only
def generate(competition_id: int):
    competition = get_or_404(Competition, competition_id)
    if ConfirmForm().validate_on_submit():
        services.generate_decisions(competition, current_user)
        flash(_("Proposed decisions generated from the latest final ranking."), "success")
    return redirect(url_for("results.decisions", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/decisions/<int:decision_id>", methods=["GET", "POST"])
@organizer_only
def decision_edit(competition_id: int, decision_id: int):
    competition = get_or_404(Competition, competition_id)
    decision = services.get_decision(competition, decision_id)
    form = DecisionForm()
    if request.method == "GET":
        form.outcome.data = decision.outcome.value
        form.amount.data = f"{decision.approved_fen / 100:.2f}" if decision.approved_fen else ""
    if form.validate_on_submit() and attempt(
        form,
        services.change_decision,
        decision,
        outcome=form.outcome.data,
        approved_fen=yuan_to_fen(form.amount.data),
        reason=form.reason.data,
        actor=current_user,
    ):
        flash(_("The decision has been changed."), "success")
        return redirect(
            url_for("results.decisions", competition_id=competition.id) + f"#d{decision.id}"
        )
    return render_form(
        "results/decision_edit.html", form, competition=competition, decision=decision
    )


@bp.route("/competitions/<int:competition_id>/decisions/approve", methods=["POST"])
@organizer_only
def approve(competition_id: int):
    competition = get_or_404(Competition, competition_id)
    form = ApproveForm()
    if form.validate_on_submit():
        raw = (form.days.data or "").strip()
        days = None if not raw else whole_number(raw, 0, 10_000)
        if raw and days is None:
            days = -1  # not a sane number of days: the service refuses it with its message
        if not attempt(
            form,
            services.approve,
            competition,
            current_user,
            days=days,
            instructions=form.instructions.data,
            open_now=bool(form.open_now.data),
        ):
            return render_form(
                "results/decisions.html", form, **_decisions_context(competition, approve_form=form)
            )
        flash(_("The results are on public notice now."), "success")
    return redirect(url_for("results.decisions", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/decisions/finalize", methods=["POST"])
@organizer_only
def finalize(competition_id: int):
    competition = get_or_404(Competition, competition_id)
    if ConfirmForm().validate_on_submit():
        services.finalize(competition, current_user)
        flash(_("The results are final. Nothing that feeds them can change any more."), "success")
    return redirect(url_for("results.decisions", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/objections")
@organizer_only
def objections(competition_id: int):
    competition = get_or_404(Competition, competition_id)
    status = request.args.get("status") or None
    if status not in {s.value for s in ObjectionStatus}:
        status = None
    page = queries.objections_page(
        competition, status=status, page=request.args.get("page", 1, type=page_number)
    )
    return render_template(
        "results/objections.html",
        competition=competition,
        page=page,
        status=status,
        statuses=list(ObjectionStatus),
        counts=queries.objection_counts(competition),
    )


@bp.route(
    "/competitions/<int:competition_id>/objections/<int:objection_id>", methods=["GET", "POST"]
)
@organizer_only
def objection_detail(competition_id: int, objection_id: int):
    competition = get_or_404(Competition, competition_id)
    objection = services.get_objection(competition, objection_id)
    decision = services.decision_for(objection.application)
    form = AnswerForm()
    if request.method == "GET" and decision is not None:
        form.outcome.data = decision.outcome.value
        form.amount.data = f"{decision.approved_fen / 100:.2f}" if decision.approved_fen else ""
    if form.validate_on_submit() and attempt(form, _answer, objection, form):
        flash(_("The objection has been answered."), "success")
        return redirect(url_for("results.objections", competition_id=competition.id))
    return render_form(
        "results/objection_detail.html",
        form,
        competition=competition,
        objection=objection,
        decision=decision,
        reply_notice=queries.reply_notice(objection),
    )


def _answer(objection, form) -> None:
    if form.verdict.data not in ("upheld", "dismissed"):
        raise ValidationError(
            _("Choose whether the objection is upheld or dismissed."), field="verdict"
        )
    services.answer_objection(
        objection,
        upheld=form.verdict.data == "upheld",
        reply=form.reply.data,
        actor=current_user,
        change=form.change.data,
        outcome=form.outcome.data,
        approved_fen=yuan_to_fen(form.amount.data),
        change_reason=form.change_reason.data,
        no_change_reason=form.no_change_reason.data,
        phone_note=form.phone_note.data,
        phone_replied_at=local_to_utc(form.phone_replied_at.data),
    )


@bp.route("/competitions/<int:competition_id>/objections/<int:objection_id>/files/<int:file_id>")
@organizer_only
def objection_file(competition_id: int, objection_id: int, file_id: int):
    competition = get_or_404(Competition, competition_id)
    objection = services.get_objection(competition, objection_id)
    attached = next((f for f in objection.files if f.id == file_id), None)
    if attached is None:
        raise NotFound()
    return download(attached.file)


# --- members: outcome and score card ------------------------------------------------


@bp.route("/my/results")
@signed_in
def my_results():
    return render_template("results/my_results.html", rows=queries.member_results(current_user))


@bp.route("/my/results/<int:application_id>")
@signed_in
def scorecard(application_id: int):
    from venture.applications.models import Application

    application = get_or_404(Application, application_id)
    publication = services.publication_of(application.competition)
    require(policies.can_view_scorecard(current_user, application, publication))
    decision = services.decision_for(application)
    final = (
        publication.snapshot if publication is not None else None
    )  # what the results were computed from
    return render_template(
        "results/scorecard.html",
        application=application,
        publication=publication,
        decision=decision,
        cards=build_scorecard(application, final),
        final_arithmetic=final_arithmetic(final, application.id),
    )


# --- home page panels -----------------------------------------------------------------


def _organizer_panel(user):
    if not policies.can_manage_results(user):
        return None
    open_objections = queries.open_objections_by_competition()
    in_progress = queries.publications_in_progress()
    if not open_objections and not in_progress:
        return None
    return {
        "template": "results/_home_organizer.html",
        "open_objections": open_objections,
        "in_progress": in_progress,
    }


def _member_panel(user):
    if not getattr(user, "is_authenticated", False) or not user.is_applicant:
        return None
    rows = queries.member_results(user)
    return {"template": "results/_home_member.html", "result_rows": rows} if rows else None


def _public_panel(user):
    if getattr(user, "is_authenticated", False):
        return None
    publications = queries.public_publications()
    return (
        {"template": "results/_home_public.html", "public_publications": publications}
        if publications
        else None
    )


HOME_PANELS.extend([_organizer_panel, _member_panel, _public_panel])
