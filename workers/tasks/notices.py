"""Delivering notices, and the sweep that makes a broker outage lose nothing."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.orm import Session

from venture.extensions import db
from venture.notices import services
from venture.tasks import enqueue

log = logging.getLogger("venture.notices")


@shared_task(bind=True, name="venture.deliver_notice", max_retries=None)
def deliver_notice(self, notice_id: int) -> str:
    try:
        return services.deliver(notice_id)
    except services.DeliveryFailed as failed:
        if self.request.is_eager:
            # In-process mode: the in-process scheduler's sweep retries when it is due.
            return "queued"
        raise self.retry(countdown=failed.countdown, exc=failed) from None


@shared_task(name="venture.sweep_notices")
def sweep_notices() -> int:
    with Session(db.engine) as session:
        ids = services.due_for_sweep(session)
        for notice_id in ids:
            enqueue(deliver_notice, notice_id)
        services.mark_enqueued(session, ids)
    if ids:
        log.info("sweep re-queued %d notice(s)", len(ids))
    return len(ids)
