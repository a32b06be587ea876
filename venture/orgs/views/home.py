"""Home-page panels: an applicant's organizations (or an invitation to register one),
the organizer's verification queue, a liaison's communities."""

from __future__ import annotations

from venture.main.views import HOME_PANELS
from venture.orgs import services


def organizations_panel(user) -> dict | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_applicant:
        return {"template": "orgs/_home_applicant.html", "orgs": services.organizations_of(user)}
    if user.is_organizer:
        pending, changes = services.pending_count(), services.changes_to_confirm_count()
        if not pending and not changes:
            return None
        return {
            "template": "orgs/_home_organizer.html",
            "pending": pending,
            "changes": changes,
            "changes_filter": services.CHANGES_TO_CONFIRM,
        }
    if user.is_liaison:
        communities = services.communities_of_liaison(user)
        return (
            {"template": "orgs/_home_liaison.html", "communities": communities}
            if communities
            else None
        )
    return None


if organizations_panel not in HOME_PANELS:
    HOME_PANELS.append(organizations_panel)
