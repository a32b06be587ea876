"""The judge pool (专家库): profiles, declared ties, invitations one by one or from xlsx."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from io import BytesIO

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook

from venture.accounts.models import Role, User
from venture.accounts.services import invite_user, normalize_email
from venture.audit.services import changes_between, record, snapshot
from venture.db import service
from venture.errors import Conflict, NotFound, ValidationError
from venture.extensions import db
from venture.files.services import path_of, store_upload
from venture.judging.models import JudgeProfile, JudgeTie, TieKind
from venture.judging.services.conflicts import apply_new_conflicts
from venture.orgs.models import Organization
from venture.orgs.uscc import is_valid_uscc, normalize

PROFILE_FIELDS = ("title", "employer", "employer_uscc", "expertise", "phone")
LIMITS = {"title": 100, "employer": 200, "phone": 30}
COMMON_EXPERTISE = ["为老服务", "助残服务", "儿童青少年", "救助帮困", "社区治理", "党建引领", "财务管理", "项目管理"]


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
    values = {"title": (title or "").strip(), "employer": (employer or "").strip(),
              "employer_uscc": normalize(employer_uscc or ""), "expertise": split_expertise(expertise),
              "phone": (phone or "").strip()}
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            raise ValidationError(_("At most %(n)d characters.", n=limit), field=name)
    if values["employer_uscc"] and not is_valid_uscc(values["employer_uscc"]):
        raise ValidationError(_("This is not a valid 统一社会信用代码 (18 characters, check character last)."),
                              field="employer_uscc")
    return values


@service
def invite_judge(*, email: str, name: str, invited_by: User, locale: str = "zh_CN", **profile) -> User:
    """Invite a judge by email (they choose a password from the link) with their profile."""
    values = clean_profile(**profile)
    user = invite_user(email=email, name=name, role=Role.JUDGE, invited_by=invited_by, locale=locale)
    if values["phone"] and not user.phone:
        user.phone = values["phone"]
    row = profile_of(user)
    if row is None:
        row = JudgeProfile(user_id=user.id)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    record("judging.profile", row, actor=invited_by, changes={k: [None, v] for k, v in values.items()})
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
    return db.session.scalar(sa.select(Organization).where(
        sa.or_(Organization.uscc == code, Organization.name == text)).order_by(Organization.id).limit(1))


@service
def add_tie(user: User, organization_text: str, kind: str, note: str = "") -> JudgeTie:
    organization = find_organization(organization_text)
    if organization is None:
        raise ValidationError(_("No organization with this name or 统一社会信用代码 is registered."),
                              field="organization")
    try:
        kind = TieKind(kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of tie."), field="kind") from None
    exists = db.session.scalar(sa.select(JudgeTie.id).where(
        JudgeTie.judge_id == user.id, JudgeTie.organization_id == organization.id, JudgeTie.kind == kind))
    if exists is not None:
        raise Conflict(_("You have declared this tie already."), field="organization")
    tie = JudgeTie(judge_id=user.id, organization_id=organization.id, kind=kind, note=(note or "").strip()[:300])
    db.session.add(tie)
    db.session.flush()
    record("judging.tie_add", tie, actor=user, changes={"organization_id": organization.id, "kind": kind,
                                                        "note": tie.note})
    apply_new_conflicts(user)
    return tie


@service
def remove_tie(user: User, tie_id: int) -> None:
    tie = db.session.get(JudgeTie, tie_id)
    if tie is None or tie.judge_id != user.id:
        raise NotFound()
    record("judging.tie_remove", tie, actor=user, changes={"organization_id": tie.organization_id,
                                                           "kind": tie.kind})
    db.session.delete(tie)


def profiles_for(users) -> dict[int, JudgeProfile]:
    ids = [u.id for u in users]
    if not ids:
        return {}
    return {p.user_id: p for p in db.session.scalars(sa.select(JudgeProfile).where(JudgeProfile.user_id.in_(ids)))}


def pool_query(q: str | None = None, expertise: str | None = None):
    query = (sa.select(User).outerjoin(JudgeProfile, JudgeProfile.user_id == User.id)
             .where(User.role == Role.JUDGE).order_by(User.active.desc(), User.name, User.id))
    if q:
        like = f"%{q.strip()}%"
        query = query.where(sa.or_(User.name.ilike(like), User.email.ilike(like), JudgeProfile.employer.ilike(like)))
    if expertise:
        # The JSON list is stored as text, with non-ASCII escaped (\uXXXX): match the quoted item.
        text = sa.cast(JudgeProfile.expertise, sa.String)
        item = expertise.strip()
        query = query.where(sa.or_(text.contains(json.dumps(item), autoescape=True),
                                   text.contains(json.dumps(item, ensure_ascii=False), autoescape=True)))
    return query


# --- import from xlsx ----------------------------------------------------------------------

IMPORT_COLUMNS = ["姓名", "邮箱", "职称", "工作单位", "单位统一社会信用代码", "专长领域", "电话"]
REQUIRED_COLUMNS = ["姓名", "邮箱"]


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    row: int
    name: str
    email: str
    profile: dict = field(default_factory=dict)


class ImportRejected(ValidationError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(_("Nothing was imported: %(count)d problem(s) in the file.", count=len(errors)))


def import_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "评审专家"
    ws.append(IMPORT_COLUMNS)
    for column, width in zip("ABCDEFG", (12, 28, 14, 28, 24, 28, 16), strict=True):
        ws.column_dimensions[column].width = width
    notes = wb.create_sheet("填写说明")
    for line in ("每行一位评审专家；第一行为列名，请勿修改。",
                 "姓名、邮箱为必填；邮箱不得与已有账户或本表其他行重复。",
                 "单位统一社会信用代码：18位，可不填；填写时须为有效代码。",
                 "专长领域：多个领域用顿号（、）或逗号分隔，例如：为老服务、社区治理。",
                 "导入后系统向每位专家发送邀请邮件，专家通过邮件链接设置密码。"):
        notes.append([line])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_import(path) -> tuple[list[ImportRow], list[RowError]]:
    """Every row checked before anything is stored; errors by row number and column."""
    try:
        with open(path, "rb") as handle:  # stored without an extension: give openpyxl the bytes
            wb = load_workbook(BytesIO(handle.read()), read_only=True, data_only=True)
    except Exception:
        return [], [RowError(0, "", _("The file could not be read as an Excel workbook (.xlsx)."))]
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        return [], [RowError(1, "", _("The sheet is empty."))]
    header = [_cell(v) for v in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [RowError(1, c, _("The column %(column)s is missing.", column=c)) for c in missing]
    index = {name: header.index(name) for name in IMPORT_COLUMNS if name in header}
    errors: list[RowError] = []
    parsed: list[ImportRow] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows[1:], start=2):
        cells = {name: _cell(values[i]) if i < len(values) else "" for name, i in index.items()}
        if not any(cells.values()):
            continue
        row_errors = _check_row(number, cells, seen)
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(ImportRow(number, cells["姓名"], normalize_email(cells["邮箱"]), {
                "title": cells.get("职称", ""), "employer": cells.get("工作单位", ""),
                "employer_uscc": normalize(cells.get("单位统一社会信用代码", "")),
                "expertise": split_expertise(cells.get("专长领域", "")), "phone": cells.get("电话", "")}))
    emails = [r.email for r in parsed]
    existing = set(db.session.scalars(sa.select(User.email).where(User.email.in_(emails)))) if emails else set()
    for row in parsed:
        if row.email in existing:
            errors.append(RowError(row.row, "邮箱", _("An account with %(email)s exists already.", email=row.email)))
    if not parsed and not errors:
        errors.append(RowError(2, "", _("The file lists no judges.")))
    errors.sort(key=lambda e: (e.row, IMPORT_COLUMNS.index(e.column) if e.column in IMPORT_COLUMNS else 99))
    return parsed, errors


def _check_row(number: int, cells: dict, seen: dict[str, int]) -> list[RowError]:
    errors = []
    if not cells.get("姓名"):
        errors.append(RowError(number, "姓名", _("The name is required.")))
    elif len(cells["姓名"]) > 100:
        errors.append(RowError(number, "姓名", _("At most %(n)d characters.", n=100)))
    email = normalize_email(cells.get("邮箱", ""))
    if not email:
        errors.append(RowError(number, "邮箱", _("The email address is required.")))
    else:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            errors.append(RowError(number, "邮箱", _("%(email)s is not a valid email address.", email=email)))
        else:
            if email in seen:
                errors.append(RowError(number, "邮箱", _("%(email)s appears already in row %(row)d.", email=email,
                                                         row=seen[email])))
            else:
                seen[email] = number
    code = normalize(cells.get("单位统一社会信用代码", ""))
    if code and not is_valid_uscc(code):
        errors.append(RowError(number, "单位统一社会信用代码",
                               _("%(code)s is not a valid 统一社会信用代码.", code=code)))
    for column, limit in (("职称", 100), ("工作单位", 200), ("电话", 30)):
        if len(cells.get(column, "")) > limit:
            errors.append(RowError(number, column, _("At most %(n)d characters.", n=limit)))
    return errors


@service
def import_judges(upload, actor: User, locale: str = "zh_CN") -> list[User]:
    """Import a list of judges from xlsx: all rows or none."""
    stored = store_upload(upload, user=actor, allowed_kinds=("excel",), max_bytes=5 * 1024 * 1024)
    db.session.flush()
    rows, errors = read_import(path_of(stored))
    if errors:
        raise ImportRejected(errors)
    users = [invite_judge(email=row.email, name=row.name, invited_by=actor, locale=locale, **row.profile)
             for row in rows]
    record("judging.import_judges", stored, actor=actor, changes={"judges": len(users)})
    return users
