"""The organizer's judging pages: scoring stages, settings, panels, assignment (automatic
and by hand), conflicts of interest, progress and reminders."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts.forms import ConfirmForm
from venture.accounts.models import User
from venture.applications.models import Application
from venture.competitions.models import AdvanceRule, Method, PanelMode
from venture.errors import DomainError
from venture.forms import coerce_id, record_id, record_ids
from venture.judging import queries
from venture.judging.forms import ConflictForm, RankingSettingsForm, StageSettingsForm
from venture.judging.services import assignment as assignment_services
from venture.judging.services import conflicts as conflict_services
from venture.judging.services import progress as progress_services
from venture.judging.services import ranking_settings
from venture.judging.services.candidates import candidates_for
from venture.judging.services.common import active_judges
from venture.judging.views import bp
from venture.judging.views.helpers import load_application, load_stage
from venture.labels import label
from venture.policy import organizer_only
from venture.rankings.labels import method_label, tie_break_label
from venture.web import attempt


def _check_form() -> None:
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("The form has expired. Reload the page and try again."))


_AUTO = object()  # the form reads the request's own data


@bp.route("/manage")
@organizer_only
def manage():
    return render_template("judging/manage.html", competitions=queries.competitions_with_stages())


def _settings_form(stage, formdata=_AUTO):
    form = (
        StageSettingsForm(obj=stage)
        if formdata is _AUTO
        else StageSettingsForm(formdata, obj=stage)
    )
    form.panel_mode.choices = [(m.value, label(m)) for m in PanelMode]
    if request.method == "GET" or formdata is None:
        form.panel_mode.data = stage.panel_mode.value
    return form


@bp.route("/stages/<int:stage_id>", methods=["GET", "POST"])
@organizer_only
def stage(stage_id: int):
    current = load_stage(stage_id)
    form = _settings_form(current)
    status = 200
    if form.validate_on_submit():
        saved = attempt(
            form,
            assignment_services.update_stage_settings,
            current,
            current_user,
            judges_per_application=form.judges_per_application.data,
            max_load=form.max_load.data,
            anchor_count=form.anchor_count.data or 0,
            assignment_seed=form.assignment_seed.data,
            panel_mode=PanelMode(form.panel_mode.data),
            blind=form.blind.data,
            reveal_after_close=form.reveal_after_close.data,
        )
        if saved:
            flash(_("The settings have been saved."), "success")
            return redirect(url_for("judging.stage", stage_id=current.id))
        status = saved.status
    return _stage_page(
        current, form, _ranking_form(current, formdata=None), 422 if form.errors else status
    )


def _link_value(link) -> str:
    return json.dumps(link, ensure_ascii=False, sort_keys=True)


def _chosen_link(value: str | None):
    """A tie-break select's value as the link it stands for (unparsable text is passed on
    for the service to refuse)."""
    if not value:
        return None
    if len(value) > 1000:
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value


def _ranking_form(stage, formdata=_AUTO):
    stored = [ranking_settings.normalized(stage, link) for link in stage.tie_breaks or []]
    prefill = {
        f"tie_break_{n}": _link_value(stored[n - 1]) if n <= len(stored) else ""
        for n in range(1, 5)
    }
    form = (
        RankingSettingsForm(obj=stage, **prefill)
        if formdata is _AUTO
        else RankingSettingsForm(formdata, obj=stage, **prefill)
    )
    form.method.choices = [(m.value, method_label(m.value)) for m in Method]
    allowed = ranking_settings.allowed_links(stage)
    # a stored link no longer allowed (a criterion since removed) is shown, and refused on saving
    links = [("", _("— none —"))] + [
        (_link_value(link), tie_break_label(link))
        for link in allowed + [x for x in stored if x not in allowed]
    ]
    for select in form.tie_break_fields:
        select.choices = links
    form.advance_rule.choices = [(r.value, label(r)) for r in AdvanceRule]
    return form


def _stage_page(stage, form, ranking_form, status):
    return render_template(
        "judging/stage.html",
        stage=stage,
        form=form,
        ranking_form=ranking_form,
        ranked=stage.kind in ranking_settings.RANKED_STAGES,
        shortlists=stage.kind == ranking_settings.SHORTLIST_STAGE,
        chain=[
            tie_break_label(ranking_settings.normalized(stage, link))
            for link in stage.tie_breaks or []
        ],
        method_name=method_label(str(stage.method)),
        candidates=len(candidates_for(stage)),
        loads=assignment_services.stage_loads(stage),
        run_form=ConfirmForm(),
        panels=assignment_services.panel_judges(stage),
    ), status


@bp.route("/stages/<int:stage_id>/ranking", methods=["POST"])
@organizer_only
def ranking(stage_id: int):
    current = load_stage(stage_id)
    form = _ranking_form(current)
    status = 422
    if form.validate_on_submit():
        saved = attempt(
            form,
            ranking_settings.update_ranking_settings,
            current,
            current_user,
            method=form.method.data,
            trim_k=form.trim_k.data,
            disagreement_threshold=form.disagreement_threshold.data,
            tie_breaks=[_chosen_link(select.data) for select in form.tie_break_fields],
            advance_rule=form.advance_rule.data,
            advance_top_n=form.advance_top_n.data,
            advance_threshold=form.advance_threshold.data,
        )
        if saved:
            flash(
                _(
                    "The ranking settings have been saved. They apply to the next computation of the stage."
                ),
                "success",
            )
            return redirect(url_for("judging.stage", stage_id=current.id) + "#ranking")
        status = 422 if any(f.errors for f in form) else saved.status
    return _stage_page(current, _settings_form(current, formdata=None), form, status)


@bp.route("/stages/<int:stage_id>/assign", methods=["POST"])
@organizer_only
def run_assignment(stage_id: int):
    current = load_stage(stage_id)
    _check_form()
    try:
        result = assignment_services.run_assignment(current, current_user)
    except assignment_services.AssignmentImpossible as error:  # a page of its own: the reasons
        flash(_("No valid assignment exists."), "danger")
        return render_template(
            "judging/assign_failed.html", stage=current, reasons=error.reasons
        ), 422
    flash(
        _(
            "%(n)d assignments made (%(added)d new, %(kept)d kept, %(removed)d removed); loads from %(low)d to "
            "%(high)d.",
            n=result.assigned,
            added=result.added,
            kept=result.kept,
            removed=result.removed,
            low=min(result.loads.values(), default=0),
            high=max(result.loads.values(), default=0),
        ),
        "success",
    )
    for note in result.notes:
        flash(note, "warning")
    return redirect(url_for("judging.assignments", stage_id=current.id))


@bp.route("/stages/<int:stage_id>/panels", methods=["GET", "POST"])
@organizer_only
def panels(stage_id: int):
    current = load_stage(stage_id)
    if request.method == "POST":
        _check_form()
        category_id = record_id(request.form.get("category_id"))
        ids = record_ids(request.form.getlist("judge_id"))
        if request.form.get("all") == "1":
            ids = [j.id for j in active_judges()]
        if attempt(None, assignment_services.set_panel, current, category_id, ids, current_user):
            flash(_("The panel has been saved."), "success")
        return redirect(url_for("judging.panels", stage_id=current.id))
    existing = assignment_services.panels_of(current)
    groups = (
        [(None, _("All categories"))]
        if current.panel_mode == PanelMode.ALL
        else [(c.id, c.name) for c in current.competition.categories]
    )
    members = {cid: {j.id for j in p.judges} for cid, p in existing.items()}
    return render_template(
        "judging/panels.html",
        stage=current,
        groups=groups,
        members=members,
        judges=active_judges(),
        form=ConfirmForm(),
        has_panel=bool(existing),
    )


@bp.route("/stages/<int:stage_id>/assignments")
@organizer_only
def assignments(stage_id: int):
    current = load_stage(stage_id)
    apps = candidates_for(current)
    by_app = assignment_services.assignments_by_application(current)
    extra_ids = set(by_app) - {a.id for a in apps}
    apps += queries.applications_by_ids(extra_ids)
    return render_template(
        "judging/assignments.html",
        stage=current,
        applications=apps,
        by_app=by_app,
        loads=assignment_services.stage_loads(current),
        judges=active_judges(),
        acceptable=assignment_services.acceptable_judges(current, apps),
        replaceable_by_app=_replaceable(current, by_app),
        form=ConfirmForm(),
    )


def _replaceable(stage, by_app: dict) -> dict[int, list]:
    """Assigned judges who can still be replaced (no submitted sheet for that application)."""
    submitted = assignment_services.submitted_pairs(stage)
    return {
        app_id: [a for a in rows if (app_id, a.judge_id) not in submitted]
        for app_id, rows in by_app.items()
    }


@bp.route("/stages/<int:stage_id>/applications/<int:application_id>/judges", methods=["POST"])
@organizer_only
def edit_judges(stage_id: int, application_id: int):
    current = load_stage(stage_id)
    application = load_application(current, application_id)
    _check_form()
    action = request.form.get("action")
    judge = queries.get_user(request.form.get("judge_id", type=coerce_id))
    new = queries.get_user(request.form.get("new_judge_id", type=coerce_id))
    if judge is None or (action == "swap" and new is None):
        flash(_("Choose a judge."), "danger")
    elif attempt(None, _change_judges, action, current, application, judge, new):
        flash(_changed_message(action, application, judge, new), "success")
    return redirect(url_for("judging.assignments", stage_id=current.id) + f"#app-{application.id}")


def _change_judges(action, stage, application, judge, new) -> None:
    """The one service the clerk's button asks for."""
    if action == "add":
        assignment_services.add_judge(stage, application, judge, current_user)
    elif action == "remove":
        assignment_services.remove_judge(
            stage, application, judge, current_user, request.form.get("reason", "")
        )
    elif action == "swap":
        assignment_services.swap_judge(stage, application, judge, new, current_user)
    else:
        raise DomainError(_("Unknown action."))


def _changed_message(action: str, application: Application, judge: User, new: User | None) -> str:
    """Which judge was added, removed or replaced by whom: the clerk reads it, not a generic "updated"."""
    if action == "add":
        return _(
            "%(judge)s has been added to %(app)s.",
            judge=judge.display_name,
            app=application.display_code,
        )
    if action == "swap":
        return _(
            "%(new)s replaces %(old)s on %(app)s.",
            new=new.display_name,
            old=judge.display_name,
            app=application.display_code,
        )
    return _(
        "%(judge)s has been removed from %(app)s.",
        judge=judge.display_name,
        app=application.display_code,
    )


@bp.route("/stages/<int:stage_id>/conflicts", methods=["GET", "POST"])
@organizer_only
def conflicts(stage_id: int):
    current = load_stage(stage_id)
    apps = candidates_for(current)
    form = ConflictForm()
    form.judge_id.choices = [(j.id, f"{j.display_name} · {j.email}") for j in active_judges()]
    form.application_id.choices = [(a.id, f"{a.display_code} · {a.project_name}") for a in apps]
    status = 200
    if form.validate_on_submit():
        judge = queries.get_user(form.judge_id.data)
        application = queries.get_application(form.application_id.data)
        if (
            judge is None
            or application is None
            or application.competition_id != current.competition_id
        ):
            flash(_("Choose a judge and an application."), "danger")
        elif attempt(
            form,
            conflict_services.record_conflict,
            current_user,
            judge,
            application,
            form.reason.data,
            stage_kind=current.kind,
        ):
            flash(_("The conflict of interest has been recorded."), "success")
            return redirect(url_for("judging.conflicts", stage_id=current.id))
    if request.method == "POST":
        status = 422
    return render_template(
        "judging/conflicts.html",
        stage=current,
        conflicts=queries.competition_conflicts(current.competition_id),
        form=form,
    ), status


@bp.route("/stages/<int:stage_id>/progress")
@organizer_only
def progress(stage_id: int):
    current = load_stage(stage_id)
    return render_template(
        "judging/progress.html",
        stage=current,
        judges=progress_services.judge_progress(current),
        applications=progress_services.application_progress(current),
        form=ConfirmForm(),
    )


@bp.route("/stages/<int:stage_id>/remind", methods=["POST"])
@organizer_only
def remind(stage_id: int):
    current = load_stage(stage_id)
    _check_form()
    count = progress_services.remind_judges(current, current_user)
    flash(
        _("%(n)d judges have been reminded.", n=count)
        if count
        else _("Every judge is up to date."),
        "success",
    )
    return redirect(url_for("judging.progress", stage_id=current.id))
