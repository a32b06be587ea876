"""Social organizations (社会组织), their members and social workers, and the community
tree (区县 → 街道/乡镇 → 社区/村) with its liaisons: the three parts of 三社联动."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.db import TimestampMixin, UTCDateTime, enum_type, utcnow
from venture.extensions import db


class OrgType(enum.StrEnum):
    """Position 2 of a civil-affairs 统一社会信用代码 (position 1 = '5')."""

    SOCIAL_GROUP = "social_group"  # 1 社会团体
    PRIVATE_NON_ENTERPRISE = "pne"  # 2 民办非企业单位 (社会服务机构)
    FOUNDATION = "foundation"  # 3 基金会
    OTHER = "other"  # 9 其他


class VerificationStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Rating(enum.StrEnum):
    A5 = "5A"
    A4 = "4A"
    A3 = "3A"
    A2 = "2A"
    A1 = "1A"
    NONE = "none"


class InspectionResult(enum.StrEnum):
    QUALIFIED = "qualified"  # 合格
    BASIC = "basically_qualified"  # 基本合格
    UNQUALIFIED = "unqualified"  # 不合格
    NOT_INSPECTED = "not_inspected"  # 未参检


class PartyOrg(enum.StrEnum):
    INDEPENDENT = "independent"  # 单独建立
    JOINT = "joint"  # 联合建立
    NONE = "none"  # 未建立


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class FlagKind(enum.StrEnum):
    ABNORMAL = "abnormal"  # 活动异常名录
    DISHONEST = "dishonest"  # 严重违法失信名单


class Qualification(enum.StrEnum):
    ASSISTANT = "assistant"  # 助理社会工作师
    SOCIAL_WORKER = "social_worker"  # 社会工作师
    SENIOR = "senior"  # 高级社会工作师
    NONE = "none"


class AreaLevel(enum.StrEnum):
    DISTRICT = "district"  # 区县
    STREET = "street"  # 街道/乡镇
    COMMUNITY = "community"  # 社区/村


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    uscc: Mapped[str] = mapped_column(sa.String(18), unique=True, nullable=False)
    org_type: Mapped[OrgType] = mapped_column(enum_type(OrgType), nullable=False)
    region_code: Mapped[str] = mapped_column(sa.String(6), nullable=False, default="")
    registration_authority: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    registration_date: Mapped[date | None] = mapped_column(sa.Date)
    legal_representative: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    address: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    bank_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    bank_account_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    bank_account: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    rating: Mapped[Rating] = mapped_column(
        enum_type(Rating, 10), nullable=False, default=Rating.NONE
    )
    rating_date: Mapped[date | None] = mapped_column(sa.Date)
    annual_inspection: Mapped[InspectionResult] = mapped_column(
        enum_type(InspectionResult), nullable=False, default=InspectionResult.NOT_INSPECTED
    )
    annual_inspection_year: Mapped[int | None] = mapped_column()
    charter_scope: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    party_org: Mapped[PartyOrg] = mapped_column(
        enum_type(PartyOrg), nullable=False, default=PartyOrg.NONE
    )
    party_members: Mapped[int] = mapped_column(nullable=False, default=0)
    party_instructor: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    past_awards: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    verification_status: Mapped[VerificationStatus] = mapped_column(
        enum_type(VerificationStatus),
        nullable=False,
        default=VerificationStatus.PENDING,
        index=True,
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    rejection_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # Verified fields a member changed since the last verification (need re-verification).
    unverified_fields: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    members: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    flags: Mapped[list[OrgFlag]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="OrgFlag.listed_on"
    )
    social_workers: Mapped[list[SocialWorker]] = relationship(
        back_populates="organization", order_by="SocialWorker.name"
    )

    __table_args__ = (sa.CheckConstraint("party_members >= 0", name="party_members_non_negative"),)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.uscc}>"


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[MemberRole] = mapped_column(
        enum_type(MemberRole, 10), nullable=False, default=MemberRole.MEMBER
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    organization: Mapped[Organization] = relationship(back_populates="members")
    user = relationship("User")


class OrgFlag(db.Model):
    """A listing on 活动异常名录 or 严重违法失信名单, with its dates."""

    __tablename__ = "org_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[FlagKind] = mapped_column(enum_type(FlagKind, 10), nullable=False)
    listed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    removed_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    organization: Mapped[Organization] = relationship(back_populates="flags")

    __table_args__ = (
        sa.CheckConstraint("removed_on IS NULL OR removed_on >= listed_on", name="dates_ordered"),
    )


class SocialWorker(TimestampMixin, db.Model):
    __tablename__ = "social_worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    qualification: Mapped[Qualification] = mapped_column(
        enum_type(Qualification), nullable=False, default=Qualification.NONE
    )
    certificate_no: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    education: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    phone: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    active: Mapped[bool] = mapped_column(nullable=False, default=True)

    organization: Mapped[Organization] = relationship(back_populates="social_workers")


community_liaison = sa.Table(
    "community_liaison",
    db.metadata,
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Area(db.Model):
    """A node of the community tree: district → street → community."""

    __tablename__ = "area"
    __table_args__ = (
        sa.UniqueConstraint("parent_id", "name"),
        # NULLs are distinct in a unique constraint: top-level districts need their own index.
        sa.Index(
            "uq_area_district_name",
            "name",
            unique=True,
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("area.id", ondelete="RESTRICT"), index=True
    )
    level: Mapped[AreaLevel] = mapped_column(enum_type(AreaLevel, 10), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    code: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="")

    parent: Mapped[Area | None] = relationship(remote_side="Area.id", back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.name")
    liaisons = relationship("User", secondary=community_liaison)

    @property
    def path(self) -> str:
        """District / street / community, for display."""
        parts, node = [], self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return " / ".join(reversed(parts))
