"""Final results become projects: one per funded application, with its money plan and calendar."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from venture.applications.models import Application
from venture.audit.services import record
from venture.competitions.models import StageKind
from venture.competitions.services import check_tranche_plan
from venture.db import service, utcnow
from venture.errors import Conflict, ValidationError
from venture.extensions import db
from venture.followup import rules
from venture.followup.models import (
    Agreement,
    Evaluation,
    ProgressReport,
    Project,
    ProjectBudgetLine,
    ProjectMilestone,
    Tranche,
    TrancheCondition,
)
from venture.followup.services._common import notify_all, org_people, project_link
from venture.followup.services.schedule import project_schedule
from venture.rankings.models import FundingOutcome
from venture.results.models import Decision
from venture.templating import format_money


def tranche_plan(competition) -> list[tuple[Decimal, TrancheCondition]]:
    """The competition's tranche plan, checked by the rules its settings form applies."""
    try:
        plan = check_tranche_plan(list(competition.tranche_plan or []))
    except ValidationError as error:
        # the settings' own message, above the page that asked (not beside a form field)
        raise ValidationError(error.message) from None
    return [(Decimal(entry["share"]), TrancheCondition(entry["condition"])) for entry in plan]


def implementation_dates(competition, application) -> tuple[date, date]:
    """First and last local day of implementation: the implementation stage's dates,
    else the application's own period, else 12 months from today."""
    stage = competition.stage(StageKind.IMPLEMENTATION)
    start, end = rules.local_dates_of(stage.starts_at, stage.ends_at) if stage else (None, None)
    start = start or application.start_date or rules.local_date(utcnow())
    if end is None:
        end = application.end_date or (
            rules.add_months(start, application.period_months or 12) - timedelta(days=1)
        )
    return start, max(end, start)


def _budget_lines(application, approved_fen: int) -> list[ProjectBudgetLine]:
    lines = list(application.budget_lines)
    if not lines or sum(line.amount_fen for line in lines) == 0:
        return [ProjectBudgetLine(position=0, name=_("Project funds"), approved_fen=approved_fen)]
    amounts = rules.split_exact(approved_fen, [line.amount_fen for line in lines])
    result = []
    for position, (line, amount) in enumerate(zip(lines, amounts, strict=True)):
        rule_name = line.rule.name if line.rule else ""
        name = (
            line.item
            if not rule_name or line.item in ("", rule_name)
            else f"{rule_name} · {line.item}"
        )
        result.append(
            ProjectBudgetLine(
                position=position,
                rule_id=line.rule_id,
                name=(name or rule_name)[:200],
                approved_fen=amount,
            )
        )
    return result


def _build_project(competition, decision, plan) -> Project:
    application = decision.application
    start, end = implementation_dates(competition, application)
    project = Project(
        application_id=application.id,
        competition_id=competition.id,
        organization_id=application.organization_id,
        approved_fen=decision.approved_fen,
    )
    project.budget = _budget_lines(application, decision.approved_fen)
    project.milestones = [
        ProjectMilestone(position=m.position, name=m.name, month=m.month, deliverable=m.deliverable)
        for m in application.milestones
    ]
    amounts = rules.split_exact(decision.approved_fen, [share for share, _c in plan])
    project.tranches = [
        Tranche(position=i + 1, share_pct=share, amount_fen=amount, condition=condition)
        for i, ((share, condition), amount) in enumerate(zip(plan, amounts, strict=True))
    ]
    project.agreement = Agreement(
        amount_fen=decision.approved_fen, starts_on=start, ends_on=end if end > start else None
    )
    # A first schedule from the planned dates; signing the agreement rebuilds it from the agreement's.
    schedule = project_schedule(competition, start, end)
    project.reports = [
        ProgressReport(period_start=ps, period_end=pe, due_at=rules.report_due_at(pe))
        for ps, pe in schedule.reports
    ]
    project.evaluations = [
        Evaluation(kind=kind, stage_id=stage.id if stage else None, due_at=due_at)
        for kind, (stage, due_at) in schedule.evaluations.items()
    ]
    return project


@service
def create_projects_from_results(competition, actor=None) -> list[Project]:
    """Make a project of every funded final decision that has none yet.

    Idempotent: an application never gets a second project, so this may run at
    finalize and again from the organizer's button. Returns the projects it created.
    """
    if competition.results_final_at is None:
        raise Conflict(_("The results of this competition are not final yet."))
    plan = tranche_plan(competition)
    existing = set(
        db.session.scalars(
            sa.select(Project.application_id).where(Project.competition_id == competition.id)
        )
    )
    decisions = db.session.scalars(
        sa.select(Decision)
        .join(Application, Application.id == Decision.application_id)
        .where(
            Decision.competition_id == competition.id,
            Decision.outcome == FundingOutcome.FUNDED,
            Decision.approved_fen > 0,
        )
        .order_by(Application.code, Application.id)
        .options(
            selectinload(Decision.application).selectinload(Application.budget_lines),
            selectinload(Decision.application).selectinload(Application.milestones),
        )
    ).all()
    created = []
    for decision in decisions:
        if decision.application_id in existing:
            continue
        project = _build_project(competition, decision, plan)
        db.session.add(project)
        created.append((project, decision.application))
    db.session.flush()
    for project, application in created:
        record(
            "followup.create_project",
            project,
            actor=actor,
            changes={
                "application_id": project.application_id,
                "approved_fen": project.approved_fen,
                "tranches": [t.amount_fen for t in project.tranches],
                "reports": len(project.reports),
            },
        )
        notify_all(
            org_people(project.organization_id),
            "project_created",
            competition_id=competition.id,
            link=project_link(project),
            project_name=application.project_name,
            amount=format_money(project.approved_fen),
        )
    return [project for project, _application in created]


def competitions_with_pending_projects() -> list[tuple]:
    """(competition, funded decisions without a project) for competitions whose results are final."""
    from venture.competitions.models import Competition

    missing = (
        sa.select(Decision.competition_id, sa.func.count(Decision.id))
        .outerjoin(Project, Project.application_id == Decision.application_id)
        .where(
            Decision.outcome == FundingOutcome.FUNDED,
            Decision.approved_fen > 0,
            Project.id.is_(None),
        )
        .group_by(Decision.competition_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Competition, missing.c[1])
        .join(missing, missing.c.competition_id == Competition.id)
        .where(Competition.results_final_at.is_not(None))
        .order_by(Competition.year.desc())
    ).all()
    return [(c, n) for c, n in rows]
