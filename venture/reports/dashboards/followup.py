"""The follow-up of one competition's funded projects in charts: money paid over time,
spending by budget line, and where the projects are (district and street)."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.applications.models import application_community
from venture.competitions.models import Competition
from venture.extensions import db
from venture.followup.models import Expense, Project, ProjectBudgetLine, Tranche, TrancheStatus
from venture.orgs.models import Area
from venture.reports import charts
from venture.reports.dashboards import Section
from venture.templating import format_money, to_local


def followup_charts(comp: Competition) -> list[Section]:
    return [paid_over_time(comp), spending_by_line(comp), *projects_by_place(comp)]


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def paid_over_time(comp: Competition) -> Section:
    rows = db.session.execute(
        sa.select(Tranche.released_at, Tranche.amount_fen)
        .join(Project, Project.id == Tranche.project_id)
        .where(
            Project.competition_id == comp.id,
            Tranche.status == TrancheStatus.RELEASED,
            Tranche.released_at.is_not(None),
        )
    ).all()
    title = _("Tranches paid over time")
    if not rows:
        return Section("paid", title, None, _("No tranche has been released yet."))
    by_month: dict = defaultdict(int)
    for released_at, amount in rows:
        local = to_local(released_at)
        by_month[(local.year, local.month)] += amount
    points, running = [], 0
    for year, month in _months(min(by_month), max(by_month)):
        running += by_month.get((year, month), 0)
        points.append((f"{year}-{month:02d}", running))
    chart = charts.line_chart(
        title,
        _(
            "Money released to the projects, added up month by month (Beijing time): %(total)s by %(month)s.",
            total=format_money(running),
            month=points[-1][0],
        ),
        points,
        label_header=_("Month"),
        value_header=_("Paid so far"),
        formatter=format_money,
    )
    chart.headers.append(_("Paid in the month"))
    for row, (year, month) in zip(chart.rows, _months(min(by_month), max(by_month)), strict=True):
        row.append(format_money(by_month.get((year, month), 0)))
    return Section("paid", title, chart)


def spending_by_line(comp: Competition) -> Section:
    approved = db.session.execute(
        sa.select(
            ProjectBudgetLine.name,
            sa.func.sum(ProjectBudgetLine.approved_fen),
            sa.func.min(ProjectBudgetLine.position),
        )
        .join(Project, Project.id == ProjectBudgetLine.project_id)
        .where(Project.competition_id == comp.id)
        .group_by(ProjectBudgetLine.name)
    ).all()
    spent = dict(
        db.session.execute(
            sa.select(ProjectBudgetLine.name, sa.func.sum(Expense.amount_fen))
            .join(ProjectBudgetLine, ProjectBudgetLine.id == Expense.line_id)
            .join(Project, Project.id == Expense.project_id)
            .where(Project.competition_id == comp.id)
            .group_by(ProjectBudgetLine.name)
        ).all()
    )
    title = _("Spending by budget line")
    if not approved:
        return Section("spending", title, None, _("No project budget yet."))
    lines = sorted(approved, key=lambda r: (r[2], r[0]))
    names = [name for name, _a, _p in lines]
    chart = charts.grouped_bar_chart(
        title,
        _(
            "The projects' approved budget of each line beside what they have spent on it: %(spent)s spent "
            "of %(approved)s.",
            spent=format_money(sum(int(v or 0) for v in spent.values())),
            approved=format_money(sum(int(a) for _n, a, _p in lines)),
        ),
        names,
        {
            _("Approved"): [int(a) for _n, a, _p in lines],
            _("Spent"): [int(spent.get(n) or 0) for n in names],
        },
        label_header=_("Budget line"),
        formatter=format_money,
    )
    return Section("spending", title, chart)


def projects_by_place(comp: Competition) -> list[Section]:
    """Projects per district and per street of their host communities (a project placed
    in two streets counts in each)."""
    community = sa.orm.aliased(Area)
    rows = db.session.execute(
        sa.select(Project.id, community.parent_id)
        .join(
            application_community, application_community.c.application_id == Project.application_id
        )
        .join(community, community.id == application_community.c.area_id)
        .where(Project.competition_id == comp.id)
    ).all()
    empty = _("No project yet: projects are created when the results are final.")
    if not rows:
        return [
            Section("districts", _("Projects per district"), None, empty),
            Section("streets", _("Projects per street"), None, empty),
        ]
    street_ids = {street for _p, street in rows if street}
    streets = {
        a.id: a for a in db.session.scalars(sa.select(Area).where(Area.id.in_(street_ids or {0})))
    }
    districts = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Area).where(
                Area.id.in_({s.parent_id for s in streets.values() if s.parent_id} or {0})
            )
        )
    }
    per_street: dict = defaultdict(set)
    per_district: dict = defaultdict(set)
    for project_id, street_id in rows:
        street = streets.get(street_id)
        if street is None:
            continue
        per_street[street.id].add(project_id)
        per_district[street.parent_id].add(project_id)

    def name_of(area_id, table):
        return table[area_id].name if area_id in table else _("Unknown")

    district_items = sorted(
        ((name_of(d, districts), len(p)) for d, p in per_district.items()),
        key=lambda item: (-item[1], item[0]),
    )
    street_items = sorted(
        (
            (f"{name_of(streets[s].parent_id, districts)} / {streets[s].name}", len(p))
            for s, p in per_street.items()
        ),
        key=lambda item: (-item[1], item[0]),
    )
    n = len({p for p, _s in rows})
    return [
        Section(
            "districts",
            _("Projects per district"),
            charts.bar_chart(
                _("Projects per district"),
                _(
                    "Funded projects by the district of their host communities (%(n)d projects).",
                    n=n,
                ),
                district_items,
                value_header=_("Projects"),
                label_header=_("District"),
            ),
        ),
        Section(
            "streets",
            _("Projects per street"),
            charts.bar_chart(
                _("Projects per street"),
                _("Funded projects by the street or township of their host communities."),
                street_items,
                value_header=_("Projects"),
                label_header=_("Street / township"),
            ),
        ),
    ]
