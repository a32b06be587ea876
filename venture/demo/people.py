"""The demo's people: organizers, judges, applicants and community liaisons."""

from __future__ import annotations

import sqlalchemy as sa

from venture.accounts.models import Role, User
from venture.accounts.services import hash_password
from venture.db import utcnow
from venture.extensions import db

ORGANIZERS = [
    ("organizer@demo.venture", "周明华", "organizer"),
]
JUDGES = [
    ("judge1@demo.venture", "陈立群"),
    ("judge2@demo.venture", "刘文静"),
    ("judge3@demo.venture", "王建国"),
    ("judge4@demo.venture", "杨晓燕"),
    ("judge5@demo.venture", "赵志强"),
    ("judge6@demo.venture", "黄丽萍"),
    ("judge7@demo.venture", "孙海涛"),
]
APPLICANTS = [
    ("applicant@demo.venture", "李春梅"),
    ("applicant2@demo.venture", "张卫东"),
    ("applicant3@demo.venture", "吴秀英"),
]
LIAISONS = [
    ("liaison@demo.venture", "郑红霞"),
]

# What each role tries first, in the words of the menus and buttons (zh_CN), with an
# English gloss. Kept in step with the demo story: the browser tests walk these paths.
HINTS = [
    ("主办方 organizer", "organizer@demo.venture",
     "评审排名 →「澧阳市2026年社区微创投」打开 → 网络评审「立即计算」；再到 评审 → 评审阶段 → 路演「路演场次」→"
     "「路演控制台」→「开始路演」，点「下一个」让专家现场打分，最后回到评审排名计算路演",
     "Rankings: compute WCT2026's online review; Judging → Scoring stages → Roadshow sessions → Control room: "
     "start the roadshow, move to the next project; then compute the roadshow"),
    ("评审专家 judge", "judge1@demo.venture",
     "用手机（或窄窗口）登录；主办方开始路演后，首页点「路演进行中：2026年社区微创投项目路演」，"
     "确认无利益冲突后为台上项目打分",
     "On a phone: once the organizer starts the WCT2026 roadshow, open it from the home page and score the "
     "project on stage"),
    ("评审专家 judge", "judge7@demo.venture",
     "最严格的评委：「我的评审」里是他的评分表；主办方在 评审排名 → 2025年公益创投大赛 → 网络评审「查看排名」→"
     "「评审专家」一栏可见他的严格度为负（比其他专家平均低约 7 分）",
     "The harsh judge: his sheets are under My reviews; the organizer sees his severity (about −7) in the "
     "GY2025 online-review ranking, section Judges"),
    ("申报机构 applicant", "applicant@demo.venture",
     "「资助项目」→ 夕阳红·长者守望互助计划：打开本期进度报告，「添加活动」后「提交报告」；"
     "「我的申报」里还有二期草稿待填写、一份被退回的申报待修改后重新提交",
     "Funded projects: add an activity to the progress report due this week and submit it; My applications: "
     "finish the draft, amend and re-submit the returned application"),
    ("社区联络员 liaison", "liaison@demo.venture",
     "「社区项目」→ 待确认的活动记录「确认或提出异议」",
     "Projects in my communities: confirm or dispute the activity records waiting for you"),
]
PUBLIC_HINT = ("公众（无需登录）", "「结果公示」→ 澧阳市2025年公益创投大赛：看公示结果、下载评分表自行复算（venture rank）",
               "Public notices: read GY2025's final results and download the score sheets to recompute them")

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
    for email, name, _role in ORGANIZERS:
        ensure_user(email, name, Role.ORGANIZER)
    for email, name in JUDGES:
        ensure_user(email, name, Role.JUDGE)
    for email, name in APPLICANTS:
        ensure_user(email, name, Role.APPLICANT)
    for email, name in LIAISONS:
        ensure_user(email, name, Role.LIAISON)
    return not existed


def login_table() -> list[tuple[str, str, str, str]]:
    """(role, email, what to try first in Chinese, the same in English) per demo login."""
    return list(HINTS)
