"""Setting up a competition: basics, stages, categories, money and eligibility rules,
rubrics, and opening it to applicants. Every change is one audited transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.audit.services import changes_between, record, snapshot
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import (
    MAX_PUBLICITY_DAYS,
    MIN_PUBLICITY_DAYS,
    SCORING_STAGES,
    SELECTION_STAGES,
    STAGE_ORDER,
    BudgetGroup,
    BudgetLineRule,
    Category,
    Competition,
    CompetitionStatus,
    FundingMode,
    ReportPeriod,
    Stage,
    StageKind,
)
from venture.db import service
from venture.errors import Conflict, ValidationError
from venture.extensions import db
from venture.followup.models import TrancheCondition
from venture.templating import format_local

DEFAULT_BUDGET_RULES = [
    (BudgetGroup.ACTIVITY, "宣传费", None),
    (BudgetGroup.ACTIVITY, "活动物料费", None),
    (BudgetGroup.ACTIVITY, "专家劳务费", None),
    (BudgetGroup.ACTIVITY, "人员补贴", Decimal("40")),
    (BudgetGroup.ACTIVITY, "交通及场地费", None),
    (BudgetGroup.MANAGEMENT, "管理费", None),
    (BudgetGroup.TAX, "税费", None),
]
BASIC_FIELDS = ("name", "year", "theme", "description", "area_id", "code_prefix")
MONEY_FIELDS = (
    "max_amount_fen",
    "max_share_pct",
    "min_cofunding_pct",
    "group_caps",
    "forbidden_items",
)
ELIGIBILITY_FIELDS = (
    "allowed_org_types",
    "require_verified",
    "abnormal_years",
    "dishonest_years",
    "max_applications_per_org",
    "min_registration_months",
    "required_attachments",
    "max_file_mb",
    "max_total_mb",
)
FOLLOWUP_FIELDS = (
    "funding_mode",
    "publicity_days",
    "report_period",
    "eval_pass_mark",
    "grade_a_min",
    "grade_b_min",
    "tranche_plan",
)


# --- the competition itself ------------------------------------------------------------


def _check_prefix(code_prefix: str, competition: Competition | None = None) -> str:
    prefix = (code_prefix or "").strip().upper()
    if not prefix or not all(ch.isalnum() or ch in "-_" for ch in prefix) or not prefix.isascii():
        raise ValidationError(
            _("The code prefix may use only letters, digits, '-' and '_' (e.g. GY2026)."),
            field="code_prefix",
        )
    query = sa.select(Competition.id).where(Competition.code_prefix == prefix)
    if competition is not None and competition.id is not None:
        query = query.where(Competition.id != competition.id)
    if db.session.scalar(query) is not None:
        raise ValidationError(
            _("Another competition already uses the code prefix %(prefix)s.", prefix=prefix),
            field="code_prefix",
        )
    if (
        competition is not None
        and competition.code_prefix != prefix
        and competition.next_application_seq > 1
    ):
        raise ValidationError(
            _("Applications already have codes with this prefix; it can no longer change."),
            field="code_prefix",
        )
    return prefix


@service
def create_competition(
    *,
    actor,
    name: str,
    year: int,
    code_prefix: str,
    theme: str = "",
    description: str = "",
    area_id: int | None = None,
) -> Competition:
    """A draft with the nine stages (no dates yet) and the usual budget lines."""
    comp = Competition(
        name=name.strip(),
        year=year,
        theme=theme.strip(),
        description=description.strip(),
        area_id=area_id,
        code_prefix=_check_prefix(code_prefix),
        status=CompetitionStatus.DRAFT,
        group_caps={"management": "10"},
        allowed_org_types=["social_group", "pne", "foundation"],
        required_attachments=["registration", "charter"],
        created_by_id=actor.id,
    )
    for position, kind in enumerate(STAGE_ORDER):
        comp.stages.append(
            Stage(
                kind=kind,
                position=position,
                weight=Decimal("0.4")
                if kind == StageKind.ONLINE_REVIEW
                else Decimal("0.6")
                if kind == StageKind.ROADSHOW
                else Decimal("0"),
                blind=kind == StageKind.ONLINE_REVIEW,
            )
        )
    for position, (group, line, cap) in enumerate(DEFAULT_BUDGET_RULES):
        comp.budget_rules.append(
            BudgetLineRule(line_group=group, name=line, max_share_pct=cap, position=position)
        )
    db.session.add(comp)
    record(
        "competition.created",
        comp,
        actor=actor,
        changes={"name": [None, comp.name], "code_prefix": [None, comp.code_prefix]},
    )
    return comp


def _apply(competition: Competition, fields: tuple, values: dict, action: str, actor) -> dict:
    before = snapshot(competition, fields)
    for key, value in values.items():
        if key in fields:
            setattr(competition, key, value)
    changes = changes_between(before, snapshot(competition, fields))
    if changes:
        record(action, competition, actor=actor, changes=changes)
    return changes


@service
def update_basics(competition: Competition, *, actor, **values) -> dict:
    if "code_prefix" in values:
        values["code_prefix"] = _check_prefix(values["code_prefix"], competition)
    for key in ("name", "theme", "description"):
        if key in values:
            values[key] = (values[key] or "").strip()
    return _apply(competition, BASIC_FIELDS, values, "competition.basics_changed", actor)


@service
def update_money_rules(
    competition: Competition,
    *,
    actor,
    max_amount_fen: int,
    max_share_pct: Decimal,
    min_cofunding_pct: Decimal,
    group_caps: dict,
    forbidden_items: str,
) -> dict:
    if max_amount_fen <= 0:
        raise ValidationError(
            _("The maximum per project must be more than zero."), field="max_amount"
        )
    for field, pct in (("max_share_pct", max_share_pct), ("min_cofunding_pct", min_cofunding_pct)):
        if pct is None or pct < 0 or pct > 100:
            raise ValidationError(_("A percentage is between 0 and 100."), field=field)
    if max_share_pct == 0:
        raise ValidationError(_("The maximum share must be more than 0%."), field="max_share_pct")
    if max_share_pct + min_cofunding_pct > 100:
        raise ValidationError(
            _("The maximum share requested and the minimum co-funding add up to more than 100%."),
            field="min_cofunding_pct",
        )
    caps = {}
    for group, pct in (group_caps or {}).items():
        if pct is None or pct == "":
            continue
        pct = Decimal(str(pct))
        if pct <= 0 or pct > 100:
            raise ValidationError(_("A percentage is between 0 and 100."), field=f"cap_{group}")
        # "10", not "10.00" nor normalize()'s "1E+1": the cap is shown to applicants as typed.
        caps[BudgetGroup(group).value] = str(
            pct.quantize(Decimal(1)) if pct == pct.to_integral() else pct
        )
    return _apply(
        competition,
        MONEY_FIELDS,
        {
            "max_amount_fen": max_amount_fen,
            "max_share_pct": max_share_pct,
            "min_cofunding_pct": min_cofunding_pct,
            "group_caps": caps,
            "forbidden_items": (forbidden_items or "").strip(),
        },
        "competition.money_rules_changed",
        actor,
    )


@service
def update_eligibility(competition: Competition, *, actor, **values) -> dict:
    for key in ("abnormal_years", "dishonest_years", "min_registration_months"):
        if values.get(key) is not None and values[key] < 0:
            raise ValidationError(_("The number cannot be negative."), field=key)
    if values.get("max_applications_per_org", 1) < 1:
        raise ValidationError(
            _("At least one application per organization must be allowed."),
            field="max_applications_per_org",
        )
    file_mb, total_mb = (
        values.get("max_file_mb", competition.max_file_mb),
        values.get("max_total_mb", competition.max_total_mb),
    )
    if file_mb < 1 or total_mb < 1:
        raise ValidationError(_("Size limits are at least 1 MB."), field="max_file_mb")
    if file_mb > total_mb:
        raise ValidationError(
            _("The limit per file cannot be larger than the limit per application."),
            field="max_file_mb",
        )
    return _apply(competition, ELIGIBILITY_FIELDS, values, "competition.eligibility_changed", actor)


# --- results and follow-up -------------------------------------------------------------


def _followup_snapshot(competition: Competition) -> dict:
    """The settings as audited: marks to the cent, so 60 and 60.00 are the same value."""
    values = snapshot(competition, FOLLOWUP_FIELDS)
    for key in ("eval_pass_mark", "grade_a_min", "grade_b_min"):
        values[key] = str(Decimal(values[key]).quantize(Decimal("0.01")))
    return values


def _mark(value, field: str) -> Decimal:
    try:
        mark = Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        mark = None
    if value is None or mark is None or not 0 <= mark <= 100:
        raise ValidationError(_("A mark is between 0 and 100."), field=field)
    return mark


def _choice(enum_type, value, field: str):
    try:
        return enum_type(value)
    except ValueError:
        raise ValidationError(_("Choose one of the options offered."), field=field) from None


def check_tranche_plan(rows: list[dict]) -> list[dict]:
    """``rows``: [{"share": int, "condition": str, "row": its number on the form}] as entered.
    Returns the plan in the order the tranches are paid (signing, mid-term, final): a tranche
    waits for the ones before it."""
    order = list(TrancheCondition)
    plan = []
    for position, row in enumerate(rows, start=1):
        share, condition, number = row.get("share"), row.get("condition"), row.get("row", position)
        if not isinstance(share, int) or isinstance(share, bool) or not 1 <= share <= 100:
            raise ValidationError(
                _("Tranche %(n)d: a share is a whole percentage between 1 and 100.", n=number),
                field="tranches",
            )
        if condition not in {c.value for c in order}:
            raise ValidationError(
                _("Tranche %(n)d: choose when it is paid from the list.", n=number),
                field="tranches",
            )
        if any(entry["condition"] == condition for entry in plan):
            raise ValidationError(
                _("Each payment condition can be used once; add those shares together."),
                field="tranches",
            )
        plan.append({"share": share, "condition": condition})
    if not plan:
        raise ValidationError(_("The tranche plan needs at least one tranche."), field="tranches")
    total = sum(entry["share"] for entry in plan)
    if total != 100:
        raise ValidationError(
            _(
                "The shares of the tranches add up to %(sum)d%%; they must add up to 100%%.",
                sum=total,
            ),
            field="tranches",
        )
    return sorted(plan, key=lambda entry: order.index(TrancheCondition(entry["condition"])))


@service
def update_followup_settings(
    competition: Competition,
    *,
    actor,
    funding_mode: str,
    publicity_days: int,
    report_period: str,
    eval_pass_mark,
    grade_a_min,
    grade_b_min,
    tranche_plan: list[dict],
) -> dict:
    """The funding line's mode, the public notice, and what projects copy when they are created
    from the final results (tranche plan, report period) or are graded by (marks). These feed
    the results, so they are fixed once the results are final."""
    ensure_unlocked(
        competition,
        action="competition.followup_settings_changed",
        object_type="competition",
        object_id=competition.id,
        actor=actor,
    )
    mode, period = (
        _choice(FundingMode, funding_mode, "funding_mode"),
        _choice(ReportPeriod, report_period, "report_period"),
    )
    if (
        isinstance(publicity_days, bool)
        or not isinstance(publicity_days, int)
        or not 1 <= publicity_days <= MAX_PUBLICITY_DAYS
    ):
        raise ValidationError(
            _("The public notice lasts between 1 and 60 days."), field="publicity_days"
        )
    pass_mark = _mark(eval_pass_mark, "eval_pass_mark")
    a_min, b_min = _mark(grade_a_min, "grade_a_min"), _mark(grade_b_min, "grade_b_min")
    if b_min >= a_min:
        raise ValidationError(_("Grade A must start above grade B."), field="grade_a_min")
    if b_min < pass_mark:
        # rules.grade_for gives B from grade_b_min: below the pass mark a failed project would get a B.
        raise ValidationError(
            _(
                "Grade B cannot start below the pass mark: a project that did not pass would "
                "get a B."
            ),
            field="grade_b_min",
        )
    plan = check_tranche_plan(tranche_plan)
    before = _followup_snapshot(competition)
    competition.funding_mode, competition.report_period = mode, period
    competition.publicity_days, competition.tranche_plan = publicity_days, plan
    competition.eval_pass_mark, competition.grade_a_min, competition.grade_b_min = (
        pass_mark,
        a_min,
        b_min,
    )
    changes = changes_between(before, _followup_snapshot(competition))
    if changes:
        record("competition.followup_settings_changed", competition, actor=actor, changes=changes)
    return changes


# --- stages ------------------------------------------------------------------------------

# Consecutive stages follow each other, except these pairs: the implementation may start
# while agreements are being signed, and the mid-term evaluation falls inside the implementation.
OVERLAPPING = {(StageKind.AGREEMENT, StageKind.IMPLEMENTATION)}


def stage_date_problems(dates: dict) -> list[tuple[StageKind, str]]:
    """Problems with stage dates: ``dates`` maps a kind to (starts_at, ends_at)."""
    from venture.competitions.labels import label_of as label

    problems = []
    for kind in STAGE_ORDER:
        start, end = dates.get(kind, (None, None))
        if start and end and end <= start:
            problems.append((kind, _("%(stage)s must end after it starts.", stage=label(kind))))
    dated = [(k, *dates[k]) for k in STAGE_ORDER if k in dates and all(dates[k])]
    for (prev, p_start, p_end), (kind, start, end) in zip(dated, dated[1:], strict=False):
        if start < p_start:
            problems.append(
                (
                    kind,
                    _(
                        "%(stage)s cannot start before %(previous)s.",
                        stage=label(kind),
                        previous=label(prev),
                    ),
                )
            )
        elif (prev, kind) == (StageKind.IMPLEMENTATION, StageKind.MIDTERM):
            if end > p_end:
                problems.append(
                    (kind, _("The mid-term evaluation must take place during the implementation."))
                )
        elif (prev, kind) not in OVERLAPPING and start < p_end:
            problems.append(
                (
                    kind,
                    _(
                        "%(stage)s cannot start before %(previous)s has ended.",
                        stage=label(kind),
                        previous=label(prev),
                    ),
                )
            )
    publicity = dates.get(StageKind.PUBLICITY)
    if (
        publicity
        and all(publicity)
        and publicity[1] - publicity[0] < timedelta(days=MIN_PUBLICITY_DAYS)
    ):
        problems.append(
            (
                StageKind.PUBLICITY,
                _(
                    "The public notice lasts at least %(days)d days (the legal minimum): move its end to %(when)s or later.",
                    days=MIN_PUBLICITY_DAYS,
                    when=format_local(publicity[0] + timedelta(days=MIN_PUBLICITY_DAYS)),
                ),
            )
        )
    impl, final = dates.get(StageKind.IMPLEMENTATION), dates.get(StageKind.FINAL)
    if impl and final and all(impl) and all(final) and final[1] < impl[1]:
        problems.append(
            (StageKind.FINAL, _("The final evaluation cannot end before the implementation ends."))
        )
    return problems


def _same_minute(a: datetime | None, b: datetime | None) -> bool:
    """The form has minutes: a stored time with seconds is unchanged when its minute is."""
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def _moved_stage(competition: Competition, dates: dict) -> tuple[StageKind, timedelta] | None:
    """The first stage (in the lifecycle's order) whose dates the organizer moved, and by
    how much (its start, or its end when only the end moved)."""
    for stage in competition.stages:
        if stage.kind not in dates:
            continue
        start, end = dates[stage.kind]
        if (
            stage.starts_at is not None
            and start is not None
            and not _same_minute(start, stage.starts_at)
        ):
            return stage.kind, start - stage.starts_at
        if stage.ends_at is not None and end is not None and not _same_minute(end, stage.ends_at):
            return stage.kind, end - stage.ends_at
    return None


def shift_later_stages(competition: Competition, dates: dict) -> dict:
    """``dates`` with the stages after the first moved one moved by the same amount, where
    the organizer left them as they were (a stage changed on the form keeps its new dates)."""
    moved = _moved_stage(competition, dates)
    if moved is None:
        return dict(dates)
    anchor, delta = moved
    shifted = dict(dates)
    for stage in competition.stages:
        if STAGE_ORDER.index(stage.kind) <= STAGE_ORDER.index(anchor):
            continue
        start, end = dates.get(stage.kind, (stage.starts_at, stage.ends_at))
        untouched = _same_minute(start, stage.starts_at) and _same_minute(end, stage.ends_at)
        if untouched and (stage.starts_at or stage.ends_at):
            shifted[stage.kind] = (
                stage.starts_at + delta if stage.starts_at else None,
                stage.ends_at + delta if stage.ends_at else None,
            )
    return shifted


def _check_not_final(competition: Competition, dates: dict) -> None:
    """Nothing that fed the results changes once they are final: the selection's dates stay."""
    if not competition.is_locked:
        return
    from venture.competitions.labels import label_of

    for stage in competition.stages:
        if stage.kind not in SELECTION_STAGES or stage.kind not in dates:
            continue
        start, end = dates[stage.kind]
        if not (_same_minute(start, stage.starts_at) and _same_minute(end, stage.ends_at)):
            raise ValidationError(
                _(
                    "The results are final: the dates of %(stage)s can no longer change. Move only "
                    "the follow-up's stages (agreement, implementation, evaluations).",
                    stage=label_of(stage.kind),
                ),
                field=f"{stage.kind.value}_starts_at",
            )


@service
def update_stage_dates(
    competition: Competition, dates: dict, *, actor, shift_later: bool = False
) -> None:
    """``dates``: {StageKind: (starts_at, ends_at)} as aware datetimes (or None).

    With ``shift_later`` the stages after the first moved one move by the same amount
    (unless they were changed too), so one change does not set off a chain of refusals."""
    _check_time_zones(dates)
    moved = _moved_stage(competition, dates)
    if shift_later:
        dates = shift_later_stages(competition, dates)
    _check_not_final(competition, dates)
    _check_stage_order(dates, moved, shift_later=shift_later)
    changes = {}
    if shift_later and moved is not None:
        changes["shifted_later_by"] = str(moved[1])
    changes |= _set_stage_dates(competition, dates)
    if changes:
        record("competition.stages_changed", competition, actor=actor, changes=changes)


def _check_time_zones(dates: dict) -> None:
    for start, end in dates.values():
        for value in (start, end):
            if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
                raise ValidationError(_("Enter dates with a time zone."))


def _check_stage_order(dates: dict, moved, *, shift_later: bool) -> None:
    """Refuses the first problem with the dates; when it lies after the stage the organizer
    moved, the message suggests moving the later stages too."""
    problems = stage_date_problems(dates)
    if not problems:
        return
    kind, message = problems[0]
    if (
        moved is not None
        and not shift_later
        and STAGE_ORDER.index(kind) > STAGE_ORDER.index(moved[0])
    ):
        message = _(
            "%(problem)s Tick “Move the later stages by the same amount” to move them together.",
            problem=message,
        )
    raise ValidationError(message, field=f"{kind.value}_starts_at")


def _set_stage_dates(competition: Competition, dates: dict) -> dict:
    """Sets the stages' new dates; returns their changes (for the audit entry)."""
    changes = {}
    for stage in competition.stages:
        if stage.kind not in dates:
            continue
        start, end = dates[stage.kind]
        if _same_minute(start, stage.starts_at) and _same_minute(end, stage.ends_at):
            continue  # as shown on the form (which has no seconds): unchanged
        if (stage.starts_at, stage.ends_at) != (start, end):
            changes[stage.kind.value] = [
                [_iso(stage.starts_at), _iso(stage.ends_at)],
                [_iso(start), _iso(end)],
            ]
            stage.starts_at, stage.ends_at = start, end
    return changes


def _iso(value):
    return value.isoformat() if value else None


@service
def update_scoring(competition: Competition, settings: dict, *, actor) -> None:
    """``settings``: {StageKind: {"rubric_id": int|None, "weight": Decimal, "blind": bool,
    "opinion_required": bool}}.

    Once the results are final only the mid-term and final evaluation stages may change
    (a stage left as it was is no change)."""
    rubrics = {r.id: r for r in competition.rubrics}
    selection_weight = Decimal("0")
    changes = {}
    for stage in competition.stages:
        if stage.kind not in settings or stage.kind not in SCORING_STAGES:
            continue
        wanted = _scoring_of(stage, settings[stage.kind], rubrics)
        if stage.kind in (StageKind.ONLINE_REVIEW, StageKind.ROADSHOW):
            selection_weight += wanted.weight
        if (stage.rubric_id, stage.weight, stage.blind, stage.requires_opinion) == wanted:
            continue
        changes[stage.kind.value] = _set_scoring(competition, stage, wanted, actor=actor)
    if selection_weight not in (Decimal("0"), Decimal("1")):
        raise ValidationError(
            _(
                "The weights of the online review and the roadshow must add up to 1 (now %(sum)s).",
                sum=selection_weight.normalize(),
            ),
            field="roadshow_weight",
        )
    if changes:
        record("competition.scoring_changed", competition, actor=actor, changes=changes)


class StageScoring(NamedTuple):
    """A scoring stage's settings, in the order of the stage's columns."""

    rubric_id: int | None
    weight: Decimal
    blind: bool
    opinion_required: bool


def _scoring_of(stage, wanted: dict, rubrics: dict) -> StageScoring:
    """The stage's wanted (rubric id, weight, blind, opinion required), checked; what is not
    given stays as it is."""
    rubric_id = wanted.get("rubric_id")
    if rubric_id is not None:
        _check_rubric(stage, rubrics.get(rubric_id))
    weight = Decimal(str(wanted.get("weight", stage.weight)))
    if weight < 0 or weight > 1:
        raise ValidationError(_("A weight is between 0 and 1."), field=f"{stage.kind.value}_weight")
    blind = bool(wanted.get("blind", stage.blind))
    opinion = bool(wanted.get("opinion_required", stage.requires_opinion))
    return StageScoring(rubric_id, weight, blind, opinion)


def _check_rubric(stage, rubric) -> None:
    if rubric is None or rubric.stage_kind != stage.kind:
        raise ValidationError(
            _("Choose a rubric made for this stage."), field=f"{stage.kind.value}_rubric"
        )
    if rubric.total_max != RUBRIC_TOTAL:
        raise ValidationError(
            _("The rubric %(name)s does not add up to 100 yet.", name=rubric.name),
            field=f"{stage.kind.value}_rubric",
        )


def _set_scoring(competition: Competition, stage, wanted: StageScoring, *, actor) -> dict:
    """Sets the stage's scoring once its stage is not locked; returns the changes."""
    ensure_unlocked(
        competition,
        action="competition.scoring_changed",
        object_type="stage",
        object_id=stage.id,
        actor=actor,
        stage_kind=stage.kind,
    )
    fields = ("rubric_id", "weight", "blind", "opinion_required")
    before = snapshot(stage, fields)
    stage.rubric_id, stage.weight, stage.blind, stage.opinion_required = wanted
    return changes_between(before, snapshot(stage, fields))


# --- categories and budget lines -------------------------------------------------------------


@service
def save_category(
    competition: Competition,
    category: Category | None = None,
    *,
    actor,
    name: str,
    budget_fen: int,
    description: str = "",
    max_projects: int | None = None,
) -> Category:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter a name."), field="name")
    if budget_fen < 0:
        raise ValidationError(_("The budget cannot be negative."), field="budget")
    if any(c.name == name and c is not category for c in competition.categories):
        raise ValidationError(
            _("There is already a category named %(name)s.", name=name), field="name"
        )
    fields = ("name", "budget_fen", "description", "max_projects")
    if category is None:
        category = Category(position=len(competition.categories))
        competition.categories.append(category)
        before = {}
    else:
        before = snapshot(category, fields)
    category.name, category.budget_fen = name, budget_fen
    category.description, category.max_projects = (description or "").strip(), max_projects
    db.session.flush()
    record(
        "category.saved",
        category,
        actor=actor,
        changes=changes_between(before, snapshot(category, fields)),
    )
    return category


@service
def delete_category(category: Category, *, actor) -> None:
    from venture.applications.models import Application

    used = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(Application.category_id == category.id)
    )
    if used:
        raise Conflict(
            _(
                "%(count)d application(s) use the category %(name)s; it cannot be deleted.",
                count=used,
                name=category.name,
            )
        )
    record("category.deleted", category, actor=actor, changes={"name": [category.name, None]})
    category.competition.categories.remove(category)


@service
def save_budget_rule(
    competition: Competition,
    rule: BudgetLineRule | None = None,
    *,
    actor,
    line_group,
    name: str,
    max_share_pct: Decimal | None,
) -> BudgetLineRule:
    name = (name or "").strip()
    group = BudgetGroup(line_group)
    if not name:
        raise ValidationError(_("Enter a name."), field="name")
    if max_share_pct is not None and (max_share_pct <= 0 or max_share_pct > 100):
        raise ValidationError(_("A percentage is between 0 and 100."), field="max_share_pct")
    if any(
        r.name == name and r.line_group == group and r is not rule for r in competition.budget_rules
    ):
        raise ValidationError(
            _("There is already a budget line named %(name)s.", name=name), field="name"
        )
    fields = ("line_group", "name", "max_share_pct")
    if rule is None:
        rule = BudgetLineRule(position=len(competition.budget_rules))
        competition.budget_rules.append(rule)
        before = {}
    else:
        before = snapshot(rule, fields)
    rule.line_group, rule.name, rule.max_share_pct = group, name, max_share_pct
    db.session.flush()
    record(
        "budget_rule.saved",
        rule,
        actor=actor,
        changes=changes_between(before, snapshot(rule, fields)),
    )
    return rule


@service
def delete_budget_rule(rule: BudgetLineRule, *, actor) -> None:
    from venture.applications.models import BudgetLine

    used = db.session.scalar(
        sa.select(sa.func.count(BudgetLine.id)).where(BudgetLine.rule_id == rule.id)
    )
    if used:
        raise Conflict(
            _(
                "%(count)d budget line(s) of applications use %(name)s; it cannot be deleted.",
                count=used,
                name=rule.name,
            )
        )
    record("budget_rule.deleted", rule, actor=actor, changes={"name": [rule.name, None]})
    rule.competition.budget_rules.remove(rule)


# Rubrics live in their own module; their services are part of this one's interface.
from venture.competitions.rubrics import (  # noqa: E402,F401
    RUBRIC_TOTAL,
    copy_rubric,
    create_rubric,
    criteria_problems,
    delete_rubric,
    save_rubric,
)

# --- opening -------------------------------------------------------------------------------------


def setup_problems(competition: Competition) -> list[str]:
    """What still prevents opening the competition (empty when it is ready)."""
    problems = []
    if not competition.categories:
        problems.append(_("Add at least one category."))
    window = competition.stage(StageKind.APPLICATION)
    if window is None or window.starts_at is None or window.ends_at is None:
        problems.append(_("Set the dates of the application window."))
    review = competition.stage(StageKind.ONLINE_REVIEW)
    if review is None or review.rubric is None:
        problems.append(_("Choose a rubric for the online expert review."))
    elif review.rubric.total_max != RUBRIC_TOTAL:
        problems.append(_("The rubric of the online expert review does not add up to 100."))
    if not competition.budget_rules:
        problems.append(_("Add at least one budget line."))
    dates = {s.kind: (s.starts_at, s.ends_at) for s in competition.stages}
    problems.extend(message for _kind, message in stage_date_problems(dates))
    return problems


@service
def open_competition(competition: Competition, *, actor) -> None:
    if competition.status == CompetitionStatus.OPEN:
        return
    problems = setup_problems(competition)
    if problems:
        raise ValidationError(" ".join(problems))
    old = competition.status
    competition.status = CompetitionStatus.OPEN
    record("competition.opened", competition, actor=actor, changes={"status": [old.value, "open"]})


@service
def archive_competition(competition: Competition, *, actor) -> None:
    old = competition.status
    competition.status = CompetitionStatus.ARCHIVED
    record(
        "competition.archived",
        competition,
        actor=actor,
        changes={"status": [old.value, "archived"]},
    )
