"""The notices outbox: one row per notice, read in the inbox and delivered by email."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from venture.db import UTCDateTime, enum_type, utcnow
from venture.extensions import db


class EmailStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for (another) delivery attempt
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt; an organizer may re-send
    SKIPPED = "skipped"  # the recipient switched this kind of email off


class Notice(db.Model):
    __tablename__ = "notice"
    __table_args__ = (
        sa.Index("ix_notice_user_unread", "user_id", "read_at"),
        sa.Index("ix_notice_email_due", "email_status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    locale: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="zh_CN")
    kind: Mapped[str] = mapped_column(sa.String(60), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    link: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    # A reminder or other once-only notice carries a key; the unique index makes a
    # second beat run (or a second beat process) unable to write it again.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    competition_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False, index=True
    )
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    email_status: Mapped[EmailStatus] = mapped_column(
        enum_type(EmailStatus, 10), nullable=False, default=EmailStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = db.relationship("User")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NoticePreference(db.Model):
    """A user's choice to receive (or not) one kind of notice by email."""

    __tablename__ = "notice_preference"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    email_enabled: Mapped[bool] = mapped_column(nullable=False, default=True)
