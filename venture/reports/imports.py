"""Importing organizations from a spreadsheet, for organizers who keep their register in
Excel (one row per organization, the columns of the registration form).

Every row is checked first: the 统一社会信用代码 valid and of civil affairs, unique in
the file and not registered already, dates real and not in the future, the profile's
rules (a rating needs its date...). One bad row and nothing is stored. The
organizations are created as verified by the importing organizer, with an audit entry
each; a member email, when given, invites that person into the organization.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.accounts.models import Role, User
from venture.audit.services import record, snapshot
from venture.db import service, utcnow
from venture.extensions import db
from venture.files.services import MB, path_of, store_upload
from venture.orgs.models import InspectionResult, Organization, PartyOrg, Rating, VerificationStatus
from venture.orgs.services import check_code, invite_member
from venture.orgs.services.organizations import AUDITED_FIELDS, check_profile, local_today
from venture.reports import xlsx
from venture.reports.xlsx import ImportColumn, RowError


def _code(value) -> object:
    return check_code(xlsx.cell_text(value).upper())  # a ValidationError says what is wrong


def _past_date(value):
    day = xlsx.parse_date(value)
    if day > local_today():
        raise ValueError(_("This date is in the future."))
    return day


RATINGS = {
    "5A": Rating.A5,
    "4A": Rating.A4,
    "3A": Rating.A3,
    "2A": Rating.A2,
    "1A": Rating.A1,
    "无": Rating.NONE,
    "未评估": Rating.NONE,
    "none": Rating.NONE,
}
INSPECTIONS = {
    "合格": InspectionResult.QUALIFIED,
    "基本合格": InspectionResult.BASIC,
    "不合格": InspectionResult.UNQUALIFIED,
    "未参检": InspectionResult.NOT_INSPECTED,
    "qualified": InspectionResult.QUALIFIED,
    "basically qualified": InspectionResult.BASIC,
    "unqualified": InspectionResult.UNQUALIFIED,
    "not inspected": InspectionResult.NOT_INSPECTED,
}
PARTY = {
    "单独建立": PartyOrg.INDEPENDENT,
    "联合建立": PartyOrg.JOINT,
    "未建立": PartyOrg.NONE,
    "independent": PartyOrg.INDEPENDENT,
    "joint": PartyOrg.JOINT,
    "none": PartyOrg.NONE,
}

COLUMNS = [
    ImportColumn(
        "name",
        ("机构名称", "Organization name"),
        xlsx.parse_text(200),
        example="澧阳市春晖社会工作服务中心",
    ),
    ImportColumn(
        "uscc",
        ("统一社会信用代码", "Unified social credit code"),
        _code,
        example="52439901MJ00000110",
    ),
    ImportColumn(
        "registration_authority",
        ("登记管理机关", "Registration authority"),
        xlsx.parse_text(200),
        example="澧阳市民政局",
    ),
    ImportColumn(
        "registration_date", ("登记日期", "Registration date"), _past_date, example="2019-03-01"
    ),
    ImportColumn(
        "legal_representative",
        ("法定代表人", "Legal representative"),
        xlsx.parse_text(100),
        example="王强",
    ),
    ImportColumn(
        "contact_name", ("联系人", "Contact person"), xlsx.parse_text(100), example="李梅"
    ),
    ImportColumn(
        "contact_phone", ("联系电话", "Contact phone"), xlsx.parse_text(30), example="13900000000"
    ),
    ImportColumn(
        "contact_email",
        ("联系邮箱", "Contact email"),
        xlsx.parse_email,
        required=False,
        example="org@example.org",
    ),
    ImportColumn(
        "address",
        ("地址", "Address"),
        xlsx.parse_text(300),
        required=False,
        example="澧阳市城东区丹桂路1号",
    ),
    ImportColumn(
        "rating",
        ("评估等级", "Rating grade"),
        xlsx.parse_choice(RATINGS),
        required=False,
        example="4A",
    ),
    ImportColumn(
        "rating_date",
        ("评估日期", "Date of the rating"),
        _past_date,
        required=False,
        example="2023-06-30",
    ),
    ImportColumn(
        "annual_inspection",
        ("年检结论", "Annual inspection result"),
        xlsx.parse_choice(INSPECTIONS),
        required=False,
        example="合格",
    ),
    ImportColumn(
        "annual_inspection_year",
        ("年检年度", "Year of the annual inspection"),
        xlsx.parse_int,
        required=False,
        example=2024,
    ),
    ImportColumn(
        "charter_scope",
        ("业务范围", "Business scope"),
        xlsx.parse_text(5000),
        required=False,
        example="为老服务、社区服务",
    ),
    ImportColumn(
        "party_org",
        ("党组织", "Party organization"),
        xlsx.parse_choice(PARTY),
        required=False,
        example="联合建立",
    ),
    ImportColumn(
        "party_members", ("党员人数", "Party members"), xlsx.parse_int, required=False, example=3
    ),
    ImportColumn("bank_name", ("开户银行", "Bank"), xlsx.parse_text(200), required=False),
    ImportColumn(
        "bank_account_name", ("账户名称", "Account name"), xlsx.parse_text(200), required=False
    ),
    ImportColumn(
        "bank_account", ("银行账号", "Account number"), xlsx.parse_text(40), required=False
    ),
    ImportColumn(
        "member_email",
        ("成员邮箱", "Member email"),
        xlsx.parse_email,
        required=False,
        example="member@example.org",
    ),
]


@dataclass
class OrgRow:
    row: int
    values: dict
    checked: object  # CheckedCode
    member_email: str | None


def template_bytes() -> bytes:
    return xlsx.template_bytes(
        COLUMNS,
        _("Organizations"),
        notes=(
            _("One organization per row; only the first sheet is imported."),
            _(
                "Required: organization name, unified social credit code, registration authority and date, legal "
                "representative, contact person and phone. The other columns may stay empty."
            ),
            _(
                "The code must be a valid civil-affairs code (starting with 5) that is not registered on the platform yet."
            ),
            _(
                "Dates as YYYY-MM-DD. Rating grade: 5A, 4A, 3A, 2A, 1A or 无 (with the date of the rating). Annual "
                "inspection: 合格, 基本合格, 不合格 or 未参检 (with its year). Party organization: 单独建立, 联合建立 or 未建立."
            ),
            _(
                "The organizations are created as verified by you. A member email invites that person into the "
                "organization (an applicant account)."
            ),
        ),
    )


def read_organizations(data: bytes) -> tuple[list[OrgRow], list[RowError], list[str]]:
    """Parse and check every row; nothing is stored here. Returns the good rows, every
    error of every row (a row with a bad cell is still checked for duplicates, for what
    exists already and against the form's rules, so one upload shows them all), and the
    warnings (columns the import does not read)."""
    result = xlsx.read_rows(data, COLUMNS)
    errors = list(result.errors)
    column = {c.key: result.column_name(c.key, COLUMNS) for c in COLUMNS}
    failed_cells = {(e.row, e.column) for e in errors}
    rows: list[OrgRow] = []
    candidates: list[
        tuple[int, object, str | None]
    ] = []  # (row, checked code or None, member email)
    first_row_of: dict[str, int] = {}
    for number, v in result.partial:
        ok = not any(row == number for row, _column in failed_cells)
        checked = v.get("uscc")
        if checked is not None:
            if checked.code in first_row_of:
                errors.append(
                    RowError(
                        number,
                        column["uscc"],
                        _(
                            "The code %(code)s appears already in row %(row)d.",
                            code=checked.code,
                            row=first_row_of[checked.code],
                        ),
                    )
                )
                ok, checked = False, None
            else:
                first_row_of[checked.code] = number
        profile = {key: v.get(key) for key in v if key not in ("uscc", "member_email")}
        profile["uscc"] = checked.code if checked is not None else ""
        values, problems = check_profile(profile)  # the registration form's rules, every field
        for problem in problems:
            name = column.get(problem.field, "")
            if (number, name) not in failed_cells:  # a cell that did not parse is reported once
                errors.append(RowError(number, name, str(problem.message)))
                ok = False
        candidates.append((number, checked, v.get("member_email")))
        if ok:
            rows.append(OrgRow(number, values, checked, v.get("member_email")))
    errors.extend(_against_the_database(candidates, column))
    if not result.partial and not errors:
        errors.append(RowError(2, "", _("The sheet has no organizations under the header.")))
    return rows, xlsx.sort_errors(errors, [column[c.key] for c in COLUMNS]), result.warnings


def _against_the_database(
    candidates: list[tuple[int, object, str | None]], column: dict
) -> list[RowError]:
    codes = [checked.code for _row, checked, _email in candidates if checked is not None]
    registered = (
        set(db.session.scalars(sa.select(Organization.uscc).where(Organization.uscc.in_(codes))))
        if codes
        else set()
    )
    emails = [email for _row, _checked, email in candidates if email]
    roles = (
        dict(
            db.session.execute(sa.select(User.email, User.role).where(User.email.in_(emails))).all()
        )
        if emails
        else {}
    )
    errors = []
    for row, checked, email in candidates:
        if checked is not None and checked.code in registered:
            errors.append(
                RowError(
                    row,
                    column["uscc"],
                    _(
                        "An organization with the code %(code)s is registered already.",
                        code=checked.code,
                    ),
                )
            )
        if email and roles.get(email, Role.APPLICANT) != Role.APPLICANT:
            errors.append(
                RowError(
                    row,
                    column["member_email"],
                    _(
                        "%(email)s belongs to a judge, liaison or organizer account; only applicant "
                        "accounts can be members of an organization.",
                        email=email,
                    ),
                )
            )
    return errors


@dataclass
class OrgImportSummary:
    organizations: list[Organization]
    invited: int
    warnings: list[str]


@service
def import_organizations(upload, *, actor, locale: str = "zh_CN") -> OrgImportSummary:
    """Create every organization of the sheet as verified, or none of them."""
    stored = store_upload(upload, user=actor, allowed_kinds=("excel",), max_bytes=5 * MB)
    rows, errors, warnings = read_organizations(path_of(stored).read_bytes())
    if errors:
        raise xlsx.ImportRejected(errors, warnings=warnings)
    now = utcnow()
    created, invited = [], 0
    for r in rows:
        org = Organization(
            **r.values,
            org_type=r.checked.org_type,
            region_code=r.checked.region_code,
            verification_status=VerificationStatus.VERIFIED,
            verified_at=now,
            verified_by_id=actor.id,
            unverified_fields=[],
            created_by_id=actor.id,
        )
        db.session.add(org)
        db.session.flush()
        record(
            "orgs.import",
            org,
            actor=actor,
            changes={
                **{
                    f: [None, v]
                    for f, v in snapshot(org, AUDITED_FIELDS).items()
                    if v not in (None, "")
                },
                "verification_status": [None, VerificationStatus.VERIFIED],
                "file": [None, stored.original_name],
                "row": [None, r.row],
            },
        )
        if r.member_email:
            invite_member(org, actor=actor, email=r.member_email, locale=locale)
            invited += 1
        created.append(org)
    return OrgImportSummary(created, invited, warnings)
