"""Judges, their declared ties, panels, conflicts of interest (回避), assignments, score
sheets, and the live roadshow (路演)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from venture.db import TimestampMixin, UTCDateTime, enum_type, utcnow
from venture.extensions import db


class TieKind(enum.StrEnum):
    MEMBER = "member"
    BOARD = "board"
    EMPLOYEE = "employee"
    CONSULTANT = "consultant"
    RELATIVE = "relative"


class ConflictSource(enum.StrEnum):
    DETECTED = "detected"  # membership, same employer code, or a declared tie
    DECLARED = "declared"  # the judge declared it before opening the application
    ORGANIZER = "organizer"  # recorded by hand


class AssignmentStatus(enum.StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class SheetStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Recommendation(enum.StrEnum):
    FUND = "fund"
    MAYBE = "maybe"
    REJECT = "reject"


class RoadshowStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    CLOSED = "closed"


class SlotStatus(enum.StrEnum):
    WAITING = "waiting"
    PRESENTING = "presenting"
    CLOSED = "closed"


class JudgeProfile(TimestampMixin, db.Model):
    __tablename__ = "judge_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    title: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    employer: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    employer_uscc: Mapped[str] = mapped_column(
        sa.String(18), nullable=False, default="", index=True
    )
    expertise: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)  # category names
    phone: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")

    user = relationship("User")


class JudgeTie(db.Model):
    """A tie the judge declared to an organization (member, board, employee, ...)."""

    __tablename__ = "judge_tie"
    __table_args__ = (sa.UniqueConstraint("judge_id", "organization_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[TieKind] = mapped_column(enum_type(TieKind, 12), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    judge = relationship("User")
    organization = relationship("Organization")


panel_member = sa.Table(
    "panel_member",
    db.metadata,
    sa.Column("panel_id", sa.ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("judge_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Panel(db.Model):
    """The judges of a scoring stage: one panel for all categories, or one per category."""

    __tablename__ = "panel"
    __table_args__ = (sa.UniqueConstraint("stage_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stage.id", ondelete="CASCADE"), nullable=False, index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("category.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")

    stage = relationship("Stage")
    category = relationship("Category")
    judges = relationship("User", secondary=panel_member, order_by="User.name")


class Conflict(db.Model):
    """A judge may not score an application (回避)."""

    __tablename__ = "conflict"
    __table_args__ = (sa.UniqueConstraint("judge_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    source: Mapped[ConflictSource] = mapped_column(enum_type(ConflictSource, 12), nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    judge = relationship("User", foreign_keys=[judge_id])
    application = relationship("Application")


class Assignment(db.Model):
    __tablename__ = "assignment"
    __table_args__ = (
        sa.UniqueConstraint("stage_id", "application_id", "judge_id"),
        sa.Index("ix_assignment_judge_stage", "judge_id", "stage_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stage.id", ondelete="CASCADE"), nullable=False, index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    judge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False
    )
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_type(AssignmentStatus, 10), nullable=False, default=AssignmentStatus.ACTIVE
    )
    is_anchor: Mapped[bool] = mapped_column(nullable=False, default=False)
    no_conflict_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    stage = relationship("Stage")
    application = relationship("Application")
    judge = relationship("User")


NOT_APPLICABLE_TENTHS = 9999
TENTHS_WIDTH = 4


def encode_tenths(criterion_ids, scores: dict) -> str:
    """A sheet's scores as text: four digits of tenths of a point per criterion, in
    criterion-id order; 9999 for "not applicable". ``scores`` maps criterion id to a
    Decimal score or None (n/a)."""
    parts = []
    for cid in sorted(criterion_ids):
        score = scores[cid]
        tenths = (
            NOT_APPLICABLE_TENTHS
            if score is None
            else int((Decimal(score) * 10).to_integral_value())
        )
        parts.append(f"{tenths:04d}")
    return "".join(parts)


class ScoreSheet(TimestampMixin, db.Model):
    """One judge's scores for one application in one stage."""

    __tablename__ = "score_sheet"
    __table_args__ = (
        sa.UniqueConstraint("stage_id", "application_id", "judge_id"),
        sa.CheckConstraint(
            "confidence IS NULL OR (confidence >= 1 AND confidence <= 5)", name="confidence_range"
        ),
        # A submitted sheet carries its scores in one column too (see encode_tenths), so a
        # stage is read from this table alone when it is computed.
        sa.CheckConstraint(
            "status <> 'submitted' OR tenths IS NOT NULL", name="submitted_has_tenths"
        ),
        sa.Index("ix_score_sheet_stage_status", "stage_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stage.id", ondelete="CASCADE"), nullable=False, index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False, index=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric.id"), nullable=False)
    status: Mapped[SheetStatus] = mapped_column(
        enum_type(SheetStatus, 10), nullable=False, default=SheetStatus.DRAFT
    )
    confidence: Mapped[int | None] = mapped_column()
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_type(Recommendation, 10))
    overall_comment: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    tenths: Mapped[str | None] = mapped_column(sa.String(400))  # derived from the scores on save

    stage = relationship("Stage")
    application = relationship("Application")
    judge = relationship("User")
    rubric = relationship("Rubric")
    scores: Mapped[list[SheetScore]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED

    def refresh_tenths(self, removed=frozenset()) -> None:
        """Re-derive the scores column from the criterion rows (done on every flush that
        changes them; bulk inserts that bypass the session call encode_tenths)."""
        scores = [s for s in self.scores if s not in removed]
        if scores and all(s.score is not None or s.not_applicable for s in scores):
            self.tenths = encode_tenths(
                [s.criterion_id for s in scores],
                {s.criterion_id: None if s.not_applicable else s.score for s in scores},
            )
        else:
            self.tenths = None


class SheetScore(db.Model):
    __tablename__ = "sheet_score"
    __table_args__ = (
        sa.UniqueConstraint("sheet_id", "criterion_id"),
        sa.CheckConstraint("score IS NULL OR score >= 0", name="score_non_negative"),
        sa.CheckConstraint("NOT (not_applicable AND score IS NOT NULL)", name="na_has_no_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(
        sa.ForeignKey("score_sheet.id", ondelete="CASCADE"), nullable=False, index=True
    )
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_criterion.id"), nullable=False)
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    not_applicable: Mapped[bool] = mapped_column(nullable=False, default=False)
    comment: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion = relationship("RubricCriterion")


class RoadshowSession(db.Model):
    __tablename__ = "roadshow_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stage.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    venue: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[RoadshowStatus] = mapped_column(
        enum_type(RoadshowStatus, 10), nullable=False, default=RoadshowStatus.SCHEDULED
    )
    current_slot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("roadshow_slot.id", use_alter=True, ondelete="SET NULL")
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    stage = relationship("Stage")
    slots: Mapped[list[RoadshowSlot]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="RoadshowSlot.position",
        foreign_keys="RoadshowSlot.session_id",
    )
    current_slot = relationship("RoadshowSlot", foreign_keys=[current_slot_id], post_update=True)


class RoadshowSlot(db.Model):
    __tablename__ = "roadshow_slot"
    __table_args__ = (sa.UniqueConstraint("session_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roadshow_session.id", ondelete="CASCADE"), nullable=False, index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    status: Mapped[SlotStatus] = mapped_column(
        enum_type(SlotStatus, 12), nullable=False, default=SlotStatus.WAITING
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[RoadshowSession] = relationship(
        back_populates="slots", foreign_keys=[session_id]
    )
    application = relationship("Application")


@sa.event.listens_for(Session, "before_flush")
def _keep_sheet_tenths_current(session: Session, _context, _instances) -> None:
    """Whatever changes a sheet's criterion scores through the session (the judging
    services, the paper upload, a seeder) also changes its ``tenths``: one mechanism, so
    the column can never lag behind the rows it is derived from."""
    removed = {s for s in session.deleted if isinstance(s, SheetScore)}
    touched = {s for s in (*session.new, *session.dirty, *removed) if isinstance(s, SheetScore)}
    sheets = {s.sheet for s in touched if s.sheet is not None and s.sheet not in session.deleted}
    sheets |= {s for s in session.new if isinstance(s, ScoreSheet)}
    for sheet in sheets:
        sheet.refresh_tenths(removed)
