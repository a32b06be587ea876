"""Labels of the application enums (and the organization enums the form shows)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.applications.models import ApplicationStatus, AttachmentKind
from venture.labels import LABELS
from venture.orgs.models import OrgType, Qualification

LABELS.update({
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.RETURNED: _l("Returned for amendment"),
    ApplicationStatus.PASSED: _l("Passed screening"),
    ApplicationStatus.REJECTED: _l("Rejected"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
    AttachmentKind.REGISTRATION: _l("Registration certificate"),
    AttachmentKind.CHARTER: _l("Charter"),
    AttachmentKind.FINANCIAL: _l("Financial or audit report"),
    AttachmentKind.PLAN: _l("Project plan"),
    AttachmentKind.SUPPORT: _l("Letter of support from the community"),
    AttachmentKind.OTHER: _l("Other"),
})
# The organizations domain may label these too; ours only fill gaps.
for key, text in {
    OrgType.SOCIAL_GROUP: _l("Social group"),
    OrgType.PRIVATE_NON_ENTERPRISE: _l("Private non-enterprise unit"),
    OrgType.FOUNDATION: _l("Foundation"),
    OrgType.OTHER: _l("Other organization"),
    Qualification.ASSISTANT: _l("Assistant social worker"),
    Qualification.SOCIAL_WORKER: _l("Social worker"),
    Qualification.SENIOR: _l("Senior social worker"),
    Qualification.NONE: _l("No qualification"),
}.items():
    LABELS.setdefault(key, text)

STATUS_BADGES = {
    ApplicationStatus.DRAFT: "text-bg-light border",
    ApplicationStatus.SUBMITTED: "text-bg-primary",
    ApplicationStatus.RETURNED: "text-bg-warning",
    ApplicationStatus.PASSED: "text-bg-success",
    ApplicationStatus.REJECTED: "text-bg-danger",
    ApplicationStatus.WITHDRAWN: "text-bg-secondary",
}
