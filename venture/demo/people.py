"""The demo's people: organizers, judges, applicants and community liaisons."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for

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
# English gloss, the page it starts on and the button or link (English source string)
# waiting there. Kept in step with the demo story: tests/integration/test_demo_story.py
# opens every page as its role, the browser tests walk the paths.
@dataclass(frozen=True)
class FirstStep:
    role: str
    email: str | None  # None: a visitor, not logged in
    hint: str
    gloss: str
    where: str  # a function of this module: () -> the page's path, or None
    action: str  # what the page offers to do (an English msgid)
    before: str = ""  # a step of another role that must come first (said in the hint)


HINTS = [
    FirstStep(
        "主办方 organizer",
        "organizer@demo.venture",
        "今天下午路演：评审排名 →「澧阳市2026年社区微创投」→ 网络评审「立即计算」；再到「路演控制台」→"
        "「开始路演」，点「下一个」让专家现场打分，最后回到评审排名计算路演",
        "The WCT2026 roadshow is this afternoon: compute its online review in Rankings, then in the control "
        "room start the roadshow and move to the next project; then compute the roadshow",
        "_roadshow_control",
        "Start the session",
    ),
    FirstStep(
        "主办方 organizer",
        "organizer@demo.venture",
        "公示期内：「澧阳市城东区2026年社区公益创投」有一条异议待答复，写答复后「发送答复」；公示期满后才能确认最终结果",
        "CD2026 is on public notice: one objection waits for your answer; results become final after the "
        "notice period",
        "_open_objection",
        "Send the answer",
    ),
    FirstStep(
        "主办方 organizer",
        "organizer@demo.venture",
        "资格审查：「澧阳市城西区2026年社区公益创投」申报已截止，逐份审查后「通过」「退回修改」或「不予通过」，自动检查全部合格的可批量通过",
        "CX2026's call has closed: screen the submitted applications (pass, return for amendment, reject)",
        "_screening",
        "Pass the selected applications whose checks are all green",
    ),
    FirstStep(
        "评审专家 judge",
        "judge1@demo.venture",
        "用手机（或窄窗口）登录；主办方开始路演后，首页点「路演进行中：2026年社区微创投项目路演」，"
        "确认无利益冲突后为台上项目打分",
        "On a phone: once the organizer starts the WCT2026 roadshow, open it from the home page and score the "
        "project on stage",
        "_roadshow_live",
        "I confirm I have no conflict of interest",
        before="_roadshow_control",
    ),
    FirstStep(
        "评审专家 judge",
        "judge2@demo.venture",
        "网络评审进行中：「我的评审」→「澧阳市湖滨区2026年公益微创投」的申报书「评分」（匿名评审）",
        "HB2026's online review is open: score the blind applications waiting under My reviews",
        "_my_reviews",
        "Score now",
    ),
    FirstStep(
        "评审专家 judge",
        "judge7@demo.venture",
        "最严格的评委：「我的评审」里是他的评分表；主办方在 评审排名 → 2025年公益创投大赛 → 网络评审「查看排名」→"
        "「评审专家」一栏可见他的严格度为负（比其他专家平均低约 7 分）",
        "The harsh judge: his sheets are under My reviews; the organizer sees his severity (about −7) in the "
        "GY2025 online-review ranking, section Judges",
        "_my_reviews",
        "Open",
    ),
    FirstStep(
        "申报机构 applicant",
        "applicant@demo.venture",
        "「资助项目」→ 夕阳红·长者守望互助计划：最后一期进度报告已延期到本周，「添加活动」后「提交报告」；"
        "「我的申报」里还有二期草稿（2027年度大赛正在征集）和一份被退回待修改的申报",
        "Funded projects: the last progress report (extended to this week): add an activity and submit it; "
        "My applications: finish the GY2027 draft, amend and re-submit the returned application",
        "_open_report",
        "Add an activity",
    ),
    FirstStep(
        "社区联络员 liaison",
        "liaison@demo.venture",
        "「社区项目」→ 待确认的活动记录「确认或提出异议」",
        "Projects in my communities: confirm or dispute the activity records waiting for you",
        "_liaison",
        "Confirm or dispute",
    ),
    FirstStep(
        "公众（无需登录）",
        None,
        "「结果公示」→ 澧阳市城东区2026年社区公益创投：公示期内「提出异议」；澧阳市2025年公益创投大赛已公布最终结果，"
        "可下载评分表自行复算（venture rank）",
        "Public notices: object to CD2026's proposed results while its notice is open; GY2025's results are "
        "final: download the score sheets and recompute them",
        "_public_notice",
        "File an objection",
    ),
]


def first_step_path(step: FirstStep) -> str | None:
    """The path of the page a step starts on, in the seeded demo (needs a request context)."""
    return globals()[step.where]()


def _competition_id(prefix: str) -> int | None:
    from venture.competitions.models import Competition

    return db.session.scalar(sa.select(Competition.id).where(Competition.code_prefix == prefix))


def _session():
    from venture.competitions.models import Stage, StageKind
    from venture.judging.models import RoadshowSession

    return db.session.scalar(
        sa.select(RoadshowSession)
        .join(Stage, Stage.id == RoadshowSession.stage_id)
        .where(Stage.competition_id == _competition_id("WCT2026"), Stage.kind == StageKind.ROADSHOW)
        .order_by(RoadshowSession.id)
        .limit(1)
    )


def _roadshow_control():
    session = _session()
    return url_for("judging.roadshow_control", session_id=session.id) if session else None


def _roadshow_live():
    session = _session()
    return url_for("judging.roadshow_live", session_id=session.id) if session else None


def _open_objection():
    from venture.results.models import Objection, ObjectionStatus

    competition_id = _competition_id("CD2026")
    objection_id = db.session.scalar(
        sa.select(Objection.id)
        .where(Objection.competition_id == competition_id, Objection.status == ObjectionStatus.OPEN)
        .order_by(Objection.id)
        .limit(1)
    )
    return (
        url_for(
            "results.objection_detail", competition_id=competition_id, objection_id=objection_id
        )
        if objection_id
        else None
    )


def _screening():
    competition_id = _competition_id("CX2026")
    return url_for("screening.index", competition_id=competition_id) if competition_id else None


def _my_reviews():
    return url_for("judging.dashboard")


def _open_report():
    from venture.followup.models import ProgressReport, Project, ReportStatus
    from venture.orgs.models import Membership

    report_id = db.session.scalar(
        sa.select(ProgressReport.id)
        .join(Project, Project.id == ProgressReport.project_id)
        .join(Membership, Membership.organization_id == Project.organization_id)
        .join(User, User.id == Membership.user_id)
        .where(User.email == "applicant@demo.venture", ProgressReport.status == ReportStatus.DUE)
        .order_by(ProgressReport.due_at.desc())
        .limit(1)
    )
    return url_for("followup.report", report_id=report_id) if report_id else None


def _liaison():
    return url_for("followup.liaison_home")


def _public_notice():
    competition_id = _competition_id("CD2026")
    return (
        url_for("results.public_notice", competition_id=competition_id) if competition_id else None
    )


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
        user = User(
            email=email,
            name=name,
            role=role,
            password_hash=_password_hash(),
            email_verified_at=utcnow(),
            locale="zh_CN",
        )
        db.session.add(user)
        db.session.flush()
    return user


def seed() -> bool:
    existed = (
        db.session.scalar(sa.select(User.id).where(User.email == ORGANIZERS[0][0])) is not None
    )
    for email, name, _role in ORGANIZERS:
        ensure_user(email, name, Role.ORGANIZER)
    for email, name in JUDGES:
        ensure_user(email, name, Role.JUDGE)
    for email, name in APPLICANTS:
        ensure_user(email, name, Role.APPLICANT)
    for email, name in LIAISONS:
        ensure_user(email, name, Role.LIAISON)
    return not existed


ROLE_NAMES = {
    Role.ORGANIZER: "主办方 organizer",
    Role.JUDGE: "评审专家 judge",
    Role.APPLICANT: "申报机构 applicant",
    Role.LIAISON: "社区联络员 liaison",
}


@dataclass(frozen=True)
class OtherAccount:
    role: str
    email: str
    name: str
    covers: str  # a liaison's communities, an applicant's organizations ("" otherwise)


def other_accounts() -> list[OtherAccount]:
    """Every account the demo seeded that no first step names (e.g. liaison2, who covers
    东湖社区): printed too, so every seeded login can be found."""
    from venture.orgs.models import Area, Membership, Organization, community_liaison

    named = {step.email for step in HINTS if step.email}  # NOT IN with a NULL matches nothing
    users = db.session.scalars(
        sa.select(User).where(User.email.not_in(named)).order_by(User.role, User.email)
    )
    communities: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
        sa.select(community_liaison.c.user_id, Area.name)
        .join(Area, Area.id == community_liaison.c.area_id)
        .order_by(Area.name)
    ):
        communities.setdefault(user_id, []).append(name)
    organizations: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
        sa.select(Membership.user_id, Organization.name)
        .join(Organization, Organization.id == Membership.organization_id)
        .order_by(Organization.name)
    ):
        organizations.setdefault(user_id, []).append(name)
    return [
        OtherAccount(
            ROLE_NAMES.get(u.role, str(u.role)),
            u.email,
            u.name,
            "、".join(communities.get(u.id) or organizations.get(u.id) or []),
        )
        for u in users
    ]


def login_table(base_url: str = "") -> list[tuple[FirstStep, str | None]]:
    """Each first step with the address of its page (None when the demo lacks it)."""
    from flask import current_app

    with current_app.test_request_context():
        return [
            (step, (base_url.rstrip("/") + path) if (path := first_step_path(step)) else None)
            for step in HINTS
        ]
