"""The judge pool (专家库): profiles, declared ties, invitations one by one or from xlsx."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.accounts.models import Role, User
from venture.accounts.services import invite_user
from venture.audit.services import changes_between, record, snapshot
from venture.db import service
from venture.errors import Conflict, NotFound, ValidationError
from venture.extensions import db
from venture.files.services import path_of, store_upload
from venture.judging.models import JudgeProfile, JudgeTie, TieKind
from venture.judging.services.conflicts import apply_new_conflicts
from venture.orgs.models import Organization
from venture.orgs.uscc import is_valid_uscc, normalize
from venture.reports import xlsx
from venture.reports.xlsx import RowError

PROFILE_FIELDS = ("title", "employer", "employer_uscc", "expertise", "phone")
LIMITS = {"title": 100, "employer": 200, "phone": 30}
COMMON_EXPERTISE = [
    "为老服务",
    "助残服务",
    "儿童青少年",
    "救助帮困",
    "社区治理",
    "党建引领",
    "财务管理",
    "项目管理",
]


def split_expertise(text) -> list[str]:
    if isinstance(text, list | tuple):
        parts = text
    else:
        parts = re.split(r"[、,，;；\n]", str(text or ""))
    seen = []
    for part in (p.strip() for p in parts):
        if part and part not in seen:
            seen.append(part[:40])
    return seen


def profile_of(user: User) -> JudgeProfile | None:
    return db.session.scalar(sa.select(JudgeProfile).where(JudgeProfile.user_id == user.id))


def clean_profile(*, title="", employer="", employer_uscc="", expertise=(), phone="") -> dict:
    values = {
        "title": (title or "").strip(),
        "employer": (employer or "").strip(),
        "employer_uscc": normalize(employer_uscc or ""),
        "expertise": split_expertise(expertise),
        "phone": (phone or "").strip(),
    }
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            raise ValidationError(_("At most %(n)d characters.", n=limit), field=name)
    if values["employer_uscc"] and not is_valid_uscc(values["employer_uscc"]):
        raise ValidationError(
            _("This is not a valid 统一社会信用代码 (18 characters, check character last)."),
            field="employer_uscc",
        )
    return values


@service
def invite_judge(
    *, email: str, name: str, invited_by: User, locale: str = "zh_CN", **profile
) -> User:
    """Invite a judge by email (they choose a password from the link) with their profile."""
    values = clean_profile(**profile)
    user = invite_user(
        email=email, name=name, role=Role.JUDGE, invited_by=invited_by, locale=locale
    )
    if values["phone"] and not user.phone:
        user.phone = values["phone"]
    row = profile_of(user)
    if row is None:
        row = JudgeProfile(user_id=user.id)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    record(
        "judging.profile", row, actor=invited_by, changes={k: [None, v] for k, v in values.items()}
    )
    return user


@service
def update_profile(user: User, actor: User, **profile) -> JudgeProfile:
    values = clean_profile(**profile)
    row = profile_of(user)
    if row is None:
        row = JudgeProfile(user_id=user.id)
        db.session.add(row)
        db.session.flush()
    before = snapshot(row, PROFILE_FIELDS)
    for key, value in values.items():
        setattr(row, key, value)
    changes = changes_between(before, snapshot(row, PROFILE_FIELDS))
    if changes:
        record("judging.profile", row, actor=actor, changes=changes)
        db.session.flush()
        apply_new_conflicts(user)
    return row


def find_organization(text: str) -> Organization | None:
    """An organization by its exact 统一社会信用代码 or exact name."""
    text = (text or "").strip()
    if not text:
        return None
    code = normalize(text)
    return db.session.scalar(
        sa.select(Organization)
        .where(sa.or_(Organization.uscc == code, Organization.name == text))
        .order_by(Organization.id)
        .limit(1)
    )


@service
def add_tie(user: User, organization_text: str, kind: str, note: str = "") -> JudgeTie:
    organization = find_organization(organization_text)
    if organization is None:
        raise ValidationError(
            _("No organization with this name or 统一社会信用代码 is registered."),
            field="organization",
        )
    try:
        kind = TieKind(kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of tie."), field="kind") from None
    exists = db.session.scalar(
        sa.select(JudgeTie.id).where(
            JudgeTie.judge_id == user.id,
            JudgeTie.organization_id == organization.id,
            JudgeTie.kind == kind,
        )
    )
    if exists is not None:
        raise Conflict(_("You have declared this tie already."), field="organization")
    tie = JudgeTie(
        judge_id=user.id,
        organization_id=organization.id,
        kind=kind,
        note=(note or "").strip()[:300],
    )
    db.session.add(tie)
    db.session.flush()
    record(
        "judging.tie_add",
        tie,
        actor=user,
        changes={"organization_id": organization.id, "kind": kind, "note": tie.note},
    )
    apply_new_conflicts(user)
    return tie


@service
def remove_tie(user: User, tie_id: int) -> None:
    tie = db.session.get(JudgeTie, tie_id)
    if tie is None or tie.judge_id != user.id:
        raise NotFound()
    record(
        "judging.tie_remove",
        tie,
        actor=user,
        changes={"organization_id": tie.organization_id, "kind": tie.kind},
    )
    db.session.delete(tie)


def profiles_for(users) -> dict[int, JudgeProfile]:
    ids = [u.id for u in users]
    if not ids:
        return {}
    return {
        p.user_id: p
        for p in db.session.scalars(sa.select(JudgeProfile).where(JudgeProfile.user_id.in_(ids)))
    }


# --- import from xlsx ----------------------------------------------------------------------
# Reading, the template and the error report are the shared ones (venture.reports.xlsx);
# this part adds the pool's rules: valid and new email addresses, valid employer codes.


def _employer_code(value) -> str:
    code = normalize(xlsx.cell_text(value))
    if code and not is_valid_uscc(code):
        raise ValueError(_("%(code)s is not a valid 统一社会信用代码.", code=code))
    return code


COLUMNS = [
    xlsx.ImportColumn("name", ("姓名", "Name"), xlsx.parse_text(100), example="陈晓东"),
    xlsx.ImportColumn(
        "email", ("邮箱", "Email", "电子邮箱"), xlsx.parse_email, example="chen@example.org"
    ),
    xlsx.ImportColumn(
        "title", ("职称", "Title"), xlsx.parse_text(100), required=False, example="副教授"
    ),
    xlsx.ImportColumn(
        "employer",
        ("工作单位", "Employer"),
        xlsx.parse_text(200),
        required=False,
        example="澧阳学院",
    ),
    xlsx.ImportColumn(
        "employer_uscc", ("单位统一社会信用代码", "Employer code"), _employer_code, required=False
    ),
    xlsx.ImportColumn(
        "expertise",
        ("专长领域", "Expertise"),
        split_expertise,
        required=False,
        example="为老服务、社区治理",
    ),
    xlsx.ImportColumn(
        "phone", ("电话", "Phone"), xlsx.parse_text(30), required=False, example="13800000000"
    ),
]
IMPORT_COLUMNS = [c.names[0] for c in COLUMNS]


@dataclass
class ImportRow:
    row: int
    name: str
    email: str
    profile: dict = field(default_factory=dict)


class ImportRejected(xlsx.ImportRejected):
    """Some rows are wrong: nothing was imported."""


def import_template() -> bytes:
    return xlsx.template_bytes(
        COLUMNS,
        _("Judges"),
        notes=(
            _("One judge per row; keep the column names of the first row."),
            _(
                "Name and email are required; an email may not belong to an existing account or appear twice."
            ),
            _(
                "Employer code: the 18-character unified social credit code, optional; when given it must be valid."
            ),
            _("Expertise: several areas separated by 、 or commas, e.g. 为老服务、社区治理."),
            _("Each judge receives an invitation email to set a password."),
        ),
    )


def read_import(data: bytes) -> tuple[list[ImportRow], list[RowError], list[str]]:
    """Every row checked before anything is stored; errors by row number and column. An email
    is checked (twice in the file, an account already) even when another cell of its row is
    bad, so one upload lists every error; the warnings name columns that are not read."""
    result = xlsx.read_rows(data, COLUMNS)
    errors = list(result.errors)
    email_column = result.column_name("email", COLUMNS)
    complete = {number for number, _v in result.rows}
    parsed: list[ImportRow] = []
    emails: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for number, v in result.partial:
        email = v.get("email")
        if email is None:
            continue
        if email in seen:
            errors.append(
                RowError(
                    number,
                    email_column,
                    _("%(email)s appears already in row %(row)d.", email=email, row=seen[email]),
                )
            )
            continue
        seen[email] = number
        emails.append((number, email))
        if number in complete:
            parsed.append(
                ImportRow(
                    number,
                    v["name"],
                    email,
                    {
                        "title": v["title"] or "",
                        "employer": v["employer"] or "",
                        "employer_uscc": v["employer_uscc"] or "",
                        "expertise": v["expertise"] or [],
                        "phone": v["phone"] or "",
                    },
                )
            )
    wanted = [email for _number, email in emails]
    existing = (
        set(db.session.scalars(sa.select(User.email).where(User.email.in_(wanted))))
        if wanted
        else set()
    )
    for number, email in emails:
        if email in existing:
            errors.append(
                RowError(
                    number,
                    email_column,
                    _("An account with %(email)s exists already.", email=email),
                )
            )
    if not result.partial and not errors:
        errors.append(RowError(2, "", _("The file lists no judges.")))
    return (
        parsed,
        xlsx.sort_errors(errors, [result.column_name(c.key, COLUMNS) for c in COLUMNS]),
        result.warnings,
    )


@dataclass
class JudgeImport:
    users: list[User]
    warnings: list[str]  # columns of the file that were not read


@service
def import_judges(upload, actor: User, locale: str = "zh_CN") -> JudgeImport:
    """Import a list of judges from xlsx: all rows or none."""
    stored = store_upload(upload, user=actor, allowed_kinds=("excel",), max_bytes=5 * 1024 * 1024)
    db.session.flush()
    rows, errors, warnings = read_import(path_of(stored).read_bytes())
    if errors:
        raise ImportRejected(errors, warnings=warnings)
    users = [
        invite_judge(email=row.email, name=row.name, invited_by=actor, locale=locale, **row.profile)
        for row in rows
    ]
    record("judging.import_judges", stored, actor=actor, changes={"judges": len(users)})
    return JudgeImport(users, warnings)
