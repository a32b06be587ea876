"""Members of an organization: invitations, leaving, removing, owners."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from venture.accounts.models import Role
from venture.accounts.services import find_user, invite_user, normalize_email
from venture.audit.services import record
from venture.db import service
from venture.errors import Conflict, DomainError, ValidationError
from venture.extensions import db
from venture.notices.services import notify
from venture.orgs.models import MemberRole, Membership, Organization
from venture.orgs.services.organizations import external_url


def members_of(org: Organization) -> list[Membership]:
    """Owners first, then by when they joined; users loaded with them."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .options(selectinload(Membership.user))
            .where(Membership.organization_id == org.id)
            .order_by(sa.case((Membership.role == MemberRole.OWNER, 0), else_=1), Membership.id)
        )
    )


def _lock(org: Organization) -> None:
    """Serialize membership changes of one organization (so two owners cannot both leave)."""
    db.session.execute(
        sa.select(Organization.id).where(Organization.id == org.id).with_for_update()
    )


def _owner_count(org: Organization) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Membership.id)).where(
                Membership.organization_id == org.id, Membership.role == MemberRole.OWNER
            )
        )
        or 0
    )


def _membership(org: Organization, user) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.organization_id == org.id, Membership.user_id == user.id
        )
    )


@service
def invite_member(
    org: Organization, *, actor, email: str, name: str = "", locale: str = "zh_CN"
) -> Membership:
    """Add someone by email: an applicant account joins at once (and is told); a new
    address gets an invitation to create its account, already a member."""
    email = normalize_email(email)
    if not email:
        raise ValidationError(_("Enter an email address."), field="email")
    _lock(org)
    user = find_user(email)
    if user is not None:
        if _membership(org, user) is not None:
            raise Conflict(_("%(email)s is a member already.", email=email), field="email")
        if user.role != Role.APPLICANT:
            raise ValidationError(
                _(
                    "%(email)s belongs to a judge, liaison or organizer account; only "
                    "applicant accounts can be members of an organization.",
                    email=email,
                ),
                field="email",
            )
    if user is None or not user.has_password:
        # New (or still invited) address: the invitation sets the password; the membership
        # is there already, harmless until the account can log in.
        user = invite_user(
            email=email,
            name=name or email.split("@")[0],
            role=Role.APPLICANT,
            invited_by=actor,
            payload={"organization_id": org.id},
            locale=locale,
        )
        invited = True
    else:
        invited = False
    membership = Membership(organization_id=org.id, user_id=user.id, role=MemberRole.MEMBER)
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError:  # the same person invited twice at once
        raise Conflict(_("%(email)s is a member already.", email=email), field="email") from None
    record(
        "orgs.member_add",
        org,
        actor=actor,
        changes={
            "member": [None, email],
            "role": [None, MemberRole.MEMBER],
            "invited": [None, invited],
        },
    )
    if not invited:
        notify(
            user,
            "org_member_added",
            link=external_url("orgs.show", org_id=org.id),
            organization=org.name,
            inviter=actor.display_name,
        )
    return membership


@service
def remove_member(membership: Membership, *, actor) -> None:
    """An owner removes a member, or a member leaves. The last owner stays."""
    org = membership.organization
    _lock(org)
    if membership.role == MemberRole.OWNER and _owner_count(org) <= 1:
        if membership.user_id == actor.id:
            raise DomainError(
                _("You are the only owner: make another member an owner before you leave.")
            )
        raise DomainError(_("The only owner cannot be removed."))
    action = "orgs.member_leave" if membership.user_id == actor.id else "orgs.member_remove"
    record(
        action,
        org,
        actor=actor,
        changes={"member": [membership.user.email, None], "role": [membership.role, None]},
    )
    db.session.delete(membership)


@service
def set_member_role(membership: Membership, role: MemberRole | str, *, actor) -> None:
    role = MemberRole(role)
    org = membership.organization
    _lock(org)
    if membership.role == role:
        return
    if membership.role == MemberRole.OWNER and _owner_count(org) <= 1:
        raise DomainError(_("An organization needs an owner: make another member an owner first."))
    record(
        "orgs.member_role",
        org,
        actor=actor,
        changes={
            "member": [membership.user.email, membership.user.email],
            "role": [membership.role, role],
        },
    )
    membership.role = role
