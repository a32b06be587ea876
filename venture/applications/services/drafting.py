"""Starting an application and saving its sections (drafts), with optimistic locking."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.applications import policies
from venture.applications.models import (
    MAX_VERSION,
    Application,
    ApplicationStatus,
    AttachmentKind,
    BudgetLine,
    PlanMilestone,
    TeamMember,
    parse_version,
)
from venture.applications.money import Line, Problem, check_money, rules_of
from venture.applications.sections import BY_KEY
from venture.audit.services import record
from venture.competitions.gates import closes_at_for
from venture.competitions.models import Competition, CompetitionStatus, StageKind
from venture.db import service, utcnow
from venture.errors import (
    Conflict,
    DeadlinePassed,
    DomainError,
    Forbidden,
    NotFound,
    ValidationError,
)
from venture.extensions import db
from venture.followup.rules import local_date
from venture.orgs.models import (
    Area,
    AreaLevel,
    Membership,
    Organization,
    Qualification,
    SocialWorker,
)
from venture.templating import format_local

EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
# Statuses that hold one of the organization's places in a competition.
ACTIVE = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.PASSED,
)


class StaleEdit(Conflict):
    """Someone saved the application after this editor loaded it."""

    def __init__(self, application: Application):
        from venture.accounts.models import User

        editor = (
            db.session.get(User, application.updated_by_id) if application.updated_by_id else None
        )
        who = editor.display_name if editor else _("Another member")
        when = format_local(application.updated_at, "%H:%M:%S")
        super().__init__(
            _(
                "%(name)s saved this application at %(time)s, after you opened it. Your changes have "
                "not been saved, so nothing of theirs was overwritten; your text is still in the form. "
                "Reload to see their changes, or save again to replace them with yours.",
                name=who,
                time=when,
            )
        )
        self.current_version = application.version


def my_organizations(user) -> list[Organization]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            sa.select(Organization)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(Organization.name)
        )
    )


def accepting_applications(competition: Competition, now: datetime) -> bool:
    window = competition.stage(StageKind.APPLICATION)
    return (
        competition.status == CompetitionStatus.OPEN
        and window is not None
        and window.starts_at is not None
        and window.ends_at is not None
        and window.is_open_at(now)
    )


def edit_deadline(application: Application) -> datetime | None:
    """Until when the application may still be changed (and submitted)."""
    if application.status == ApplicationStatus.RETURNED:
        return application.resubmit_deadline
    if application.status == ApplicationStatus.DRAFT:
        window = application.competition.stage(StageKind.APPLICATION)
        # the real closing, or the organization's own extension (competitions.gates)
        return (
            closes_at_for(window, organization_id=application.organization_id) if window else None
        )
    return None


def ensure_editable(application: Application, now: datetime | None = None) -> None:
    refusal = edit_refusal(application, now)
    if refusal is not None:
        raise refusal


def edit_refusal(application: Application, now: datetime | None = None) -> DomainError | None:
    """Why the application cannot be changed now (the refusal ``ensure_editable`` raises),
    or None; a page tells it without asking a service to refuse."""
    now = now or utcnow()
    if application.status not in EDITABLE:
        return Conflict(
            _(
                "This application has been %(status)s and can no longer be changed.",
                status=_status_word(application.status),
            )
        )
    deadline = edit_deadline(application)
    if application.status == ApplicationStatus.DRAFT:
        window = application.competition.stage(StageKind.APPLICATION)
        if application.competition.status != CompetitionStatus.OPEN or window is None:
            return Conflict(_("This competition does not accept applications."))
        if window.opens_at is not None and now < window.opens_at:
            return Conflict(
                _(
                    "The application window opens on %(when)s (Beijing time).",
                    when=format_local(window.opens_at),
                )
            )
    if deadline is not None and now >= deadline:
        return DeadlinePassed(
            _(
                "The deadline was %(when)s (Beijing time); the application can no longer be "
                "changed or submitted.",
                when=format_local(deadline),
            )
        )
    return None


def _status_word(status: ApplicationStatus) -> str:
    from venture.competitions.labels import label_of as label

    return label(status)


@service
def start_application(
    competition: Competition, organization: Organization, *, actor, now: datetime | None = None
) -> Application:
    """A new draft of an organization in a competition."""
    from venture.orgs.policies import is_member

    now = now or utcnow()
    if not is_member(actor, organization.id):
        raise Forbidden(
            _("Only members of %(org)s can apply on its behalf.", org=organization.name)
        )
    if not accepting_applications(competition, now):
        raise DeadlinePassed(_("This competition is not accepting applications now."))
    active = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.competition_id == competition.id,
            Application.organization_id == organization.id,
            Application.status.in_(ACTIVE),
        )
    )
    if active >= competition.max_applications_per_org:
        raise Conflict(
            _(
                "%(org)s already has %(count)d application(s) in this competition; at most %(max)d are "
                "allowed.",
                org=organization.name,
                count=active,
                max=competition.max_applications_per_org,
            )
        )
    app = Application(
        competition_id=competition.id,
        organization_id=organization.id,
        status=ApplicationStatus.DRAFT,
        created_by_id=actor.id,
        updated_by_id=actor.id,
        category_id=competition.categories[0].id if len(competition.categories) == 1 else None,
    )
    db.session.add(app)
    db.session.flush()
    record(
        "application.created", app, actor=actor, changes={"organization": [None, organization.name]}
    )
    # The organization's registration certificate and charter, still valid, come with it.
    from venture.applications.services.attachments import reuse_documents

    reuse_documents(app, actor=actor, now=now)
    return app


# --- saving a section ---------------------------------------------------------------------------


def loaded_version(version) -> int:
    """The version an editor names, checked: a value that is no version is refused (400-range)
    rather than reaching the database, which cannot compare it (or cannot hold it)."""
    number = parse_version(version) if not isinstance(version, int) else version
    if number is None or not 0 <= number <= MAX_VERSION:
        raise ValidationError(
            _("This page is out of date or was altered: reload it to continue."), field="version"
        )
    return number


def _bump_version(application: Application, version: int, actor) -> None:
    """The optimistic lock: the UPDATE succeeds only on the version the editor loaded.

    On PostgreSQL the row lock it takes also makes a concurrent save wait and then fail.
    """
    bumped = db.session.execute(
        sa.update(Application)
        .where(Application.id == application.id, Application.version == version)
        .values(version=Application.version + 1, updated_by_id=actor.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not bumped:
        db.session.refresh(application)
        raise StaleEdit(application)
    db.session.refresh(application, ["version", "updated_by_id", "updated_at"])


def _text(values: dict, key: str, limit: int) -> str:
    text = (values.get(key) or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ValidationError(_("At most %(n)d characters.", n=limit), field=key)
    return text


def _int(values: dict, key: str, low: int, high: int, allow_none: bool = False) -> int | None:
    value = values.get(key)
    if value in (None, ""):
        if allow_none:
            return None
        value = 0
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number."), field=key) from None
    if not low <= value <= high:
        raise ValidationError(
            _("Enter a number from %(low)d to %(high)d.", low=low, high=high), field=key
        )
    return value


MAX_ROW_ID = 2**63 - 1  # the largest id (BIGINT, SQLite INTEGER): a bigger "id" names no row
MAX_FEN = 2**63 - 1  # the largest amount a BIGINT column holds


def _row_id(value, *, field: str, message: str) -> int | None:
    """An id chosen from a list, or None when none was chosen. A value that cannot name a
    row is refused with the list's message before it reaches the database."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(message, field=field) from None
    if not 1 <= number <= MAX_ROW_ID:
        raise ValidationError(message, field=field)
    return number


def _fen(value, *, field: str) -> int:
    try:
        amount = int(value or 0)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Enter an amount in yuan with at most two decimals, e.g. 12345.50."), field=field
        ) from None
    if amount < 0:
        raise ValidationError(_("Amounts cannot be negative."), field=field)
    if amount > MAX_FEN:
        raise ValidationError(_("This amount is too large."), field=field)
    return amount


def _date(values: dict, key: str) -> date | None:
    value = values.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("Enter a date like 2027-03-01."), field=key) from None


def _apply_project(app: Application, values: dict) -> None:
    if "project_name" in values:
        app.project_name = _text(values, "project_name", 200)
    if "category_id" in values:
        app.category_id = _category_id(app.competition, values)
    if "period_months" in values:
        app.period_months = _int(values, "period_months", 1, 36, allow_none=True)
    if "start_date" in values:
        app.start_date = _date(values, "start_date")
    if "end_date" in values:
        app.end_date = _date(values, "end_date")
    if app.start_date and app.end_date and app.end_date <= app.start_date:
        raise ValidationError(_("The end date must be after the start date."), field="end_date")
    if "communities" in values:
        app.communities = _communities(app.competition, values)


def _category_id(comp, values: dict) -> int | None:
    """The chosen category, one of the competition's (or none yet)."""
    message = _("Choose one of the competition's categories.")
    category_id = _row_id(values.get("category_id"), field="category_id", message=message)
    if category_id is not None and category_id not in {c.id for c in comp.categories}:
        raise ValidationError(message, field="category_id")
    return category_id


def _communities(comp, values: dict) -> list[Area]:
    """The chosen communities, sorted by name: each a community inside the competition's area."""
    message = _("Choose communities from the list.")
    ids = {
        _row_id(i, field="communities", message=message) for i in values.get("communities") or []
    } - {None}
    areas = list(db.session.scalars(sa.select(Area).where(Area.id.in_(ids)))) if ids else []
    if len(areas) != len(ids) or any(a.level != AreaLevel.COMMUNITY for a in areas):
        raise ValidationError(message, field="communities")
    if comp.area_id is not None:
        from venture.applications.eligibility import _inside

        outside = [a.name for a in areas if not _inside(a, comp.area_id)]
        if outside:
            raise ValidationError(
                _("Outside the competition's area: %(names)s.", names="、".join(outside)),
                field="communities",
            )
    return sorted(areas, key=lambda a: a.name)


def _apply_texts(app: Application, values: dict) -> None:
    for key in (
        "beneficiary_description",
        "summary",
        "need_analysis",
        "overall_goal",
        "specific_goals",
        "implementation_plan",
        "features",
        "risks",
    ):
        if key in values:
            setattr(app, key, _text(values, key, 2000 if key == "summary" else 20000))
    for key in ("direct_beneficiaries", "indirect_beneficiaries"):
        if key in values:
            setattr(app, key, _int(values, key, 0, 10_000_000))


def _apply_milestones(app: Application, rows: list[dict]) -> None:
    app.milestones.clear()
    db.session.flush()
    for position, row in enumerate(
        r for r in rows if (r.get("name") or "").strip() or r.get("deliverable")
    ):
        name = (row.get("name") or "").strip()
        if not name:
            raise ValidationError(_("Every milestone needs a name."), field="milestones")
        month = _int(row, "month", 1, 60, allow_none=True)
        if month is None:
            raise ValidationError(
                _("Every milestone needs its month (1 = the first month of the project)."),
                field="milestones",
            )
        app.milestones.append(
            PlanMilestone(
                position=position,
                name=name[:200],
                month=month,
                deliverable=(row.get("deliverable") or "").strip()[:500],
            )
        )


def _apply_team(app: Application, rows: list[dict]) -> None:
    workers = {
        w.id: w
        for w in db.session.scalars(
            sa.select(SocialWorker).where(SocialWorker.organization_id == app.organization_id)
        )
    }
    app.team.clear()
    db.session.flush()
    for position, row in enumerate(
        r for r in rows if (r.get("name") or "").strip() or r.get("social_worker_id")
    ):
        message = _("Choose a social worker of your organization.")
        worker_id = _row_id(row.get("social_worker_id"), field="team", message=message)
        worker = None
        if worker_id is not None:
            worker = workers.get(worker_id)
            if worker is None:
                raise ValidationError(message, field="team")
        name = (row.get("name") or "").strip() or (worker.name if worker else "")
        try:
            qualification = Qualification(
                row.get("qualification")
                or (worker.qualification.value if worker else Qualification.NONE.value)
            )
        except ValueError:
            raise ValidationError(
                _("Choose a qualification from the list."), field="team"
            ) from None
        app.team.append(
            TeamMember(
                position=position,
                social_worker_id=worker.id if worker else None,
                name=name[:100],
                education=(row.get("education") or (worker.education if worker else ""))[:60],
                qualification=qualification,
                role=(row.get("role") or "").strip()[:100],
            )
        )


def _apply_budget(app: Application, values: dict) -> None:
    rules = {r.id for r in app.competition.budget_rules}
    if "budget_lines" in values:
        app.budget_lines.clear()
        db.session.flush()
        rows = [
            r
            for r in values["budget_lines"]
            if (r.get("item") or "").strip() or r.get("amount_fen")
        ]
        for position, row in enumerate(rows):
            message = _("Choose the budget line of every row.")
            rule_id = _row_id(row.get("rule_id"), field="budget_lines", message=message)
            if rule_id is None or rule_id not in rules:
                raise ValidationError(message, field="budget_lines")
            amount = _fen(row.get("amount_fen"), field="budget_lines")
            app.budget_lines.append(
                BudgetLine(
                    position=position,
                    rule_id=rule_id,
                    amount_fen=amount,
                    item=(row.get("item") or "").strip()[:200],
                    note=(row.get("note") or "").strip()[:500],
                )
            )
    for key in ("requested_fen", "cofunding_fen"):
        if key in values:
            setattr(app, key, _fen(values.get(key), field=key))


@service
def save_section(
    application: Application,
    section: str,
    values: dict,
    *,
    version: int,
    actor,
    now: datetime | None = None,
) -> Application:
    """Save one section of a draft (or of an application returned for amendment).

    ``values`` holds the section's fields as Python values (fen for money, lists of dicts
    for the tables). ``version`` is the version the editor loaded; a stale one is refused
    with :class:`StaleEdit` (409) and nothing is written.
    """
    if not policies.can_edit(actor, application):
        raise Forbidden()
    spec = BY_KEY.get(section)
    if spec is None:
        raise NotFound()
    ensure_editable(application, now)
    version = loaded_version(version)
    _bump_version(application, version, actor)
    values = {k: v for k, v in values.items() if k in spec.fields}
    _apply_project(application, values)
    _apply_texts(application, values)
    if "milestones" in values:
        _apply_milestones(application, values["milestones"] or [])
    if "team" in values:
        _apply_team(application, values["team"] or [])
    _apply_budget(application, values)
    if "pledge" in values:
        application.pledge = bool(values["pledge"])
    db.session.flush()
    # The values stay in the revisions; the log records who saved which section when.
    record(
        "application.section_saved",
        application,
        actor=actor,
        changes={"section": [None, section], "version": [version, application.version]},
    )
    return application


# --- what still prevents submission --------------------------------------------------------------


def submission_problems(application: Application) -> list[Problem]:
    """Everything missing or against the rules, each with the section it belongs to."""
    app = application
    problems: list[Problem] = []

    def need(ok, section, message):
        if not ok:
            problems.append(Problem("missing", message, section))

    need(app.project_name.strip(), "project", _("Enter the project name."))
    need(app.category_id, "project", _("Choose the category."))
    need(app.period_months, "project", _("Enter the project period in months."))
    need(app.communities, "project", _("Choose at least one host community."))
    need(
        app.direct_beneficiaries > 0,
        "beneficiaries",
        _("Enter the number of direct beneficiaries."),
    )
    need(app.summary.strip(), "need", _("Write the summary."))
    need(app.need_analysis.strip(), "need", _("Write the need analysis."))
    need(app.overall_goal.strip(), "goals", _("Write the overall goal."))
    need(app.specific_goals.strip(), "goals", _("Write the specific goals."))
    need(app.implementation_plan.strip(), "plan", _("Describe the implementation plan."))
    need(app.milestones, "plan", _("Add the milestones of the plan."))
    if app.period_months:
        need(
            all(m.month <= app.period_months for m in app.milestones),
            "plan",
            _("A milestone falls after the end of the project period."),
        )
    need(app.risks.strip(), "features", _("Describe the risks and how they are controlled."))
    need(app.team, "team", _("Add the project team."))
    for p in check_money(
        rules_of(app.competition),
        [Line(b.rule_id, b.amount_fen, b.item) for b in app.budget_lines],
        app.requested_fen,
        app.cofunding_fen,
    ):
        problems.append(Problem(p.code, p.message, "budget"))
    today = local_date(utcnow())
    present = {a.kind.value for a in app.attachments if not a.expired(today)}
    expired = {a.kind.value: a.valid_until for a in app.attachments if a.expired(today)}
    from venture.competitions.labels import label_of as label

    for kind in app.competition.required_attachments or []:
        if kind not in present and kind in expired:
            need(
                False,
                "attachments",
                _(
                    "%(kind)s expired on %(day)s: upload a current one.",
                    kind=label(AttachmentKind(kind)),
                    day=expired[kind].isoformat(),
                ),
            )
        else:
            need(
                kind in present,
                "attachments",
                _("Attach: %(kind)s.", kind=label(AttachmentKind(kind))),
            )
    need(app.pledge, "submit", _("Confirm the truthfulness pledge."))
    return problems
