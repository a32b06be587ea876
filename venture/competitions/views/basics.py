"""The competition's own settings: creating it, its basics, its stage dates, its scoring
and its results and follow-up settings."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from venture.competitions import forms, queries, services
from venture.competitions.labels import label_of as label
from venture.competitions.models import (
    SCORING_STAGES,
    STAGE_ORDER,
    FundingMode,
    ReportPeriod,
    StageKind,
)
from venture.competitions.views import setup_bp as bp
from venture.competitions.views.helpers import after_save, managed_competition, page
from venture.followup import labels as _followup_labels  # noqa: F401  (tranche condition labels)
from venture.followup.models import TrancheCondition
from venture.policy import organizer_only
from venture.web import attempt, render_form


def _area_choices():
    """The districts and streets a competition may cover (none: the whole city)."""
    areas = queries.coverable_areas()
    return [("", _("— whole city —"))] + sorted(((a.id, a.path) for a in areas), key=lambda c: c[1])


def _basics(form) -> dict:
    return {
        "name": form.name.data,
        "year": form.year.data,
        "code_prefix": form.code_prefix.data,
        "theme": form.theme.data or "",
        "description": form.description.data or "",
        "area_id": form.area_id.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@organizer_only
def new():
    form = forms.BasicsForm()
    form.area_id.choices = _area_choices()
    if request.method == "GET":
        form.year.data = date.today().year + 1
    if form.validate_on_submit():
        created = attempt(form, services.create_competition, actor=current_user, **_basics(form))
        if created:
            flash(
                _("The competition has been created as a draft. Continue with its stages."),
                "success",
            )
            return redirect(url_for("competition_setup.stages", competition_id=created.value.id))
    return render_form("competitions/new.html", form)


@bp.route("/<int:competition_id>/setup")
@organizer_only
def setup(competition_id: int):
    managed_competition(competition_id)
    return redirect(url_for("competition_setup.basics", competition_id=competition_id))


@bp.route("/<int:competition_id>/setup/basics", methods=["GET", "POST"])
@organizer_only
def basics(competition_id: int):
    comp = managed_competition(competition_id)
    form = forms.BasicsForm(obj=comp)
    form.area_id.choices = _area_choices()
    if form.validate_on_submit() and attempt(
        form, services.update_basics, comp, actor=current_user, **_basics(form)
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("competition_setup.basics", competition_id=comp.id))
    return page("competitions/setup_basics.html", comp, "basics", form)


def _stage_dates_data(comp) -> dict:
    data = {"shift_later": True}
    for stage in comp.stages:
        data[f"{stage.kind.value}_starts_at"] = forms.utc_to_local_naive(stage.starts_at)
        data[f"{stage.kind.value}_ends_at"] = forms.utc_to_local_naive(stage.ends_at)
    return data


@bp.route("/<int:competition_id>/setup/stages", methods=["GET", "POST"])
@organizer_only
def stages(competition_id: int):
    comp = managed_competition(competition_id)
    form = forms.stages_form(data=None if request.method == "POST" else _stage_dates_data(comp))
    if form.validate_on_submit():
        dates = {
            kind: (
                forms.local_to_utc(getattr(form, f"{kind.value}_starts_at").data),
                forms.local_to_utc(getattr(form, f"{kind.value}_ends_at").data),
            )
            for kind in STAGE_ORDER
        }
        if attempt(
            form,
            services.update_stage_dates,
            comp,
            dates,
            actor=current_user,
            shift_later=form.shift_later.data,
        ):
            flash(_("The stage dates have been saved."), "success")
            return after_save(comp, "stages")
    return page("competitions/setup_stages.html", comp, "stages", form, kinds=STAGE_ORDER)


def _scoring_data(comp) -> dict:
    roadshow = comp.stage(StageKind.ROADSHOW)
    data = {"roadshow_opinion": roadshow.requires_opinion if roadshow is not None else False}
    for stage in comp.stages:
        if stage.is_scoring:
            data.update(
                {
                    f"{stage.kind.value}_rubric": stage.rubric_id,
                    f"{stage.kind.value}_weight": stage.weight,
                    f"{stage.kind.value}_blind": stage.blind,
                }
            )
    return data


@bp.route("/<int:competition_id>/setup/scoring", methods=["GET", "POST"])
@organizer_only
def scoring(competition_id: int):
    comp = managed_competition(competition_id)
    choices = {
        kind: [(r.id, f"{r.name} · v{r.version}") for r in comp.rubrics if r.stage_kind == kind]
        for kind in SCORING_STAGES
    }
    form = forms.scoring_form(
        data=None if request.method == "POST" else _scoring_data(comp), rubric_choices=choices
    )
    if form.validate_on_submit():
        settings = {
            kind: {
                "rubric_id": getattr(form, f"{kind.value}_rubric").data,
                "weight": getattr(form, f"{kind.value}_weight").data or 0,
                "blind": getattr(form, f"{kind.value}_blind").data,
            }
            for kind in SCORING_STAGES
        }
        settings[StageKind.ROADSHOW]["opinion_required"] = form.roadshow_opinion.data
        if attempt(form, services.update_scoring, comp, settings, actor=current_user):
            flash(_("The scoring settings have been saved."), "success")
            return after_save(comp, "scoring")
    return page("competitions/setup_scoring.html", comp, "scoring", form, kinds=SCORING_STAGES)


# --- results and follow-up ----------------------------------------------------------------

FUNDING_MODE_CHOICES = {
    FundingMode.SKIP: _l("Skip it and fund the next project that still fits"),
    FundingMode.STOP: _l("Stop funding in that category"),
}
REPORT_PERIOD_CHOICES = {
    ReportPeriod.MONTHLY: _l("Monthly"),
    ReportPeriod.QUARTERLY: _l("Quarterly"),
}


def _followup_form(comp):
    if request.method == "POST":
        form = forms.FollowupForm()
    else:
        form = forms.FollowupForm(
            data={
                "funding_mode": comp.funding_mode.value,
                "publicity_days": comp.publicity_days,
                "report_period": comp.report_period.value,
                "eval_pass_mark": comp.eval_pass_mark,
                "grade_a_min": comp.grade_a_min,
                "grade_b_min": comp.grade_b_min,
                "tranches": list(comp.tranche_plan or [])[: forms.TRANCHE_ROWS],
            }
        )
    form.funding_mode.choices = [(m.value, text) for m, text in FUNDING_MODE_CHOICES.items()]
    form.report_period.choices = [(p.value, text) for p, text in REPORT_PERIOD_CHOICES.items()]
    for entry in form.tranches.entries:
        entry.form.condition.choices = [("", _("— no tranche —"))] + [
            (c.value, label(c)) for c in TrancheCondition
        ]
    return form


@bp.route("/<int:competition_id>/setup/follow-up", methods=["GET", "POST"])
@organizer_only
def followup(competition_id: int):
    comp = managed_competition(competition_id)
    form = _followup_form(comp)
    if form.validate_on_submit() and attempt(
        form,
        services.update_followup_settings,
        comp,
        actor=current_user,
        funding_mode=form.funding_mode.data,
        publicity_days=form.publicity_days.data,
        report_period=form.report_period.data,
        eval_pass_mark=form.eval_pass_mark.data,
        grade_a_min=form.grade_a_min.data,
        grade_b_min=form.grade_b_min.data,
        tranche_plan=form.tranche_rows(),
    ):
        flash(_("The results and follow-up settings have been saved."), "success")
        return after_save(comp, "followup")
    return page("competitions/setup_followup.html", comp, "followup", form)
