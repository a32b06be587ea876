"""Starting jobs, running them from a task (claim, progress, heartbeat, outcome), the
sweep that makes a broker outage or a dead worker lose nothing, and retrying.

The same guarantee as the notices outbox: the row is written with the request, its task
is enqueued after commit, and beat's sweep sends the task again while the row is queued.
A worker claims a job with a conditional UPDATE, so a task sent twice runs the job once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from venture.audit.services import record
from venture.db import service, utcnow
from venture.errors import Conflict, NotFound
from venture.extensions import db
from venture.jobs.models import Job, JobStatus
from venture.tasks import after_commit

log = logging.getLogger("venture.jobs")


def task_name(task) -> str:
    return task if isinstance(task, str) else task.name


def start_job(
    kind: str, task, *, params: dict, user=None, competition_id: int | None = None
) -> Job:
    """Record a job in the current transaction; its task is enqueued after commit (and
    re-sent by the sweep if the broker does not take it)."""
    job = Job(
        kind=kind,
        task_name=task_name(task),
        params=params,
        created_by_id=user.id if user else None,
        competition_id=competition_id,
        enqueued_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    after_commit(task, job.id)
    return job


def _lost_before(now=None):
    return (now or utcnow()) - timedelta(seconds=current_app.config["JOB_LOST_SECONDS"])


def _sign_of_life():
    return sa.func.coalesce(Job.heartbeat_at, Job.started_at, Job.created_at)


class NotClaimed(Exception):
    """The job is not this task's to run: done, failed, or running on a live worker."""


class _Heartbeat(threading.Thread):
    """Beats on the job row every few seconds while the work runs, in its own connection,
    so a long step without progress still shows the worker alive."""

    def __init__(self, engine, job_id: int, attempt: int, interval: float):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.engine, self.job_id, self.attempt, self.interval = engine, job_id, attempt, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        sa.update(Job)
                        .where(
                            Job.id == self.job_id,
                            Job.attempts == self.attempt,
                            Job.status == JobStatus.RUNNING,
                        )
                        .values(heartbeat_at=utcnow())
                    )
            except Exception as exc:  # a busy database: the next beat tries again
                log.warning("job %s heartbeat failed: %s", self.job_id, exc)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


class JobRunner:
    """What a task uses: claims the job, reports progress in its own short transactions,
    beats while it runs, and records the outcome.

    Every write names the attempt it claimed: a worker declared lost whose job was
    retried meanwhile cannot overwrite the new attempt's progress."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.session = Session(db.engine)
        self.attempt = 0
        self._heartbeat: _Heartbeat | None = None

    def _claim(self) -> bool:
        now = utcnow()
        claimed = self.session.execute(
            sa.update(Job)
            .where(
                Job.id == self.job_id,
                sa.or_(
                    Job.status == JobStatus.QUEUED,
                    sa.and_(Job.status == JobStatus.RUNNING, _sign_of_life() < _lost_before(now)),
                ),
            )
            .values(
                status=JobStatus.RUNNING,
                started_at=now,
                heartbeat_at=now,
                attempts=Job.attempts + 1,
                progress=0,
                message="",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            self.attempt = self.session.scalar(sa.select(Job.attempts).where(Job.id == self.job_id))
        self.session.commit()
        return bool(claimed)

    def __enter__(self) -> JobRunner:
        job = self.session.get(Job, self.job_id)
        if job is None:
            self.session.close()
            raise NotFound(f"job {self.job_id}")
        self.params = dict(job.params)
        if not self._claim():
            self.session.close()
            raise NotClaimed(self.job_id)
        self._heartbeat = _Heartbeat(
            db.engine, self.job_id, self.attempt, current_app.config["JOB_HEARTBEAT_SECONDS"]
        )
        self._heartbeat.start()
        return self

    def _mine(self):
        return sa.update(Job).where(Job.id == self.job_id, Job.attempts == self.attempt)

    def progress(self, percent: int, message: str = "") -> None:
        self.session.execute(
            self._mine()
            .where(Job.status == JobStatus.RUNNING)
            .values(progress=max(0, min(100, int(percent))), message=message, heartbeat_at=utcnow())
        )
        self.session.commit()

    def done(self, *, result: dict | None = None, file_path: str = "", file_name: str = "") -> None:
        self.session.execute(
            self._mine().values(
                status=JobStatus.DONE,
                progress=100,
                finished_at=utcnow(),
                result=result or {},
                file_path=file_path,
                file_name=file_name,
                message="",
            )
        )
        self.session.commit()

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self._heartbeat is not None:
            self._heartbeat.stop()
        if exc is not None:
            self.session.rollback()
            self.session.execute(
                self._mine()
                .where(Job.status != JobStatus.DONE)
                .values(
                    status=JobStatus.FAILED,
                    finished_at=utcnow(),
                    message=str(exc)[:2000],
                    result={},
                )
            )
            self.session.commit()
        self.session.close()
        return False


def get_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound()
    return job


# --- the sweep (beat) ------------------------------------------------------------------------


@dataclass
class Sweep:
    requeue: list[tuple[int, str]] = field(default_factory=list)  # (job id, task name)
    lost: list[int] = field(default_factory=list)


def sweep(session: Session) -> Sweep:
    """Mark lost the running jobs whose worker stopped beating, and pick the queued jobs
    that should be in the broker but may not be (never taken, or handed over long ago).
    Their enqueued_at is set now, so two sweeps in a row send each job once."""
    now = utcnow()
    result = Sweep()
    stale = sa.and_(Job.status == JobStatus.RUNNING, _sign_of_life() < _lost_before(now))
    result.lost = list(session.scalars(sa.select(Job.id).where(stale).order_by(Job.id)))
    if result.lost:
        session.execute(
            sa.update(Job)
            .where(Job.id.in_(result.lost), stale)
            .values(status=JobStatus.FAILED, finished_at=now, message="", result={"lost": True})
            .execution_options(synchronize_session=False)
        )
    age = timedelta(seconds=current_app.config["JOB_SWEEP_AGE_SECONDS"])
    result.requeue = [
        tuple(row)
        for row in session.execute(
            sa.select(Job.id, Job.task_name)
            .where(
                Job.status == JobStatus.QUEUED,
                Job.task_name != "",
                sa.or_(Job.enqueued_at.is_(None), Job.enqueued_at <= now - age),
            )
            .order_by(Job.id)
            .limit(200)
        )
    ]
    if result.requeue:
        session.execute(
            sa.update(Job)
            .where(Job.id.in_([i for i, _ in result.requeue]))
            .values(enqueued_at=now)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    for job_id in result.lost:
        log.warning("job %s lost: its worker stopped beating", job_id)
    return result


# --- retrying --------------------------------------------------------------------------------


@service
def retry_job(job: Job, actor) -> Job:
    """Queue a failed or lost job again (the organizer's retry button). The domain's own
    service checks its rules first (e.g. the results are not final)."""
    if not job.retryable or not job.task_name:
        raise Conflict(_retry_refused())
    now = utcnow()
    lost = job.state == "lost"
    queued = db.session.execute(
        sa.update(Job)
        .where(
            Job.id == job.id,
            sa.or_(
                Job.status == JobStatus.FAILED,
                sa.and_(Job.status == JobStatus.RUNNING, _sign_of_life() < _lost_before(now)),
            ),
        )
        .values(
            status=JobStatus.QUEUED,
            progress=0,
            message="",
            result={},
            finished_at=None,
            enqueued_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not queued:  # another click, or the worker came back meanwhile
        raise Conflict(_retry_refused())
    db.session.refresh(job)
    record(
        "jobs.retry",
        job,
        actor=actor,
        changes={"status": ["lost" if lost else "failed", "queued"], "attempts": job.attempts},
    )
    after_commit(job.task_name, job.id)
    return job


def _retry_refused() -> str:
    from flask_babel import gettext as _

    return _("Only a job that failed or whose worker stopped can be retried.")
