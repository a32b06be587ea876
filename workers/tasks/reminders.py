"""Celery tasks of this domain."""

from __future__ import annotations

from celery import shared_task

# --- follow-up (projects): report reminders and evaluation deadlines ------------------


@shared_task(name="venture.followup_reminders")
def followup_reminders() -> int:
    """Remind organizations of due and overdue progress reports (once per report and window)."""
    from venture.followup.reminders import due_report_reminders

    return due_report_reminders()


@shared_task(name="venture.followup_evaluations")
def followup_evaluations() -> dict:
    """Fail evaluations whose self-assessment is missing at the deadline; decide those
    whose evaluators' sheets are all in."""
    from venture.followup.services import decide_ready_evaluations, expire_overdue_evaluations

    return {"failed": expire_overdue_evaluations(), "decided": decide_ready_evaluations()}
