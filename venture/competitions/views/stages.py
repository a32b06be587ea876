"""The organizer's stage controls: a running competition's stages with their plan and
their reality, and for each one "open now", "close now" and "extend" (with a reason)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.accounts.models import User
from venture.competitions import forms, queries, stagecontrol
from venture.competitions.gates import stage_state
from venture.competitions.labels import stage_label
from venture.competitions.models import SCORING_STAGES, Competition, StageKind
from venture.competitions.policies import can_control_stages
from venture.competitions.views import setup_bp as bp
from venture.competitions.views.helpers import page
from venture.db import get_or_404, utcnow
from venture.errors import NotFound
from venture.orgs.models import Organization
from venture.policy import organizer_only, require
from venture.web import attempt


def _controlled(competition_id: int) -> Competition:
    comp = get_or_404(Competition, competition_id)
    require(can_control_stages(current_user, comp))
    return comp


def _stage(comp: Competition, stage_kind: str):
    """The competition's stage of that kind (by its name in the URL), or not found."""
    try:
        kind = StageKind(stage_kind)
    except ValueError:
        raise NotFound() from None
    stage = comp.stage(kind)
    if stage is None:
        raise NotFound()
    return stage


@bp.route("/<int:competition_id>/stage-controls")
@organizer_only
def stage_controls(competition_id: int):
    comp = _controlled(competition_id)
    states = {s.id: stage_state(s) for s in comp.stages}
    return page("competitions/stage_controls.html", comp, "controls", states=states)


def _beneficiaries(stage) -> list[tuple[str, str]]:
    """Who may get more time alone: the judges of a scoring stage, the organizations with an
    application in the application window."""
    choices = [("", _("Everyone"))]
    if stage.kind in SCORING_STAGES:
        choices += [(f"user:{u.id}", u.display_name) for u in stagecontrol._judges(stage)]
    elif stage.kind == StageKind.APPLICATION:
        orgs = queries.applicant_organizations(stage.competition_id)
        choices += [(f"org:{o.id}", o.name) for o in orgs]
    return choices


def _beneficiary(value: str, choices) -> dict:
    """The one judge or organization an extension is for (none: everyone); only one of
    the offered choices counts."""
    if not value or value not in {key for key, _label in choices}:
        return {}
    kind, _sep, ident = value.partition(":")
    if kind == "user":
        return {"user": get_or_404(User, int(ident))}
    return {"organization": get_or_404(Organization, int(ident))}


ACTIONS = {
    "open": (stagecontrol.open_stage_now, lambda stage: _("%(stage)s is open now.", stage=stage)),
    "close": (
        stagecontrol.close_stage_now,
        lambda stage: _("%(stage)s has been closed.", stage=stage),
    ),
    "extend": (
        stagecontrol.extend_stage,
        lambda stage: _("%(stage)s has been extended.", stage=stage),
    ),
}


def _action_arguments(action: str, form, choices) -> dict:
    kwargs = {"actor": current_user, "reason": form.reason.data or ""}
    if action == "extend":
        kwargs.update(
            until=forms.local_to_utc(form.until.data),
            **_beneficiary(form.beneficiary.data, choices),
        )
    return kwargs


@bp.route("/<int:competition_id>/stage-controls/<stage_kind>", methods=["GET", "POST"])
@organizer_only
def stage_control(competition_id: int, stage_kind: str):
    comp = _controlled(competition_id)
    stage = _stage(comp, stage_kind)
    form = forms.StageControlForm()
    form.beneficiary.choices = choices = _beneficiaries(stage)
    action = request.form.get("action", "")
    if form.validate_on_submit() and action in ACTIONS:
        service, done = ACTIONS[action]
        if attempt(form, service, stage, **_action_arguments(action, form, choices)):
            flash(done(stage_label(stage.kind)), "success")
            return redirect(
                url_for(
                    "competition_setup.stage_control",
                    competition_id=comp.id,
                    stage_kind=stage.kind.value,
                )
            )
    minimum_end = _publicity_minimum(stage)
    return page(
        "competitions/stage_control.html",
        comp,
        "controls",
        form,
        stage=stage,
        state=stage_state(stage),
        extensions=queries.stage_extensions(stage),
        minimum_end=minimum_end,
        too_early=minimum_end is not None and utcnow() < minimum_end,
    )


def _publicity_minimum(stage):
    if stage.kind != StageKind.PUBLICITY:
        return None
    return stagecontrol.publicity_minimum_end(stagecontrol._publication(stage))
