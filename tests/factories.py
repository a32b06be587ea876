"""Factory functions for tests: small, explicit, one per thing."""

from __future__ import annotations

import itertools

from venture.accounts.models import Role, User
from venture.db import utcnow
from venture.extensions import db

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    # argon2 is slow on purpose; hash each test password once per run.
    if password not in _hash_cache:
        from venture.accounts.services import hash_password

        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def user(role: Role | str = Role.APPLICANT, *, email: str | None = None, name: str | None = None,
         verified: bool = True, password: str | None = PASSWORD, locale: str = "zh_CN", **fields) -> User:
    n = next(_counter)
    role = Role(role)
    obj = User(
        email=email or f"{role.value}{n}@example.org",
        name=name or f"{role.value.title()} {n}",
        role=role,
        password_hash=password_hash(password) if password else None,
        email_verified_at=utcnow() if verified else None,
        locale=locale,
        **fields,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def organizer(**kw) -> User:
    return user(Role.ORGANIZER, **kw)


def judge(**kw) -> User:
    return user(Role.JUDGE, **kw)


def applicant(**kw) -> User:
    return user(Role.APPLICANT, **kw)


def liaison(**kw) -> User:
    return user(Role.LIAISON, **kw)
