"""The jobs sweep: a broker outage or a dead worker loses no requested job."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.orm import Session

from venture.extensions import db
from venture.jobs import services
from venture.tasks import enqueue

log = logging.getLogger("venture.jobs")


@shared_task(name="venture.sweep_jobs")
def sweep_jobs() -> dict:
    """Mark lost the jobs whose worker stopped beating; send again the queued ones the
    broker may not hold (a task sent twice runs its job once: the worker claims the row)."""
    with Session(db.engine) as session:
        found = services.sweep(session)
    sent = 0
    for job_id, name in found.requeue:
        try:
            enqueue(name, job_id)
            sent += 1
        except Exception as exc:  # still no broker: the next sweep tries again
            log.warning("sweep could not enqueue job %s: %s", job_id, exc)
            break
    if found.requeue or found.lost:
        log.info("jobs sweep: %d re-queued, %d lost", sent, len(found.lost))
    return {"requeued": sent, "lost": len(found.lost)}
