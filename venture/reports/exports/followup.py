"""The follow-up of a competition: projects with their money and evaluations, progress
reports, spending and tranches, one sheet each."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from venture.applications.models import Application
from venture.extensions import db
from venture.followup.models import (
    Activity,
    EvaluationKind,
    Expense,
    LiaisonStatus,
    ProgressReport,
    Project,
    ProjectBudgetLine,
    Tranche,
)
from venture.followup.queries import money_of, spent_by_project
from venture.orgs.models import Area
from venture.reports.exports import ExportFile, ExportKind, ExportRequest, Progress, file_name
from venture.reports.labels import label, yes_no
from venture.reports.xlsx import Column, Sheet, workbook_bytes


def count(request: ExportRequest) -> int:
    comp_id = request.competition.id
    projects = sa.select(Project.id).where(Project.competition_id == comp_id)
    return sum(
        db.session.scalar(query) or 0
        for query in (
            sa.select(sa.func.count()).select_from(projects.subquery()),
            sa.select(sa.func.count(ProgressReport.id)).where(
                ProgressReport.project_id.in_(projects)
            ),
            sa.select(sa.func.count(Expense.id)).where(Expense.project_id.in_(projects)),
            sa.select(sa.func.count(Tranche.id)).where(Tranche.project_id.in_(projects)),
        )
    )


def _projects(request: ExportRequest) -> list[Project]:
    return list(
        db.session.scalars(
            sa.select(Project)
            .join(Application, Application.id == Project.application_id)
            .where(Project.competition_id == request.competition.id)
            .options(
                joinedload(Project.application).joinedload(Application.category),
                joinedload(Project.application)
                .selectinload(Application.communities)
                .joinedload(Area.parent)
                .joinedload(Area.parent),
                joinedload(Project.organization),
                selectinload(Project.tranches),
                selectinload(Project.evaluations),
                selectinload(Project.open_disputes),
            )
            .order_by(Application.code, Project.id)
        ).unique()
    )


def _evaluation(project: Project, kind: EvaluationKind) -> tuple[str, object]:
    evaluation = next((e for e in project.evaluations if e.kind == kind), None)
    return (label(evaluation.status), evaluation.score) if evaluation else ("", None)


def build(request: ExportRequest, progress: Progress) -> ExportFile:
    projects = _projects(request)
    ids = [p.id for p in projects]
    spent = spent_by_project(ids) if ids else {}
    progress(30, _("Projects loaded"))
    project_rows = []
    for p in projects:
        money = money_of(p)
        midterm, final = (
            _evaluation(p, EvaluationKind.MIDTERM),
            _evaluation(p, EvaluationKind.FINAL),
        )
        project_rows.append(
            [
                p.application.code or "",
                p.application.project_name,
                p.organization.name,
                p.application.category.name if p.application.category else "",
                "；".join(c.path for c in p.application.communities),
                label(p.status),
                p.approved_fen,
                money.paid,
                money.due,
                money.blocked,
                spent.get(p.id, 0),
                midterm[0],
                midterm[1],
                final[0],
                final[1],
                p.grade,
                p.final_score,
                p.terminated_at,
                p.recovery_fen,
                p.recovered_fen,
            ]
        )
    code_of = {p.id: (p.application.code or "", p.application.project_name) for p in projects}
    reports = list(
        db.session.scalars(
            sa.select(ProgressReport)
            .where(ProgressReport.project_id.in_(ids or [0]))
            .options(selectinload(ProgressReport.activities))
            .order_by(ProgressReport.project_id, ProgressReport.period_start)
        )
    )
    expenses = db.session.execute(
        sa.select(Expense, ProjectBudgetLine.name)
        .join(ProjectBudgetLine, ProjectBudgetLine.id == Expense.line_id)
        .where(Expense.project_id.in_(ids or [0]))
        .order_by(Expense.project_id, Expense.spent_on, Expense.id)
    ).all()
    progress(60, _("Reports and spending loaded"))
    sheets = [
        Sheet(
            _("Projects"),
            [
                Column(_l("Code")),
                Column(_l("Project")),
                Column(_l("Organization")),
                Column(_l("Category")),
                Column(_l("Host communities")),
                Column(_l("Status")),
                Column(_l("Approved (yuan)"), "money"),
                Column(_l("Paid (yuan)"), "money"),
                Column(_l("Due (yuan)"), "money"),
                Column(_l("Blocked (yuan)"), "money"),
                Column(_l("Spent (yuan)"), "money"),
                Column(_l("Mid-term evaluation")),
                Column(_l("Mid-term score"), "decimal"),
                Column(_l("Final evaluation")),
                Column(_l("Final score"), "decimal"),
                Column(_l("Grade")),
                Column(_l("Final project score"), "decimal"),
                Column(_l("Terminated"), "datetime"),
                Column(_l("To recover (yuan)"), "money"),
                Column(_l("Recovered (yuan)"), "money"),
            ],
            project_rows,
        ),
        Sheet(
            _("Progress reports"),
            [
                Column(_l("Code")),
                Column(_l("Project")),
                Column(_l("Period start"), "date"),
                Column(_l("Period end"), "date"),
                Column(_l("Due"), "datetime"),
                Column(_l("Status")),
                Column(_l("Submitted"), "datetime"),
                Column(_l("Activities"), "int"),
                Column(_l("Participants"), "int"),
                Column(_l("Confirmed by the community"), "int"),
                Column(_l("Disputed by the community"), "int"),
            ],
            [
                [
                    *code_of[r.project_id],
                    r.period_start,
                    r.period_end,
                    r.due_at,
                    label(r.status),
                    r.submitted_at,
                    len(r.activities),
                    sum(a.participants for a in r.activities),
                    _count(r.activities, LiaisonStatus.CONFIRMED),
                    _count(r.activities, LiaisonStatus.DISPUTED),
                ]
                for r in reports
            ],
        ),
        Sheet(
            _("Spending"),
            [
                Column(_l("Code")),
                Column(_l("Project")),
                Column(_l("Budget line")),
                Column(_l("Date"), "date"),
                Column(_l("Amount (yuan)"), "money"),
                Column(_l("Description"), width=40),
                Column(_l("Voucher")),
            ],
            [
                [
                    *code_of[e.project_id],
                    line,
                    e.spent_on,
                    e.amount_fen,
                    e.description,
                    yes_no(e.voucher_id is not None),
                ]
                for e, line in expenses
            ],
        ),
        Sheet(
            _("Tranches"),
            [
                Column(_l("Code")),
                Column(_l("Project")),
                Column(_l("Tranche"), "int"),
                Column(_l("Share (%)"), "decimal"),
                Column(_l("Amount (yuan)"), "money"),
                Column(_l("Condition")),
                Column(_l("Status")),
                Column(_l("Released"), "datetime"),
            ],
            [
                [
                    *code_of[p.id],
                    t.position,
                    t.share_pct,
                    t.amount_fen,
                    label(t.condition),
                    label(t.status),
                    t.released_at,
                ]
                for p in projects
                for t in p.tranches
            ],
        ),
    ]
    progress(80, _("Writing the workbook"))
    rows = len(project_rows) + len(reports) + len(expenses) + sum(len(p.tranches) for p in projects)
    return ExportFile(file_name(request, _("follow-up")), workbook_bytes(sheets), rows=rows)


def _count(activities: list[Activity], status: LiaisonStatus) -> int:
    return sum(1 for a in activities if a.liaison_status == status)


KIND = ExportKind(
    "followup",
    _l("Follow-up"),
    _l(
        "The funded projects with their money and evaluations, the progress reports, the spending and the "
        "tranches, one sheet each."
    ),
    "competition",
    build,
    count,
)
