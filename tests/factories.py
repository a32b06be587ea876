"""Factory functions for tests: small, explicit, one per thing."""

from __future__ import annotations

import itertools

from venture.accounts.models import Role, User
from venture.db import utcnow
from venture.extensions import db

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    # argon2 is slow on purpose; hash each test password once per run.
    if password not in _hash_cache:
        from venture.accounts.services import hash_password

        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def user(
    role: Role | str = Role.APPLICANT,
    *,
    email: str | None = None,
    name: str | None = None,
    verified: bool = True,
    password: str | None = PASSWORD,
    locale: str = "zh_CN",
    **fields,
) -> User:
    n = next(_counter)
    role = Role(role)
    obj = User(
        email=email or f"{role.value}{n}@example.org",
        name=name or f"{role.value.title()} {n}",
        role=role,
        password_hash=password_hash(password) if password else None,
        email_verified_at=utcnow() if verified else None,
        locale=locale,
        **fields,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def organizer(**kw) -> User:
    return user(Role.ORGANIZER, **kw)


def judge(**kw) -> User:
    return user(Role.JUDGE, **kw)


def applicant(**kw) -> User:
    return user(Role.APPLICANT, **kw)


def liaison(**kw) -> User:
    return user(Role.LIAISON, **kw)


# --- places and organizations ----------------------------------------------------------


def area_tree(district: str = "武陵区", streets: dict | None = None):
    """A district with streets and communities; returns {name: Area}."""
    from venture.orgs.models import Area, AreaLevel

    streets = streets or {"丹阳街道": ["芙蓉社区", "屈原社区"], "穿紫河街道": ["紫菱社区"]}
    nodes = {}
    d = Area(name=district, level=AreaLevel.DISTRICT)
    db.session.add(d)
    nodes[district] = d
    for street, communities in streets.items():
        s = Area(name=street, level=AreaLevel.STREET, parent=d)
        db.session.add(s)
        nodes[street] = s
        for community in communities:
            c = Area(name=community, level=AreaLevel.COMMUNITY, parent=s)
            db.session.add(c)
            nodes[community] = c
    db.session.commit()
    return nodes


def uscc(type_digit: str = "2", n: int | None = None, region: str = "430702") -> str:
    from venture.orgs.uscc import make_uscc

    n = next(_counter) if n is None else n
    return make_uscc(f"5{type_digit}{region}MJ{n:07d}")


def organization(
    *,
    members=(),
    verified: bool = True,
    org_type=None,
    name: str | None = None,
    registration_date=None,
    **fields,
):
    from datetime import date

    from venture.orgs.models import (
        MemberRole,
        Membership,
        Organization,
        OrgType,
        VerificationStatus,
    )

    org_type = org_type or OrgType.PRIVATE_NON_ENTERPRISE
    digit = {
        OrgType.SOCIAL_GROUP: "1",
        OrgType.PRIVATE_NON_ENTERPRISE: "2",
        OrgType.FOUNDATION: "3",
        OrgType.OTHER: "9",
    }[org_type]
    code = fields.pop("uscc", None) or uscc(digit)
    org = Organization(
        name=name or f"测试社会工作服务中心{next(_counter)}",
        uscc=code,
        org_type=org_type,
        region_code=code[2:8],
        registration_authority="常德市民政局",
        registration_date=registration_date or date(2018, 5, 1),
        legal_representative="王法人",
        contact_name="联系人",
        contact_phone="13800000000",
        contact_email="org@example.org",
        verification_status=VerificationStatus.VERIFIED if verified else VerificationStatus.PENDING,
        verified_at=utcnow() if verified else None,
        **fields,
    )
    db.session.add(org)
    db.session.flush()
    for i, member in enumerate(members):
        db.session.add(
            Membership(
                organization_id=org.id,
                user_id=member.id,
                role=MemberRole.OWNER if i == 0 else MemberRole.MEMBER,
            )
        )
    db.session.commit()
    return org


def social_worker(org, **fields):
    from venture.orgs.models import Qualification, SocialWorker

    worker = SocialWorker(
        organization_id=org.id,
        name=fields.pop("name", f"社工{next(_counter)}"),
        qualification=fields.pop("qualification", Qualification.SOCIAL_WORKER),
        **fields,
    )
    db.session.add(worker)
    db.session.commit()
    return worker


# --- competitions ------------------------------------------------------------------------

DEFAULT_CRITERIA = [
    ("需求分析", 15),
    ("项目设计", 20),
    ("可行性", 15),
    ("创新性", 10),
    ("预算合理性", 15),
    ("机构能力", 15),
    ("社会效益", 10),
]


def rubric(
    competition, stage_kind="online_review", criteria=DEFAULT_CRITERIA, name=None, allow_na=()
):
    from decimal import Decimal

    from venture.competitions.models import Rubric, RubricCriterion, StageKind

    r = Rubric(
        competition_id=competition.id,
        name=name or f"评分表-{stage_kind}",
        stage_kind=StageKind(stage_kind),
    )
    for i, (cname, maximum) in enumerate(criteria):
        r.criteria.append(
            RubricCriterion(
                position=i,
                name=cname,
                description=f"{cname}的评分要点",
                max_score=Decimal(str(maximum)),
                allow_na=cname in allow_na,
            )
        )
    db.session.add(r)
    db.session.commit()
    return r


def competition(
    *,
    organizer=None,
    categories=(("为老服务", 50_000_000), ("助残服务", 30_000_000)),
    status="open",
    stages=None,
    **fields,
):
    """A competition with every stage, two categories, budget rules and rubrics.

    ``stages`` maps a stage kind to (starts_at, ends_at); by default the application
    window is open now and every later stage follows it.
    """
    from datetime import timedelta
    from decimal import Decimal

    from venture.competitions.models import (
        STAGE_ORDER,
        BudgetGroup,
        BudgetLineRule,
        Category,
        Competition,
        CompetitionStatus,
        Stage,
        StageKind,
    )

    n = next(_counter)
    comp = Competition(
        name=fields.pop("name", f"第{n}届公益创投大赛"),
        year=fields.pop("year", 2026),
        theme="三社联动，全民共享",
        code_prefix=fields.pop("code_prefix", f"GY{n:04d}"),
        status=CompetitionStatus(status),
        allowed_org_types=["social_group", "pne", "foundation"],
        group_caps={"management": "10"},
        created_by_id=organizer.id if organizer else None,
        **fields,
    )
    db.session.add(comp)
    for i, (cname, budget) in enumerate(categories):
        comp.categories.append(Category(name=cname, budget_fen=budget, position=i))
    for i, (group, name, cap) in enumerate(
        [
            (BudgetGroup.ACTIVITY, "宣传费", None),
            (BudgetGroup.ACTIVITY, "物料费", None),
            (BudgetGroup.ACTIVITY, "专家费", None),
            (BudgetGroup.ACTIVITY, "人员补贴", Decimal("40")),
            (BudgetGroup.MANAGEMENT, "管理费", None),
            (BudgetGroup.TAX, "税费", None),
        ]
    ):
        comp.budget_rules.append(
            BudgetLineRule(line_group=group, name=name, max_share_pct=cap, position=i)
        )
    now = utcnow()
    default = {}
    start = now - timedelta(days=1)
    for kind in STAGE_ORDER:
        length = timedelta(days=30 if kind == StageKind.APPLICATION else 14)
        default[kind] = (start, start + length)
        start = start + length
    default.update({StageKind(k): v for k, v in (stages or {}).items()})
    for i, kind in enumerate(STAGE_ORDER):
        starts_at, ends_at = default[kind]
        comp.stages.append(
            Stage(
                kind=kind,
                position=i,
                starts_at=starts_at,
                ends_at=ends_at,
                blind=kind == StageKind.ONLINE_REVIEW,
                weight=Decimal("0.4")
                if kind == StageKind.ONLINE_REVIEW
                else Decimal("0.6")
                if kind == StageKind.ROADSHOW
                else Decimal("0"),
            )
        )
    db.session.commit()
    for kind in (StageKind.ONLINE_REVIEW, StageKind.ROADSHOW):
        r = rubric(comp, kind.value)
        comp.stage(kind).rubric_id = r.id
    db.session.commit()
    return comp


def application(
    competition,
    org,
    *,
    status="draft",
    category=None,
    communities=(),
    requested_fen=8_000_000,
    code=None,
    submitted_by=None,
    **fields,
):
    """An application with a plan, a team and a budget that respects the default rules."""
    from venture.applications.models import (
        Application,
        ApplicationStatus,
        BudgetLine,
        PlanMilestone,
        TeamMember,
    )

    status = ApplicationStatus(status)
    category = category or competition.categories[0]
    rules = {r.name: r for r in competition.budget_rules}
    n = next(_counter)
    app = Application(
        competition_id=competition.id,
        organization_id=org.id,
        category_id=category.id,
        project_name=fields.pop("project_name", f"夕阳红互助计划{n}"),
        period_months=12,
        direct_beneficiaries=200,
        indirect_beneficiaries=800,
        summary="为社区高龄独居老人提供上门探访与互助服务。",
        need_analysis="社区60岁以上老人占比高，独居老人缺乏照料。",
        overall_goal="建立邻里互助网络。",
        specific_goals="探访200户；培训志愿者50名。",
        implementation_plan="分三阶段实施。",
        features="低龄老人帮扶高龄老人。",
        risks="志愿者流失：建立激励机制。",
        requested_fen=requested_fen,
        cofunding_fen=requested_fen,
        pledge=status != ApplicationStatus.DRAFT,
        status=status,
        created_by_id=submitted_by.id if submitted_by else None,
        **fields,
    )
    db.session.add(app)
    app.milestones.append(PlanMilestone(position=0, name="启动", month=1, deliverable="启动会"))
    app.milestones.append(
        PlanMilestone(position=1, name="中期总结", month=6, deliverable="中期报告")
    )
    app.team.append(TeamMember(position=0, name="张社工", education="本科", role="项目负责人"))
    total = requested_fen + requested_fen
    for i, (name, share) in enumerate(
        [("宣传费", 20), ("物料费", 30), ("专家费", 10), ("人员补贴", 32), ("管理费", 8)]
    ):
        app.budget_lines.append(
            BudgetLine(
                position=i, rule_id=rules[name].id, item=name, amount_fen=total * share // 100
            )
        )
    for community in communities:
        app.communities.append(community)
    if status != ApplicationStatus.DRAFT:
        competition.next_application_seq = competition.next_application_seq or 1
        app.code = code or f"{competition.code_prefix}-{competition.next_application_seq:03d}"
        competition.next_application_seq += 1
        app.revision = 1
        app.submitted_at = app.last_submitted_at = utcnow()
    db.session.commit()
    return app


# --- judging -------------------------------------------------------------------------------


def judge_with_profile(*, employer: str = "常德学院", employer_uscc: str = "", expertise=(), **kw):
    from venture.judging.models import JudgeProfile

    user = judge(**kw)
    db.session.add(
        JudgeProfile(
            user_id=user.id,
            title="副教授",
            employer=employer,
            employer_uscc=employer_uscc,
            expertise=list(expertise),
        )
    )
    db.session.commit()
    return user


def assignment(stage, application, judge_user, **fields):
    from venture.judging.models import Assignment

    a = Assignment(
        stage_id=stage.id, application_id=application.id, judge_id=judge_user.id, **fields
    )
    db.session.add(a)
    db.session.commit()
    return a


def sheet(stage, application, judge_user, scores, *, submitted: bool = True, **fields):
    """A score sheet; ``scores`` maps criterion name to a number or None (n/a)."""
    from decimal import Decimal

    from venture.judging.models import ScoreSheet, SheetScore, SheetStatus

    s = ScoreSheet(
        stage_id=stage.id,
        application_id=application.id,
        judge_id=judge_user.id,
        rubric_id=stage.rubric_id,
        status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
        submitted_at=utcnow() if submitted else None,
        confidence=fields.pop("confidence", 4),
        **fields,
    )
    criteria = {c.name: c for c in stage.rubric.criteria}
    for name, value in scores.items():
        s.scores.append(
            SheetScore(
                criterion_id=criteria[name].id,
                score=None if value is None else Decimal(str(value)),
                not_applicable=value is None,
            )
        )
    db.session.add(s)
    db.session.commit()
    return s


# --- orgs --------------------------------------------------------------------------------------


def membership(org, member, role: str = "member"):
    from venture.orgs.models import MemberRole, Membership

    m = Membership(organization_id=org.id, user_id=member.id, role=MemberRole(role))
    db.session.add(m)
    db.session.commit()
    return m


def org_flag(org, kind: str = "abnormal", *, listed_on=None, removed_on=None, note: str = ""):
    from datetime import date

    from venture.orgs.models import FlagKind, OrgFlag

    flag = OrgFlag(
        organization_id=org.id,
        kind=FlagKind(kind),
        listed_on=listed_on or date(2025, 1, 1),
        removed_on=removed_on,
        note=note,
    )
    db.session.add(flag)
    db.session.commit()
    return flag


def org_form(code: str | None = None, **overrides) -> dict:
    """The fields of the registration form, valid unless overridden."""
    data = {
        "name": f"澧阳市测试社会工作服务中心{next(_counter)}",
        "uscc": code or uscc("2", region="439901"),
        "registration_authority": "澧阳市民政局",
        "registration_date": "2019-03-01",
        "legal_representative": "王强",
        "contact_name": "李梅",
        "contact_phone": "13900000000",
        "contact_email": "",
        "address": "",
        "bank_name": "",
        "bank_account_name": "",
        "bank_account": "",
        "rating": "none",
        "rating_date": "",
        "annual_inspection": "not_inspected",
        "annual_inspection_year": "",
        "charter_scope": "为老服务、社区服务",
        "party_org": "none",
        "party_members": "0",
        "party_instructor": "",
        "past_awards": "",
    }
    data.update(overrides)
    return data


def xlsx_upload(
    rows, *, header=("区县", "街道/乡镇", "社区/村", "代码"), name: str = "communities.xlsx"
):
    """An xlsx file (as a test-client upload tuple) with a header row and ``rows``."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer, name


# --- results -------------------------------------------------------------------------------


def final_snapshot(competition, rows, *, created_at=None):
    """A FINAL results snapshot with the funding line.

    ``rows``: (application, score, funding, funded_fen) tuples in ranking order; the rank
    within the category follows that order.
    """
    from decimal import Decimal

    from venture.rankings.models import FundingOutcome, ResultSnapshot, SnapshotEntry, SnapshotKind

    snap = ResultSnapshot(
        competition_id=competition.id,
        kind=SnapshotKind.FINAL,
        method="trimmed",
        input_digest=f"{next(_counter):064d}",
        sheet_count=len(rows) * 5,
        created_at=created_at or utcnow(),
    )
    ranks: dict = {}
    for position, (app, score, funding, funded_fen) in enumerate(rows, start=1):
        ranks[app.category_id] = ranks.get(app.category_id, 0) + 1
        snap.entries.append(
            SnapshotEntry(
                application_id=app.id,
                category_id=app.category_id,
                position=position,
                rank=ranks[app.category_id],
                score=Decimal(str(score)),
                exact_score=str(score),
                sheets=5,
                funding=FundingOutcome(funding) if funding else None,
                funded_fen=funded_fen,
            )
        )
    db.session.add(snap)
    db.session.commit()
    return snap


def _stages_until_publicity() -> dict:
    """Stage dates of a competition whose selection is over: the 公示 was planned to start
    an hour ago, so approving the results now opens the public notice now."""
    from datetime import timedelta

    from venture.competitions.models import STAGE_ORDER, StageKind

    start = utcnow() - timedelta(hours=1) - timedelta(days=30 + 14 * 3)
    stages = {}
    for kind in STAGE_ORDER:
        length = timedelta(days=30 if kind == StageKind.APPLICATION else 14)
        stages[kind.value] = (start, start + length)
        start += length
    return stages


def results_setup(
    *, organizer=None, members=None, count=3, requested_fen=8_000_000, **competition_fields
):
    """A competition with ``count`` passed applications and a FINAL snapshot: the first
    funded at its request, the second on the waiting list, the rest not funded.
    Returns (competition, applications, snapshot)."""
    organizer = organizer or globals()["organizer"]()
    competition_fields.setdefault("stages", _stages_until_publicity())
    comp = competition(organizer=organizer, **competition_fields)
    areas = area_tree(district=f"城东区{next(_counter)}")
    community = next(a for a in areas.values() if a.level.value == "community")
    apps = []
    for i in range(count):
        org = organization(members=members if (members and i == 0) else ())
        apps.append(
            application(
                comp,
                org,
                status="passed",
                requested_fen=requested_fen,
                communities=[community],
                project_name=f"社区项目{i + 1}",
            )
        )
    rows = []
    for i, app in enumerate(apps):
        funding = "funded" if i == 0 else "waitlist" if i == 1 else "not_funded"
        rows.append(
            (app, f"{90 - i * 3.125:.2f}", funding, requested_fen if funding == "funded" else None)
        )
    snap = final_snapshot(comp, rows)
    return comp, apps, snap


# --- judging (scenarios) -----------------------------------------------------------------


def review_stage(competition, *, open_now: bool = True, blind: bool = True, k: int = 3, **settings):
    """The competition's online-review stage, open now (or ended an hour ago)."""
    from datetime import timedelta

    from venture.competitions.models import StageKind

    stage = competition.stage(StageKind.ONLINE_REVIEW)
    now = utcnow()
    stage.starts_at = now - timedelta(days=2)
    stage.ends_at = now + timedelta(days=5) if open_now else now - timedelta(hours=1)
    stage.blind = blind
    stage.judges_per_application = k
    for name, value in settings.items():
        setattr(stage, name, value)
    db.session.commit()
    return stage


def confirmed_assignment(stage, application, judge_user, **fields):
    """An assignment whose judge has confirmed having no conflict."""
    return assignment(stage, application, judge_user, no_conflict_confirmed_at=utcnow(), **fields)


# --- competitions and applications (applications domain) -----------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "登记证书.pdf", data: bytes = PDF_BYTES):
    """A werkzeug upload of a (tiny, valid enough) PDF."""
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def complete_draft(competition, org, **fields):
    """A draft that could be submitted right now (pledge given, every section filled)."""
    import sqlalchemy as sa

    from venture.orgs.models import Area, AreaLevel

    places = fields.pop("communities", None)
    if not places:
        community = db.session.scalar(
            sa.select(Area).where(Area.level == AreaLevel.COMMUNITY).limit(1)
        )
        places = [community or area_tree()["芙蓉社区"]]
    app = application(competition, org, status="draft", communities=places, **fields)
    app.pledge = True
    db.session.commit()
    return app


def submitted_application(competition, org, member, **fields):
    """A draft submitted through the service: it has its code and revision 1."""
    from flask import current_app

    from venture.applications.services import submit_application

    app = complete_draft(competition, org, **fields)
    with current_app.test_request_context():
        submit_application(app, actor=member)
    return app


# --- follow-up -----------------------------------------------------------------------------

EVALUATION_CRITERIA = [("项目实施", 30), ("人力物资投入", 20), ("财务管理", 20), ("项目成效", 30)]


def followup_competition(
    *,
    implementation_days_ago: int = 200,
    implementation_days: int = 365,
    midterm_in_days: int = 10,
    **fields,
):
    """A competition whose implementation started ``implementation_days_ago``, with
    mid-term and final stages scored on the four-dimension evaluation rubric."""
    from datetime import timedelta

    from venture.competitions.models import StageKind

    now = utcnow()
    start = now - timedelta(days=implementation_days_ago)
    end = start + timedelta(days=implementation_days)
    midterm = now + timedelta(days=midterm_in_days)
    stages = {
        "agreement": (start - timedelta(days=20), start),
        "implementation": (start, end),
        "midterm": (midterm, midterm + timedelta(days=30)),
        "final": (end, end + timedelta(days=60)),
    }
    comp = competition(stages={**stages, **fields.pop("stages", {})}, **fields)
    for kind in (StageKind.MIDTERM, StageKind.FINAL):
        r = rubric(comp, kind.value, EVALUATION_CRITERIA)
        stage = comp.stage(kind)
        stage.rubric_id = r.id
        stage.judges_per_application = 3
    db.session.commit()
    return comp


def result_snapshot(competition):
    from venture.rankings.models import ResultSnapshot, SnapshotKind

    snap = db.session.scalar(
        db.select(ResultSnapshot).where(ResultSnapshot.competition_id == competition.id)
    )
    if snap is None:
        snap = ResultSnapshot(
            competition_id=competition.id,
            kind=SnapshotKind.FINAL,
            method="trimmed",
            input_digest="0" * 64,
        )
        db.session.add(snap)
        db.session.commit()
    return snap


def decision(competition, app, approved_fen: int, outcome: str = "funded"):
    from venture.rankings.models import FundingOutcome
    from venture.results.models import Decision

    d = Decision(
        competition_id=competition.id,
        application_id=app.id,
        snapshot_id=result_snapshot(competition).id,
        category_id=app.category_id,
        proposed_outcome=FundingOutcome(outcome),
        outcome=FundingOutcome(outcome),
        proposed_fen=approved_fen,
        approved_fen=approved_fen,
    )
    db.session.add(d)
    db.session.commit()
    return d


def funded_application(
    competition, *, org=None, members=(), communities=(), approved_fen: int = 5_000_000, **fields
):
    org = org or organization(members=members)
    app = application(
        competition,
        org,
        status="passed",
        communities=communities,
        requested_fen=fields.pop("requested_fen", approved_fen),
        **fields,
    )
    decision(competition, app, approved_fen)
    return app


def finalize_results(competition):
    competition.results_final_at = utcnow()
    db.session.commit()
    return competition


def project(
    *,
    competition=None,
    org=None,
    members=(),
    communities=(),
    approved_fen: int = 5_000_000,
    active: bool = True,
    **fields,
):
    """A funded project made by create_projects_from_results; active (agreement
    confirmed) unless ``active=False``."""
    from venture.followup.models import ProjectStatus
    from venture.followup.services import create_projects_from_results

    competition = competition or followup_competition()
    app = funded_application(
        competition,
        org=org,
        members=members,
        communities=communities,
        approved_fen=approved_fen,
        **fields,
    )
    if competition.results_final_at is None:
        finalize_results(competition)
    created = create_projects_from_results(competition)
    proj = next(p for p in created if p.application_id == app.id)
    if active:
        proj.status = ProjectStatus.ACTIVE
        proj.agreement.signed_on = proj.agreement.starts_on
        proj.agreement.confirmed_at = utcnow()
        db.session.commit()
    return proj


def liaison_of(*communities, **kw):
    """A community liaison of these communities."""
    user = liaison(**kw)
    for community in communities:
        community.liaisons.append(user)
    db.session.commit()
    return user


# --- rankings ----------------------------------------------------------------------------------

SMALL_CRITERIA = [("需求", 10), ("设计", 10), ("效益", 20)]


def small_rubric(
    competition, stage_kind="online_review", criteria=SMALL_CRITERIA, allow_na=("效益",)
):
    """A three-criterion rubric (10 + 10 + 20) set on the stage, for hand-checked totals."""
    from venture.competitions.models import StageKind

    r = rubric(
        competition,
        stage_kind,
        criteria=criteria,
        name=f"小评分表-{stage_kind}-{next(_counter)}",
        allow_na=allow_na,
    )
    competition.stage(StageKind(stage_kind)).rubric_id = r.id
    db.session.commit()
    return r


def scored_stage(stage, table: dict, judges: dict | None = None):
    """Submitted sheets from {(application, judge): {criterion: score or None}}."""
    for (app, judge_user), scores in table.items():
        sheet(stage, app, judge_user, scores)
    return stage


def scored_online_review(applications: int = 2):
    """A competition whose online review holds submitted sheets of two judges on
    ``applications`` passed applications, committed; returns (organizer, competition, stage)."""
    from venture.competitions.models import StageKind

    organizer_user = organizer()
    comp = competition(organizer=organizer_user)
    small_rubric(comp)
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    org = organization()
    judges = [judge_with_profile() for _ in range(2)]
    apps = [application(comp, org, status="passed") for _ in range(applications)]
    scored_stage(
        stage,
        {
            (app, judge): {"需求": 5 + i, "设计": 5, "效益": 10}
            for i, app in enumerate(apps)
            for judge in judges
        },
    )
    db.session.commit()
    return organizer_user, comp, stage


def scored_applications(
    competition,
    count: int,
    *,
    judges: int = 3,
    category=None,
    stage_kind="online_review",
    base: float = 6.0,
    org=None,
):
    """``count`` passed applications, each scored by the same ``judges`` on the stage's rubric."""
    from venture.competitions.models import StageKind

    stage = competition.stage(StageKind(stage_kind))
    org = org or organization()
    panel = [judge_with_profile() for _ in range(judges)]
    apps = []
    for i in range(count):
        app = application(competition, org, status="passed", category=category)
        for j, judge_user in enumerate(panel):
            scores = {
                c.name: min(float(c.max_score), round(base + (i * 7 + j * 3) % 4 + 0.5 * j, 1))
                for c in stage.rubric.criteria
            }
            sheet(stage, app, judge_user, scores)
        apps.append(app)
    return apps, panel


# --- reports -------------------------------------------------------------------------------


def scores_near(stage, total: float) -> dict:
    """Criterion scores of ``stage``'s rubric (steps of 0.5) adding up to about ``total``/100."""
    from decimal import ROUND_HALF_UP, Decimal

    return {
        c.name: float(
            (c.max_score * Decimal(str(total)) / 100 * 2).quantize(Decimal("1"), ROUND_HALF_UP) / 2
        )
        for c in stage.rubric.criteria
    }


def judged(stage, judges_user, apps, totals, *, submitted: bool = True):
    """Assign every judge to every application and submit a sheet of about
    ``totals[judge index][application index]`` (None: assigned, no sheet)."""
    for j, judge_user in enumerate(judges_user):
        for a, app in enumerate(apps):
            assignment(stage, app, judge_user)
            if totals[j][a] is not None:
                sheet(stage, app, judge_user, scores_near(stage, totals[j][a]), submitted=submitted)


def stage_snapshot(
    stage, rows, *, methods=("mean", "median", "trimmed", "zscore", "bias"), method="trimmed"
):
    """A STAGE ranking snapshot as the rankings domain writes it. ``rows``: (application,
    score, {method: rank}) in ranking order; ``details`` holds the ranks per method."""
    from decimal import Decimal

    from venture.rankings.models import ResultSnapshot, SnapshotEntry, SnapshotKind

    snap = ResultSnapshot(
        competition_id=stage.competition_id,
        stage_id=stage.id,
        kind=SnapshotKind.STAGE,
        method=method,
        input_digest=f"{next(_counter):064d}",
        sheet_count=len(rows) * 3,
        diagnostics={"methods": list(methods)},
    )
    ranks: dict = {}
    for position, (app, score, by_method) in enumerate(rows, start=1):
        ranks[app.category_id] = ranks.get(app.category_id, 0) + 1
        snap.entries.append(
            SnapshotEntry(
                application_id=app.id,
                category_id=app.category_id,
                position=position,
                rank=ranks[app.category_id],
                score=Decimal(str(score)),
                exact_score=str(score),
                sheets=3,
                flags=["disagreement"] if position == 1 else [],
                details={
                    "scores": [str(score)] * len(methods),
                    "ranks": [by_method.get(m, position) for m in methods],
                },
                advanced=position <= 2,
            )
        )
    db.session.add(snap)
    db.session.commit()
    return snap
