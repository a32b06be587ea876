"""Server-side sessions: every login opens a row, every request checks it, logout
revokes it, and "sign out everywhere" revokes them all.

The signed cookie alone cannot be taken back: a copy of it would work until it expires
(12 hours, a year for "keep me logged in"). The cookie's identity names a row here, so
the server decides whether it still works.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from venture.accounts.models import User, UserSession
from venture.audit.services import record
from venture.db import service, utcnow
from venture.extensions import db


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@service
def open_session(user: User) -> str:
    """A new session for this browser; the user object now carries its token (get_id)."""
    token = secrets.token_urlsafe(24)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    user.session_token = token
    return token


def load_user(identity: str) -> User | None:
    """The user of a cookie identity ``id:version:token``, if its session still stands."""
    user_id, version, token = (identity.split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            UserSession.token_hash == _hash(token),
            UserSession.revoked_at.is_(None),
        )
    )
    if user is None or str(user.session_version) != version or not user.active:
        return None
    user.session_token = token
    return user


@service
def end_session(user: User) -> None:
    """Logout: this browser's session stops working, wherever its cookie was copied."""
    token = getattr(user, "session_token", None)
    if token:
        db.session.execute(
            sa.update(UserSession)
            .where(
                UserSession.token_hash == _hash(token),
                UserSession.user_id == user.id,
                UserSession.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        )
    record("account.logout", user, actor=user)


@service
def sign_out_everywhere(user: User) -> int:
    """Every session of the account ends (the caller opens a fresh one for this browser).
    The session version moves too, so no cookie made before now works, remember-me included."""
    ended = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    user.session_version += 1
    record("account.sign_out_everywhere", user, actor=user, changes={"sessions": ended})
    return ended
