"""Background jobs the user waits for (score computation, large exports).

The row is the truth: the task updates progress on it, the page polls it, and a job
whose task was lost (broker outage, killed worker) is found by its state and re-run.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
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
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus, 10), nullable=False, default=JobStatus.QUEUED)
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

    __table_args__ = (sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),)

    created_by = db.relationship("User")

    @property
    def purged(self) -> bool:
        """Done, but its file was deleted after the retention period (reports.purge_old_exports)."""
        return self.status == JobStatus.DONE and bool((self.result or {}).get("purged"))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
