"""Starting jobs and reporting their progress from a task."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from venture.db import utcnow
from venture.errors import NotFound
from venture.extensions import db
from venture.jobs.models import Job, JobStatus
from venture.tasks import after_commit


def start_job(kind: str, task, *, params: dict, user=None, competition_id: int | None = None) -> Job:
    """Record a job in the current transaction; its task is enqueued after commit."""
    job = Job(kind=kind, params=params, created_by_id=user.id if user else None,
              competition_id=competition_id)
    db.session.add(job)
    db.session.flush()
    after_commit(task, job.id)
    return job


class JobRunner:
    """What a task uses: claims the job, reports progress in its own short transactions,
    and records the outcome."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.session = Session(db.engine)

    def __enter__(self) -> JobRunner:
        job = self.session.get(Job, self.job_id)
        if job is None:
            raise NotFound(f"job {self.job_id}")
        job.status = JobStatus.RUNNING
        job.started_at = utcnow()
        job.attempts += 1
        job.progress = 0
        self.session.commit()
        self.params = dict(job.params)
        return self

    def progress(self, percent: int, message: str = "") -> None:
        self.session.execute(
            sa.update(Job).where(Job.id == self.job_id)
            .values(progress=max(0, min(100, int(percent))), message=message)
        )
        self.session.commit()

    def done(self, *, result: dict | None = None, file_path: str = "", file_name: str = "") -> None:
        self.session.execute(
            sa.update(Job).where(Job.id == self.job_id).values(
                status=JobStatus.DONE, progress=100, finished_at=utcnow(), result=result or {},
                file_path=file_path, file_name=file_name, message="")
        )
        self.session.commit()

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None:
            self.session.rollback()
            self.session.execute(
                sa.update(Job).where(Job.id == self.job_id).values(
                    status=JobStatus.FAILED, finished_at=utcnow(), message=str(exc)[:2000])
            )
            self.session.commit()
        self.session.close()
        return False


def run_job(job_id: int, work: Callable[[JobRunner], None]) -> None:
    with JobRunner(job_id) as runner:
        work(runner)


def get_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound()
    return job
