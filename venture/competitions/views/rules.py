"""The competition's categories and rules: money, budget lines, eligibility."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from venture.applications import labels as _app_labels  # noqa: F401  (enum labels)
from venture.applications.models import AttachmentKind
from venture.competitions import forms, services
from venture.competitions.labels import label_of as label
from venture.competitions.models import BudgetGroup, BudgetLineRule, Category
from venture.competitions.views import setup_bp as bp
from venture.competitions.views.helpers import (
    after_save,
    child_or_404,
    delete_and_return,
    managed_competition,
    page,
)
from venture.orgs.models import OrgType
from venture.policy import organizer_only
from venture.web import attempt

# --- categories -------------------------------------------------------------------------


def _save_category(form, comp, cat=None):
    """Add a category (``cat`` None) or change one."""
    return attempt(
        form,
        services.save_category,
        comp,
        cat,
        actor=current_user,
        name=form.name.data,
        budget_fen=form.budget.fen,
        description=form.description.data or "",
        max_projects=form.max_projects.data,
    )


@bp.route("/<int:competition_id>/setup/categories", methods=["GET", "POST"])
@organizer_only
def categories(competition_id: int):
    comp = managed_competition(competition_id)
    form = forms.CategoryForm()
    if form.validate_on_submit() and _save_category(form, comp):
        flash(_("The category %(name)s has been added.", name=form.name.data), "success")
        return redirect(url_for("competition_setup.categories", competition_id=comp.id))
    total = sum(c.budget_fen for c in comp.categories)
    return page("competitions/setup_categories.html", comp, "categories", form, total_fen=total)


@bp.route("/<int:competition_id>/setup/categories/<int:category_id>", methods=["GET", "POST"])
@organizer_only
def category(competition_id: int, category_id: int):
    comp = managed_competition(competition_id)
    cat = child_or_404(Category, category_id, comp)
    form = forms.CategoryForm(
        data=None
        if request.method == "POST"
        else {
            "name": cat.name,
            "budget": forms.fen_to_yuan(cat.budget_fen),
            "max_projects": cat.max_projects,
            "description": cat.description,
        }
    )
    if form.validate_on_submit() and _save_category(form, comp, cat):
        flash(_("Saved."), "success")
        return redirect(url_for("competition_setup.categories", competition_id=comp.id))
    return page("competitions/setup_category.html", comp, "categories", form, category=cat)


@bp.route("/<int:competition_id>/setup/categories/<int:category_id>/delete", methods=["POST"])
@organizer_only
def delete_category(competition_id: int, category_id: int):
    comp = managed_competition(competition_id)
    return delete_and_return(
        services.delete_category,
        child_or_404(Category, category_id, comp),
        _("The category has been deleted."),
        "competition_setup.categories",
        comp,
    )


# --- money rules and budget lines ----------------------------------------------------------------


def _money_data(comp) -> dict:
    caps = comp.group_caps or {}
    return {
        "max_amount": forms.fen_to_yuan(comp.max_amount_fen),
        "max_share_pct": comp.max_share_pct,
        "min_cofunding_pct": comp.min_cofunding_pct,
        "forbidden_items": comp.forbidden_items,
        **{
            f"cap_{g.value}": Decimal(str(caps[g.value])) if caps.get(g.value) else None
            for g in BudgetGroup
        },
    }


@bp.route("/<int:competition_id>/setup/money", methods=["GET", "POST"])
@organizer_only
def money(competition_id: int):
    comp = managed_competition(competition_id)
    form = forms.MoneyForm(data=None if request.method == "POST" else _money_data(comp))
    if form.validate_on_submit() and attempt(
        form,
        services.update_money_rules,
        comp,
        actor=current_user,
        max_amount_fen=form.max_amount.fen,
        max_share_pct=form.max_share_pct.data,
        min_cofunding_pct=form.min_cofunding_pct.data or 0,
        forbidden_items=form.forbidden_items.data or "",
        group_caps={g.value: getattr(form, f"cap_{g.value}").data for g in BudgetGroup},
    ):
        flash(_("The money rules have been saved."), "success")
        return after_save(comp, "money")
    return page("competitions/setup_money.html", comp, "money", form)


def _group_choices():
    return [(g.value, label(g)) for g in BudgetGroup]


def _save_budget_rule(form, comp, rule=None):
    """Add a budget line rule (``rule`` None) or change one."""
    return attempt(
        form,
        services.save_budget_rule,
        comp,
        rule,
        actor=current_user,
        line_group=form.line_group.data,
        name=form.name.data,
        max_share_pct=form.max_share_pct.data,
    )


@bp.route("/<int:competition_id>/setup/budget-lines", methods=["GET", "POST"])
@organizer_only
def budget_lines(competition_id: int):
    comp = managed_competition(competition_id)
    form = forms.BudgetRuleForm()
    form.line_group.choices = _group_choices()
    if form.validate_on_submit() and _save_budget_rule(form, comp):
        flash(_("The budget line %(name)s has been added.", name=form.name.data), "success")
        return redirect(url_for("competition_setup.budget_lines", competition_id=comp.id))
    return page(
        "competitions/setup_budget_lines.html", comp, "budget_lines", form, groups=list(BudgetGroup)
    )


@bp.route("/<int:competition_id>/setup/budget-lines/<int:rule_id>", methods=["GET", "POST"])
@organizer_only
def budget_line(competition_id: int, rule_id: int):
    comp = managed_competition(competition_id)
    rule = child_or_404(BudgetLineRule, rule_id, comp)
    form = forms.BudgetRuleForm(
        data=None
        if request.method == "POST"
        else {
            "line_group": rule.line_group.value,
            "name": rule.name,
            "max_share_pct": rule.max_share_pct,
        }
    )
    form.line_group.choices = _group_choices()
    if form.validate_on_submit() and _save_budget_rule(form, comp, rule):
        flash(_("Saved."), "success")
        return redirect(url_for("competition_setup.budget_lines", competition_id=comp.id))
    return page("competitions/setup_budget_line.html", comp, "budget_lines", form, rule=rule)


@bp.route("/<int:competition_id>/setup/budget-lines/<int:rule_id>/delete", methods=["POST"])
@organizer_only
def delete_budget_line(competition_id: int, rule_id: int):
    comp = managed_competition(competition_id)
    return delete_and_return(
        services.delete_budget_rule,
        child_or_404(BudgetLineRule, rule_id, comp),
        _("The budget line has been deleted."),
        "competition_setup.budget_lines",
        comp,
    )


# --- eligibility -----------------------------------------------------------------------------


@bp.route("/<int:competition_id>/setup/eligibility", methods=["GET", "POST"])
@organizer_only
def eligibility(competition_id: int):
    comp = managed_competition(competition_id)
    form = forms.EligibilityForm(obj=None if request.method == "POST" else comp)
    form.allowed_org_types.choices = [(t.value, label(t)) for t in OrgType]
    form.required_attachments.choices = [
        (k.value, label(k)) for k in AttachmentKind if k != AttachmentKind.OTHER
    ]
    if form.validate_on_submit() and attempt(
        form,
        services.update_eligibility,
        comp,
        actor=current_user,
        allowed_org_types=list(form.allowed_org_types.data or []),
        require_verified=form.require_verified.data,
        abnormal_years=form.abnormal_years.data or 0,
        dishonest_years=form.dishonest_years.data or 0,
        max_applications_per_org=form.max_applications_per_org.data,
        min_registration_months=form.min_registration_months.data or 0,
        required_attachments=list(form.required_attachments.data or []),
        max_file_mb=form.max_file_mb.data,
        max_total_mb=form.max_total_mb.data,
    ):
        flash(_("The eligibility rules have been saved."), "success")
        return after_save(comp, "eligibility")
    return page("competitions/setup_eligibility.html", comp, "eligibility", form)
