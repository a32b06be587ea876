"""Decisions, the public notice (公示) with its objections, and final results."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.db import TimestampMixin, UTCDateTime, enum_type, utcnow
from venture.extensions import db
from venture.rankings.models import FundingOutcome


class PublicationStatus(enum.StrEnum):
    PROPOSED = "proposed"  # decisions generated, being reviewed by the organizer
    PUBLICITY = "publicity"  # approved and on public notice; objections accepted in the window
    FINAL = "final"  # finalized and locked


class ObjectionStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class ObjectorKind(enum.StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


class Publication(TimestampMixin, db.Model):
    """The results of one competition on their way to final."""

    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("result_snapshot.id"), nullable=False)
    status: Mapped[PublicationStatus] = mapped_column(
        enum_type(PublicationStatus, 10), nullable=False, default=PublicationStatus.PROPOSED
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    publicity_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publicity_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    objection_instructions: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalized_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(
        nullable=False, default=1
    )  # bumps on every change (API ETag)

    competition = relationship("Competition")
    snapshot = relationship("ResultSnapshot")

    @property
    def is_public(self) -> bool:
        """On public notice or final: visible to everyone, on the site and in the API."""
        return self.status in (PublicationStatus.PUBLICITY, PublicationStatus.FINAL)

    def window_state(self, now: datetime) -> str:
        """'before', 'open' or 'closed': where ``now`` is relative to the objection window."""
        if self.status != PublicationStatus.PUBLICITY or self.publicity_starts_at is None:
            return "closed" if self.status == PublicationStatus.FINAL else "before"
        if now < self.publicity_starts_at:
            return "before"
        if self.publicity_ends_at is not None and now >= self.publicity_ends_at:
            return "closed"
        return "open"


class Decision(TimestampMixin, db.Model):
    __tablename__ = "decision"
    __table_args__ = (
        sa.UniqueConstraint("competition_id", "application_id"),
        sa.CheckConstraint("approved_fen >= 0", name="approved_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id", ondelete="CASCADE"), nullable=False, index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False
    )
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("result_snapshot.id"), nullable=False)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("category.id"))
    rank: Mapped[int | None] = mapped_column()
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    proposed_outcome: Mapped[FundingOutcome] = mapped_column(
        enum_type(FundingOutcome, 12), nullable=False
    )
    proposed_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    outcome: Mapped[FundingOutcome] = mapped_column(enum_type(FundingOutcome, 12), nullable=False)
    approved_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    reason: Mapped[str] = mapped_column(
        sa.Text, nullable=False, default=""
    )  # why it differs from the line
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    application = relationship("Application")
    category = relationship("Category")
    changed_by = relationship("User", foreign_keys=[changed_by_id])

    @property
    def differs_from_line(self) -> bool:
        return self.outcome != self.proposed_outcome or self.approved_fen != self.proposed_fen


class Objection(TimestampMixin, db.Model):
    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id", ondelete="CASCADE"), nullable=False, index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False
    )
    objector_kind: Mapped[ObjectorKind] = mapped_column(enum_type(ObjectorKind, 15), nullable=False)
    real_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    organization_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    content: Mapped[str] = mapped_column(sa.Text, nullable=False)
    locale: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="zh_CN")
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_type(ObjectionStatus, 10), nullable=False, default=ObjectionStatus.OPEN, index=True
    )
    reply: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    ip: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    # Shown once after filing: with the phone number it looks up the reply on the public site.
    receipt_code: Mapped[str] = mapped_column(sa.String(20), unique=True, nullable=False)
    # The decision an upheld objection changed (None when dismissed or upheld without a change).
    changed_decision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("decision.id", ondelete="SET NULL")
    )
    # Upheld without changing any decision: why nothing changes (required then).
    no_change_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # An objector who gave no email is answered by phone: who called, the outcome, and when.
    phone_reply_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    phone_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application = relationship("Application")
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    changed_decision = relationship("Decision", foreign_keys=[changed_decision_id])
    files: Mapped[list[ObjectionFile]] = relationship(cascade="all, delete-orphan")


class ObjectionFile(db.Model):
    __tablename__ = "objection_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(
        sa.ForeignKey("objection.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    file = relationship("StoredFile")
