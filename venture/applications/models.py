"""The application (申报书): a project an organization proposes, its plan, team, budget,
attachments, and its frozen revisions."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.db import TimestampMixin, UTCDateTime, enum_type, utcnow
from venture.extensions import db
from venture.orgs.models import Qualification


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for screening (also after a re-submission)
    RETURNED = "returned"  # returned for amendment, with a reason and a deadline
    PASSED = "passed"  # eligible: goes to expert review
    REJECTED = "rejected"  # ineligible, with a reason
    WITHDRAWN = "withdrawn"


# The largest version the column holds on every database (a 32-bit INTEGER on PostgreSQL).
MAX_VERSION = 2**31 - 1


def parse_version(raw) -> int | None:
    """The version a page was loaded at, or None when it is not one: empty means 0 (never
    current, so refused as stale), anything but a whole number in range is not a version."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return 0
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_VERSION else None


class AttachmentKind(enum.StrEnum):
    REGISTRATION = "registration"  # 登记证书
    CHARTER = "charter"  # 章程
    FINANCIAL = "financial"  # 财务报告 / 审计报告
    PLAN = "plan"  # 项目计划书
    SUPPORT = "support"  # 社区支持函
    OTHER = "other"


application_community = sa.Table(
    "application_community",
    db.metadata,
    sa.Column(
        "application_id", sa.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="RESTRICT"), primary_key=True),
)


class Application(TimestampMixin, db.Model):
    __tablename__ = "application"
    __table_args__ = (
        sa.UniqueConstraint("competition_id", "code"),
        sa.Index("ix_application_competition_status", "competition_id", "status"),
        sa.CheckConstraint("requested_fen >= 0", name="requested_non_negative"),
        sa.CheckConstraint("cofunding_fen >= 0", name="cofunding_non_negative"),
        sa.CheckConstraint(
            "direct_beneficiaries >= 0 AND indirect_beneficiaries >= 0",
            name="beneficiaries_non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id"), nullable=False, index=True
    )
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id"), nullable=False, index=True
    )
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("category.id"), index=True)
    code: Mapped[str | None] = mapped_column(sa.String(30))  # GY2026-001, given at first submission
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, 12), nullable=False, default=ApplicationStatus.DRAFT
    )
    revision: Mapped[int] = mapped_column(nullable=False, default=0)  # submitted revisions so far
    # Optimistic lock: every save names the version it edited; a stale save is refused.
    version: Mapped[int] = mapped_column(nullable=False, default=1)

    project_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    period_months: Mapped[int | None] = mapped_column()
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    direct_beneficiaries: Mapped[int] = mapped_column(nullable=False, default=0)
    indirect_beneficiaries: Mapped[int] = mapped_column(nullable=False, default=0)
    beneficiary_description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    need_analysis: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    overall_goal: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    specific_goals: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    implementation_plan: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    features: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    risks: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    requested_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    cofunding_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    pledge: Mapped[bool] = mapped_column(nullable=False, default=False)

    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first submission
    last_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    resubmit_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screening_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    competition = relationship("Competition")
    organization = relationship("Organization")
    category = relationship("Category")
    communities = relationship("Area", secondary=application_community, order_by="Area.name")
    milestones: Mapped[list[PlanMilestone]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="PlanMilestone.position",
    )
    team: Mapped[list[TeamMember]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="TeamMember.position"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    revisions: Mapped[list[ApplicationRevision]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationRevision.number",
    )

    @property
    def total_budget_fen(self) -> int:
        return sum(line.amount_fen for line in self.budget_lines)

    @property
    def display_code(self) -> str:
        return self.code or f"#{self.id}"


class PlanMilestone(db.Model):
    """A milestone of the implementation plan (name, month, deliverable)."""

    __tablename__ = "plan_milestone"
    __table_args__ = (sa.CheckConstraint("month >= 1 AND month <= 60", name="month_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    month: Mapped[int] = mapped_column(nullable=False)
    deliverable: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")

    application: Mapped[Application] = relationship(back_populates="milestones")


class TeamMember(db.Model):
    __tablename__ = "team_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    social_worker_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("social_worker.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    education: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    qualification: Mapped[Qualification] = mapped_column(
        enum_type(Qualification), nullable=False, default=Qualification.NONE
    )
    role: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")

    application: Mapped[Application] = relationship(back_populates="team")
    social_worker = relationship("SocialWorker")


class BudgetLine(db.Model):
    __tablename__ = "budget_line"
    __table_args__ = (sa.CheckConstraint("amount_fen >= 0", name="amount_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_line_rule.id"), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    item: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")

    application: Mapped[Application] = relationship(back_populates="budget_lines")
    rule = relationship("BudgetLineRule")


class Attachment(db.Model):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)
    kind: Mapped[AttachmentKind] = mapped_column(
        enum_type(AttachmentKind, 15), nullable=False, default=AttachmentKind.OTHER
    )
    # Identifying attachments are hidden from judges in a blind stage.
    identifying: Mapped[bool] = mapped_column(nullable=False, default=True)
    # The last day the document is valid (a registration certificate's term); None: no end given.
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    # An organization's document on file, taken from its earlier application instead of uploaded again.
    reused_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachment.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    application: Mapped[Application] = relationship(back_populates="attachments")
    file = relationship("StoredFile")
    reused_from: Mapped[Attachment | None] = relationship(remote_side=[id])

    def expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today


class ApplicationRevision(db.Model):
    """The whole application frozen at a submission (revision 1, 2, ...)."""

    __tablename__ = "application_revision"
    __table_args__ = (sa.UniqueConstraint("application_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(nullable=False)
    data: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    application: Mapped[Application] = relationship(back_populates="revisions")
