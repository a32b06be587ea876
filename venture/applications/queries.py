"""Read-side queries: the organizer's list with filters, counts, the applicant's list.

Each runs a fixed number of SQL statements whatever the number of applications
(joins and selectin loads instead of lazy loads in a loop).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from venture.applications.models import Application, ApplicationStatus, application_community
from venture.extensions import db
from venture.forms import record_id
from venture.orgs.models import Area, AreaLevel, Membership, Organization

SORTS = {
    "code": (Application.code.asc(), Application.id.asc()),
    "-code": (Application.code.desc(), Application.id.desc()),
    "name": (Application.project_name.asc(), Application.id.asc()),
    "org": (Organization.name.asc(), Application.id.asc()),
    "requested": (Application.requested_fen.asc(), Application.id.asc()),
    "-requested": (Application.requested_fen.desc(), Application.id.desc()),
    "submitted": (Application.last_submitted_at.asc(), Application.id.asc()),
    "-submitted": (Application.last_submitted_at.desc(), Application.id.desc()),
    "status": (Application.status.asc(), Application.code.asc(), Application.id.asc()),
}


@dataclass
class ListFilters:
    category_id: int | None = None
    status: str | None = None
    community_id: int | None = None
    q: str = ""
    sort: str = "code"

    @classmethod
    def from_args(cls, args) -> ListFilters:
        def as_int(name):
            return record_id(args.get(name, ""))

        status = args.get("status") or None
        if status not in {s.value for s in ApplicationStatus}:
            status = None
        sort = args.get("sort") or "code"
        return cls(
            category_id=as_int("category"),
            status=status,
            community_id=as_int("community"),
            q=(args.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "code",
        )


def _filtered(competition_id: int, f: ListFilters, *, with_status: bool = True):
    query = (
        sa.select(Application)
        .join(Organization, Organization.id == Application.organization_id)
        .where(Application.competition_id == competition_id)
    )
    if f.category_id:
        query = query.where(Application.category_id == f.category_id)
    if with_status and f.status:
        query = query.where(Application.status == f.status)
    if f.community_id:
        query = query.where(
            Application.id.in_(
                sa.select(application_community.c.application_id).where(
                    application_community.c.area_id == f.community_id
                )
            )
        )
    if f.q:
        like = f"%{f.q}%"
        query = query.where(
            sa.or_(
                Application.project_name.ilike(like),
                Application.code.ilike(like),
                Organization.name.ilike(like),
            )
        )
    return query


def organizer_query(competition, f: ListFilters):
    """The organizer's list as a query, filtered and sorted: the screening page and its
    Excel export (venture.reports) show the same rows in the same order."""
    return _filtered(competition.id, f).order_by(*SORTS[f.sort])


def organizer_list(competition, f: ListFilters, page: int, per_page: int = 25):
    """A page of applications with everything the checklist needs loaded."""
    from venture.applications.services.screening import load_for_checks

    query = load_for_checks(organizer_query(competition, f))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def status_counts(competition, f: ListFilters | None = None) -> dict[str, int]:
    """Counts per status (under the other filters, so the tabs tell what a click shows)."""
    base = _filtered(competition.id, f or ListFilters(), with_status=False).subquery()
    rows = db.session.execute(
        sa.select(base.c.status, sa.func.count()).group_by(base.c.status)
    ).all()
    counts = {s.value: 0 for s in ApplicationStatus}
    counts.update({str(status): n for status, n in rows})
    return counts


def community_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Communities grouped by "district / street", for pickers and filters (one query)."""
    areas = db.session.scalars(sa.select(Area)).all()
    by_id = {a.id: a for a in areas}
    groups: dict[str, list] = defaultdict(list)
    for area in areas:
        if area.level != AreaLevel.COMMUNITY:
            continue
        street = by_id.get(area.parent_id)
        district = by_id.get(street.parent_id) if street else None
        group = " / ".join(n.name for n in (district, street) if n is not None)
        groups[group].append((area.id, area.name))
    return [(group, sorted(items, key=lambda i: i[1])) for group, items in sorted(groups.items())]


def overview_counts(competition) -> dict:
    """Counts per status and per category, with the money requested against each budget."""
    rows = db.session.execute(
        sa.select(
            Application.category_id,
            Application.status,
            sa.func.count(Application.id),
            sa.func.coalesce(sa.func.sum(Application.requested_fen), 0),
        )
        .where(Application.competition_id == competition.id)
        .group_by(Application.category_id, Application.status)
    ).all()
    by_status = {s.value: 0 for s in ApplicationStatus}
    by_category: dict = defaultdict(lambda: {s.value: 0 for s in ApplicationStatus})
    requested: dict = defaultdict(int)
    for category_id, status, count, amount in rows:
        by_status[str(status)] += count
        by_category[category_id][str(status)] += count
        if status in (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.PASSED,
            ApplicationStatus.RETURNED,
        ):
            requested[category_id] += int(amount)
    return {
        "by_status": by_status,
        "by_category": dict(by_category),
        "requested": dict(requested),
        "total": sum(by_status.values()),
    }


def applications_of_user(user) -> list[tuple[Organization, list[Application]]]:
    """The user's organizations, each with its applications (newest first)."""
    orgs = list(
        db.session.scalars(
            sa.select(Organization)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(Organization.name)
        )
    )
    if not orgs:
        return []
    apps = (
        db.session.scalars(
            sa.select(Application)
            .where(Application.organization_id.in_([o.id for o in orgs]))
            .options(joinedload(Application.competition), joinedload(Application.category))
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
        .unique()
        .all()
    )
    from venture.competitions.models import Competition

    comp_ids = {a.competition_id for a in apps}
    if comp_ids:  # the stages (deadlines), in one query
        db.session.scalars(
            sa.select(Competition)
            .where(Competition.id.in_(comp_ids))
            .options(selectinload(Competition.stages))
        ).all()
    by_org = defaultdict(list)
    for app in apps:
        by_org[app.organization_id].append(app)
    return [(org, by_org.get(org.id, [])) for org in orgs]
