"""Funded projects placed in communities, followed until they close: the agreement,
tranches, progress reports with activities the host community confirms, milestones,
spending, and the mid-term and final evaluations."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.competitions.models import ReportPeriod
from venture.db import TimestampMixin, UTCDateTime, enum_type, utcnow
from venture.extensions import db


class ProjectStatus(enum.StrEnum):
    AGREEMENT = "agreement"  # waiting for the signed agreement
    ACTIVE = "active"  # being implemented
    SUSPENDED = "suspended"  # a failed evaluation stopped payments
    TERMINATED = "terminated"  # ended early, possibly with an amount to recover (追回)
    CLOSED = "closed"  # finished with its grade


class TrancheCondition(enum.StrEnum):
    SIGNING = "signing"
    MIDTERM_PASSED = "midterm_passed"
    FINAL_PASSED = "final_passed"


class TrancheStatus(enum.StrEnum):
    PENDING = "pending"
    RELEASED = "released"
    CANCELLED = "cancelled"  # the project was terminated before it became due


class ReportStatus(enum.StrEnum):
    DUE = "due"
    SUBMITTED = "submitted"


class LiaisonStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class EvaluationKind(enum.StrEnum):
    MIDTERM = "midterm"
    FINAL = "final"


class EvaluationStatus(enum.StrEnum):
    OPEN = "open"  # waiting for the self-assessment
    SUBMITTED = "submitted"  # self-assessment in; evaluators scoring
    PASSED = "passed"
    FAILED = "failed"


class Project(TimestampMixin, db.Model):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id"), unique=True, nullable=False
    )
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id"), nullable=False, index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    approved_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    status: Mapped[ProjectStatus] = mapped_column(
        enum_type(ProjectStatus, 12), nullable=False, default=ProjectStatus.AGREEMENT, index=True
    )
    grade: Mapped[str] = mapped_column(sa.String(2), nullable=False, default="")
    final_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    terminated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    termination_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    recovery_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    recovered_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)

    application = relationship("Application")
    competition = relationship("Competition")
    organization = relationship("Organization")
    budget: Mapped[list[ProjectBudgetLine]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectBudgetLine.position",
    )
    milestones: Mapped[list[ProjectMilestone]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectMilestone.position"
    )
    tranches: Mapped[list[Tranche]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Tranche.position"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProgressReport.period_start",
    )
    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Evaluation.due_at"
    )
    agreement: Mapped[Agreement | None] = relationship(
        back_populates="project", cascade="all, delete-orphan", uselist=False
    )
    recoveries: Mapped[list[RecoveryPayment]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="RecoveryPayment.received_on",
    )

    __table_args__ = (
        sa.CheckConstraint("approved_fen >= 0", name="approved_non_negative"),
        sa.CheckConstraint(
            "recovery_fen >= 0 AND recovered_fen >= 0", name="recovery_non_negative"
        ),
    )


class ProjectBudgetLine(db.Model):
    """The approved budget by line; spending is recorded against it."""

    __tablename__ = "project_budget_line"
    __table_args__ = (sa.CheckConstraint("approved_fen >= 0", name="approved_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("budget_line_rule.id"))
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    approved_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)

    project: Mapped[Project] = relationship(back_populates="budget")
    expenses: Mapped[list[Expense]] = relationship(
        back_populates="line", order_by="Expense.spent_on"
    )


class ProjectMilestone(db.Model):
    __tablename__ = "project_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    month: Mapped[int] = mapped_column(nullable=False)
    deliverable: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evidence_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    evidence_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))

    project: Mapped[Project] = relationship(back_populates="milestones")
    evidence_file = relationship("StoredFile")


class Agreement(db.Model):
    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    signed_on: Mapped[date | None] = mapped_column(sa.Date)
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    # Monthly or quarterly progress reports; None follows the competition's setting.
    report_period: Mapped[ReportPeriod | None] = mapped_column(enum_type(ReportPeriod, 10))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    signed_copy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    project: Mapped[Project] = relationship(back_populates="agreement")
    signed_copy = relationship("StoredFile")

    __table_args__ = (
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on > starts_on", name="dates_ordered"
        ),
    )


class Tranche(db.Model):
    __tablename__ = "tranche"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "position"),
        sa.CheckConstraint("amount_fen >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False)
    share_pct: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), nullable=False)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    condition: Mapped[TrancheCondition] = mapped_column(
        enum_type(TrancheCondition, 20), nullable=False
    )
    status: Mapped[TrancheStatus] = mapped_column(
        enum_type(TrancheStatus, 10), nullable=False, default=TrancheStatus.PENDING
    )
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    project: Mapped[Project] = relationship(back_populates="tranches")


class ProgressReport(db.Model):
    __tablename__ = "progress_report"
    __table_args__ = (sa.UniqueConstraint("project_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    status: Mapped[ReportStatus] = mapped_column(
        enum_type(ReportStatus, 10), nullable=False, default=ReportStatus.DUE
    )
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    project: Mapped[Project] = relationship(back_populates="reports")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Activity.held_on"
    )


class Activity(db.Model):
    """An activity record: date, place, type, participants; confirmed by the community."""

    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint(
            "participants >= 0 AND residents >= 0 AND residents <= participants",
            name="participants_consistent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("progress_report.id", ondelete="CASCADE"), nullable=False, index=True
    )
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), nullable=False, index=True)
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    activity_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    participants: Mapped[int] = mapped_column(nullable=False, default=0)
    residents: Mapped[int] = mapped_column(
        nullable=False, default=0
    )  # of whom residents of the community
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    liaison_status: Mapped[LiaisonStatus] = mapped_column(
        enum_type(LiaisonStatus, 10), nullable=False, default=LiaisonStatus.PENDING, index=True
    )
    liaison_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[ProgressReport] = relationship(back_populates="activities")
    community = relationship("Area")
    photos: Mapped[list[ActivityPhoto]] = relationship(cascade="all, delete-orphan")
    dispute: Mapped[ActivityDispute | None] = relationship(
        back_populates="activity", cascade="all, delete-orphan", uselist=False
    )


class ActivityPhoto(db.Model):
    __tablename__ = "activity_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)

    file = relationship("StoredFile")


class Expense(db.Model):
    __tablename__ = "expense"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project_budget_line.id"), nullable=False, index=True
    )
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    spent_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    description: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    line: Mapped[ProjectBudgetLine] = relationship(back_populates="expenses")
    voucher = relationship("StoredFile")


class Evaluation(TimestampMixin, db.Model):
    """A mid-term or final evaluation: self-assessment, documents, evaluators' sheets."""

    __tablename__ = "evaluation"
    __table_args__ = (sa.UniqueConstraint("project_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[EvaluationKind] = mapped_column(enum_type(EvaluationKind, 10), nullable=False)
    stage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stage.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[EvaluationStatus] = mapped_column(
        enum_type(EvaluationStatus, 10), nullable=False, default=EvaluationStatus.OPEN, index=True
    )
    self_assessment: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    self_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    report_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    ledger_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    grade: Mapped[str] = mapped_column(sa.String(2), nullable=False, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    project: Mapped[Project] = relationship(back_populates="evaluations")
    stage = relationship("Stage")
    report_file = relationship("StoredFile", foreign_keys=[report_file_id])
    ledger_file = relationship("StoredFile", foreign_keys=[ledger_file_id])


class RecoveryPayment(db.Model):
    """Money an organization paid back on a terminated project (追回), one row per payment."""

    __tablename__ = "recovery_payment"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
    )
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    received_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    note: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    project: Mapped[Project] = relationship(back_populates="recoveries")


class DisputeStatus(enum.StrEnum):
    """Where a community's dispute of an activity record stands."""

    OPEN = "open"  # the liaison disputed; waiting for the organization's answer
    ANSWERED = "answered"  # the organization answered; waiting for the liaison
    KEPT = "kept"  # the liaison keeps the dispute; waiting for the organizer's decision
    RESOLVED = "resolved"  # the liaison confirmed the activity after the answer
    UPHELD = "upheld"  # the organizer upheld the dispute: the activity is not counted
    DISMISSED = "dismissed"  # the organizer dismissed the dispute: the activity is confirmed

    @property
    def is_open(self) -> bool:
        return self in OPEN_DISPUTE_STATUSES


OPEN_DISPUTE_STATUSES = (DisputeStatus.OPEN, DisputeStatus.ANSWERED, DisputeStatus.KEPT)


class DisputeStep(enum.StrEnum):
    OPENED = "opened"
    ANSWERED = "answered"
    CONFIRMED = "confirmed"
    KEPT = "kept"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class ActivityDispute(TimestampMixin, db.Model):
    """A host community's dispute of one activity record, from the liaison's note to its end.

    While it is open it holds the tranche its report pays for (see
    ``followup.services.disputes.held_tranche``)."""

    __tablename__ = "activity_dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    status: Mapped[DisputeStatus] = mapped_column(
        enum_type(DisputeStatus, 10), nullable=False, default=DisputeStatus.OPEN, index=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship(back_populates="dispute")
    steps: Mapped[list[DisputeEntry]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan", order_by="DisputeEntry.id"
    )


class DisputeEntry(db.Model):
    """One step of a dispute: who said what, with the evidence files they attached."""

    __tablename__ = "dispute_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity_dispute.id", ondelete="CASCADE"), nullable=False, index=True
    )
    step: Mapped[DisputeStep] = mapped_column(enum_type(DisputeStep, 10), nullable=False)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    dispute: Mapped[ActivityDispute] = relationship(back_populates="steps")
    author = relationship("User")
    evidence: Mapped[list[DisputeEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="DisputeEvidence.id"
    )


class DisputeEvidence(db.Model):
    """A file the organization gave as evidence (a sign-in sheet, photos)."""

    __tablename__ = "dispute_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dispute_entry.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)

    file = relationship("StoredFile")


# The project's open disputes, loadable with the project (selectinload) so that list pages
# asking whether a tranche is held do not query once per project.
Project.open_disputes = relationship(
    ActivityDispute,
    secondary=sa.join(Activity, ProgressReport, Activity.report_id == ProgressReport.id),
    primaryjoin=Project.id == ProgressReport.project_id,
    secondaryjoin=sa.and_(
        ActivityDispute.activity_id == Activity.id,
        ActivityDispute.status.in_(OPEN_DISPUTE_STATUSES),
    ),
    order_by=ActivityDispute.id,
    viewonly=True,
)
