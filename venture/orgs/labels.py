"""Labels of the organizations domain's stored values (see venture.labels)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.labels import LABELS
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

# String enums with the same value are equal (Rating.NONE == PartyOrg.NONE == "none"),
# so one dict keyed by members cannot tell them apart. This domain's templates use the
# `orglabel` filter, which looks a value up by its enum class. The shared LABELS (the
# `label` filter) get only values no other enum is likely to use, so that this domain
# never replaces another's label of "pending", "rejected", "other"...
_TYPED = {(type(member), member.value): text for member, text in ORG_LABELS}
_SHARED_VALUES = {"none", "other", "pending", "verified", "rejected", "owner", "member"}
LABELS.update({m: t for m, t in ORG_LABELS if m.value not in _SHARED_VALUES})


def orglabel(value) -> str:
    """The label of one of this domain's enum values."""
    if value is None:
        return ""
    found = _TYPED.get((type(value), getattr(value, "value", value)))
    return str(found) if found is not None else str(getattr(value, "value", value))


def choices(enum_cls) -> list[tuple[str, object]]:
    """(value, label) pairs for a select field."""
    return [(member.value, _TYPED[(enum_cls, member.value)]) for member in enum_cls]


# The organization's fields, as the forms and the organizer's diff name them.
FIELD_LABELS = {
    "name": _l("Name"),
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
ENUM_FIELDS = {"org_type": OrgType, "rating": Rating, "annual_inspection": InspectionResult,
               "party_org": PartyOrg}


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
