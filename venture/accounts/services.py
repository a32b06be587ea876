"""Accounts: sign-up, email verification, login, password reset, invitations.

Tokens are random, single use and expire; only their SHA-256 is stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, url_for
from flask_babel import gettext as _

from venture.accounts.models import Role, TokenPurpose, User, UserToken
from venture.audit.services import record
from venture.db import service, utcnow
from venture.errors import Conflict, DomainError, ValidationError
from venture.extensions import db
from venture.notices.services import notify, notify_address

# Argon2id with OWASP's recommended baseline (19 MiB, 2 passes, 1 lane): a login costs a
# few tens of milliseconds instead of the library default's 64 MiB x 4 lanes, which let a
# burst of logins starve a small server. Older hashes are upgraded at the next login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 8
# Verified against when the email is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "")
        return False
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False
    return True


def validate_password(password: str, email: str = "") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if email and password.strip().lower() == normalize_email(email):
        raise ValidationError(_("The password must not be your email address."), field="password")
    if password.isdigit() and len(set(password)) <= 2:
        raise ValidationError(_("This password is too easy to guess."), field="password")


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


# --- tokens --------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, payload: dict | None = None) -> str:
    """A new token for the user; earlier unused tokens of the same purpose are voided."""
    now = utcnow()
    db.session.execute(
        sa.update(UserToken)
        .where(
            UserToken.user_id == user.id, UserToken.purpose == purpose, UserToken.used_at.is_(None)
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_hash(token),
            expires_at=now + timedelta(seconds=token_max_age(purpose)),
            payload=payload or {},
        )
    )
    return token


def token_max_age(purpose: TokenPurpose) -> int:
    """Seconds a link of this purpose stays valid (config TOKEN_MAX_AGE); texts state it."""
    return current_app.config["TOKEN_MAX_AGE"][purpose.value]


def peek_token(token: str, purpose: TokenPurpose) -> UserToken:
    """The usable token row, or a clear error; does not consume it."""
    row = db.session.scalar(
        sa.select(UserToken).where(UserToken.token_hash == _token_hash(token or ""))
    )
    if row is None or row.purpose != purpose:
        raise DomainError(_("This link is not valid. Ask for a new one."))
    if row.used_at is not None:
        raise DomainError(_("This link has already been used. Ask for a new one if needed."))
    if utcnow() >= row.expires_at:
        raise DomainError(_("This link has expired. Ask for a new one."))
    return row


def _consume(token: str, purpose: TokenPurpose) -> UserToken:
    row = peek_token(token, purpose)
    # The conditional UPDATE makes "single use" hold under a double click too.
    used = db.session.execute(
        sa.update(UserToken)
        .where(UserToken.id == row.id, UserToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if not used:
        raise DomainError(_("This link has already been used. Ask for a new one if needed."))
    return row


def _external(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


# --- sign-up and verification ----------------------------------------------------------


@service
def sign_up(*, email: str, name: str, password: str, locale: str = "zh_CN") -> User:
    email = normalize_email(email)
    validate_password(password, email)
    if find_user(email) is not None:
        raise Conflict(
            _("An account with this email address exists already. Log in or reset the password."),
            field="email",
        )
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role.APPLICANT,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    record("account.sign_up", user, actor=user, changes={"email": email, "role": user.role})
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    token = issue_token(user, TokenPurpose.VERIFY)
    notify(
        user,
        "verify_email",
        link=_external("accounts.verify_email", token=token),
        valid_for=token_max_age(TokenPurpose.VERIFY),
    )


@service
def resend_verification(email: str) -> None:
    """Always looks the same to the caller, whether or not the address is known."""
    user = find_user(email)
    if user is not None and not user.is_verified and user.has_password:
        send_verification(user)
        record("account.verification_resent", user)  # earlier links stop working


@service
def verify_email(token: str) -> User:
    row = _consume(token, TokenPurpose.VERIFY)
    user = row.user
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record("account.verify_email", user, actor=user)
    return user


# --- login ---------------------------------------------------------------------------


class LoginRefused(DomainError):
    status = 401


def authenticate(email: str, password: str) -> User:
    user = find_user(email)
    if not check_password(user, password):
        raise LoginRefused(_("The email address or the password is not correct."))
    if not user.active:
        raise LoginRefused(_("This account has been deactivated. Contact the organizer."))
    if not user.is_verified:
        raise LoginRefused(
            _("Please verify your email address first: follow the link we sent you.")
        )
    return user


@service
def log_in(email: str, password: str) -> User:
    user = authenticate(email, password)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record("account.login", user, actor=user)
    return user


# --- password reset ------------------------------------------------------------------


@service
def request_password_reset(email: str, locale: str = "zh_CN") -> None:
    """Send a reset link if the account exists; the caller says the same thing either way.

    Both answers do the same work, so the time they take does not tell whether an
    account exists: a token is made, an audit entry and an outbox notice are written and
    its delivery is queued. An address without an active account is told so by email
    (whoever owns it learns that someone tried; nobody else learns anything)."""
    email = normalize_email(email)
    user = find_user(email)
    if user is None or not user.active:
        record(
            "account.password_reset_unknown",
            object_type="email",
            object_id=None,
            changes={"email": email},
        )
        notify_address(email, locale, "password_reset_unknown", link=_external("accounts.signup"))
        return
    token = issue_token(user, TokenPurpose.RESET)
    record("account.password_reset_requested", user)  # who asked is the request's address
    notify(
        user,
        "password_reset",
        link=_external("accounts.reset_password", token=token),
        valid_for=token_max_age(TokenPurpose.RESET),
    )


@service
def reset_password(token: str, password: str) -> User:
    row = peek_token(token, TokenPurpose.RESET)
    validate_password(password, row.user.email)
    row = _consume(token, TokenPurpose.RESET)
    user = row.user
    _set_password(user, password)
    # Following the link proves the address, too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    record("account.reset_password", user, actor=user)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1  # every other session ends


@service
def change_password(user: User, current: str, new: str) -> None:
    if not check_password(user, current):
        raise ValidationError(_("The current password is not correct."), field="current_password")
    validate_password(new, user.email)
    _set_password(user, new)
    record("account.change_password", user, actor=user)


# --- profile -------------------------------------------------------------------------


@service
def update_profile(user: User, *, name: str, phone: str, locale: str) -> None:
    from venture.audit.services import changes_between, snapshot

    fields = ("name", "phone", "locale")
    before = snapshot(user, fields)
    user.name, user.phone, user.locale = name.strip(), phone.strip(), locale
    changes = changes_between(before, snapshot(user, fields))
    if changes:
        record("account.update_profile", user, actor=user, changes=changes)


@service
def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        record("account.set_locale", user, actor=user, changes={"locale": [user.locale, locale]})
        user.locale = locale


# --- invitations and organizers --------------------------------------------------------

INVITABLE_ROLES = (Role.JUDGE, Role.LIAISON, Role.ORGANIZER)

# Domains that invite with a payload ({"community_id": 3}, {"organization_id": 7}) add a
# function(user, payload) here; it runs inside accept_invitation's transaction.
INVITATION_ACCEPTED_HOOKS: list = []


@service
def invite_user(
    *,
    email: str,
    name: str,
    role: Role,
    invited_by: User,
    payload: dict | None = None,
    locale: str = "zh_CN",
) -> User:
    """Invite someone by email; the link in the invitation sets their password.

    Inviting an address again re-sends the invitation (the old link stops working).
    """
    email = normalize_email(email)
    user = find_user(email)
    if user is not None and user.has_password:
        raise Conflict(_("%(email)s has an account already.", email=email), field="email")
    if user is not None and user.role != role:
        # An account has one role: a pending member must not become a judge of the same organizations.
        raise Conflict(
            _("%(email)s has been invited with another role.", email=email), field="email"
        )
    if user is None:
        user = User(email=email, name=name.strip(), role=role, locale=locale, password_hash=None)
        db.session.add(user)
        db.session.flush()
    else:
        user.name = name.strip() or user.name
    token = issue_token(user, TokenPurpose.INVITE, payload)
    record("account.invite", user, actor=invited_by, changes={"email": email, "role": role})
    notify(
        user,
        "invitation",
        link=_external("accounts.accept_invitation", token=token),
        inviter=invited_by.display_name,
        role=role,
        valid_for=token_max_age(TokenPurpose.INVITE),
    )
    return user


@service
def accept_invitation(token: str, *, name: str, password: str) -> User:
    row = peek_token(token, TokenPurpose.INVITE)
    validate_password(password, row.user.email)
    row = _consume(token, TokenPurpose.INVITE)
    user = row.user
    user.name = name.strip() or user.name
    _set_password(user, password)
    user.email_verified_at = user.email_verified_at or utcnow()
    record("account.accept_invitation", user, actor=user)
    for hook in INVITATION_ACCEPTED_HOOKS:
        hook(user, row.payload or {})
    return user


@service
def create_organizer(email: str, password: str, name: str = "") -> User:
    email = normalize_email(email)
    validate_password(password, email)
    user = find_user(email)
    if user is not None:
        raise Conflict(_("%(email)s has an account already.", email=email))
    user = User(
        email=email,
        name=name or email.split("@")[0],
        role=Role.ORGANIZER,
        password_hash=hash_password(password),
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    record("account.create_organizer", user, changes={"email": email})
    return user


@service
def set_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id:
        raise DomainError(_("You cannot deactivate your own account."))
    if user.active != active:
        record("account.set_active", user, actor=actor, changes={"active": [user.active, active]})
        user.active = active
        user.session_version += 1
