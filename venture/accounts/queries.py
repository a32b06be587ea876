"""Reading accounts: the organizer's user list, one user by id."""

from __future__ import annotations

import sqlalchemy as sa

from venture.accounts.models import Role, User
from venture.extensions import db

USERS_PER_PAGE = 50


def user_list_query(role: str | None, q: str | None):
    query = sa.select(User).order_by(User.role, User.email)
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(sa.or_(User.email.ilike(like), User.name.ilike(like)))
    return query


def user_page(role: str | None, q: str | None, page: int, per_page: int = USERS_PER_PAGE):
    """One page of the user list, filtered by role and by a part of the address or name."""
    return db.paginate(user_list_query(role, q), page=page, per_page=per_page, error_out=False)


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)
