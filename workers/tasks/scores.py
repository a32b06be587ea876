"""Computing a stage's scores in a worker (``venture.compute_stage``).

The task takes a job id. It is safe to run twice: a job already done is skipped, and
a snapshot carries its job id (unique), so a re-delivered task never writes a second
one. A refusal (locked results, no sheets, a split panel for bias) marks the job
failed with its message, shown on the organizer's page; it is not retried.
"""

from __future__ import annotations

import logging

from celery import shared_task

from venture.errors import DomainError

log = logging.getLogger("venture.rankings")


@shared_task(name="venture.compute_stage", acks_late=True)
def compute_stage(job_id: int) -> str:
    from venture.rankings.services import run_computation_job

    try:
        return run_computation_job(job_id)
    except DomainError as refused:  # recorded on the job; nothing to retry
        log.info("job %s refused: %s", job_id, refused)
        return "failed"
