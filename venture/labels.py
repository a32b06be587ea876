"""Human labels for stored values (enums), in the user's language.

Each domain adds its enums to ``LABELS``; templates use the ``label`` filter, or the
named filters below.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.accounts.models import Role
from venture.notices.models import EmailStatus

LABELS: dict = {
    Role.ORGANIZER: _l("Organizer"),
    Role.JUDGE: _l("Judge"),
    Role.APPLICANT: _l("Applicant"),
    Role.LIAISON: _l("Community liaison"),
    EmailStatus.QUEUED: _l("Queued"),
    EmailStatus.SENDING: _l("Sending"),
    EmailStatus.SENT: _l("Sent"),
    EmailStatus.FAILED: _l("Failed"),
    EmailStatus.SKIPPED: _l("Not emailed"),
}


def label(value) -> str:
    if value is None:
        return ""
    found = LABELS.get(value)
    return str(found) if found is not None else str(getattr(value, "value", value))


def role_label(value) -> str:
    return label(Role(value)) if isinstance(value, str) else label(value)


FILTERS = {
    "label": label,
    "role_label": role_label,
    "email_status_label": label,
}
