"""Large Excel exports, prepared in the background with progress (venture.reports)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="venture.run_export")
def run_export(job_id: int) -> None:
    from venture.reports.services import run_export as run

    run(job_id)


@shared_task(name="venture.purge_exports")
def purge_exports() -> int:
    from venture.reports.services import purge_old_exports

    return purge_old_exports()
