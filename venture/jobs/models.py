"""Background jobs the user waits for (score computation, large exports).

The row is the truth: it is written with the request, its task is enqueued after the
commit, and beat's sweep sends the task again while the row stays queued (a broker
outage loses nothing). A running job's worker beats on the row every few seconds; a job
whose heartbeat stopped is lost (its worker died) and the organizer may retry it.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from venture.db import UTCDateTime, enum_type, utcnow
from venture.extensions import db


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60), nullable=False, index=True)
    status: Mapped[JobStatus] = mapped_column(
        enum_type(JobStatus, 10), nullable=False, default=JobStatus.QUEUED
    )
    progress: Mapped[int] = mapped_column(nullable=False, default=0)
    message: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    params: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    result: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    file_path: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    file_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    competition_id: Mapped[int | None] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    # The Celery task that runs it (the sweep and a retry send it by name).
    task_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    # When the task was last handed to the broker (the sweep sends it again when it is old).
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The running worker's last sign of life (JOB_HEARTBEAT_SECONDS apart).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    created_by = db.relationship("User")

    @property
    def purged(self) -> bool:
        """Done, but its file was deleted after the retention period (reports.purge_old_exports)."""
        return self.status == JobStatus.DONE and bool((self.result or {}).get("purged"))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def last_sign_of_life(self) -> datetime:
        return self.heartbeat_at or self.started_at or self.created_at

    def is_lost(self, now: datetime, lost_after_seconds: int) -> bool:
        """Its worker died: marked so by the sweep, or running without a recent heartbeat."""
        if self.status == JobStatus.FAILED:
            return bool((self.result or {}).get("lost"))
        return self.status == JobStatus.RUNNING and self.last_sign_of_life() < now - timedelta(
            seconds=lost_after_seconds
        )

    @property
    def state(self) -> str:
        """What the page shows: queued, running, done, failed, or lost (the worker died)."""
        if self.is_lost(utcnow(), current_app.config["JOB_LOST_SECONDS"]):
            return "lost"
        return self.status.value

    @property
    def active(self) -> bool:
        """Waiting for a worker or running on a live one: a second request would duplicate it."""
        return self.state in ("queued", "running")

    @property
    def retryable(self) -> bool:
        return self.state in ("failed", "lost")
