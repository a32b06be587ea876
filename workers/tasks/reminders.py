"""Beat runs the reminder rules (venture.notices.reminders) every few minutes, and the
follow-up domain's evaluation deadlines every hour.

Safe to run twice or from two beat processes: each reminder carries a dedupe key
(person, item, window) that the notice table keeps unique."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from venture.notices import reminders


@shared_task(name="venture.send_reminders")
def send_reminders(now: str | None = None) -> dict:
    """``now`` (ISO 8601, for tests and catch-up runs) defaults to the current time."""
    when = datetime.fromisoformat(now) if now else None
    return reminders.run_rules(when)


@shared_task(name="venture.followup_evaluations")
def followup_evaluations() -> dict:
    """Fail evaluations whose self-assessment is missing at the deadline; decide those
    whose evaluators' sheets are all in."""
    from venture.followup.services import decide_ready_evaluations, expire_overdue_evaluations

    return {"failed": expire_overdue_evaluations(), "decided": decide_ready_evaluations()}
