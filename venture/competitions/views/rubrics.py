"""The competition's rubrics: the list, one rubric's criteria, a new version, deletion."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.competitions import forms, services
from venture.competitions.labels import label_of as label
from venture.competitions.models import SCORING_STAGES, Rubric
from venture.competitions.policies import rubric_frozen, rubric_in_use
from venture.competitions.views import setup_bp as bp
from venture.competitions.views.helpers import (
    child_or_404,
    delete_and_return,
    managed_competition,
    page,
)
from venture.policy import organizer_only
from venture.web import attempt


@bp.route("/<int:competition_id>/setup/rubrics", methods=["GET", "POST"])
@organizer_only
def rubrics(competition_id: int):
    comp = managed_competition(competition_id)
    form = forms.RubricNewForm()
    form.stage_kind.choices = [(k.value, label(k)) for k in SCORING_STAGES]
    if form.validate_on_submit():
        created = attempt(
            form,
            services.create_rubric,
            comp,
            actor=current_user,
            name=form.name.data,
            stage_kind=form.stage_kind.data,
        )
        if created:
            return redirect(
                url_for(
                    "competition_setup.rubric", competition_id=comp.id, rubric_id=created.value.id
                )
            )
    in_use = {r.id: rubric_in_use(r) for r in comp.rubrics}
    used_by = {s.rubric_id: s for s in comp.stages if s.rubric_id}
    return page(
        "competitions/setup_rubrics.html", comp, "rubrics", form, in_use=in_use, used_by=used_by
    )


BLANK_CRITERIA_ROWS = 3


def _blank_rows(rows: list) -> int:
    """Empty criterion rows to show: some for a new rubric; none once it has criteria (a saved
    rubric came back with three empty rows each time), unless asked (``?add=N``, the fallback
    of the "Add a criterion" button without JavaScript)."""
    if not rows:
        return BLANK_CRITERIA_ROWS
    return max(0, min(request.args.get("add", 0, type=int) or 0, 20))


def _rubric_form(rub: Rubric, frozen: bool):
    if request.method == "POST":
        return forms.RubricForm()
    rows = [
        {
            "name": c.name,
            "description": c.description,
            "max_score": c.max_score,
            "allow_na": c.allow_na,
        }
        for c in rub.criteria
    ]
    return forms.RubricForm(
        data={"name": rub.name, "criteria": rows + [{}] * (0 if frozen else _blank_rows(rows))}
    )


@bp.route("/<int:competition_id>/setup/rubrics/<int:rubric_id>", methods=["GET", "POST"])
@organizer_only
def rubric(competition_id: int, rubric_id: int):
    comp = managed_competition(competition_id)
    rub = child_or_404(Rubric, rubric_id, comp)
    frozen = rubric_frozen(rub)
    form = _rubric_form(rub, frozen)
    # A refusal of the criteria (error.field "criteria") lands on the criteria list's errors,
    # shown above the table; any other beside its field or above the page.
    if form.validate_on_submit() and attempt(
        form,
        services.save_rubric,
        rub,
        actor=current_user,
        name=form.name.data,
        criteria=form.criteria_data(),
    ):
        flash(_("The rubric has been saved."), "success")
        return redirect(
            url_for("competition_setup.rubric", competition_id=comp.id, rubric_id=rub.id)
        )
    current_sum = sum((c["max_score"] or 0 for c in form.criteria_data()), 0)
    return page(
        "competitions/setup_rubric.html",
        comp,
        "rubrics",
        form,
        rubric=rub,
        frozen=frozen,
        current_sum=current_sum,
        used_by_stage=any(s.rubric_id == rub.id for s in comp.stages),
    )


@bp.route("/<int:competition_id>/setup/rubrics/<int:rubric_id>/copy", methods=["POST"])
@organizer_only
def copy_rubric(competition_id: int, rubric_id: int):
    comp = managed_competition(competition_id)
    copy = services.copy_rubric(child_or_404(Rubric, rubric_id, comp), actor=current_user)
    flash(
        _("A new version %(version)d has been created; you can edit it.", version=copy.version),
        "success",
    )
    return redirect(url_for("competition_setup.rubric", competition_id=comp.id, rubric_id=copy.id))


@bp.route("/<int:competition_id>/setup/rubrics/<int:rubric_id>/delete", methods=["POST"])
@organizer_only
def delete_rubric(competition_id: int, rubric_id: int):
    comp = managed_competition(competition_id)
    return delete_and_return(
        services.delete_rubric,
        child_or_404(Rubric, rubric_id, comp),
        _("The rubric has been deleted."),
        "competition_setup.rubrics",
        comp,
    )
