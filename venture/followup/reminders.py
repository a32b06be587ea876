"""Reminders of due and overdue progress reports (run by Celery beat).

Each unsubmitted report of an active project has three reminder windows: a week
before it is due ("before"), from the deadline on ("due"), and a week after it
("overdue"). A notice's dedupe key names the report and the window, so running the
task again (or twice at once) never reminds twice for the same window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from venture.db import utcnow
from venture.extensions import db
from venture.followup.models import ProgressReport, Project, ProjectStatus, ReportStatus
from venture.notices.reminders import Reminder, reminder_rule, run_rules
from venture.templating import format_local

WINDOW = timedelta(days=7)


def report_window(due_at: datetime, now: datetime) -> str | None:
    """Which reminder window ``now`` is in for a report due at ``due_at``, if any."""
    if now >= due_at + WINDOW:
        return "overdue"
    if now >= due_at:
        return "due"
    if now >= due_at - WINDOW:
        return "before"
    return None


@reminder_rule("report_due")
def report_reminders(now: datetime):
    """Each member of the organization, for each report in a reminder window."""
    from venture.followup.services._common import external, org_people

    reports = db.session.scalars(
        sa.select(ProgressReport)
        .join(Project, Project.id == ProgressReport.project_id)
        .where(
            ProgressReport.status == ReportStatus.DUE,
            Project.status == ProjectStatus.ACTIVE,
            ProgressReport.due_at <= now + WINDOW,
        )
        .options(joinedload(ProgressReport.project).joinedload(Project.application))
        .order_by(ProgressReport.due_at, ProgressReport.id)
    ).all()
    for report in reports:
        window = report_window(report.due_at, now)
        if window is None:
            continue
        kind = "report_overdue" if window == "overdue" else "report_due"
        for person in org_people(report.project.organization_id):
            yield Reminder(
                user=person,
                kind=kind,
                dedupe_key=f"report-due:{report.id}:{person.id}:{window}",
                link=external("followup.report", report_id=report.id),
                competition_id=report.project.competition_id,
                context={
                    "project_name": report.project.application.project_name,
                    "period_start": report.period_start.isoformat(),
                    "period_end": report.period_end.isoformat(),
                    "due_at": format_local(report.due_at),
                },
            )


def due_report_reminders(now: datetime | None = None) -> int:
    """Run the report rule now (what beat does every few minutes); returns notices written."""
    return run_rules(now or utcnow(), names=["report_due"]).get("report_due", 0)
