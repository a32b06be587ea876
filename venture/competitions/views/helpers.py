"""What the editor's pages share: the sections, the competition and child loaders, the
page layout and where a saved section leads."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from venture.competitions import services
from venture.competitions.models import Competition, CompetitionStatus
from venture.competitions.policies import can_manage
from venture.db import get_or_404
from venture.errors import NotFound
from venture.policy import require
from venture.web import attempt, render_form

SECTIONS = [
    ("basics", "competition_setup.basics"),
    ("stages", "competition_setup.stages"),
    ("categories", "competition_setup.categories"),
    ("money", "competition_setup.money"),
    ("budget_lines", "competition_setup.budget_lines"),
    ("eligibility", "competition_setup.eligibility"),
    ("rubrics", "competition_setup.rubrics"),
    ("scoring", "competition_setup.scoring"),
    ("followup", "competition_setup.followup"),
    ("open", "competition_setup.open_"),
    ("controls", "competition_setup.stage_controls"),
]


def managed_competition(competition_id: int) -> Competition:
    comp = get_or_404(Competition, competition_id)
    require(can_manage(current_user))
    return comp


def child_or_404(model, child_id: int, comp: Competition):
    """A category, budget line or rubric of this competition: another competition's (or
    none) is not found, so ids cannot reach across competitions."""
    child = get_or_404(model, child_id)
    if child.competition_id != comp.id:
        raise NotFound()
    return child


def page(template: str, comp: Competition, section: str, form=None, status=None, **context):
    """A page of the editor: the section menu and the setup's open problems around it."""
    context.update(
        comp=comp, section=section, sections=SECTIONS, problems=services.setup_problems(comp)
    )
    if form is not None:
        return render_form(template, form, status=status, **context)
    return render_template(template, **context), status or 200


def after_save(comp: Competition, section: str):
    """Where a saved section leads: while the competition is a draft, on to the next
    section of the setup (one click less per section); afterwards, back to the same one."""
    keys = [key for key, _endpoint in SECTIONS]
    endpoint = dict(SECTIONS)[section]
    if comp.status == CompetitionStatus.DRAFT and section in keys[: keys.index("open")]:
        endpoint = SECTIONS[keys.index(section) + 1][1]
    return redirect(url_for(endpoint, competition_id=comp.id))


def delete_and_return(delete, item, done_message: str, list_endpoint: str, comp: Competition):
    """Delete one setup item and return to its list, saying why when it may not go."""
    if attempt(None, delete, item, actor=current_user):
        flash(done_message, "success")
    return redirect(url_for(list_endpoint, competition_id=comp.id))
