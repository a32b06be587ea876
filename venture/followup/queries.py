"""Reading the follow-up: project pages, the dashboards and the home panels.

Every list loads its rows with a fixed number of queries (eager loading plus one
grouped query per figure), whatever the number of projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from venture.applications.models import Application, TeamMember, application_community
from venture.db import MAX_ID, utcnow
from venture.extensions import db
from venture.followup.models import (
    OPEN_DISPUTE_STATUSES,
    Activity,
    ActivityDispute,
    DisputeEntry,
    DisputeEvidence,
    DisputeStatus,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    Expense,
    LiaisonStatus,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportStatus,
    TrancheStatus,
)
from venture.followup.services.money import tranche_block_reason
from venture.forms import coerce_id
from venture.orgs.models import Area, AreaLevel

PER_PAGE = 25


# --- one project --------------------------------------------------------------------


def project_options():
    return (
        joinedload(Project.application).joinedload(Application.category),
        joinedload(Project.application)
        .selectinload(Application.communities)
        .joinedload(Area.parent)
        .joinedload(Area.parent),
        joinedload(Project.organization),
        joinedload(Project.competition),
        joinedload(Project.agreement),
        selectinload(Project.tranches),
        selectinload(Project.evaluations),
        selectinload(Project.reports),
        selectinload(Project.open_disputes)
        .joinedload(ActivityDispute.activity)
        .joinedload(Activity.community),
    )


def load_project(project_id: int) -> Project | None:
    return db.session.scalar(
        sa.select(Project).where(Project.id == project_id).options(*project_options())
    )


def load_dispute(dispute_id: int) -> ActivityDispute | None:
    """A dispute with its activity (community, photos) and its steps (authors, evidence)."""
    if not 0 < dispute_id <= MAX_ID:
        return None  # beyond what a database holds: no such dispute, not a 500
    return db.session.scalar(
        sa.select(ActivityDispute)
        .where(ActivityDispute.id == dispute_id)
        .options(
            joinedload(ActivityDispute.activity).joinedload(Activity.community),
            joinedload(ActivityDispute.activity).selectinload(Activity.photos),
            selectinload(ActivityDispute.steps).joinedload(DisputeEntry.author),
            selectinload(ActivityDispute.steps)
            .selectinload(DisputeEntry.evidence)
            .joinedload(DisputeEvidence.file),
        )
    )


def load_evaluation(evaluation_id: int) -> Evaluation | None:
    return db.session.get(Evaluation, evaluation_id)


def load_report(report_id: int) -> ProgressReport | None:
    """A progress report with its activities (community, dispute, photos)."""
    return db.session.scalar(
        sa.select(ProgressReport)
        .where(ProgressReport.id == report_id)
        .options(
            selectinload(ProgressReport.activities).joinedload(Activity.community),
            selectinload(ProgressReport.activities).joinedload(Activity.dispute),
            selectinload(ProgressReport.activities).selectinload(Activity.photos),
        )
    )


def load_activity(activity_id: int) -> Activity | None:
    """An activity record with its community and report (what its review needs)."""
    return db.session.scalar(
        sa.select(Activity)
        .where(Activity.id == activity_id)
        .options(joinedload(Activity.community), joinedload(Activity.report))
    )


@dataclass
class NextItem:
    label: object
    due_at: datetime | None = None
    overdue: bool = False
    endpoint: str = "followup.project"
    values: dict = field(default_factory=dict)


def next_due(project: Project, now: datetime | None = None) -> NextItem | None:
    """What the project waits for next, with its deadline."""
    now = now or utcnow()
    if project.status != ProjectStatus.ACTIVE:
        return _next_outside_work(project)
    return _dispute_waiting(project) or _earliest_due(project, now) or _next_in_work(project)


def _next_outside_work(project: Project) -> NextItem | None:
    """Before the work (the agreement), stopped (suspended) or ended (terminated, closed)."""
    if project.status == ProjectStatus.AGREEMENT:
        if project.agreement is None or project.agreement.signed_copy_id is None:
            return NextItem(
                _l("Upload the signed agreement"),
                endpoint="followup.agreement",
                values={"project_id": project.id},
            )
        return NextItem(
            _l("Confirm the agreement"),
            endpoint="followup.agreement",
            values={"project_id": project.id},
        )
    if project.status == ProjectStatus.SUSPENDED:
        return NextItem(
            _l("Decide on the project after the failed evaluation"),
            values={"project_id": project.id},
        )
    if project.status == ProjectStatus.TERMINATED and project.recovered_fen < project.recovery_fen:
        return NextItem(_l("Recover the amount due"), values={"project_id": project.id})
    return None


def _earliest_due(project: Project, now: datetime) -> NextItem | None:
    """The report or self-assessment due first, overdue or not."""
    candidates = [
        NextItem(
            _l(
                "Progress report %(start)s to %(end)s",
                start=r.period_start.isoformat(),
                end=r.period_end.isoformat(),
            ),
            r.due_at,
            r.due_at <= now,
            "followup.report",
            {"report_id": r.id},
        )
        for r in project.reports
        if r.status == ReportStatus.DUE
    ]
    candidates += [
        NextItem(
            _l("Self-assessment for the %(kind)s", kind=_kind_label(e.kind)),
            e.due_at,
            e.due_at <= now,
            "followup.evaluation",
            {"evaluation_id": e.id},
        )
        for e in project.evaluations
        if e.status == EvaluationStatus.OPEN
    ]
    return min(candidates, key=lambda item: item.due_at) if candidates else None


def _next_in_work(project: Project) -> NextItem | None:
    """Nothing due from the organization: a tranche to release, or the evaluators at work."""
    releasable = [t for t in project.tranches if tranche_block_reason(t) is None]
    if releasable:
        return NextItem(
            _l("Release tranche %(n)d", n=releasable[0].position), values={"project_id": project.id}
        )
    if any(e.status == EvaluationStatus.SUBMITTED for e in project.evaluations):
        return NextItem(_l("Evaluators are scoring"), values={"project_id": project.id})
    return None


def _dispute_waiting(project: Project) -> NextItem | None:
    """An open dispute that waits for the organization's answer or the organizer's
    decision comes first: it holds money."""
    by_status = {}
    for dispute in project.open_disputes:
        by_status.setdefault(dispute.status, dispute)
    if DisputeStatus.OPEN in by_status:
        return NextItem(
            _l("Answer the community's dispute"),
            endpoint="followup.dispute",
            values={"dispute_id": by_status[DisputeStatus.OPEN].id},
        )
    if DisputeStatus.KEPT in by_status:
        return NextItem(
            _l("Decide the disputed activity"),
            endpoint="followup.dispute",
            values={"dispute_id": by_status[DisputeStatus.KEPT].id},
        )
    return None


def _kind_label(kind) -> str:
    from venture.followup.labels import FOLLOWUP_LABELS

    return str(FOLLOWUP_LABELS[kind])


@dataclass
class Money:
    approved: int
    paid: int = 0
    due: int = 0  # pending tranches whose condition holds
    blocked: int = 0  # pending tranches whose condition does not hold (yet)
    cancelled: int = 0


def money_of(project: Project) -> Money:
    money = Money(project.approved_fen)
    for tranche in project.tranches:
        if tranche.status == TrancheStatus.RELEASED:
            money.paid += tranche.amount_fen
        elif tranche.status == TrancheStatus.CANCELLED:
            money.cancelled += tranche.amount_fen
        elif tranche_block_reason(tranche) is None:
            money.due += tranche.amount_fen
        else:
            money.blocked += tranche.amount_fen
    return money


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to compare to."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class LineSpending:
    line: object
    spent: int
    over: bool
    rate: Decimal | None


def spending_by_line(project: Project) -> list[LineSpending]:
    spent = dict(
        db.session.execute(
            sa.select(Expense.line_id, sa.func.sum(Expense.amount_fen))
            .where(Expense.project_id == project.id)
            .group_by(Expense.line_id)
        ).all()
    )
    return [
        LineSpending(
            line,
            int(spent.get(line.id, 0)),
            int(spent.get(line.id, 0)) > line.approved_fen,
            rate(int(spent.get(line.id, 0)), line.approved_fen),
        )
        for line in project.budget
    ]


def expenses_of(project: Project) -> list[Expense]:
    return list(
        db.session.scalars(
            sa.select(Expense)
            .where(Expense.project_id == project.id)
            .options(joinedload(Expense.line), joinedload(Expense.voucher))
            .order_by(Expense.spent_on.desc(), Expense.id.desc())
        )
    )


def activity_counts(project_ids) -> dict[int, dict[str, int]]:
    """Per project: how many activities are pending / confirmed / disputed (submitted reports)."""
    rows = db.session.execute(
        sa.select(ProgressReport.project_id, Activity.liaison_status, sa.func.count(Activity.id))
        .join(Activity, Activity.report_id == ProgressReport.id)
        .where(
            ProgressReport.project_id.in_(list(project_ids)),
            ProgressReport.status == ReportStatus.SUBMITTED,
        )
        .group_by(ProgressReport.project_id, Activity.liaison_status)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for project_id, status, n in rows:
        counts.setdefault(project_id, {})[LiaisonStatus(status).value] = n
    return counts


def spent_by_project(project_ids) -> dict[int, int]:
    return {
        pid: int(total)
        for pid, total in db.session.execute(
            sa.select(Expense.project_id, sa.func.sum(Expense.amount_fen))
            .where(Expense.project_id.in_(list(project_ids)))
            .group_by(Expense.project_id)
        ).all()
    }


# --- the organizer's dashboard ------------------------------------------------------


@dataclass
class Filters:
    competition_id: int | None = None
    category_id: int | None = None
    district_id: int | None = None
    street_id: int | None = None
    status: str | None = None

    @classmethod
    def from_args(cls, args) -> Filters:
        status = args.get("status") or None
        return cls(
            competition_id=args.get("competition", type=coerce_id),
            category_id=args.get("category", type=coerce_id),
            district_id=args.get("district", type=coerce_id),
            street_id=args.get("street", type=coerce_id),
            status=status if status in {s.value for s in ProjectStatus} else None,
        )


def _placed_in(area_column_filter):
    """Projects with a host community matching a condition on the community's Area row."""
    community = sa.orm.aliased(Area)
    return sa.exists(
        sa.select(application_community.c.area_id)
        .join(community, community.id == application_community.c.area_id)
        .where(
            application_community.c.application_id == Project.application_id,
            area_column_filter(community),
        )
    )


def dashboard_query(filters: Filters):
    query = sa.select(Project).join(Application, Application.id == Project.application_id)
    if filters.competition_id:
        query = query.where(Project.competition_id == filters.competition_id)
    if filters.category_id:
        query = query.where(Application.category_id == filters.category_id)
    if filters.status:
        query = query.where(Project.status == filters.status)
    if filters.street_id:
        query = query.where(_placed_in(lambda c: c.parent_id == filters.street_id))
    if filters.district_id:
        streets = sa.select(Area.id).where(Area.parent_id == filters.district_id)
        query = query.where(_placed_in(lambda c: c.parent_id.in_(streets)))
    return query.order_by(Project.competition_id.desc(), Application.code, Project.id)


@dataclass
class ProjectRow:
    project: Project
    next: NextItem | None
    money: Money
    spent: int
    spending_rate: Decimal | None
    activities: dict
    midterm: Evaluation | None
    final: Evaluation | None
    overdue_reports: int


def project_rows(projects, now: datetime | None = None) -> list[ProjectRow]:
    now = now or utcnow()
    ids = [p.id for p in projects]
    spent = spent_by_project(ids) if ids else {}
    counts = activity_counts(ids) if ids else {}
    rows = []
    for project in projects:
        by_kind = {e.kind: e for e in project.evaluations}
        money = money_of(project)
        rows.append(
            ProjectRow(
                project=project,
                next=next_due(project, now),
                money=money,
                spent=spent.get(project.id, 0),
                spending_rate=rate(spent.get(project.id, 0), money.paid),
                activities=counts.get(project.id, {}),
                midterm=by_kind.get(EvaluationKind.MIDTERM),
                final=by_kind.get(EvaluationKind.FINAL),
                overdue_reports=sum(
                    1 for r in project.reports if r.status == ReportStatus.DUE and r.due_at <= now
                )
                if project.status == ProjectStatus.ACTIVE
                else 0,
            )
        )
    return rows


def dashboard_page(filters: Filters, page: int, per_page: int = PER_PAGE):
    result = db.paginate(
        dashboard_query(filters).options(*project_options()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    return result, project_rows(result.items)


def filter_choices() -> dict:
    from venture.competitions.models import Category, Competition

    competitions = db.session.scalars(
        sa.select(Competition)
        .where(Competition.id.in_(sa.select(Project.competition_id)))
        .order_by(Competition.year.desc())
    ).all()
    categories = (
        db.session.scalars(
            sa.select(Category)
            .where(Category.competition_id.in_([c.id for c in competitions]))
            .order_by(Category.competition_id.desc(), Category.position)
        ).all()
        if competitions
        else []
    )
    areas = db.session.scalars(
        sa.select(Area)
        .where(Area.level.in_([AreaLevel.DISTRICT, AreaLevel.STREET]))
        .order_by(Area.level, Area.name)
    ).all()
    return {
        "competitions": competitions,
        "categories": categories,
        "districts": [a for a in areas if a.level == AreaLevel.DISTRICT],
        "streets": [a for a in areas if a.level == AreaLevel.STREET],
    }


def organizer_summary(now: datetime | None = None) -> dict:
    """Counts for the organizer's dashboard header and home panel."""
    now = now or utcnow()
    by_status = dict(
        db.session.execute(
            sa.select(Project.status, sa.func.count(Project.id)).group_by(Project.status)
        ).all()
    )
    running = Project.status == ProjectStatus.ACTIVE
    overdue = (
        db.session.scalar(
            sa.select(sa.func.count(ProgressReport.id))
            .join(Project, Project.id == ProgressReport.project_id)
            .where(running, ProgressReport.status == ReportStatus.DUE, ProgressReport.due_at <= now)
        )
        or 0
    )
    due_soon = (
        db.session.scalar(
            sa.select(sa.func.count(ProgressReport.id))
            .join(Project, Project.id == ProgressReport.project_id)
            .where(
                running,
                ProgressReport.status == ReportStatus.DUE,
                ProgressReport.due_at > now,
                ProgressReport.due_at <= now + timedelta(days=7),
            )
        )
        or 0
    )
    disputed = (
        db.session.scalar(  # the disputes still open: those that hold money
            sa.select(sa.func.count(ActivityDispute.id)).where(
                ActivityDispute.status.in_(OPEN_DISPUTE_STATUSES)
            )
        )
        or 0
    )
    agreements = (
        db.session.scalar(
            sa.select(sa.func.count(Project.id)).where(Project.status == ProjectStatus.AGREEMENT)
        )
        or 0
    )
    evaluating = (
        db.session.scalar(
            sa.select(sa.func.count(Evaluation.id)).where(
                Evaluation.status == EvaluationStatus.SUBMITTED
            )
        )
        or 0
    )
    return {
        "by_status": {ProjectStatus(k): v for k, v in by_status.items()},
        "total": sum(by_status.values()),
        "overdue_reports": overdue,
        "reports_due_soon": due_soon,
        "disputed": disputed,
        "agreements": agreements,
        "evaluating": evaluating,
    }


def disputed_page(page: int, per_page: int = PER_PAGE, community_ids=None):
    """Disputes of activity records, the open ones first (those waiting for the organizer
    before those waiting for a side), then the ended ones, newest first. Only these
    communities' when ``community_ids`` is given (a liaison's list)."""
    waiting_order = sa.case(
        (ActivityDispute.status == DisputeStatus.KEPT, 0),
        (ActivityDispute.status.in_(OPEN_DISPUTE_STATUSES), 1),
        else_=2,
    )
    query = (
        sa.select(ActivityDispute)
        .join(Activity, Activity.id == ActivityDispute.activity_id)
        .options(
            joinedload(ActivityDispute.activity).joinedload(Activity.community),
            joinedload(ActivityDispute.activity)
            .joinedload(Activity.report)
            .joinedload(ProgressReport.project)
            .joinedload(Project.application),
            joinedload(ActivityDispute.activity)
            .joinedload(Activity.report)
            .joinedload(ProgressReport.project)
            .joinedload(Project.organization),
        )
        .order_by(waiting_order, ActivityDispute.updated_at.desc(), ActivityDispute.id.desc())
    )
    if community_ids is not None:
        query = query.where(Activity.community_id.in_(list(community_ids) or [-1]))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- the community view (三社联动) ------------------------------------------------------


@dataclass
class CommunityBlock:
    community: Area
    projects: list


def community_page(page: int, per_page: int = 20):
    """Communities hosting projects, each with its projects, their organizations and
    the social workers on the project teams."""
    placed = sa.select(application_community.c.area_id).join(
        Project, Project.application_id == application_community.c.application_id
    )
    result = db.paginate(
        sa.select(Area)
        .where(Area.id.in_(placed))
        .options(joinedload(Area.parent).joinedload(Area.parent), selectinload(Area.liaisons))
        .order_by(Area.name, Area.id),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    ids = [a.id for a in result.items]
    by_area: dict[int, list] = {i: [] for i in ids}
    if ids:
        rows = (
            db.session.execute(
                sa.select(application_community.c.area_id, Project)
                .join(Project, Project.application_id == application_community.c.application_id)
                .where(application_community.c.area_id.in_(ids))
                .options(
                    joinedload(Project.organization),
                    joinedload(Project.application)
                    .selectinload(Application.team)
                    .joinedload(TeamMember.social_worker),
                )
                .order_by(Project.id)
            )
            .unique()
            .all()
        )
        for area_id, project in rows:
            by_area[area_id].append(project)
    return result, [CommunityBlock(a, by_area[a.id]) for a in result.items]


# --- the liaison's and the organization's views --------------------------------------


def liaison_projects(community_ids) -> list[Project]:
    if not community_ids:
        return []
    placed = sa.select(application_community.c.application_id).where(
        application_community.c.area_id.in_(list(community_ids))
    )
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(Project.application_id.in_(placed))
            .options(*project_options())
            .order_by(Project.id.desc())
        ).unique()
    )


def disputes_answered(community_ids) -> list[ActivityDispute]:
    """Disputes in these communities that the organization has answered: the liaison's turn."""
    if not community_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(ActivityDispute)
            .join(Activity, Activity.id == ActivityDispute.activity_id)
            .where(
                Activity.community_id.in_(list(community_ids)),
                ActivityDispute.status == DisputeStatus.ANSWERED,
            )
            .options(
                joinedload(ActivityDispute.activity).joinedload(Activity.community),
                joinedload(ActivityDispute.activity)
                .joinedload(Activity.report)
                .joinedload(ProgressReport.project)
                .joinedload(Project.application),
            )
            .order_by(ActivityDispute.updated_at, ActivityDispute.id)
        ).unique()
    )


def activities_waiting(community_ids, limit: int | None = None) -> list[Activity]:
    """Activity records of submitted reports, in these communities, not yet reviewed."""
    if not community_ids:
        return []
    query = (
        sa.select(Activity)
        .join(ProgressReport, ProgressReport.id == Activity.report_id)
        .where(
            Activity.community_id.in_(list(community_ids)),
            Activity.liaison_status == LiaisonStatus.PENDING,
            ProgressReport.status == ReportStatus.SUBMITTED,
        )
        .options(
            joinedload(Activity.community),
            selectinload(Activity.photos),
            joinedload(Activity.report)
            .joinedload(ProgressReport.project)
            .joinedload(Project.application),
            joinedload(Activity.report)
            .joinedload(ProgressReport.project)
            .joinedload(Project.organization),
        )
        .order_by(Activity.held_on, Activity.id)
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def organization_projects(user) -> list[Project]:
    from venture.orgs.models import Membership

    return list(
        db.session.scalars(
            sa.select(Project)
            .join(Membership, Membership.organization_id == Project.organization_id)
            .where(Membership.user_id == user.id)
            .options(*project_options())
            .order_by(Project.id.desc())
        ).unique()
    )


def reports_of(project: Project) -> list[ProgressReport]:
    return list(
        db.session.scalars(
            sa.select(ProgressReport)
            .where(ProgressReport.project_id == project.id)
            .options(selectinload(ProgressReport.activities))
            .order_by(ProgressReport.period_start)
        )
    )


def team_of(project: Project) -> list[TeamMember]:
    return list(
        db.session.scalars(
            sa.select(TeamMember)
            .where(TeamMember.application_id == project.application_id)
            .options(joinedload(TeamMember.social_worker))
            .order_by(TeamMember.position)
        )
    )
