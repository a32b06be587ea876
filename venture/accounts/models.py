"""Users, roles and the one-time tokens of sign-up, password reset and invitations."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from venture.db import TimestampMixin, UTCDateTime, enum_type, utcnow
from venture.extensions import db


class Role(enum.StrEnum):
    ORGANIZER = "organizer"
    JUDGE = "judge"
    APPLICANT = "applicant"
    LIAISON = "liaison"


class TokenPurpose(enum.StrEnum):
    VERIFY = "verify"
    RESET = "reset"
    INVITE = "invite"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    phone: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(
        enum_type(Role),
        nullable=False,
        default=Role.APPLICANT,
    )
    locale: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="zh_CN")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    # Bumped on password change and logout-everywhere; part of the session identity so
    # an old session cookie stops working.
    session_version: Mapped[int] = mapped_column(nullable=False, default=1)
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last accepted TOTP time step: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        """What the session and remember-me cookies carry: the user, the account's session
        version (bumped by a password change and "sign out everywhere") and this browser's
        session token (revoked at logout). accounts.sessions.load_user checks all three."""
        token = getattr(self, "session_token", None)
        return (
            f"{self.id}:{self.session_version}:{token}"
            if token
            else f"{self.id}:{self.session_version}"
        )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def is_organizer(self) -> bool:
        return self.role == Role.ORGANIZER

    @property
    def is_judge(self) -> bool:
        return self.role == Role.JUDGE

    @property
    def is_applicant(self) -> bool:
        return self.role == Role.APPLICANT

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON

    @property
    def may_use_2fa(self) -> bool:
        return self.role in (Role.ORGANIZER, Role.JUDGE)

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserToken(db.Model):
    """A one-time token. Only its SHA-256 is stored; the link carries the token."""

    __tablename__ = "user_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[TokenPurpose] = mapped_column(
        enum_type(TokenPurpose),
        nullable=False,
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Context of an invitation (e.g. {"community_id": 3} or {"organization_id": 7}).
    payload: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)

    user: Mapped[User] = db.relationship()


class UserSession(db.Model):
    """One signed-in browser. Its cookies carry a random token whose SHA-256 is stored
    here; logging out revokes the row, so a copied cookie stops working at once."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
