"""Exports as jobs: starting one, running it (in the Celery task), storing its file under
EXPORT_FOLDER with a random name, and telling the organizer it is ready. Every export,
direct or in the background, leaves an audit entry (who took which data out)."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from venture.audit.services import record
from venture.competitions.models import Competition, Stage
from venture.db import service, unit_of_work, utcnow
from venture.errors import DomainError, NotFound
from venture.extensions import db
from venture.jobs.models import Job, JobStatus
from venture.jobs.services import JobRunner, NotClaimed, retry_job, start_job
from venture.judging.services.common import external
from venture.notices.services import notify
from venture.reports.exports import ExportKind, ExportRequest, registry

log = logging.getLogger("venture.reports")
JOB_KIND = "export"


def export_request(
    competition_id: int, stage_id: int | None = None, filters: dict | None = None
) -> ExportRequest:
    """What to export, checked: the stage (when given) is a scoring stage of the competition."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise NotFound()
    stage = None
    if stage_id is not None:
        stage = db.session.get(Stage, stage_id)
        if stage is None or stage.competition_id != competition.id or not stage.is_scoring:
            raise NotFound()
    return ExportRequest(competition, stage, dict(filters or {}))


def _params(kind: ExportKind, request: ExportRequest, locale: str) -> dict:
    return {
        "export": kind.name,
        "competition_id": request.competition.id,
        "stage_id": request.stage.id if request.stage else None,
        "filters": {k: str(v) for k, v in request.filters.items() if v not in (None, "")},
        "locale": locale,
    }


@service
def start_export(kind: ExportKind, request: ExportRequest, *, actor, locale: str) -> Job:
    """Queue a large export; the task runs after this transaction commits."""
    from workers.tasks.exports import run_export

    params = _params(kind, request, locale)
    job = start_job(
        JOB_KIND, run_export, params=params, user=actor, competition_id=request.competition.id
    )
    record(
        "reports.export",
        job,
        actor=actor,
        changes={
            "export": [None, kind.name],
            "stage_id": [None, params["stage_id"]],
            "filters": [None, params["filters"]],
            "background": [None, True],
        },
    )
    return job


@service
def retry_export(job: Job, actor) -> Job:
    """The organizer retries a failed or lost export: the same job is queued again."""
    if job.kind != JOB_KIND:
        raise NotFound()
    return retry_job(job, actor)


@service
def record_download(kind: ExportKind, request: ExportRequest, *, actor, rows: int) -> None:
    """A small export streamed at once: only the audit entry is stored."""
    params = _params(kind, request, "")
    record(
        "reports.export",
        object_type="competition",
        object_id=request.competition.id,
        actor=actor,
        changes={
            "export": [None, kind.name],
            "stage_id": [None, params["stage_id"]],
            "filters": [None, params["filters"]],
            "rows": [None, rows],
        },
    )


def export_root() -> Path:
    root = Path(current_app.config["EXPORT_FOLDER"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def export_path(job: Job) -> Path:
    """The file of a finished export job, or 404 (not finished, not an export, removed)."""
    name = job.file_path or ""
    if job.kind == JOB_KIND and job.purged:
        raise NotFound(
            _(
                "This export was removed after %(days)d days. Export it again.",
                days=current_app.config["EXPORT_KEEP_DAYS"],
            )
        )
    if job.kind != JOB_KIND or job.status != JobStatus.DONE or not name or Path(name).name != name:
        raise NotFound()
    path = export_root() / name
    if not path.is_file():
        raise NotFound()
    return path


def purge_old_exports(now: datetime | None = None) -> int:
    """Delete export files older than EXPORT_KEEP_DAYS; their jobs stay, marked purged.

    Exports hold personal data (contacts, bank accounts): they are not kept for ever. The
    files go once the jobs say so (committed): a failed commit leaves files, never dangling jobs."""
    names = _mark_exports_purged(now or utcnow())
    for name in names:
        (export_root() / name).unlink(missing_ok=True)
    return len(names)


@service
def _mark_exports_purged(now: datetime) -> list[str]:
    import sqlalchemy as sa

    cutoff = now - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    jobs = list(
        db.session.scalars(
            sa.select(Job).where(
                Job.kind == JOB_KIND,
                Job.status == JobStatus.DONE,
                Job.file_path != "",
                Job.finished_at < cutoff,
            )
        )
    )
    names = []
    for job in jobs:
        if (
            Path(job.file_path).name == job.file_path
        ):  # only our own random names, inside EXPORT_FOLDER
            names.append(job.file_path)
        record(
            "reports.export_purged",
            job,
            changes={"file_path": [job.file_path, ""], "finished_at": job.finished_at},
        )
        job.file_path, job.result = "", {**(job.result or {}), "purged": True}
    return names


def run_export(job_id: int) -> None:
    """The Celery task's work: build the file, store it, mark the job done, tell its owner.

    Safe to run twice: a job already done is left alone. A refusal (e.g. no ranking yet)
    fails the job with its message for the job page."""
    # A fresh transaction on each side of the runner's own commits (run eagerly, this is
    # the request's session; on SQLite an old read snapshot could not write the notice).
    db.session.rollback()
    existing = db.session.get(Job, job_id, populate_existing=True)
    if existing is None or existing.status == JobStatus.DONE:
        return
    try:
        with JobRunner(job_id) as runner:
            params = runner.params
            kind = registry()[params["export"]]
            with force_locale(params.get("locale") or "zh_CN"):
                request = export_request(
                    params["competition_id"], params.get("stage_id"), params.get("filters")
                )
                runner.progress(5, "")
                result = kind.build(request, runner.progress)
            suffix = ".csv" if result.name.endswith(".csv") else ".xlsx"
            stored = secrets.token_hex(20) + suffix
            (export_root() / stored).write_bytes(result.data)
            runner.done(
                result={"export": kind.name, "rows": result.rows, "mimetype": result.mimetype},
                file_path=stored,
                file_name=result.name,
            )
    except DomainError as refused:
        log.info("export job %s refused: %s", job_id, refused.message)
        return
    except NotClaimed:
        return  # a duplicate task: another worker runs (or ran) this export
    finally:
        db.session.rollback()
    _notify_ready(job_id)


def _notify_ready(job_id: int) -> None:
    with unit_of_work():
        job = db.session.get(Job, job_id, populate_existing=True)
        if job.created_by is not None:
            notify(
                job.created_by,
                "export_ready",
                link=external("reports.download_export", job_id=job.id),
                competition_id=job.competition_id,
                file_name=job.file_name,
            )


def recent_exports(competition_id: int, limit: int = 10) -> list[Job]:
    import sqlalchemy as sa
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            sa.select(Job)
            .where(Job.kind == JOB_KIND, Job.competition_id == competition_id)
            .options(joinedload(Job.created_by))
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )
