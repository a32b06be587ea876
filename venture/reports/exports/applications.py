"""The applications of a competition, one row each with every field of the form,
filtered and sorted exactly as on the organizer's screening list; the budget lines,
team and milestones on sheets of their own."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from venture.applications.models import Application, BudgetLine
from venture.applications.queries import ListFilters, organizer_query
from venture.extensions import db
from venture.orgs.models import Area
from venture.reports.exports import ExportFile, ExportKind, ExportRequest, Progress, file_name
from venture.reports.labels import label
from venture.reports.xlsx import Column, Sheet, workbook_bytes


def _filters(request: ExportRequest) -> ListFilters:
    return ListFilters.from_args(
        {k: str(v) for k, v in (request.filters or {}).items() if v is not None}
    )


def count(request: ExportRequest) -> int:
    query = organizer_query(request.competition, _filters(request)).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def load(request: ExportRequest) -> list[Application]:
    query = organizer_query(request.competition, _filters(request)).options(
        joinedload(Application.organization),
        joinedload(Application.category),
        selectinload(Application.communities).joinedload(Area.parent).joinedload(Area.parent),
        selectinload(Application.budget_lines).joinedload(BudgetLine.rule),
        selectinload(Application.team),
        selectinload(Application.milestones),
    )
    return list(db.session.scalars(query).unique())


def _places(app: Application) -> str:
    return "；".join(c.path for c in app.communities)


def build(request: ExportRequest, progress: Progress) -> ExportFile:
    apps = load(request)
    progress(40, _("Applications loaded"))
    main = Sheet(
        _("Applications"),
        [
            Column(_l("Code")),
            Column(_l("Project")),
            Column(_l("Status")),
            Column(_l("Organization")),
            Column(_l("Unified social credit code")),
            Column(_l("Category")),
            Column(_l("Host communities")),
            Column(_l("Period (months)"), "int"),
            Column(_l("Start"), "date"),
            Column(_l("End"), "date"),
            Column(_l("Direct beneficiaries"), "int"),
            Column(_l("Indirect beneficiaries"), "int"),
            Column(_l("Beneficiaries"), width=40),
            Column(_l("Amount requested (yuan)"), "money"),
            Column(_l("Co-funding (yuan)"), "money"),
            Column(_l("Total budget (yuan)"), "money"),
            Column(_l("Summary"), width=50),
            Column(_l("Need analysis"), width=50),
            Column(_l("Overall goal"), width=40),
            Column(_l("Specific goals"), width=40),
            Column(_l("Implementation plan"), width=50),
            Column(_l("Features"), width=40),
            Column(_l("Risks and controls"), width=40),
            Column(_l("Team members"), "int"),
            Column(_l("Revision"), "int"),
            Column(_l("First submitted"), "datetime"),
            Column(_l("Last submitted"), "datetime"),
            Column(_l("Screened"), "datetime"),
            Column(_l("Screening note"), width=40),
            Column(_l("Reason for return"), width=40),
            Column(_l("Re-submit by"), "datetime"),
            Column(_l("Withdrawn"), "datetime"),
        ],
        [
            [
                a.code or "",
                a.project_name,
                label(a.status),
                a.organization.name,
                a.organization.uscc,
                a.category.name if a.category else "",
                _places(a),
                a.period_months,
                a.start_date,
                a.end_date,
                a.direct_beneficiaries,
                a.indirect_beneficiaries,
                a.beneficiary_description,
                a.requested_fen,
                a.cofunding_fen,
                a.total_budget_fen,
                a.summary,
                a.need_analysis,
                a.overall_goal,
                a.specific_goals,
                a.implementation_plan,
                a.features,
                a.risks,
                len(a.team),
                a.revision,
                a.submitted_at,
                a.last_submitted_at,
                a.screened_at,
                a.screening_reason,
                a.return_reason,
                a.resubmit_deadline,
                a.withdrawn_at,
            ]
            for a in apps
        ],
    )
    budget = Sheet(
        _("Budget lines"),
        [
            Column(_l("Code")),
            Column(_l("Project")),
            Column(_l("Budget group")),
            Column(_l("Budget line")),
            Column(_l("Item")),
            Column(_l("Amount (yuan)"), "money"),
            Column(_l("Note"), width=40),
        ],
        [
            [
                a.code or "",
                a.project_name,
                label(line.rule.line_group),
                line.rule.name,
                line.item,
                line.amount_fen,
                line.note,
            ]
            for a in apps
            for line in a.budget_lines
        ],
    )
    team = Sheet(
        _("Team"),
        [
            Column(_l("Code")),
            Column(_l("Project")),
            Column(_l("Name")),
            Column(_l("Education")),
            Column(_l("Social-work qualification")),
            Column(_l("Role in the project")),
        ],
        [
            [a.code or "", a.project_name, m.name, m.education, label(m.qualification), m.role]
            for a in apps
            for m in a.team
        ],
    )
    plan = Sheet(
        _("Milestones"),
        [
            Column(_l("Code")),
            Column(_l("Project")),
            Column(_l("Month"), "int"),
            Column(_l("Milestone")),
            Column(_l("Deliverable"), width=40),
        ],
        [
            [a.code or "", a.project_name, m.month, m.name, m.deliverable]
            for a in apps
            for m in a.milestones
        ],
    )
    progress(70, _("Writing the workbook"))
    data = workbook_bytes([main, budget, team, plan])
    return ExportFile(file_name(request, _("applications")), data, rows=len(apps))


KIND = ExportKind(
    "applications",
    _l("Applications"),
    _l(
        "Every field of every application, one row each, filtered as on the screening list; budget lines, "
        "team and milestones on their own sheets."
    ),
    "competition",
    build,
    count,
    filtered=True,
)
