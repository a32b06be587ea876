"""Who may see and change an organization's data: its members and organizers only."""

from __future__ import annotations

import sqlalchemy as sa

from venture.extensions import db
from venture.orgs.models import MemberRole, Membership


def member_org_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            sa.select(Membership.organization_id).where(Membership.user_id == user.id)
        )
    )


def is_member(user, organization_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            sa.select(Membership.id).where(
                Membership.user_id == user.id, Membership.organization_id == organization_id
            )
        )
        is not None
    )


def is_owner(user, organization_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            sa.select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.organization_id == organization_id,
                Membership.role == MemberRole.OWNER,
            )
        )
        is not None
    )


def can_view_organization(user, organization_id: int) -> bool:
    return bool(getattr(user, "is_organizer", False)) or is_member(user, organization_id)


def can_edit_organization(user, organization_id: int) -> bool:
    return is_member(user, organization_id)


def can_manage_members(user, organization_id: int) -> bool:
    """Any member may invite; removing someone else or changing roles is for owners."""
    return is_member(user, organization_id)


def can_remove_member(user, membership) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if membership.user_id == user.id:
        return True  # leaving
    return is_owner(user, membership.organization_id)


def can_change_member_role(user, organization_id: int) -> bool:
    return is_owner(user, organization_id)


def can_view_social_workers(user, organization_id: int) -> bool:
    return can_view_organization(user, organization_id)


def can_edit_social_workers(user, organization_id: int) -> bool:
    return is_member(user, organization_id)
