"""Home-page panels of the follow-up, one per role that follows projects."""

from __future__ import annotations

from venture.followup import queries
from venture.followup.integration import communities_of_liaison
from venture.main.views import HOME_PANELS


def organizer_panel(user):
    if not getattr(user, "is_organizer", False):
        return None
    summary = queries.organizer_summary()
    if not summary["total"]:
        return None
    return {"template": "followup/_home_organizer.html", "followup_summary": summary}


def organization_panel(user):
    if not getattr(user, "is_applicant", False):
        return None
    projects = queries.organization_projects(user)
    if not projects:
        return None
    rows = queries.project_rows(projects)
    return {
        "template": "followup/_home_organization.html",
        "followup_rows": rows,
        "followup_received": sum(r.money.paid for r in rows),
    }


def liaison_panel(user):
    if not getattr(user, "is_liaison", False):
        return None
    community_ids = communities_of_liaison(user)
    if not community_ids:
        return None
    return {
        "template": "followup/_home_liaison.html",
        "followup_projects": queries.liaison_projects(community_ids),
        "followup_waiting": queries.activities_waiting(community_ids, limit=10),
        "followup_answered": queries.disputes_answered(community_ids),
    }


HOME_PANELS.extend([organizer_panel, organization_panel, liaison_panel])
