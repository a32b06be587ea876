"""The organizer's competition editor: one small page per section."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from venture.applications import labels as _app_labels  # noqa: F401  (enum labels)
from venture.applications.models import AttachmentKind
from venture.competitions import forms, services
from venture.competitions import labels as _labels  # noqa: F401  (enum labels)
from venture.competitions.labels import label_of as label
from venture.competitions.models import (
    SCORING_STAGES,
    STAGE_ORDER,
    BudgetGroup,
    BudgetLineRule,
    Category,
    Competition,
    CompetitionStatus,
    FundingMode,
    ReportPeriod,
    Rubric,
    StageKind,
)
from venture.competitions.policies import can_manage, rubric_in_use
from venture.db import get_or_404
from venture.errors import DomainError, NotFound
from venture.extensions import db
from venture.followup import labels as _followup_labels  # noqa: F401  (tranche condition labels)
from venture.followup.models import TrancheCondition
from venture.orgs.models import Area, AreaLevel, OrgType
from venture.policy import organizer_only, require
from venture.web import attach_error, attempt, render_form

bp = Blueprint("competition_setup", __name__, url_prefix="/competitions")

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


def _competition(competition_id: int) -> Competition:
    comp = get_or_404(Competition, competition_id)
    require(can_manage(current_user))
    return comp


def _page(template: str, comp: Competition, section: str, form=None, status=None, **context):
    context.update(
        comp=comp, section=section, sections=SECTIONS, problems=services.setup_problems(comp)
    )
    if form is not None:
        return render_form(template, form, status=status, **context)
    return render_template(template, **context), status or 200


def _after_save(comp: Competition, section: str):
    """Where a saved section leads: while the competition is a draft, on to the next
    section of the setup (one click less per section); afterwards, back to the same one."""
    keys = [key for key, _endpoint in SECTIONS]
    endpoint = dict(SECTIONS)[section]
    if comp.status == CompetitionStatus.DRAFT and section in keys[: keys.index("open")]:
        endpoint = SECTIONS[keys.index(section) + 1][1]
    return redirect(url_for(endpoint, competition_id=comp.id))


def _area_choices():
    """The districts and streets a competition may cover (none: the whole city)."""
    areas = db.session.scalars(
        sa.select(Area)
        .where(Area.level != AreaLevel.COMMUNITY)
        .options(sa.orm.joinedload(Area.parent))
        .order_by(Area.name)
    ).all()
    return [("", _("— whole city —"))] + sorted(((a.id, a.path) for a in areas), key=lambda c: c[1])


@bp.route("/new", methods=["GET", "POST"])
@organizer_only
def new():
    form = forms.BasicsForm()
    form.area_id.choices = _area_choices()
    if request.method == "GET":
        from datetime import date

        form.year.data = date.today().year + 1
    if form.validate_on_submit():
        try:
            comp = services.create_competition(
                actor=current_user,
                name=form.name.data,
                year=form.year.data,
                code_prefix=form.code_prefix.data,
                theme=form.theme.data or "",
                description=form.description.data or "",
                area_id=form.area_id.data,
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(
                _("The competition has been created as a draft. Continue with its stages."),
                "success",
            )
            return redirect(url_for("competition_setup.stages", competition_id=comp.id))
    return render_form("competitions/new.html", form)


@bp.route("/<int:competition_id>/setup")
@organizer_only
def setup(competition_id: int):
    _competition(competition_id)
    return redirect(url_for("competition_setup.basics", competition_id=competition_id))


@bp.route("/<int:competition_id>/setup/basics", methods=["GET", "POST"])
@organizer_only
def basics(competition_id: int):
    comp = _competition(competition_id)
    form = forms.BasicsForm(obj=comp)
    form.area_id.choices = _area_choices()
    if form.validate_on_submit() and attempt(
        form,
        services.update_basics,
        comp,
        actor=current_user,
        name=form.name.data,
        year=form.year.data,
        code_prefix=form.code_prefix.data,
        theme=form.theme.data or "",
        description=form.description.data or "",
        area_id=form.area_id.data,
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("competition_setup.basics", competition_id=comp.id))
    return _page("competitions/setup_basics.html", comp, "basics", form)


@bp.route("/<int:competition_id>/setup/stages", methods=["GET", "POST"])
@organizer_only
def stages(competition_id: int):
    comp = _competition(competition_id)
    data = {}
    for stage in comp.stages:
        data[f"{stage.kind.value}_starts_at"] = forms.utc_to_local_naive(stage.starts_at)
        data[f"{stage.kind.value}_ends_at"] = forms.utc_to_local_naive(stage.ends_at)
    data["shift_later"] = True
    form = forms.stages_form(data=None if request.method == "POST" else data)
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
            lambda: services.update_stage_dates(
                comp, dates, actor=current_user, shift_later=form.shift_later.data
            ),
        ):
            flash(_("The stage dates have been saved."), "success")
            return _after_save(comp, "stages")
    return _page("competitions/setup_stages.html", comp, "stages", form, kinds=STAGE_ORDER)


@bp.route("/<int:competition_id>/setup/scoring", methods=["GET", "POST"])
@organizer_only
def scoring(competition_id: int):
    comp = _competition(competition_id)
    choices = {
        kind: [(r.id, f"{r.name} · v{r.version}") for r in comp.rubrics if r.stage_kind == kind]
        for kind in SCORING_STAGES
    }
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
    form = forms.scoring_form(
        data=None if request.method == "POST" else data, rubric_choices=choices
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
        if attempt(form, lambda: services.update_scoring(comp, settings, actor=current_user)):
            flash(_("The scoring settings have been saved."), "success")
            return _after_save(comp, "scoring")
    return _page("competitions/setup_scoring.html", comp, "scoring", form, kinds=SCORING_STAGES)


# --- results and follow-up ----------------------------------------------------------------

FUNDING_MODE_CHOICES = {
    FundingMode.SKIP: _l("Skip it and fund the next project that still fits"),
    FundingMode.STOP: _l("Stop funding in that category"),
}
REPORT_PERIOD_CHOICES = {
    ReportPeriod.MONTHLY: _l("Monthly"),
    ReportPeriod.QUARTERLY: _l("Quarterly"),
}


@bp.route("/<int:competition_id>/setup/follow-up", methods=["GET", "POST"])
@organizer_only
def followup(competition_id: int):
    comp = _competition(competition_id)
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
        return _after_save(comp, "followup")
    return _page("competitions/setup_followup.html", comp, "followup", form)


# --- categories -------------------------------------------------------------------------


@bp.route("/<int:competition_id>/setup/categories", methods=["GET", "POST"])
@organizer_only
def categories(competition_id: int):
    comp = _competition(competition_id)
    form = forms.CategoryForm()
    if form.validate_on_submit() and attempt(
        form,
        services.save_category,
        comp,
        actor=current_user,
        name=form.name.data,
        budget_fen=form.budget.fen,
        description=form.description.data or "",
        max_projects=form.max_projects.data,
    ):
        flash(_("The category %(name)s has been added.", name=form.name.data), "success")
        return redirect(url_for("competition_setup.categories", competition_id=comp.id))
    total = sum(c.budget_fen for c in comp.categories)
    return _page("competitions/setup_categories.html", comp, "categories", form, total_fen=total)


def _category(comp: Competition, category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None or category.competition_id != comp.id:
        raise NotFound()
    return category


@bp.route("/<int:competition_id>/setup/categories/<int:category_id>", methods=["GET", "POST"])
@organizer_only
def category(competition_id: int, category_id: int):
    comp = _competition(competition_id)
    cat = _category(comp, category_id)
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
    if form.validate_on_submit() and attempt(
        form,
        services.save_category,
        comp,
        cat,
        actor=current_user,
        name=form.name.data,
        budget_fen=form.budget.fen,
        description=form.description.data or "",
        max_projects=form.max_projects.data,
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("competition_setup.categories", competition_id=comp.id))
    return _page("competitions/setup_category.html", comp, "categories", form, category=cat)


@bp.route("/<int:competition_id>/setup/categories/<int:category_id>/delete", methods=["POST"])
@organizer_only
def delete_category(competition_id: int, category_id: int):
    comp = _competition(competition_id)
    cat = _category(comp, category_id)
    return _delete(
        lambda: services.delete_category(cat, actor=current_user),
        _("The category has been deleted."),
        "competition_setup.categories",
        comp,
    )


# --- money rules and budget lines ----------------------------------------------------------------


@bp.route("/<int:competition_id>/setup/money", methods=["GET", "POST"])
@organizer_only
def money(competition_id: int):
    comp = _competition(competition_id)
    caps = comp.group_caps or {}
    form = forms.MoneyForm(
        data=None
        if request.method == "POST"
        else {
            "max_amount": forms.fen_to_yuan(comp.max_amount_fen),
            "max_share_pct": comp.max_share_pct,
            "min_cofunding_pct": comp.min_cofunding_pct,
            "forbidden_items": comp.forbidden_items,
            **{
                f"cap_{g.value}": Decimal(str(caps[g.value])) if caps.get(g.value) else None
                for g in BudgetGroup
            },
        }
    )
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
        return _after_save(comp, "money")
    return _page("competitions/setup_money.html", comp, "money", form)


def _group_choices():
    return [(g.value, label(g)) for g in BudgetGroup]


@bp.route("/<int:competition_id>/setup/budget-lines", methods=["GET", "POST"])
@organizer_only
def budget_lines(competition_id: int):
    comp = _competition(competition_id)
    form = forms.BudgetRuleForm()
    form.line_group.choices = _group_choices()
    if form.validate_on_submit() and attempt(
        form,
        services.save_budget_rule,
        comp,
        actor=current_user,
        line_group=form.line_group.data,
        name=form.name.data,
        max_share_pct=form.max_share_pct.data,
    ):
        flash(_("The budget line %(name)s has been added.", name=form.name.data), "success")
        return redirect(url_for("competition_setup.budget_lines", competition_id=comp.id))
    return _page(
        "competitions/setup_budget_lines.html", comp, "budget_lines", form, groups=list(BudgetGroup)
    )


def _rule(comp: Competition, rule_id: int) -> BudgetLineRule:
    rule = db.session.get(BudgetLineRule, rule_id)
    if rule is None or rule.competition_id != comp.id:
        raise NotFound()
    return rule


@bp.route("/<int:competition_id>/setup/budget-lines/<int:rule_id>", methods=["GET", "POST"])
@organizer_only
def budget_line(competition_id: int, rule_id: int):
    comp = _competition(competition_id)
    rule = _rule(comp, rule_id)
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
    if form.validate_on_submit() and attempt(
        form,
        services.save_budget_rule,
        comp,
        rule,
        actor=current_user,
        line_group=form.line_group.data,
        name=form.name.data,
        max_share_pct=form.max_share_pct.data,
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("competition_setup.budget_lines", competition_id=comp.id))
    return _page("competitions/setup_budget_line.html", comp, "budget_lines", form, rule=rule)


@bp.route("/<int:competition_id>/setup/budget-lines/<int:rule_id>/delete", methods=["POST"])
@organizer_only
def delete_budget_line(competition_id: int, rule_id: int):
    comp = _competition(competition_id)
    rule = _rule(comp, rule_id)
    return _delete(
        lambda: services.delete_budget_rule(rule, actor=current_user),
        _("The budget line has been deleted."),
        "competition_setup.budget_lines",
        comp,
    )


# --- eligibility -----------------------------------------------------------------------------


@bp.route("/<int:competition_id>/setup/eligibility", methods=["GET", "POST"])
@organizer_only
def eligibility(competition_id: int):
    comp = _competition(competition_id)
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
        return _after_save(comp, "eligibility")
    return _page("competitions/setup_eligibility.html", comp, "eligibility", form)


# --- rubrics ----------------------------------------------------------------------------------


@bp.route("/<int:competition_id>/setup/rubrics", methods=["GET", "POST"])
@organizer_only
def rubrics(competition_id: int):
    comp = _competition(competition_id)
    form = forms.RubricNewForm()
    form.stage_kind.choices = [(k.value, label(k)) for k in SCORING_STAGES]
    if form.validate_on_submit():
        try:
            rubric = services.create_rubric(
                comp, actor=current_user, name=form.name.data, stage_kind=form.stage_kind.data
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            return redirect(
                url_for("competition_setup.rubric", competition_id=comp.id, rubric_id=rubric.id)
            )
    in_use = {r.id: rubric_in_use(r) for r in comp.rubrics}
    used_by = {s.rubric_id: s for s in comp.stages if s.rubric_id}
    return _page(
        "competitions/setup_rubrics.html", comp, "rubrics", form, in_use=in_use, used_by=used_by
    )


def _rubric(comp: Competition, rubric_id: int) -> Rubric:
    rubric = db.session.get(Rubric, rubric_id)
    if rubric is None or rubric.competition_id != comp.id:
        raise NotFound()
    return rubric


BLANK_CRITERIA_ROWS = 3


def _blank_rows(rows: list) -> int:
    """Empty criterion rows to show: some for a new rubric; none once it has criteria (a saved
    rubric came back with three empty rows each time), unless asked (``?add=N``, the fallback
    of the "Add a criterion" button without JavaScript)."""
    if not rows:
        return BLANK_CRITERIA_ROWS
    return max(0, min(request.args.get("add", 0, type=int) or 0, 20))


@bp.route("/<int:competition_id>/setup/rubrics/<int:rubric_id>", methods=["GET", "POST"])
@organizer_only
def rubric(competition_id: int, rubric_id: int):
    comp = _competition(competition_id)
    rub = _rubric(comp, rubric_id)
    frozen = rubric_in_use(rub) or comp.is_locked_for(rub.stage_kind)
    if request.method == "POST":
        form = forms.RubricForm()
    else:
        rows = [
            {
                "name": c.name,
                "description": c.description,
                "max_score": c.max_score,
                "allow_na": c.allow_na,
            }
            for c in rub.criteria
        ]
        form = forms.RubricForm(
            data={
                "name": rub.name,
                "criteria": rows + [{}] * (0 if frozen else _blank_rows(rows)),
            }
        )
    status = None
    if form.validate_on_submit():
        try:
            services.save_rubric(
                rub, actor=current_user, name=form.name.data, criteria=form.criteria_data()
            )
        except DomainError as error:
            status = error.status
            if error.field == "criteria":
                form.criteria.errors = [str(error.message)]
            else:
                attach_error(form, error)
        else:
            flash(_("The rubric has been saved."), "success")
            return redirect(
                url_for("competition_setup.rubric", competition_id=comp.id, rubric_id=rub.id)
            )
    current_sum = sum((c["max_score"] or 0 for c in form.criteria_data()), 0)
    return _page(
        "competitions/setup_rubric.html",
        comp,
        "rubrics",
        form,
        status=status,
        rubric=rub,
        frozen=frozen,
        current_sum=current_sum,
        used_by_stage=any(s.rubric_id == rub.id for s in comp.stages),
    )


@bp.route("/<int:competition_id>/setup/rubrics/<int:rubric_id>/copy", methods=["POST"])
@organizer_only
def copy_rubric(competition_id: int, rubric_id: int):
    comp = _competition(competition_id)
    copy = services.copy_rubric(_rubric(comp, rubric_id), actor=current_user)
    flash(
        _("A new version %(version)d has been created; you can edit it.", version=copy.version),
        "success",
    )
    return redirect(url_for("competition_setup.rubric", competition_id=comp.id, rubric_id=copy.id))


@bp.route("/<int:competition_id>/setup/rubrics/<int:rubric_id>/delete", methods=["POST"])
@organizer_only
def delete_rubric(competition_id: int, rubric_id: int):
    comp = _competition(competition_id)
    rub = _rubric(comp, rubric_id)
    return _delete(
        lambda: services.delete_rubric(rub, actor=current_user),
        _("The rubric has been deleted."),
        "competition_setup.rubrics",
        comp,
    )


def _delete(delete, done_message: str, list_endpoint: str, comp: Competition):
    """Delete one setup item and return to its list, saying why when it may not go."""
    try:
        delete()
    except DomainError as error:
        flash(str(error.message), "danger")
    else:
        flash(done_message, "success")
    return redirect(url_for(list_endpoint, competition_id=comp.id))


# --- opening ------------------------------------------------------------------------------------


@bp.route("/<int:competition_id>/setup/open", methods=["GET", "POST"])
@organizer_only
def open_(competition_id: int):
    comp = _competition(competition_id)
    if request.method == "POST":
        try:
            services.open_competition(comp, actor=current_user)
        except DomainError as error:
            flash(str(error.message), "danger")
            return _page("competitions/setup_open.html", comp, "open", status=error.status)
        flash(_("The competition is open: applicants can see it and apply."), "success")
        return redirect(url_for("competitions.overview", competition_id=comp.id))
    return _page("competitions/setup_open.html", comp, "open")


@bp.route("/<int:competition_id>/archive", methods=["POST"])
@organizer_only
def archive(competition_id: int):
    comp = _competition(competition_id)
    services.archive_competition(comp, actor=current_user)
    flash(_("The competition has been archived."), "success")
    return redirect(url_for("competitions.manage"))


# The stage controls share this blueprint and its layout (their routes register on import).
from venture.competitions import stage_views as _stage_views  # noqa: E402,F401
