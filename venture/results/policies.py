"""Who may see what of the results: the public sees what is published, an organization's
members see their own score cards once results are public, organizers see everything."""

from __future__ import annotations

from venture.orgs.policies import is_member


def can_manage_results(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_organizer)


def can_view_scorecard(user, application, publication) -> bool:
    """The organization's members, once results are public; organizers always."""
    if can_manage_results(user):
        return True
    if publication is None or not publication.is_public:
        return False
    return is_member(user, application.organization_id)
