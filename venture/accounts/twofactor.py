"""Optional TOTP two-factor authentication for organizers and judges (pyotp).

The secret is confirmed with a first code before it is switched on; a code is accepted
once (the last accepted time step is stored), with one step of clock drift allowed.
"""

from __future__ import annotations

import base64
import io
import time

import pyotp
import segno
from flask_babel import gettext as _

from venture.accounts.models import User
from venture.audit.services import record
from venture.db import service, utcnow
from venture.errors import DomainError, ValidationError

ISSUER = "Venture"
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI (allowed by the CSP's img-src data:)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if totp.at(step * STEP_SECONDS) == code:
            return step
    return None


def _accept(user: User, secret: str, code: str) -> None:
    step = _matching_step(secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        raise ValidationError(
            _("The code is not correct or has been used already. Enter the current code."),
            field="code",
        )
    user.totp_last_step = step


@service
def enable(user: User, secret: str, code: str) -> None:
    if not user.may_use_2fa:
        raise DomainError(_("Two-factor login is available for organizers and judges."))
    _accept(user, secret, code)
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    record("account.2fa_enable", user, actor=user)


@service
def disable(user: User, code: str) -> None:
    if not user.totp_enabled:
        return
    _accept(user, user.totp_secret, code)
    user.totp_secret = None
    user.totp_enabled_at = None
    record("account.2fa_disable", user, actor=user)


@service
def verify_login(user: User, code: str) -> None:
    """The second step of a login; raises ValidationError on a wrong or reused code."""
    _accept(user, user.totp_secret, code)
    record("account.2fa_login", user, actor=user)
