"""Human labels for stored values (enums), in the user's language.

String enums with the same value are equal (``Rating.NONE == PartyOrg.NONE == "none"``),
so labels are keyed by the enum's class *and* value. Each domain registers its enums'
labels (``register([(Member, _l("Label")), ...])``); templates use ``{{ value|label }}``,
forms use ``choices(EnumClass)``.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from venture.accounts.models import Role
from venture.notices.models import EmailStatus


class EnumLabels(dict):
    """A dict whose keys are enum members, told apart by their class."""

    @staticmethod
    def _key(member):
        if isinstance(member, enum.Enum):
            return (type(member).__qualname__, type(member).__module__, member.value)
        return member

    def __setitem__(self, member, text):
        super().__setitem__(self._key(member), text)

    def __getitem__(self, member):
        return super().__getitem__(self._key(member))

    def __contains__(self, member):
        return super().__contains__(self._key(member))

    def get(self, member, default=None):
        return super().get(self._key(member), default)

    def setdefault(self, member, text=None):
        return super().setdefault(self._key(member), text)

    def update(self, pairs=(), **_):
        for member, text in pairs.items() if isinstance(pairs, dict) else pairs:
            self[member] = text


LABELS = EnumLabels()


def register(pairs) -> None:
    """Add (member, label) pairs (a list: a dict literal would merge equal values)."""
    LABELS.update(list(pairs))


register(
    [
        (Role.ORGANIZER, _l("Organizer")),
        (Role.JUDGE, _l("Judge")),
        (Role.APPLICANT, _l("Applicant")),
        (Role.LIAISON, _l("Community liaison")),
        (EmailStatus.QUEUED, _l("Queued")),
        (EmailStatus.SENDING, _l("Sending")),
        (EmailStatus.SENT, _l("Sent")),
        (EmailStatus.FAILED, _l("Failed")),
        (EmailStatus.SKIPPED, _l("Not emailed")),
    ]
)


def label(value) -> str:
    if value is None or value == "":
        return ""
    found = LABELS.get(value)
    return str(found) if found is not None else str(getattr(value, "value", value))


def choices(enum_cls) -> list[tuple[str, object]]:
    """(value, label) pairs for a select field, in the enum's order."""
    return [(member.value, LABELS.get(member, member.value)) for member in enum_cls]


def role_label(value) -> str:
    return (
        label(Role(value))
        if isinstance(value, str) and not isinstance(value, Role)
        else label(value)
    )


FILTERS = {
    "label": label,
    "role_label": role_label,
    "email_status_label": label,
}
