"""Labels of the application enums (and of the organization enums the form shows).

Templates use the specific filters (``app_status``, ``attachment_kind``,
``qualification``, ``org_type``): values of different enums can be equal strings.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.applications.models import ApplicationStatus, AttachmentKind
from venture.competitions.labels import _lookup
from venture.labels import FILTERS, LABELS
from venture.orgs.models import OrgType, Qualification

APPLICATION_STATUS = {
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.RETURNED: _l("Returned for amendment"),
    ApplicationStatus.PASSED: _l("Passed screening"),
    ApplicationStatus.REJECTED: _l("Rejected"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
}
ATTACHMENT_KIND = {
    AttachmentKind.REGISTRATION: _l("Registration certificate"),
    AttachmentKind.CHARTER: _l("Charter"),
    AttachmentKind.FINANCIAL: _l("Financial or audit report"),
    AttachmentKind.PLAN: _l("Project plan"),
    AttachmentKind.SUPPORT: _l("Letter of support from the community"),
    AttachmentKind.OTHER: _l("Other"),
}
ORG_TYPE = {
    OrgType.SOCIAL_GROUP: _l("Social group"),
    OrgType.PRIVATE_NON_ENTERPRISE: _l("Private non-enterprise unit"),
    OrgType.FOUNDATION: _l("Foundation"),
    OrgType.OTHER: _l("Other organization"),
}
QUALIFICATION = {
    Qualification.ASSISTANT: _l("Assistant social worker"),
    Qualification.SOCIAL_WORKER: _l("Social worker"),
    Qualification.SENIOR: _l("Senior social worker"),
    Qualification.NONE: _l("No qualification"),
}

app_status_label = _lookup(APPLICATION_STATUS)
attachment_kind_label = _lookup(ATTACHMENT_KIND)
org_type_label = _lookup(ORG_TYPE)
qualification_label = _lookup(QUALIFICATION)

LABELS.update(APPLICATION_STATUS)
LABELS.update(ATTACHMENT_KIND)
for table in (ORG_TYPE, QUALIFICATION):  # the organizations domain may label these too
    for key, text in table.items():
        LABELS.setdefault(key, text)
FILTERS.update(
    {
        "status_badge": lambda status: STATUS_BADGES.get(status, "text-bg-light"),
        "app_status": app_status_label,
        "attachment_kind": attachment_kind_label,
        "org_type": org_type_label,
        "qualification": qualification_label,
    }
)

STATUS_BADGES = {
    ApplicationStatus.DRAFT: "text-bg-light border",
    ApplicationStatus.SUBMITTED: "text-bg-primary",
    ApplicationStatus.RETURNED: "text-bg-warning",
    ApplicationStatus.PASSED: "text-bg-success",
    ApplicationStatus.REJECTED: "text-bg-danger",
    ApplicationStatus.WITHDRAWN: "text-bg-secondary",
}

from venture.competitions.labels import BY_TYPE  # noqa: E402

BY_TYPE.update(
    {
        ApplicationStatus: APPLICATION_STATUS,
        AttachmentKind: ATTACHMENT_KIND,
        OrgType: ORG_TYPE,
        Qualification: QUALIFICATION,
    }
)
