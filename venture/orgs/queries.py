"""Reading organizations for the organizer's pages, a page at a time."""

from __future__ import annotations

from venture.extensions import db
from venture.orgs.services.organizations import organization_list_query

ORGANIZATIONS_PER_PAGE = 30


def organization_page(
    *,
    status: str | None,
    org_type: str | None,
    q: str | None,
    page: int,
    per_page: int = ORGANIZATIONS_PER_PAGE,
):
    """One page of the organizer's list (``organization_list_query``: newest first, filtered
    by verification status or changes to confirm, type, and a part of the name or code)."""
    return db.paginate(
        organization_list_query(status=status, org_type=org_type, q=q),
        page=page,
        per_page=per_page,
        error_out=False,
    )
