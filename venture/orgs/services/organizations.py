"""Registering and editing an organization; its code; organizers' verification and flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from venture.audit.models import AuditEntry
from venture.audit.services import changes_between, record, snapshot
from venture.db import service, utcnow
from venture.errors import Conflict, ValidationError
from venture.extensions import db
from venture.notices.services import notify
from venture.orgs.labels import FIELD_LABELS, field_value_label
from venture.orgs.models import (
    FlagKind,
    InspectionResult,
    MemberRole,
    Membership,
    Organization,
    OrgFlag,
    OrgType,
    PartyOrg,
    Rating,
    VerificationStatus,
)
from venture.orgs.uscc import CIVIL_AFFAIRS_TYPES, USCCError, parse_uscc
from venture.templating import LOCAL_TZ

# What a member fills in (the type and the region code are derived from the code).
PROFILE_FIELDS = (
    "name",
    "uscc",
    "registration_authority",
    "registration_date",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "bank_name",
    "bank_account_name",
    "bank_account",
    "rating",
    "rating_date",
    "annual_inspection",
    "annual_inspection_year",
    "charter_scope",
    "party_org",
    "party_members",
    "party_instructor",
    "past_awards",
)
# Contacts change often and prove nothing: editing them needs no re-verification.
FREE_FIELDS = {"contact_name", "contact_phone", "contact_email", "address"}
AUDITED_FIELDS = PROFILE_FIELDS + ("org_type", "region_code")
VERIFIED_FIELDS = tuple(f for f in AUDITED_FIELDS if f not in FREE_FIELDS)
# What the organizer vouches for: who the organization is (the code and the type and region it
# gives, name, registration, legal representative; type and registration date are eligibility
# rules) and where the grant is paid. Changing one sends a verified organization back to
# verification; the other verified fields, when changed, leave it verified and are listed in
# ``unverified_fields`` for the organizer to confirm.
IDENTITY_FIELDS = frozenset(
    {
        "uscc",
        "org_type",
        "region_code",
        "name",
        "registration_authority",
        "registration_date",
        "legal_representative",
        "bank_name",
        "bank_account_name",
        "bank_account",
    }
)

_ENUMS = {"rating": Rating, "annual_inspection": InspectionResult, "party_org": PartyOrg}
_ENUM_DEFAULTS = {
    "rating": Rating.NONE,
    "annual_inspection": InspectionResult.NOT_INSPECTED,
    "party_org": PartyOrg.NONE,
}
_TEXT_LIMITS = {
    "name": 200,
    "registration_authority": 200,
    "legal_representative": 100,
    "contact_name": 100,
    "contact_phone": 30,
    "contact_email": 254,
    "address": 300,
    "bank_name": 200,
    "bank_account_name": 200,
    "bank_account": 40,
    "party_instructor": 100,
}


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def external_url(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


# --- the 统一社会信用代码 ----------------------------------------------------------------


@dataclass(frozen=True)
class CheckedCode:
    code: str
    org_type: OrgType
    region_code: str


def check_code(code: str) -> CheckedCode:
    """A civil-affairs code, or a ValidationError (on the field ``uscc``) saying what is wrong."""
    try:
        parsed = parse_uscc(code)
    except USCCError as error:
        raise ValidationError(_code_message(error), field="uscc") from None
    if not parsed.is_civil_affairs:
        raise ValidationError(
            _(
                "This is not the code of an organization registered with civil affairs: its first "
                "character is %(char)s, while civil-affairs codes start with 5.",
                char=parsed.authority,
            ),
            field="uscc",
        )
    org_type = CIVIL_AFFAIRS_TYPES.get(parsed.type_code)
    if org_type is None:
        raise ValidationError(
            _(
                "The second character %(char)s is not a civil-affairs organization type "
                "(1 social group, 2 private non-enterprise unit, 3 foundation, 9 other).",
                char=parsed.type_code,
            ),
            field="uscc",
        )
    return CheckedCode(parsed.code, OrgType(org_type), parsed.region_code)


def _code_message(error: USCCError) -> str:
    if error.reason == "length":
        return _(
            "A unified social credit code has 18 characters; this one has %(n)d.", n=error.length
        )
    if error.reason == "character":
        return _(
            "Character %(position)d (“%(char)s”) is not allowed: the code uses digits and the "
            "capital letters A–Y except I, O, S, V and Z.",
            position=error.position,
            char=error.char,
        )
    return _(
        "The check character (the last one) should be %(expected)s, not %(found)s: "
        "check the code for a typing error.",
        expected=error.expected,
        found=error.found,
    )


def _duplicate_code(code: str) -> Conflict:
    return Conflict(
        _(
            "An organization with the code %(code)s is registered already. "
            "Ask one of its members to invite you.",
            code=code,
        ),
        field="uscc",
    )


def _ensure_code_free(code: str, except_id: int | None = None) -> None:
    query = sa.select(Organization.id).where(Organization.uscc == code)
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    if db.session.scalar(query) is not None:
        raise _duplicate_code(code)


def _flush_unique(code: str) -> None:
    """Two submissions of the same code at once: the unique constraint decides."""
    try:
        db.session.flush()
    except IntegrityError:
        raise _duplicate_code(code) from None


# --- the profile ----------------------------------------------------------------------


def _clean_profile(data: dict) -> dict:
    """Coerce and check the profile fields; ValidationError names the (first) field."""
    values, problems = check_profile(data)
    if problems:
        raise problems[0]
    return values


def phone_problem(value: str) -> str | None:
    """Why ``value`` is not a phone number one can call (a mainland mobile or landline
    number, as the objection form accepts), or None when it is one."""
    from venture.results.phone import normalize_phone

    if normalize_phone(value) is None:
        return _(
            "Enter a mainland China mobile number (11 digits, e.g. 13812345678) or a landline number with its "
            "area code (e.g. 0736-7123456)."
        )
    return None


class _Problems(list):
    """The profile's problems, one per field: the first that applies."""

    def add(self, message, field: str) -> None:
        if all(p.field != field for p in self):
            self.append(ValidationError(message, field=field))


def check_profile(data: dict) -> tuple[dict, list[ValidationError]]:
    """The profile's values, coerced, and every problem with them (each names its field):
    the registration form, the profile edit and the spreadsheet import share these rules."""
    problems = _Problems()
    values = {field: _coerced(field, data.get(field), problems) for field in PROFILE_FIELDS}
    today = local_today()
    _check_texts(values, problems)
    _check_dates(values, problems, today)
    _check_inspection(values, problems, today)
    if values["party_members"] is None:
        values["party_members"] = 0
    if values["party_members"] < 0:
        problems.add(_("The number cannot be negative."), "party_members")
    return values, list(problems)


def _coerced(field: str, value, problems: _Problems):
    """The field's value as stored: an enum member (its default when empty), a date or None,
    a whole number or None, else stripped text."""
    if field in _ENUMS:
        try:
            return _ENUMS[field](value) if value else _ENUM_DEFAULTS[field]
        except ValueError:
            problems.add(_("Choose a value from the list."), field)
            return _ENUM_DEFAULTS[field]
    if field in ("registration_date", "rating_date"):
        return value or None
    if field in ("annual_inspection_year", "party_members"):
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            problems.add(_("Enter a whole number."), field)
            return None
    return (value or "").strip()


def _check_texts(values: dict, problems: _Problems) -> None:
    for field, limit in _TEXT_LIMITS.items():
        if len(values[field]) > limit:
            problems.add(_("At most %(n)d characters.", n=limit), field)
    if not values["name"]:
        problems.add(_("Enter the organization's registered name."), "name")
    if values["contact_phone"]:
        message = phone_problem(values["contact_phone"])
        if message:
            problems.add(message, "contact_phone")


def _check_dates(values: dict, problems: _Problems, today) -> None:
    for field in ("registration_date", "rating_date"):
        if values[field] and values[field] > today:
            problems.add(_("This date is in the future."), field)
    if values["rating"] != Rating.NONE and not values["rating_date"]:
        problems.add(_("Give the date of the rating."), "rating_date")


def _check_inspection(values: dict, problems: _Problems, today) -> None:
    year = values["annual_inspection_year"]
    if values["annual_inspection"] != InspectionResult.NOT_INSPECTED and year is None:
        problems.add(_("Give the year of the annual inspection."), "annual_inspection_year")
    if year is not None and not 1990 <= year <= today.year:
        problems.add(
            _("Enter a year between 1990 and %(year)d.", year=today.year), "annual_inspection_year"
        )


@service
def register_organization(*, actor, data: dict) -> Organization:
    """An applicant registers an organization and becomes its owner; it awaits verification."""
    values = _clean_profile(data)
    checked = check_code(values["uscc"])
    values["uscc"] = checked.code
    _ensure_code_free(checked.code)
    org = Organization(
        **values,
        org_type=checked.org_type,
        region_code=checked.region_code,
        verification_status=VerificationStatus.PENDING,
        unverified_fields=[],
        created_by_id=actor.id,
    )
    db.session.add(org)
    _flush_unique(checked.code)
    db.session.add(Membership(organization_id=org.id, user_id=actor.id, role=MemberRole.OWNER))
    record(
        "orgs.register",
        org,
        actor=actor,
        changes={
            f: [None, v] for f, v in snapshot(org, AUDITED_FIELDS).items() if v not in (None, "")
        },
    )
    record(
        "orgs.member_add",
        org,
        actor=actor,
        changes={"member": [None, actor.email], "role": [None, MemberRole.OWNER]},
    )
    return org


@service
def update_organization(org: Organization, *, actor, data: dict) -> dict:
    """A member edits the profile. Changing identity data sends it back for verification;
    other verified data stays verified, listed for the organizer to confirm.

    Returns the changes ({field: [old, new]}).
    """
    values = _clean_profile(data)
    checked = check_code(values["uscc"])
    values["uscc"] = checked.code
    if checked.code != org.uscc:
        _ensure_code_free(checked.code, except_id=org.id)
    before = snapshot(org, AUDITED_FIELDS)
    for field, value in values.items():
        setattr(org, field, value)
    org.org_type, org.region_code = checked.org_type, checked.region_code
    changes = changes_between(before, snapshot(org, AUDITED_FIELDS))
    if not changes:
        return {}
    _flush_unique(checked.code)
    status_before, unverified_before = org.verification_status, list(org.unverified_fields or [])
    needs_check = [f for f in VERIFIED_FIELDS if f in changes]
    # Verified data that changes needs checking again, field by field; an organization
    # never verified is checked as a whole (its unverified_fields stay empty).
    if needs_check and (status_before == VerificationStatus.VERIFIED or unverified_before):
        org.unverified_fields = [
            f for f in VERIFIED_FIELDS if f in needs_check or f in unverified_before
        ]
        if IDENTITY_FIELDS.intersection(needs_check):
            org.verification_status = VerificationStatus.PENDING
    if status_before == VerificationStatus.REJECTED:
        org.verification_status = (
            VerificationStatus.PENDING
        )  # corrected after a rejection: check again
    entry = dict(changes)
    if org.verification_status != status_before:
        entry["verification_status"] = [status_before, org.verification_status]
    if org.unverified_fields != unverified_before:
        entry["unverified_fields"] = [unverified_before, list(org.unverified_fields)]
    record("orgs.update", org, actor=actor, changes=entry)
    return changes


# --- verification ---------------------------------------------------------------------


def _members(org: Organization) -> list:
    return [
        m.user
        for m in db.session.scalars(
            sa.select(Membership)
            .options(selectinload(Membership.user))
            .where(Membership.organization_id == org.id)
            .order_by(Membership.id)
        )
    ]


@service
def verify_organization(org: Organization, *, actor) -> None:
    """Verify an organization, or confirm the fields changed since a verified one was verified.

    Members are told when the status changes; a confirmation of changes is only audited.
    """
    before = org.verification_status
    reverified = list(org.unverified_fields or [])
    if before == VerificationStatus.VERIFIED and not reverified:
        raise Conflict(_("This organization is verified already."))
    org.verification_status = VerificationStatus.VERIFIED
    org.verified_at = utcnow()
    org.verified_by_id = actor.id
    org.unverified_fields = []
    org.rejection_reason = ""
    changes = {}
    if before != VerificationStatus.VERIFIED:
        changes["verification_status"] = [before, VerificationStatus.VERIFIED]
    if reverified:
        changes["unverified_fields"] = [reverified, []]
    record("orgs.verify", org, actor=actor, changes=changes)
    if before == VerificationStatus.VERIFIED:
        return
    link = external_url("orgs.show", org_id=org.id)
    for user in _members(org):
        notify(user, "org_verified", link=link, organization=org.name)


@service
def reject_organization(org: Organization, *, actor, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say why the organization is rejected: its members read this."), field="reason"
        )
    if org.verification_status == VerificationStatus.REJECTED:
        raise Conflict(_("This organization is rejected already."))
    before = org.verification_status
    org.verification_status = VerificationStatus.REJECTED
    org.rejection_reason = reason
    record(
        "orgs.reject",
        org,
        actor=actor,
        changes={
            "verification_status": [before, VerificationStatus.REJECTED],
            "reason": [None, reason],
        },
    )
    link = external_url("orgs.show", org_id=org.id)
    for user in _members(org):
        notify(user, "org_rejected", link=link, organization=org.name, reason=reason)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


def pending_changes(org: Organization) -> list[FieldChange]:
    """Verified fields changed since the last verification: before (from the audit log) and now."""
    fields = list(org.unverified_fields or [])
    if not fields:
        return []
    of_org = (
        AuditEntry.object_type == Organization.__tablename__,
        AuditEntry.object_id == str(org.id),
    )
    last_verified = (
        db.session.scalar(
            sa.select(sa.func.max(AuditEntry.seq)).where(
                *of_org, AuditEntry.action == "orgs.verify"
            )
        )
        or 0
    )
    first_before: dict = {}
    for changes in db.session.scalars(
        sa.select(AuditEntry.changes)
        .where(*of_org, AuditEntry.action == "orgs.update", AuditEntry.seq > last_verified)
        .order_by(AuditEntry.seq)
    ):
        for field, pair in changes.items():
            if (
                field in fields
                and field not in first_before
                and isinstance(pair, list)
                and len(pair) == 2
            ):
                first_before[field] = pair[0]
    now = snapshot(org, fields)
    return [
        FieldChange(
            f,
            str(FIELD_LABELS.get(f, f)),
            field_value_label(f, first_before.get(f)),
            field_value_label(f, now[f]),
        )
        for f in fields
    ]


# --- flags: 活动异常名录, 严重违法失信名单 --------------------------------------------------


@service
def add_flag(
    org: Organization, *, actor, kind: FlagKind | str, listed_on: date, note: str = ""
) -> OrgFlag:
    kind = FlagKind(kind)
    if listed_on is None:
        raise ValidationError(_("Give the date the organization was listed."), field="listed_on")
    if listed_on > local_today():
        raise ValidationError(_("This date is in the future."), field="listed_on")
    if any(f.kind == kind and f.removed_on is None for f in org.flags):
        raise Conflict(
            _("The organization is on this list already; end that listing first."), field="kind"
        )
    flag = OrgFlag(
        organization=org,
        kind=kind,
        listed_on=listed_on,
        note=(note or "").strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(flag)
    db.session.flush()
    record(
        "orgs.flag_add",
        org,
        actor=actor,
        changes={
            "flag": [None, flag.id],
            "kind": [None, kind],
            "listed_on": [None, listed_on],
            "note": [None, flag.note],
        },
    )
    return flag


@service
def end_flag(flag: OrgFlag, *, actor, removed_on: date, note: str = "") -> None:
    if flag.removed_on is not None:
        raise Conflict(_("This listing has ended already."))
    if removed_on is None:
        raise ValidationError(
            _("Give the date the organization was removed from the list."), field="removed_on"
        )
    if removed_on > local_today():
        raise ValidationError(_("This date is in the future."), field="removed_on")
    if removed_on < flag.listed_on:
        raise ValidationError(
            _(
                "The removal cannot be before the listing (%(date)s).",
                date=flag.listed_on.isoformat(),
            ),
            field="removed_on",
        )
    changes = {
        "flag": [flag.id, flag.id],
        "kind": [flag.kind, flag.kind],
        "removed_on": [None, removed_on],
    }
    flag.removed_on = removed_on
    note = (note or "").strip()
    if note:
        changes["note"] = [flag.note, note if not flag.note else f"{flag.note}\n{note}"]
        flag.note = changes["note"][1]
    record("orgs.flag_end", flag.organization, actor=actor, changes=changes)


# --- lists -----------------------------------------------------------------------------

# The organizer's list filter for verified organizations with changed fields to confirm.
CHANGES_TO_CONFIRM = "changes"


def _changes_to_confirm():
    return sa.and_(
        Organization.verification_status == VerificationStatus.VERIFIED,
        sa.func.json_array_length(Organization.unverified_fields) > 0,
    )


def organization_list_query(
    *, status: str | None = None, org_type: str | None = None, q: str | None = None
):
    """The organizer's list, newest first; flags loaded with it (constant queries)."""
    query = (
        sa.select(Organization)
        .options(selectinload(Organization.flags))
        .order_by(Organization.created_at.desc(), Organization.id.desc())
    )
    if status in {s.value for s in VerificationStatus}:
        query = query.where(Organization.verification_status == status)
    elif status == CHANGES_TO_CONFIRM:
        query = query.where(_changes_to_confirm())
    if org_type in {t.value for t in OrgType}:
        query = query.where(Organization.org_type == org_type)
    if q and q.strip():
        text = q.strip()
        query = query.where(
            sa.or_(
                Organization.name.ilike(f"%{text}%"), Organization.uscc.ilike(f"%{text.upper()}%")
            )
        )
    return query


def organizations_of(user) -> list[Organization]:
    """The organizations the user is a member of, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            sa.select(Organization)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user.id)
            .options(selectinload(Organization.flags))
            .order_by(Organization.name)
        )
    )


def pending_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Organization.id)).where(
                Organization.verification_status == VerificationStatus.PENDING
            )
        )
        or 0
    )


def changes_to_confirm_count() -> int:
    """Verified organizations with changed fields the organizer has not confirmed yet."""
    return (
        db.session.scalar(sa.select(sa.func.count(Organization.id)).where(_changes_to_confirm()))
        or 0
    )
