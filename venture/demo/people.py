"""The demo's people: organizers, judges, applicants and community liaisons."""

from __future__ import annotations

import sqlalchemy as sa

from venture.accounts.models import Role, User
from venture.accounts.services import hash_password
from venture.db import utcnow
from venture.extensions import db

ORGANIZERS = [
    ("organizer@demo.venture", "周明华", "organizer", "Set up and run the competition; see 竞赛 in the menu"),
]
JUDGES = [
    ("judge1@demo.venture", "陈立群", "Open 我的评审 and score on a phone-sized window"),
    ("judge2@demo.venture", "刘文静", ""),
    ("judge3@demo.venture", "王建国", ""),
    ("judge4@demo.venture", "杨晓燕", ""),
    ("judge5@demo.venture", "赵志强", ""),
    ("judge6@demo.venture", "黄丽萍", ""),
    ("judge7@demo.venture", "孙海涛", "The harsh judge: see the judging chart"),
]
APPLICANTS = [
    ("applicant@demo.venture", "李春梅", "Fill in and submit an application"),
    ("applicant2@demo.venture", "张卫东", ""),
    ("applicant3@demo.venture", "吴秀英", ""),
]
LIAISONS = [
    ("liaison@demo.venture", "郑红霞", "Confirm or dispute a project's activities"),
]

_HINTS: dict[str, tuple[str, str]] = {}


def _password_hash() -> str:
    from venture.demo import DEMO_PASSWORD

    # One hash for all demo users: argon2 is slow on purpose.
    if "hash" not in _HINTS:
        _HINTS["hash"] = (hash_password(DEMO_PASSWORD), "")
    return _HINTS["hash"][0]


def ensure_user(email: str, name: str, role: Role) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role, password_hash=_password_hash(),
                    email_verified_at=utcnow(), locale="zh_CN")
        db.session.add(user)
        db.session.flush()
    return user


def seed() -> bool:
    existed = db.session.scalar(sa.select(User.id).where(User.email == ORGANIZERS[0][0])) is not None
    for email, name, _role, _hint in ORGANIZERS:
        ensure_user(email, name, Role.ORGANIZER)
    for email, name, _hint in JUDGES:
        ensure_user(email, name, Role.JUDGE)
    for email, name, _hint in APPLICANTS:
        ensure_user(email, name, Role.APPLICANT)
    for email, name, _hint in LIAISONS:
        ensure_user(email, name, Role.LIAISON)
    return not existed


def login_table() -> list[tuple[str, str, str]]:
    rows = [("organizer / 主办方", e, h) for e, _n, _r, h in ORGANIZERS]
    rows += [("judge / 评审专家", e, h) for e, _n, h in JUDGES if h]
    rows += [("applicant / 申报机构", e, h) for e, _n, h in APPLICANTS if h]
    rows += [("liaison / 社区联络员", e, h) for e, _n, h in LIAISONS if h]
    return rows
