"""Competitions: stages with dates, categories with budgets, money and eligibility rules,
and the rubrics judges score against. Organizer choices are data here, edited in the UI."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.db import TimestampMixin, UTCDateTime, enum_type, utcnow
from venture.extensions import db


class CompetitionStatus(enum.StrEnum):
    DRAFT = "draft"  # being set up; invisible to applicants
    OPEN = "open"  # listed; applications accepted inside the application window
    ARCHIVED = "archived"  # finished and closed


class StageKind(enum.StrEnum):
    APPLICATION = "application"  # 申报
    SCREENING = "screening"  # 资格审查
    ONLINE_REVIEW = "online_review"  # 专家评审
    ROADSHOW = "roadshow"  # 路演
    PUBLICITY = "publicity"  # 公示
    AGREEMENT = "agreement"  # 签约
    IMPLEMENTATION = "implementation"  # 项目实施
    MIDTERM = "midterm"  # 中期评估
    FINAL = "final"  # 结项评估


STAGE_ORDER = list(StageKind)
SCORING_STAGES = (StageKind.ONLINE_REVIEW, StageKind.ROADSHOW, StageKind.MIDTERM, StageKind.FINAL)
# The follow-up's evaluations: they happen after the results are final and do not feed them.
EVALUATION_STAGES = (StageKind.MIDTERM, StageKind.FINAL)
# The stages that choose the funded projects: closed for good once the results are final.
SELECTION_STAGES = (
    StageKind.APPLICATION,
    StageKind.SCREENING,
    StageKind.ONLINE_REVIEW,
    StageKind.ROADSHOW,
    StageKind.PUBLICITY,
)


class Method(enum.StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED = "trimmed"
    ZSCORE = "zscore"
    BIAS = "bias"


class FundingMode(enum.StrEnum):
    SKIP = "skip"  # continue to the next application that fits the remaining budget
    STOP = "stop"  # stop at the first that does not fit


class PanelMode(enum.StrEnum):
    ALL = "all"  # every judge of the stage's pool may get any application
    PER_CATEGORY = "per_category"  # one panel per category


class AdvanceRule(enum.StrEnum):
    NONE = "none"
    TOP_N = "top_n"  # top N per category
    THRESHOLD = "threshold"  # score ≥ threshold


class ReportPeriod(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class BudgetGroup(enum.StrEnum):
    ACTIVITY = "activity"  # 业务活动费
    MANAGEMENT = "management"  # 管理费用
    TAX = "tax"  # 税费


MAX_PUBLICITY_DAYS = 60  # the longest public notice (公示) a competition may set
# The shortest public notice the rules allow (公示 lasts 5–7 days): a 公示 may be closed
# early only once this much of it has run, and a planned 公示 stage is at least this long.
MIN_PUBLICITY_DAYS = 5


def default_tranche_plan() -> list[dict]:
    return [
        {"share": 50, "condition": "signing"},
        {"share": 30, "condition": "midterm_passed"},
        {"share": 20, "condition": "final_passed"},
    ]


class Competition(TimestampMixin, db.Model):
    __tablename__ = "competition"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    year: Mapped[int] = mapped_column(nullable=False)
    theme: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    status: Mapped[CompetitionStatus] = mapped_column(
        enum_type(CompetitionStatus, 10),
        nullable=False,
        default=CompetitionStatus.DRAFT,
        index=True,
    )
    code_prefix: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    next_application_seq: Mapped[int] = mapped_column(nullable=False, default=1)

    # money rules
    max_amount_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=10_000_000)
    max_share_pct: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 2), nullable=False, default=Decimal("60")
    )
    min_cofunding_pct: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 2), nullable=False, default=Decimal("0")
    )
    group_caps: Mapped[dict] = mapped_column(
        sa.JSON, nullable=False, default=dict
    )  # {"management": "10"}
    forbidden_items: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    # eligibility rules
    allowed_org_types: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    require_verified: Mapped[bool] = mapped_column(nullable=False, default=True)
    abnormal_years: Mapped[int] = mapped_column(nullable=False, default=1)
    dishonest_years: Mapped[int] = mapped_column(nullable=False, default=2)
    max_applications_per_org: Mapped[int] = mapped_column(nullable=False, default=1)
    min_registration_months: Mapped[int] = mapped_column(nullable=False, default=12)
    required_attachments: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    max_file_mb: Mapped[int] = mapped_column(nullable=False, default=20)
    max_total_mb: Mapped[int] = mapped_column(nullable=False, default=100)

    # results and follow-up settings
    funding_mode: Mapped[FundingMode] = mapped_column(
        enum_type(FundingMode, 10), nullable=False, default=FundingMode.SKIP
    )
    publicity_days: Mapped[int] = mapped_column(nullable=False, default=7)
    report_period: Mapped[ReportPeriod] = mapped_column(
        enum_type(ReportPeriod, 10), nullable=False, default=ReportPeriod.QUARTERLY
    )
    tranche_plan: Mapped[list] = mapped_column(
        sa.JSON, nullable=False, default=default_tranche_plan
    )
    eval_pass_mark: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 2), nullable=False, default=Decimal("60")
    )
    grade_a_min: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 2), nullable=False, default=Decimal("85")
    )
    grade_b_min: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 2), nullable=False, default=Decimal("60")
    )

    results_final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_finalized_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    area = relationship("Area")
    stages: Mapped[list[Stage]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Stage.position"
    )
    categories: Mapped[list[Category]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Category.position"
    )
    budget_rules: Mapped[list[BudgetLineRule]] = relationship(
        back_populates="competition",
        cascade="all, delete-orphan",
        order_by="BudgetLineRule.position",
    )
    rubrics: Mapped[list[Rubric]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Rubric.id"
    )

    __table_args__ = (
        sa.UniqueConstraint("code_prefix"),
        sa.CheckConstraint("max_amount_fen > 0", name="max_amount_positive"),
        sa.CheckConstraint("max_share_pct > 0 AND max_share_pct <= 100", name="max_share_range"),
        sa.CheckConstraint(
            "min_cofunding_pct >= 0 AND min_cofunding_pct <= 100", name="cofunding_range"
        ),
        sa.CheckConstraint("max_applications_per_org >= 1", name="max_apps_positive"),
        sa.CheckConstraint("publicity_days >= 1", name="publicity_days_positive"),
    )

    @property
    def is_locked(self) -> bool:
        """Final results lock every sheet, snapshot, decision and rubric."""
        return self.results_final_at is not None

    def is_locked_for(self, stage_kind: StageKind | None = None) -> bool:
        """Whether the final results lock what belongs to ``stage_kind`` (None: the
        competition as a whole); the mid-term and final evaluations stay open."""
        return self.is_locked and stage_kind not in EVALUATION_STAGES

    def stage(self, kind: StageKind) -> Stage | None:
        return next((s for s in self.stages if s.kind == kind), None)


class Stage(db.Model):
    """One step of the lifecycle with its dates; scoring stages carry their settings."""

    __tablename__ = "stage"
    __table_args__ = (
        sa.UniqueConstraint("competition_id", "kind"),
        sa.CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="dates_ordered"
        ),
        sa.CheckConstraint("judges_per_application >= 1", name="k_positive"),
        sa.CheckConstraint("trim_k >= 0", name="trim_non_negative"),
        sa.CheckConstraint("weight >= 0 AND weight <= 1", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[StageKind] = mapped_column(enum_type(StageKind), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    # The plan, as set up; the organizer's controls (open now, close now, extend for
    # everyone) write the reality beside it, so pages can show both.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actual_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actual_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # scoring settings (online review, roadshow, mid-term and final evaluations)
    rubric_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rubric.id"))
    judges_per_application: Mapped[int] = mapped_column(nullable=False, default=5)
    max_load: Mapped[int | None] = mapped_column()
    anchor_count: Mapped[int] = mapped_column(nullable=False, default=0)
    assignment_seed: Mapped[int] = mapped_column(nullable=False, default=2026)
    panel_mode: Mapped[PanelMode] = mapped_column(
        enum_type(PanelMode, 15), nullable=False, default=PanelMode.ALL
    )
    blind: Mapped[bool] = mapped_column(nullable=False, default=False)
    reveal_after_close: Mapped[bool] = mapped_column(nullable=False, default=False)
    method: Mapped[Method] = mapped_column(
        enum_type(Method, 10), nullable=False, default=Method.TRIMMED
    )
    trim_k: Mapped[int] = mapped_column(nullable=False, default=1)
    disagreement_threshold: Mapped[Decimal] = mapped_column(
        sa.Numeric(6, 2), nullable=False, default=Decimal("20")
    )
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(4, 3), nullable=False, default=Decimal("0"))
    advance_rule: Mapped[AdvanceRule] = mapped_column(
        enum_type(AdvanceRule, 10), nullable=False, default=AdvanceRule.NONE
    )
    advance_top_n: Mapped[int | None] = mapped_column()
    advance_threshold: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    # e.g. [{"kind": "stage", "stage": "online_review"}, {"kind": "criterion", "name": "需求分析"},
    #       {"kind": "requested_amount"}, {"kind": "submitted_at"}]
    tie_breaks: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    # Must a judge give their confidence and a recommendation to submit a sheet? None: the
    # kind's default (yes, except on the live roadshow, where the rubric's scores are all a
    # judge has time for); the organizer may say otherwise in the scoring settings.
    opinion_required: Mapped[bool | None] = mapped_column()

    competition: Mapped[Competition] = relationship(back_populates="stages")
    rubric = relationship("Rubric", foreign_keys=[rubric_id])

    @property
    def is_scoring(self) -> bool:
        return self.kind in SCORING_STAGES

    @property
    def opens_at(self) -> datetime | None:
        """When the stage really opens (or opened): the organizer's "open now", else the plan."""
        return self.actual_opens_at or self.starts_at

    @property
    def closes_at(self) -> datetime | None:
        """When the stage really closes (or closed) for everyone: "close now" or an
        extension for everyone, else the plan. Extensions for one person are separate
        (competitions.gates)."""
        return self.actual_closes_at or self.ends_at

    @property
    def requires_opinion(self) -> bool:
        """Whether a sheet needs the judge's confidence and recommendation to be submitted."""
        if self.opinion_required is not None:
            return self.opinion_required
        return self.kind != StageKind.ROADSHOW

    def is_open_at(self, now: datetime) -> bool:
        """Open for everyone at ``now`` (the reality; per-person extensions: gates.stage_is_open)."""
        return (self.opens_at is None or now >= self.opens_at) and (
            self.closes_at is None or now < self.closes_at
        )

    def has_ended(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at


class StageExtension(db.Model):
    """More time in one stage for one person (a judge, an evaluator) or one organization
    (an applicant), granted by the organizer with a reason. The latest grant counts."""

    __tablename__ = "stage_extension"
    __table_args__ = (
        sa.CheckConstraint(
            "(user_id IS NULL) <> (organization_id IS NULL)", name="one_beneficiary"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stage.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE")
    )
    until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    stage = relationship("Stage")
    user = relationship("User", foreign_keys=[user_id])
    organization = relationship("Organization")


class Category(db.Model):
    """A service area (服务领域) with its budget."""

    __tablename__ = "category"
    __table_args__ = (
        sa.UniqueConstraint("competition_id", "name"),
        sa.CheckConstraint("budget_fen >= 0", name="budget_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    budget_fen: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    max_projects: Mapped[int | None] = mapped_column()
    position: Mapped[int] = mapped_column(nullable=False, default=0)

    competition: Mapped[Competition] = relationship(back_populates="categories")


class BudgetLineRule(db.Model):
    """An allowed budget line (e.g. 业务活动费 · 宣传费) with an optional cap."""

    __tablename__ = "budget_line_rule"
    __table_args__ = (
        sa.UniqueConstraint("competition_id", "line_group", "name"),
        sa.CheckConstraint(
            "max_share_pct IS NULL OR (max_share_pct > 0 AND max_share_pct <= 100)",
            name="cap_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id", ondelete="CASCADE"), nullable=False, index=True
    )
    line_group: Mapped[BudgetGroup] = mapped_column(enum_type(BudgetGroup, 12), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    max_share_pct: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    position: Mapped[int] = mapped_column(nullable=False, default=0)

    competition: Mapped[Competition] = relationship(back_populates="budget_rules")


class Rubric(db.Model):
    """Ordered criteria with maxima adding up to 100. Frozen once a sheet uses it."""

    __tablename__ = "rubric"
    __table_args__ = (sa.UniqueConstraint("competition_id", "name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competition.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    stage_kind: Mapped[StageKind] = mapped_column(enum_type(StageKind), nullable=False)
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rubric.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    competition: Mapped[Competition] = relationship(back_populates="rubrics")
    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="rubric", cascade="all, delete-orphan", order_by="RubricCriterion.position"
    )

    @property
    def total_max(self) -> Decimal:
        return sum((c.max_score for c in self.criteria), Decimal("0"))


class RubricCriterion(db.Model):
    __tablename__ = "rubric_criterion"
    __table_args__ = (
        sa.UniqueConstraint("rubric_id", "name"),
        sa.CheckConstraint("max_score > 0", name="max_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rubric.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    max_score: Mapped[Decimal] = mapped_column(sa.Numeric(5, 1), nullable=False)
    allow_na: Mapped[bool] = mapped_column(nullable=False, default=False)

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")
