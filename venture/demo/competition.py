"""Demo: the three competitions of 澧阳市 and their applications in every status.

GY2025 is finished, WCT2026 is in its roadshow, GY2027 accepts applications now.
Builds on the organizations and communities of venture/demo/places.py; without them
it adds nothing. Runs once: it checks for GY2027 first.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from venture.applications.models import (
    Application,
    ApplicationRevision,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    BudgetLine,
    PlanMilestone,
    TeamMember,
)
from venture.applications.snapshot import build_snapshot
from venture.competitions.models import (
    STAGE_ORDER,
    AdvanceRule,
    BudgetLineRule,
    Category,
    Competition,
    CompetitionStatus,
    Method,
    Rubric,
    RubricCriterion,
    Stage,
    StageKind,
)
from venture.competitions.services import DEFAULT_BUDGET_RULES
from venture.db import utcnow
from venture.demo import competition_texts as texts
from venture.extensions import db
from venture.orgs.models import Area, AreaLevel, Membership, Organization, Qualification
from venture.templating import LOCAL_TZ

S = ApplicationStatus
CATEGORIES = ["为老服务", "助残服务", "儿童青少年", "社区治理", "党建引领"]
# Money per competition: the category budgets (万元, in CATEGORIES' order), the cap per
# project and the amounts applications ask for (元). The budgets fund about two thirds
# of the shortlisted projects: the funding line leaves good projects on the waiting list.
MONEY = {
    "GY2025": {
        "budgets": (30, 20, 20, 20, 15),
        "cap": 100_000,
        "asks": range(50_000, 100_001, 10_000),
    },
    "WCT2026": {"budgets": (8, 6, 6, 6, 4), "cap": 30_000, "asks": range(10_000, 30_001, 5_000)},
    "GY2027": {
        "budgets": (40, 30, 30, 25, 15),
        "cap": 100_000,
        "asks": range(50_000, 100_001, 10_000),
    },
    "CD2026": {"budgets": (6, 5, 5, 5, 3), "cap": 50_000, "asks": range(20_000, 50_001, 5_000)},
    "CX2026": {"budgets": (6, 5, 5, 5, 3), "cap": 50_000, "asks": range(20_000, 50_001, 5_000)},
    "HB2026": {"budgets": (6, 5, 5, 5, 3), "cap": 50_000, "asks": range(20_000, 50_001, 5_000)},
}
RUBRICS = {
    StageKind.ONLINE_REVIEW: (
        "专家评审评分表",
        [
            ("需求分析", 15),
            ("项目设计", 20),
            ("可行性", 15),
            ("创新性", 10),
            ("预算合理性", 15),
            ("机构能力", 15),
            ("社会效益", 10),
        ],
    ),
    StageKind.ROADSHOW: (
        "路演评分表",
        [("项目陈述", 30), ("答辩表现", 30), ("可持续性", 20), ("团队能力", 20)],
    ),
    StageKind.MIDTERM: (
        "中期评估评分表",
        [("项目实施", 30), ("人力物资投入", 20), ("财务管理", 20), ("项目成效", 30)],
    ),
    StageKind.FINAL: (
        "结项评估评分表",
        [("项目实施", 30), ("人力物资投入", 20), ("财务管理", 20), ("项目成效", 30)],
    ),
}
TIE_BREAKS = [
    {"kind": "stage", "stage": "roadshow"},
    {"kind": "criterion", "name": "需求分析", "stage": "online_review"},
    {"kind": "requested_amount"},
    {"kind": "submitted_at"},
]
# How many applications of each status each competition holds.
PLAN = {
    "GY2025": {S.PASSED: 32, S.REJECTED: 4},
    "WCT2026": {S.PASSED: 24, S.REJECTED: 4},
    "GY2027": {
        S.DRAFT: 7,
        S.SUBMITTED: 12,
        S.RETURNED: 4,
        S.PASSED: 10,
        S.REJECTED: 3,
        S.WITHDRAWN: 3,
    },
    # The districts' own rounds, each caught in the stage a visitor should try today.
    "CD2026": {S.PASSED: 12, S.REJECTED: 2},  # 公示 open now
    "HB2026": {S.PASSED: 12, S.REJECTED: 2},  # online review in progress
    "CX2026": {S.SUBMITTED: 9, S.PASSED: 3, S.RETURNED: 1, S.REJECTED: 1},  # screening now
}
# The district rounds: (prefix, name, theme, district, days from today of each stage's first
# and last day). Stages open at 09:00 and close at 17:00 local time.
DISTRICT_ROUNDS = [
    (
        "CD2026",
        "澧阳市城东区2026年社区公益创投",
        "邻里守望，共建共享",
        "城东区",
        {
            StageKind.APPLICATION: (-100, -70),
            StageKind.SCREENING: (-69, -60),
            StageKind.ONLINE_REVIEW: (-55, -35),
            StageKind.ROADSHOW: (-20, -18),
            StageKind.PUBLICITY: (-2, 5),
            StageKind.AGREEMENT: (10, 25),
            StageKind.IMPLEMENTATION: (26, 390),
            StageKind.MIDTERM: (200, 215),
            StageKind.FINAL: (395, 455),
        },
    ),
    (
        "HB2026",
        "澧阳市湖滨区2026年公益微创投",
        "小项目，大温暖",
        "湖滨区",
        {
            StageKind.APPLICATION: (-60, -35),
            StageKind.SCREENING: (-34, -25),
            StageKind.ONLINE_REVIEW: (-7, 7),
            StageKind.ROADSHOW: (14, 15),
            StageKind.PUBLICITY: (20, 27),
            StageKind.AGREEMENT: (30, 45),
            StageKind.IMPLEMENTATION: (46, 410),
            StageKind.MIDTERM: (220, 235),
            StageKind.FINAL: (415, 475),
        },
    ),
    (
        "CX2026",
        "澧阳市城西区2026年社区公益创投",
        "三社联动，服务为民",
        "城西区",
        {
            StageKind.APPLICATION: (-30, -3),
            StageKind.SCREENING: (-2, 7),
            StageKind.ONLINE_REVIEW: (10, 25),
            StageKind.ROADSHOW: (32, 33),
            StageKind.PUBLICITY: (40, 47),
            StageKind.AGREEMENT: (50, 60),
            StageKind.IMPLEMENTATION: (61, 425),
            StageKind.MIDTERM: (240, 255),
            StageKind.FINAL: (430, 490),
        },
    ),
]


def _cst(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ).astimezone(UTC)


def local_at(now: datetime, days: int, hour: int = 9, minute: int = 0) -> datetime:
    """``hour``:``minute`` local time, ``days`` days from ``now``'s local day, in UTC: every
    date the demo sets is a sensible office time, whenever the demo runs."""
    day = now.astimezone(LOCAL_TZ).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


def _relative_stages(now, offsets):
    """Stages from days relative to today: open at 09:00 on the first day, close at 17:00 on the last."""
    return {k: (local_at(now, a, 9), local_at(now, b, 17)) for k, (a, b) in offsets.items()}


def _shift_days(dates, days: int):
    """Move fixed dates by whole days, so their local times (09:00, 17:00) stay."""
    return {k: (a + timedelta(days=days), b + timedelta(days=days)) for k, (a, b) in dates.items()}


def _stages_gy2025(now):
    """GY2025's calendar, placed so that today falls in its final evaluation (結项评估): the
    projects' twelve months of work ended about six weeks ago, the mid-term is long past,
    and the results were published a year and a half ago."""
    dates = {
        StageKind.APPLICATION: (_cst(2025, 3, 1, 9), _cst(2025, 3, 31, 17)),
        StageKind.SCREENING: (_cst(2025, 4, 1, 9), _cst(2025, 4, 10, 17)),
        StageKind.ONLINE_REVIEW: (_cst(2025, 4, 11, 9), _cst(2025, 4, 30, 17)),
        StageKind.ROADSHOW: (_cst(2025, 5, 10, 9), _cst(2025, 5, 20, 17)),
        StageKind.PUBLICITY: (_cst(2025, 6, 3, 9), _cst(2025, 6, 10, 9)),
        StageKind.AGREEMENT: (_cst(2025, 7, 1, 9), _cst(2025, 7, 15, 17)),
        StageKind.IMPLEMENTATION: (_cst(2025, 7, 15, 9), _cst(2026, 6, 30, 17)),
        StageKind.MIDTERM: (_cst(2026, 1, 5, 9), _cst(2026, 1, 25, 17)),
        StageKind.FINAL: (_cst(2026, 7, 1, 9), _cst(2026, 9, 30, 17)),
    }
    final_start = dates[StageKind.FINAL][0]
    return _shift_days(dates, (now - final_start).days - 45)


def _stages_wct2026(now):
    return _relative_stages(
        now,
        {
            StageKind.APPLICATION: (-120, -90),
            StageKind.SCREENING: (-89, -75),
            StageKind.ONLINE_REVIEW: (-70, -20),
            StageKind.ROADSHOW: (-3, 14),
            StageKind.PUBLICITY: (20, 27),
            StageKind.AGREEMENT: (30, 45),
            StageKind.IMPLEMENTATION: (45, 410),
            StageKind.MIDTERM: (200, 215),
            StageKind.FINAL: (420, 480),
        },
    )


def _stages_gy2027(now):
    dates = {
        StageKind.APPLICATION: (_cst(2026, 11, 1, 9), _cst(2027, 1, 15, 17)),
        StageKind.SCREENING: (_cst(2027, 1, 16, 9), _cst(2027, 1, 31, 17)),
        StageKind.ONLINE_REVIEW: (_cst(2027, 2, 5, 9), _cst(2027, 2, 28, 17)),
        StageKind.ROADSHOW: (_cst(2027, 3, 10, 9), _cst(2027, 3, 20, 17)),
        StageKind.PUBLICITY: (_cst(2027, 3, 25, 9), _cst(2027, 4, 1, 17)),
        StageKind.AGREEMENT: (_cst(2027, 4, 10, 9), _cst(2027, 4, 30, 17)),
        StageKind.IMPLEMENTATION: (_cst(2027, 5, 1, 9), _cst(2028, 4, 30, 17)),
        StageKind.MIDTERM: (_cst(2027, 11, 1, 9), _cst(2027, 11, 20, 17)),
        StageKind.FINAL: (_cst(2028, 5, 1, 9), _cst(2028, 6, 30, 17)),
    }
    # The call opened about five weeks ago and closes in about five weeks.
    return _shift_days(dates, (now - dates[StageKind.APPLICATION][0]).days - 36)


def _competition(prefix, name, year, status, stages, organizer, *, theme, area, max_per_org=2):
    where = (
        "" if area is None else name.removeprefix("澧阳市")[:3]
    )  # a district round: its district
    comp = Competition(
        name=name,
        year=year,
        theme=theme,
        code_prefix=prefix,
        status=status,
        area_id=area,
        description=f"{name}围绕“{theme}”，面向在澧阳市民政部门登记的社会组织征集{where}社区公益服务项目，"
        "通过专家评审和路演答辩择优资助，并对资助项目进行全过程跟踪评估。",
        max_amount_fen=MONEY[prefix]["cap"] * 100,
        max_share_pct=Decimal("60"),
        min_cofunding_pct=Decimal("0"),
        group_caps={"management": "10"},
        forbidden_items="固定资产购置\n直接发放给服务对象的现金或购物卡\n与项目无关的人员工资",
        allowed_org_types=["social_group", "pne", "foundation"],
        require_verified=True,
        abnormal_years=1,
        dishonest_years=2,
        max_applications_per_org=max_per_org,
        min_registration_months=12,
        required_attachments=["registration"],
        max_file_mb=20,
        max_total_mb=100,
        created_by_id=organizer.id if organizer else None,
    )
    for position, (cname, wan) in enumerate(zip(CATEGORIES, MONEY[prefix]["budgets"], strict=True)):
        comp.categories.append(
            Category(
                name=cname,
                budget_fen=wan * 1_000_000,
                position=position,
                description=f"{cname}类公益服务项目",
            )
        )
    for position, (group, line, cap) in enumerate(DEFAULT_BUDGET_RULES):
        comp.budget_rules.append(
            BudgetLineRule(line_group=group, name=line, max_share_pct=cap, position=position)
        )
    rubrics = {}
    for kind, (rname, criteria) in RUBRICS.items():
        rubric = Rubric(name=rname, stage_kind=kind, version=1)
        for i, (cname, maximum) in enumerate(criteria):
            rubric.criteria.append(
                RubricCriterion(
                    position=i,
                    name=cname,
                    max_score=Decimal(maximum),
                    description=f"评价{cname}：依据申报材料和答辩情况综合打分。",
                    allow_na=cname == "创新性",
                )
            )
        comp.rubrics.append(rubric)
        rubrics[kind] = rubric
    for position, kind in enumerate(STAGE_ORDER):
        starts, ends = stages[kind]
        comp.stages.append(
            Stage(
                kind=kind,
                position=position,
                starts_at=starts,
                ends_at=ends,
                rubric=rubrics.get(kind),
                judges_per_application=5
                if kind == StageKind.ONLINE_REVIEW
                else 7
                if kind == StageKind.ROADSHOW
                else 3,
                blind=kind == StageKind.ONLINE_REVIEW,
                method=Method.TRIMMED,
                trim_k=1,
                weight=Decimal("0.4")
                if kind == StageKind.ONLINE_REVIEW
                else Decimal("0.6")
                if kind == StageKind.ROADSHOW
                else Decimal("0"),
                advance_rule=AdvanceRule.TOP_N
                if kind == StageKind.ONLINE_REVIEW
                else AdvanceRule.NONE,
                advance_top_n=8 if kind == StageKind.ONLINE_REVIEW else None,
                tie_breaks=TIE_BREAKS
                if kind in (StageKind.ONLINE_REVIEW, StageKind.ROADSHOW)
                else [],
            )
        )
    db.session.add(comp)
    return comp


def _budget(rng, comp, requested_yuan):
    """Budget lines that keep every rule: about 55% requested, 管理费 ≤ 10%."""
    rules = {r.name: r for r in comp.budget_rules}
    requested = requested_yuan * 100  # fen
    total = (
        -(-requested * 100 // rng.choice([55, 58, 60]) // 100) * 100
    )  # rounded up: the share stays ≤ cap
    shares = [
        ("宣传费", "宣传折页与海报", 8),
        ("活动物料费", "活动物料与场地布置", 30),
        ("专家劳务费", "督导与专家讲座", 12),
        ("人员补贴", "项目社工补贴", 30),
        ("交通及场地费", "交通与场地租用", 8),
        ("管理费", "项目管理", 8),
    ]
    lines, used = [], 0
    for i, (line, item, share) in enumerate(shares):
        amount = total * share // 100 // 100 * 100
        if i == len(shares) - 1:
            amount = total - used - total * 4 // 100 // 100 * 100
        lines.append(
            BudgetLine(
                position=i,
                rule=rules[line],
                rule_id=rules[line].id,
                item=item,
                amount_fen=amount,
                note="按实际需要测算",
            )
        )
        used += amount
    tax = total - used
    lines.append(
        BudgetLine(
            position=len(lines),
            rule=rules["税费"],
            rule_id=rules["税费"].id,
            item="税费",
            amount_fen=tax,
            note="按规定税率",
        )
    )
    return lines, requested, total - requested


_USED_NAMES: dict[tuple[str, str], set[str]] = {}


def _project(rng, comp, category, org) -> tuple[str, str, str]:
    """A project of the category whose name no other application of the competition
    carries (two organizations rarely run identically named projects): when the
    category's names run out, the organization's short name sets it apart."""
    choices = texts.PROJECTS[category.name]
    used = _USED_NAMES.setdefault((comp.code_prefix, category.name), set())
    fresh = [p for p in choices if p[0] not in used]
    name, target, summary = rng.choice(fresh or choices)
    if not fresh:
        short = org.name.removeprefix("澧阳市")
        for suffix in (
            "社会工作服务中心",
            "服务中心",
            "基金会",
            "协会",
            "促进会",
            "研究会",
            "联合会",
            "中心",
        ):
            short = short.removesuffix(suffix)
        name = f"{name}（{short}）"
    used.add(name)
    return name, target, summary


def _application(rng, comp, org, category, status, seq, communities, *, when, filled=True):
    name, target, summary = _project(rng, comp, category, org)
    months = 12
    app = Application(
        competition=comp,
        organization=org,
        category=category,
        status=status,
        project_name=name,
        period_months=months if filled else None,
        created_at=when,
        updated_at=when,
        version=1 + seq % 3,
    )
    app.communities = rng.sample(communities, k=min(len(communities), rng.choice([1, 1, 2])))
    n = rng.choice([80, 120, 150, 200, 300])
    app.summary = summary
    app.need_analysis = texts.need(rng, target, n * 3, n)
    if not filled:
        return app
    app.direct_beneficiaries, app.indirect_beneficiaries = n, n * 4
    app.beneficiary_description = texts.beneficiaries(target)
    app.overall_goal = texts.goal(category.name, target, months)
    app.specific_goals = texts.specific(
        target,
        n * 6,
        volunteers=rng.choice([20, 30, 50]),
        groups=rng.choice([8, 12, 16]),
        events=rng.choice([4, 6, 8]),
    )
    app.implementation_plan = texts.PLAN.format(mid=9, late=10, months=months)
    app.features, app.risks, app.pledge = texts.FEATURES, texts.RISKS, True
    for i, (mname, month, deliverable) in enumerate(texts.MILESTONES):
        app.milestones.append(
            PlanMilestone(position=i, name=mname, month=month, deliverable=deliverable)
        )
    workers = [w for w in org.social_workers if w.active][:3]
    for i in range(3):
        worker = workers[i] if i < len(workers) else None
        app.team.append(
            TeamMember(
                position=i,
                social_worker=worker,
                social_worker_id=worker.id if worker else None,
                name=worker.name if worker else rng.choice(texts.NAMES),
                education=(worker.education if worker else "") or texts.EDUCATION[i],
                qualification=worker.qualification
                if worker
                else rng.choice([Qualification.ASSISTANT, Qualification.SOCIAL_WORKER]),
                role=texts.ROLES[i],
            )
        )
    app.budget_lines, app.requested_fen, app.cofunding_fen = _budget(
        rng, comp, rng.choice(MONEY[comp.code_prefix]["asks"])
    )
    return app


def _stored_pdf(name: str):
    """A small real PDF on disk, so downloads work in the demo."""
    import hashlib
    import secrets

    from venture.files.models import StoredFile
    from venture.files.services import upload_root

    body = (
        b"%PDF-1.4\n% "
        + name.encode("utf-8")
        + b"\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    stored_name = secrets.token_hex(20)
    (upload_root() / stored_name).write_bytes(body)
    return StoredFile(
        original_name=name,
        stored_name=stored_name,
        content_type="application/pdf",
        kind="pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )


def _submit(app, seq, when, member):
    """What a submission leaves behind: code, attachments, revision 1."""
    comp = app.competition
    app.code = f"{comp.code_prefix}-{seq:03d}"
    app.revision = 1
    app.submitted_at = app.last_submitted_at = when
    app.attachments.append(
        Attachment(
            kind=AttachmentKind.REGISTRATION,
            identifying=True,
            file=_stored_pdf(f"{app.organization.name}登记证书.pdf"),
        )
    )
    app.attachments.append(
        Attachment(
            kind=AttachmentKind.PLAN,
            identifying=False,
            file=_stored_pdf(f"{app.project_name}项目计划书.pdf"),
        )
    )
    data = build_snapshot(app, 1)
    data["frozen_at"] = when.isoformat()
    app.revisions.append(
        ApplicationRevision(
            number=1, data=data, created_at=when, created_by_id=member.id if member else None
        )
    )


# What an organization does, from its name: an elderly-care centre applies for 为老服务,
# a children's centre for 儿童青少年; generalists (social-work centres, volunteer
# associations, foundations) apply in any category.
FOCUS = [
    (("养老", "夕阳", "乐龄", "颐和", "老年", "敬老", "助老", "长者", "银龄"), "为老服务"),
    (("助残",), "助残服务"),
    (("儿童", "青少年", "童心", "启明星", "春蕾", "新芽", "家庭教育", "助学"), "儿童青少年"),
    (("社区", "邻里", "善邻", "和美", "邻家", "书画"), "社区治理"),
]


def _category_for(rng, comp, org):
    by_name = {c.name: c for c in comp.categories}
    for words, category in FOCUS:
        if any(word in org.name for word in words) and category in by_name:
            return by_name[category]
    return comp.categories[rng.randrange(len(comp.categories))]


def _fill(
    rng, comp, orgs, communities, members, *, opened, closed, screened, organizer, special=None
):
    """The competition's applications, status by status, with codes in submission order."""
    plan = PLAN[comp.code_prefix]
    slots = [status for status, count in plan.items() for _ in range(count)]
    capacity = len(orgs) * comp.max_applications_per_org
    slots = slots[:capacity]
    order = [
        org for _ in range(comp.max_applications_per_org) for org in rng.sample(orgs, len(orgs))
    ]
    apps = []
    seq = 0
    span = (closed - opened).total_seconds()
    timeline = sorted(opened + timedelta(seconds=rng.uniform(0.05, 0.98) * span) for _ in slots)
    for status, org, when in zip(slots, order, timeline, strict=False):
        app = _application(
            rng, comp, org, _category_for(rng, comp, org), status, len(apps), communities, when=when
        )
        if status != S.DRAFT:
            seq += 1
            _submit(app, seq, when, members.get(org.id))
        _decide(rng, app, status, screened, organizer)
        apps.append(app)
    if special:
        apps.extend(special(seq))
    comp.next_application_seq = sum(1 for a in apps if a.code) + 1
    db.session.add_all(apps)
    return apps


def _decide(rng, app, status, screened, organizer):
    if status in (S.PASSED, S.REJECTED, S.RETURNED):
        app.screened_at, app.screened_by_id = screened, organizer.id if organizer else None
    if status == S.REJECTED:
        app.screening_reason = rng.choice(texts.REJECT_REASONS)
    elif status == S.RETURNED:
        app.return_reason = rng.choice(texts.RETURN_REASONS)
        app.screening_reason = app.return_reason
        app.resubmit_deadline = local_at(utcnow(), rng.choice([5, 7, 10]), 17)
    elif status == S.WITHDRAWN:
        app.withdrawn_at = min(utcnow(), (app.submitted_at or utcnow()) + timedelta(days=3))


FIRST_PHASE = (
    "夕阳红·长者守望互助计划",
    ["丹桂社区", "桂花社区"],
    "组织低龄老人与社区志愿者结对探访高龄独居老人，建立“时间银行”互助积分，提供助餐、陪诊和应急联络。",
)


def _applicant_first_phase(apps, org, member) -> None:
    """applicant@'s organization in GY2025: the first phase of the project it applies to
    continue in GY2027, in the liaison's communities (its judges make it funded)."""
    app = next((a for a in apps if a.organization is org and a.status == S.PASSED), None)
    if app is None:
        return
    name, places, summary = FIRST_PHASE
    app.category = next(c for c in app.competition.categories if c.name == "为老服务")
    app.project_name, app.summary = name, summary
    by_name = {a.name: a for a in db.session.scalars(sa.select(Area).where(Area.name.in_(places)))}
    app.communities = [by_name[n] for n in places if n in by_name] or app.communities
    app.beneficiary_description = "高龄独居老人，以及其家庭成员和社区志愿者。"
    data = build_snapshot(app, 1)
    data["frozen_at"] = app.revisions[0].data["frozen_at"]
    app.revisions[0].data = data


def _applicant_pieces(rng, comp, org, communities, member, now):
    """applicant@demo.venture's organization in GY2027: a half-filled draft and a returned application."""

    def build(seq):
        categories = {c.name: c for c in comp.categories}
        draft = _application(
            rng,
            comp,
            org,
            categories["为老服务"],
            S.DRAFT,
            0,
            communities,
            when=now - timedelta(days=2),
            filled=False,
        )
        draft.project_name = FIRST_PHASE[0] + "（二期）"
        draft.created_by_id = draft.updated_by_id = member.id if member else None
        returned = _application(
            rng,
            comp,
            org,
            categories["为老服务"],
            S.RETURNED,
            1,
            communities,
            when=now - timedelta(days=20),
        )
        returned.project_name = "夕阳红·认知症家庭照护者喘息服务"
        returned.summary = "为认知症老人家庭提供照护技能培训、上门喘息服务和照护者互助小组。"
        _submit(returned, seq + 1, local_at(now, -20, 15, 12), member)
        returned.screened_at = local_at(now, -3, 10, 30)
        returned.return_reason = returned.screening_reason = texts.RETURN_REASONS[0]
        returned.resubmit_deadline = local_at(now, 7, 17)
        return [draft, returned]

    return build


def seed() -> bool:
    if (
        db.session.scalar(sa.select(Competition.id).where(Competition.code_prefix == "GY2027"))
        is not None
    ):
        return False
    _USED_NAMES.clear()
    orgs = list(
        db.session.scalars(
            sa.select(Organization)
            .order_by(Organization.id)
            .options(sa.orm.selectinload(Organization.social_workers))
        )
    )
    if not orgs:
        return False
    from venture.accounts.models import User

    organizer = db.session.scalar(sa.select(User).where(User.email == "organizer@demo.venture"))
    applicant = db.session.scalar(sa.select(User).where(User.email == "applicant@demo.venture"))
    communities = list(
        db.session.scalars(
            sa.select(Area)
            .where(Area.level == AreaLevel.COMMUNITY)
            .options(sa.orm.joinedload(Area.parent).joinedload(Area.parent))
            .order_by(Area.id)
        )
    )
    city = None  # the whole city: every district takes part
    members = {
        m.organization_id: m.user
        for m in db.session.scalars(
            sa.select(Membership)
            .options(sa.orm.joinedload(Membership.user))
            .order_by(Membership.id)
        )
    }
    mine = (
        next(
            (
                m.organization
                for m in db.session.scalars(
                    sa.select(Membership).where(Membership.user_id == applicant.id)
                )
            ),
            None,
        )
        if applicant
        else None
    )
    # Eligible organizations apply; the applicant's own is handled by hand in GY2027.
    applying = [o for o in orgs if o.is_verified] or orgs
    rng = random.Random(2027)
    now = utcnow()

    gy2025 = _competition(
        "GY2025",
        "澧阳市2025年公益创投大赛",
        2025,
        CompetitionStatus.ARCHIVED,
        _stages_gy2025(now),
        organizer,
        theme="三社联动，全民共享",
        area=city,
    )
    wct = _competition(
        "WCT2026",
        "澧阳市2026年社区微创投",
        2026,
        CompetitionStatus.OPEN,
        _stages_wct2026(now),
        organizer,
        theme="小切口，大民生",
        area=city,
    )
    gy2027 = _competition(
        "GY2027",
        "澧阳市2027年度公益创投大赛",
        2027,
        CompetitionStatus.OPEN,
        _stages_gy2027(now),
        organizer,
        theme="三社联动，共建共治共享",
        area=city,
    )
    db.session.flush()
    for comp in (gy2025, wct):
        window = comp.stage(StageKind.APPLICATION)
        apps = _fill(
            rng,
            comp,
            applying,
            communities,
            members,
            opened=window.starts_at,
            closed=window.ends_at,
            screened=comp.stage(StageKind.SCREENING).ends_at - timedelta(days=1),
            organizer=organizer,
        )
        if comp is gy2025 and mine is not None:
            _applicant_first_phase(apps, mine, applicant)
    window = gy2027.stage(StageKind.APPLICATION)
    others = [o for o in applying if mine is None or o.id != mine.id]
    special = (
        _applicant_pieces(rng, gy2027, mine, communities, applicant, now)
        if mine is not None
        else None
    )
    _fill(
        rng,
        gy2027,
        others,
        communities,
        members,
        opened=window.starts_at,
        closed=min(now, window.ends_at),
        screened=local_at(now, -1, 11),
        organizer=organizer,
        special=special,
    )
    db.session.flush()
    _seed_district_rounds(rng, others, communities, members, organizer, now)
    return True


def _seed_district_rounds(rng, orgs, communities, members, organizer, now) -> None:
    """The districts' rounds (DISTRICT_ROUNDS): projects in the district's communities only."""
    districts = {
        a.name: a
        for a in db.session.scalars(sa.select(Area).where(Area.level == AreaLevel.DISTRICT))
    }
    for prefix, name, theme, district_name, offsets in DISTRICT_ROUNDS:
        district = districts.get(district_name)
        inside = [
            c
            for c in communities
            if c.parent is not None and c.parent.parent_id == getattr(district, "id", None)
        ]
        if district is None or not inside:
            continue
        comp = _competition(
            prefix,
            name,
            2026,
            CompetitionStatus.OPEN,
            _relative_stages(now, offsets),
            organizer,
            theme=theme,
            area=district.id,
            max_per_org=1,
        )
        db.session.flush()
        window, screening = comp.stage(StageKind.APPLICATION), comp.stage(StageKind.SCREENING)
        screened = min(screening.ends_at - timedelta(days=1), local_at(now, -1, 11))
        _fill(
            rng,
            comp,
            orgs,
            inside,
            members,
            opened=window.starts_at,
            closed=window.ends_at,
            screened=screened,
            organizer=organizer,
        )
    db.session.flush()
