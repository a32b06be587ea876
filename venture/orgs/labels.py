"""Labels of the organizations domain's stored values (see venture.labels)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.labels import choices, label, register  # noqa: F401 - choices re-exported
from venture.orgs.models import (
    AreaLevel,
    FlagKind,
    InspectionResult,
    MemberRole,
    OrgType,
    PartyOrg,
    Qualification,
    Rating,
    VerificationStatus,
)

# (member, label) pairs: a list, because equal values of two enums would collide as keys.
ORG_LABELS = [
    (OrgType.SOCIAL_GROUP, _l("Social group")),
    (OrgType.PRIVATE_NON_ENTERPRISE, _l("Private non-enterprise unit")),
    (OrgType.FOUNDATION, _l("Foundation")),
    (OrgType.OTHER, _l("Other civil-affairs organization")),
    (VerificationStatus.PENDING, _l("Awaiting verification")),
    (VerificationStatus.VERIFIED, _l("Verified")),
    (VerificationStatus.REJECTED, _l("Rejected")),
    (Rating.A5, "5A"),
    (Rating.A4, "4A"),
    (Rating.A3, "3A"),
    (Rating.A2, "2A"),
    (Rating.A1, "1A"),
    (Rating.NONE, _l("Not rated")),
    (InspectionResult.QUALIFIED, _l("Qualified")),
    (InspectionResult.BASIC, _l("Basically qualified")),
    (InspectionResult.UNQUALIFIED, _l("Unqualified")),
    (InspectionResult.NOT_INSPECTED, _l("Not inspected")),
    (PartyOrg.INDEPENDENT, _l("Independent party organization")),
    (PartyOrg.JOINT, _l("Joint party organization")),
    (PartyOrg.NONE, _l("No party organization")),
    (MemberRole.OWNER, _l("Owner")),
    (MemberRole.MEMBER, _l("Member")),
    (FlagKind.ABNORMAL, _l("List of organizations with abnormal activities")),
    (FlagKind.DISHONEST, _l("List of seriously illegal and dishonest organizations")),
    (Qualification.ASSISTANT, _l("Assistant social worker")),
    (Qualification.SOCIAL_WORKER, _l("Social worker")),
    (Qualification.SENIOR, _l("Senior social worker")),
    (Qualification.NONE, _l("No qualification")),
    (AreaLevel.DISTRICT, _l("District")),
    (AreaLevel.STREET, _l("Street / township")),
    (AreaLevel.COMMUNITY, _l("Community / village")),
]

register(ORG_LABELS)
orglabel = label  # the name this domain's templates use


# The organization's fields, as the forms and the organizer's diff name them.
FIELD_LABELS = {
    "name": _l("Organization name"),
    "uscc": _l("Unified social credit code"),
    "org_type": _l("Type"),
    "region_code": _l("Region code"),
    "registration_authority": _l("Registration authority"),
    "registration_date": _l("Registration date"),
    "legal_representative": _l("Legal representative"),
    "contact_name": _l("Contact person"),
    "contact_phone": _l("Contact phone"),
    "contact_email": _l("Contact email"),
    "address": _l("Address"),
    "bank_name": _l("Bank"),
    "bank_account_name": _l("Account name"),
    "bank_account": _l("Account number"),
    "rating": _l("Rating grade"),
    "rating_date": _l("Date of the rating"),
    "annual_inspection": _l("Latest annual inspection result"),
    "annual_inspection_year": _l("Year of the annual inspection"),
    "charter_scope": _l("Business scope in the charter"),
    "party_org": _l("Party organization"),
    "party_members": _l("Number of party members"),
    "party_instructor": _l("Party-building instructor"),
    "past_awards": _l("Past awards and honours"),
}

# Fields whose stored value is one of this domain's enums (for display of audit values).
ENUM_FIELDS = {
    "org_type": OrgType,
    "rating": Rating,
    "annual_inspection": InspectionResult,
    "party_org": PartyOrg,
}


def field_value_label(field: str, value) -> str:
    """A stored (JSON) value of an organization field, as a user reads it."""
    if value is None or value == "":
        return ""
    enum_cls = ENUM_FIELDS.get(field)
    if enum_cls is not None:
        try:
            return orglabel(enum_cls(value))
        except ValueError:
            return str(value)
    return str(value)
