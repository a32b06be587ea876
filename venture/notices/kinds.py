"""The kinds of notice. Each domain registers its own; each kind has a template
``templates/notices/email/<kind>.txt`` with ``subject`` and ``body`` blocks."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NoticeKind:
    name: str
    label: object  # a lazy string
    security: bool = False  # security emails cannot be switched off


KINDS: dict[str, NoticeKind] = {}


def register(name: str, label, *, security: bool = False) -> NoticeKind:
    kind = NoticeKind(name, label, security)
    KINDS[name] = kind
    return kind


def get(name: str) -> NoticeKind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown notice kind {name!r}: register it in notices.kinds") from None


register("verify_email", _l("Email address verification"), security=True)
register("password_reset", _l("Password reset"), security=True)
register(
    "password_reset_unknown", _l("Password reset for an address without an account"), security=True
)
register("invitation", _l("Invitation"), security=True)
register("welcome", _l("Welcome"))
register("export_ready", _l("Export ready for download"))
