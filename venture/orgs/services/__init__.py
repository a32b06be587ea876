"""Every state change of the organizations domain, and what other domains may ask it.

For the competitions and applications domains:

- ``flag_active_within(org, kind, years, on_date) -> bool`` and
  ``registration_months(org, on_date) -> int`` for eligibility checks;
- ``organizations_of(user)``, and in ``venture.orgs.policies``: ``is_member``,
  ``member_org_ids``, ``can_view_organization``;
- ``community_choices()`` (grouped choices for a picker), ``communities_under(area)``,
  ``community_paths(ids)``, ``communities_of_liaison(user)``;
- ``social_workers_of(org, active_only=True)``; ``check_code(code)``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.accounts.services import INVITATION_ACCEPTED_HOOKS
from venture.notices import kinds
from venture.orgs.services.area_import import (
    AreaImportRejected,
    ImportSummary,
    import_areas,
    template_bytes,
)
from venture.orgs.services.areas import (
    add_area,
    area_tree,
    area_usage,
    attach_liaison,
    communities_of_liaison,
    communities_under,
    community_choices,
    community_paths,
    delete_area,
    detach_liaison,
    invite_liaison,
    liaison_candidates,
    on_invitation_accepted,
    rename_area,
)
from venture.orgs.services.eligibility import flag_active_within, registration_months
from venture.orgs.services.members import invite_member, members_of, remove_member, set_member_role
from venture.orgs.services.organizations import (
    CHANGES_TO_CONFIRM,
    IDENTITY_FIELDS,
    PROFILE_FIELDS,
    VERIFIED_FIELDS,
    add_flag,
    changes_to_confirm_count,
    check_code,
    end_flag,
    organization_list_query,
    organizations_of,
    pending_changes,
    pending_count,
    register_organization,
    reject_organization,
    update_organization,
    verify_organization,
)
from venture.orgs.services.workers import (
    add_social_worker,
    set_social_worker_active,
    social_workers_of,
    update_social_worker,
)

kinds.register("org_member_added", _l("Added to an organization"))
kinds.register("org_verified", _l("Organization verified"))
kinds.register("org_rejected", _l("Organization rejected"))

if on_invitation_accepted not in INVITATION_ACCEPTED_HOOKS:
    INVITATION_ACCEPTED_HOOKS.append(on_invitation_accepted)

__all__ = [
    "CHANGES_TO_CONFIRM",
    "IDENTITY_FIELDS",
    "PROFILE_FIELDS",
    "VERIFIED_FIELDS",
    "AreaImportRejected",
    "ImportSummary",
    "add_area",
    "add_flag",
    "add_social_worker",
    "area_tree",
    "area_usage",
    "attach_liaison",
    "changes_to_confirm_count",
    "check_code",
    "communities_of_liaison",
    "communities_under",
    "community_choices",
    "community_paths",
    "delete_area",
    "detach_liaison",
    "end_flag",
    "flag_active_within",
    "import_areas",
    "invite_liaison",
    "invite_member",
    "liaison_candidates",
    "members_of",
    "organization_list_query",
    "organizations_of",
    "pending_changes",
    "pending_count",
    "register_organization",
    "registration_months",
    "reject_organization",
    "remove_member",
    "rename_area",
    "set_member_role",
    "set_social_worker_active",
    "social_workers_of",
    "template_bytes",
    "update_organization",
    "update_social_worker",
    "verify_organization",
]
