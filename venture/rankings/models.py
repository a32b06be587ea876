"""Results snapshots: the immutable output of one computation of a stage (or of the
stages combined), with the digest of the sheets it was computed from.

What ``params``, ``diagnostics`` and each entry's ``details`` hold is written down where
they are made: ``rankings.compute`` (stage entries), ``rankings.diagnostics`` (stage
diagnostics), ``rankings.final`` (FINAL snapshots) and ``rankings.loading`` (the digest).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.db import UTCDateTime, enum_type, utcnow
from venture.extensions import db


class SnapshotKind(enum.StrEnum):
    STAGE = "stage"  # one scoring stage
    FINAL = "final"  # stages combined by their weights, with the funding line


class FundingOutcome(enum.StrEnum):
    FUNDED = "funded"
    WAITLIST = "waitlist"
    NOT_FUNDED = "not_funded"


class ResultSnapshot(db.Model):
    __tablename__ = "result_snapshot"
    __table_args__ = (sa.Index("ix_result_snapshot_stage_created", "stage_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stage.id", ondelete="CASCADE"))
    kind: Mapped[SnapshotKind] = mapped_column(enum_type(SnapshotKind, 10), nullable=False)
    method: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    params: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    # SHA-256 over the canonical list of input sheets (or, for FINAL, the stage snapshots).
    input_digest: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    sheet_count: Mapped[int] = mapped_column(nullable=False, default=0)
    diagnostics: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    source_snapshot_ids: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    # The job that computed it: one snapshot per job (a re-delivered task finds it and stops).
    job_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("job.id", ondelete="SET NULL"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    competition = relationship("Competition")
    stage = relationship("Stage")
    created_by = relationship("User")
    entries: Mapped[list[SnapshotEntry]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="SnapshotEntry.position"
    )


class SnapshotEntry(db.Model):
    __tablename__ = "snapshot_entry"
    __table_args__ = (sa.UniqueConstraint("snapshot_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique (snapshot_id, application_id) constraint.
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("result_snapshot.id", ondelete="CASCADE"), nullable=False
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False
    )
    # The application's category when the snapshot was computed: a copy kept with the
    # immutable record, not a foreign key (on PostgreSQL, checking one per entry locks
    # the same few category rows 10,000 times and doubles the time to write a snapshot).
    category_id: Mapped[int | None] = mapped_column()
    position: Mapped[int] = mapped_column(nullable=False)  # order in the whole ranking (1, 2, ...)
    # Ranks are None, and the score too, for an application left out of the ranking
    # (every sheet "not applicable"; or, in a FINAL snapshot, not scored in every stage).
    rank: Mapped[int | None] = mapped_column()  # rank within the category
    overall_rank: Mapped[int | None] = mapped_column()  # rank among all the snapshot's applications
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))  # published: two decimals
    exact_score: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    sheets: Mapped[int] = mapped_column(nullable=False, default=0)
    flags: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    # per-method scores and ranks, the sheet totals and which were trimmed (stage); the
    # stage scores and weights (final). Calibrated totals and the arithmetic follow from them.
    details: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    advanced: Mapped[bool] = mapped_column(
        nullable=False, default=False
    )  # made the next stage's shortlist
    funding: Mapped[FundingOutcome | None] = mapped_column(
        enum_type(FundingOutcome, 12)
    )  # FINAL only
    funded_fen: Mapped[int | None] = mapped_column(sa.BigInteger)

    snapshot: Mapped[ResultSnapshot] = relationship(back_populates="entries")
    application = relationship("Application")
    category = relationship(
        "Category", primaryjoin="foreign(SnapshotEntry.category_id) == Category.id", viewonly=True
    )
