"""Who may see, edit, screen an application and download its files.

Members of the applying organization and organizers see everything. Other domains
may grant more (a judge assigned to the application, in a later stage) by appending a
rule to ``EXTRA_VIEW_RULES`` / ``EXTRA_ATTACHMENT_RULES``: callables returning True to allow.
"""

from __future__ import annotations

from venture.orgs.policies import is_member

EXTRA_VIEW_RULES: list = []  # (user, application) -> bool
EXTRA_ATTACHMENT_RULES: list = []  # (user, attachment) -> bool; should respect attachment.identifying


def _organizer(user) -> bool:
    return bool(getattr(user, "is_organizer", False))


def can_view(user, application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        _organizer(user)
        or is_member(user, application.organization_id)
        or any(rule(user, application) for rule in EXTRA_VIEW_RULES)
    )


def can_edit(user, application) -> bool:
    """Any member of the organization may edit; the service checks status and deadline."""
    return getattr(user, "is_authenticated", False) and is_member(user, application.organization_id)


def can_download(user, attachment) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    application = attachment.application
    return (
        _organizer(user)
        or is_member(user, application.organization_id)
        or any(rule(user, attachment) for rule in EXTRA_ATTACHMENT_RULES)
    )
