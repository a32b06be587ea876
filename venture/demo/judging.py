"""Demo judging: the judge pool (judge1..7 with profiles; judge7 the harsh one, judge6
employed by an applicant so a conflict is detected), then for

- GY2025: a finished online review (5 judges per application, 2 anchors, every sheet
  submitted) and a finished roadshow of the top 16 by mean;
- WCT2026: a finished online review with some disagreement, and a roadshow session
  scheduled for today with the top 10, not started (the organizer starts it in the demo).

Rows are bulk-inserted; the assignment itself goes through the real solver. Idempotent:
each competition is skipped once it has assignments.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from venture.accounts.models import Role, User
from venture.applications.models import Application, ApplicationStatus
from venture.audit.services import record
from venture.competitions.models import Competition, PanelMode, Rubric, Stage, StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.judging import solver
from venture.judging.models import (
    Assignment,
    JudgeProfile,
    Panel,
    Recommendation,
    RoadshowSession,
    RoadshowSlot,
    RoadshowStatus,
    ScoreSheet,
    SheetScore,
    SheetStatus,
    SlotStatus,
    encode_tenths,
    panel_member,
)
from venture.templating import LOCAL_TZ

PROFILES = {  # email -> (title, employer, expertise, phone)
    "judge1@demo.venture": ("教授", "澧阳学院社会工作系", ["为老服务", "社区治理"], "13907360001"),
    "judge2@demo.venture": (
        "高级社会工作师",
        "澧阳市社会工作协会",
        ["儿童青少年", "助残服务"],
        "13907360002",
    ),
    "judge3@demo.venture": (
        "高级会计师",
        "澧阳正信会计师事务所",
        ["财务管理", "项目管理"],
        "13907360003",
    ),
    "judge4@demo.venture": (
        "副研究员",
        "澧阳市社会科学院",
        ["社区治理", "党建引领"],
        "13907360004",
    ),
    "judge5@demo.venture": ("副主任", "澧阳市慈善总会", ["救助帮困", "为老服务"], "13907360005"),
    "judge6@demo.venture": (
        "项目督导",
        "",
        ["儿童青少年", "社区治理"],
        "13907360006",
    ),  # employer: an applicant
    "judge7@demo.venture": (
        "教授",
        "湖滨师范学院公共管理学院",
        ["项目管理", "党建引领"],
        "13907360007",
    ),
}
HARSH = "judge7@demo.venture"
ROADSHOW_PANEL = ["judge1", "judge2", "judge3", "judge4", "judge5", "judge7"]

COMMENTS = {
    "high": [
        "需求调研扎实，数据翔实。",
        "设计思路清晰，目标与活动对应良好。",
        "团队专业能力强，经验丰富。",
        "预算编制细致，与活动匹配。",
        "社区资源整合到位，可持续性好。",
    ],
    "mid": [
        "整体可行，部分环节需细化。",
        "目标设定基本合理，指标可进一步量化。",
        "预算大体合理，个别科目偏高。",
        "有一定创新，但与同类项目区分度不够。",
        "团队配置基本满足需要。",
    ],
    "low": [
        "需求分析较笼统，缺少数据支撑。",
        "活动设计与目标关联不强。",
        "预算依据不足，人员补贴比例偏高。",
        "风险应对措施不够具体。",
        "机构执行同类项目经验不足。",
    ],
}
OVERALL = {
    Recommendation.FUND: ["项目设计完整，建议资助。", "社区需求迫切，方案可行，建议优先支持。"],
    Recommendation.MAYBE: ["方案尚可，建议完善预算后考虑资助。", "有一定亮点，实施细节需加强。"],
    Recommendation.REJECT: [
        "方案与公益创投要求差距较大，暂不建议资助。",
        "需求论证不足，建议修改后再申报。",
    ],
}


def _competition(prefix: str) -> Competition | None:
    return db.session.scalar(sa.select(Competition).where(Competition.code_prefix == prefix))


def _judges() -> dict[str, User]:
    users = {
        u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(PROFILES)))
    }
    return {
        email: users[email]
        for email in PROFILES
        if email in users and users[email].role == Role.JUDGE
    }


def _ensure_profiles(judges: dict[str, User], conflicted_org) -> bool:
    existing = {p.user_id for p in db.session.scalars(sa.select(JudgeProfile))}
    added = False
    for email, user in judges.items():
        if user.id in existing:
            continue
        title, employer, expertise, phone = PROFILES[email]
        uscc = ""
        if email == "judge6@demo.venture" and conflicted_org is not None:
            employer, uscc = conflicted_org.name, conflicted_org.uscc
        db.session.add(
            JudgeProfile(
                user_id=user.id,
                title=title,
                employer=employer or "澧阳市城东区社区服务中心",
                employer_uscc=uscc,
                expertise=expertise,
                phone=phone,
            )
        )
        added = True
    db.session.flush()
    return added


def _passed(comp: Competition) -> list[Application]:
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(
                Application.competition_id == comp.id,
                Application.status == ApplicationStatus.PASSED,
            )
            .order_by(Application.code, Application.id)
        )
    )


def _rubric(comp: Competition, stage: Stage) -> Rubric | None:
    if stage.rubric_id:
        return db.session.get(Rubric, stage.rubric_id)
    rubric = db.session.scalar(
        sa.select(Rubric)
        .where(Rubric.competition_id == comp.id, Rubric.stage_kind == stage.kind)
        .order_by(Rubric.id.desc())
    )
    if rubric is not None:
        stage.rubric_id = rubric.id
    return rubric


def _set_panel(stage: Stage, judge_ids: list[int]) -> None:
    panel = db.session.scalar(
        sa.select(Panel).where(Panel.stage_id == stage.id, Panel.category_id.is_(None))
    )
    if panel is None:
        panel = Panel(stage_id=stage.id, category_id=None, name="全体评审专家")
        db.session.add(panel)
        db.session.flush()
    db.session.execute(sa.delete(panel_member).where(panel_member.c.panel_id == panel.id))
    db.session.execute(
        sa.insert(panel_member), [{"panel_id": panel.id, "judge_id": j} for j in judge_ids]
    )


def _assign(
    stage: Stage, applications: list[Application], when: datetime
) -> list[tuple[int, int, bool]]:
    """Run the real solver and bulk-insert the result (no notices: this is history)."""
    from venture.judging.services.assignment import build_problem
    from venture.judging.services.conflicts import record_detected

    problem, found = build_problem(stage, applications)
    solution = solver.solve(problem)
    record_detected(found)
    rows = [
        {
            "stage_id": stage.id,
            "application_id": a,
            "judge_id": j,
            "is_anchor": (a, j) in solution.anchors,
            "no_conflict_confirmed_at": when,
            "created_at": when,
        }
        for a, j in sorted(solution.pairs)
    ]
    db.session.execute(sa.insert(Assignment), rows)
    record(
        "judging.assignment_run",
        stage,
        changes={
            "seed": stage.assignment_seed,
            "k": stage.judges_per_application,
            "anchors": stage.anchor_count,
            "applications": len(applications),
            "assignments": len(rows),
            "demo": True,
        },
    )
    return [(r["application_id"], r["judge_id"], r["is_anchor"]) for r in rows]


def _half(value: float) -> Decimal:
    return (Decimal(str(value)) * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def _sheets(
    stage: Stage,
    rubric: Rubric,
    pairs,
    *,
    quality: dict[int, float],
    bias: dict[int, float],
    rng: random.Random,
    start: datetime,
    end: datetime,
    disagree: dict[int, tuple[int, float]] | None = None,
    status=SheetStatus.SUBMITTED,
) -> dict[int, list[Decimal]]:
    """Submitted sheets with realistic spread; returns the totals by application."""
    criteria = list(rubric.criteria)
    total_max = float(sum(c.max_score for c in criteria))
    span = (end - start).total_seconds()
    sheet_rows, plans = [], []
    for app_id, judge_id, _anchor in pairs:
        level = quality[app_id] + bias.get(judge_id, 0.0)
        if disagree and disagree.get(app_id, (None,))[0] == judge_id:
            level += disagree[app_id][1]
        scores = []
        for c in criteria:
            if c.allow_na and rng.random() < 0.08:
                scores.append((c, None))
                continue
            ratio = min(max((level + rng.gauss(0, 5)) / 100, 0.2), 1.0)
            scores.append((c, min(_half(float(c.max_score) * ratio), c.max_score)))
        answered = [(s, c.max_score) for c, s in scores if s is not None]
        total = (
            float(sum(s for s, _m in answered)) * total_max / float(sum(m for _s, m in answered))
        )
        recommendation = (
            Recommendation.FUND
            if total >= 80
            else Recommendation.MAYBE
            if total >= 65
            else Recommendation.REJECT
        )
        when = start + timedelta(seconds=rng.uniform(0.1, 0.95) * span)
        sheet_rows.append(
            {
                "stage_id": stage.id,
                "application_id": app_id,
                "judge_id": judge_id,
                "rubric_id": rubric.id,
                "status": status,
                "confidence": rng.choice([3, 4, 4, 5]),
                "recommendation": recommendation,
                "overall_comment": rng.choice(OVERALL[recommendation]),
                "version": 3,
                "submitted_at": when if status == SheetStatus.SUBMITTED else None,
                "created_at": when - timedelta(hours=2),
                "updated_at": when,
                "reopened_reason": "",
            }
        )
        sheet_rows[-1]["tenths"] = encode_tenths(
            [c.id for c, _s in scores], {c.id: s for c, s in scores}
        )
        plans.append((scores, total))
    ids = (
        db.session.execute(
            sa.insert(ScoreSheet).returning(ScoreSheet.id, sort_by_parameter_order=True), sheet_rows
        )
        .scalars()
        .all()
    )
    score_rows, totals = [], {}
    for sheet_id, row, (scores, total) in zip(ids, sheet_rows, plans, strict=True):
        totals.setdefault(row["application_id"], []).append(Decimal(str(round(total, 2))))
        for c, s in scores:
            band = (
                "high"
                if s is not None and s >= c.max_score * Decimal("0.8")
                else "low"
                if s is not None and s < c.max_score * Decimal("0.6")
                else "mid"
            )
            score_rows.append(
                {
                    "sheet_id": sheet_id,
                    "criterion_id": c.id,
                    "score": s,
                    "not_applicable": s is None,
                    "comment": ""
                    if s is None or rng.random() < 0.5
                    else rng.choice(COMMENTS[band]),
                }
            )
    db.session.execute(sa.insert(SheetScore), score_rows)
    return totals


def _top(totals: dict[int, list[Decimal]], n: int) -> list[int]:
    means = {a: sum(v) / len(v) for a, v in totals.items()}
    return sorted(means, key=lambda a: (-means[a], a))[:n]


def _session(
    stage: Stage,
    name: str,
    venue: str,
    when: datetime,
    app_ids: list[int],
    *,
    status: RoadshowStatus,
):
    session = RoadshowSession(
        stage_id=stage.id, name=name, venue=venue, scheduled_at=when, status=status
    )
    db.session.add(session)
    db.session.flush()
    closed = status == RoadshowStatus.CLOSED
    for position, app_id in enumerate(app_ids, start=1):
        slot_time = when + timedelta(minutes=15 * position)
        session.slots.append(
            RoadshowSlot(
                application_id=app_id,
                position=position,
                status=SlotStatus.CLOSED if closed else SlotStatus.WAITING,
                started_at=slot_time - timedelta(minutes=12) if closed else None,
                closed_at=slot_time if closed else None,
            )
        )
    if closed:
        session.started_at, session.closed_at = (
            when,
            when + timedelta(minutes=15 * (len(app_ids) + 1)),
        )
    db.session.flush()
    if closed:
        session.current_slot_id = session.slots[-1].id
    return session


def _review(
    comp: Competition,
    judges: dict[str, User],
    *,
    rng: random.Random,
    anchors: int,
    disagreement: int,
) -> tuple[Stage, dict[int, list[Decimal]]] | None:
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    apps = _passed(comp)
    if stage is None or not apps:
        return None
    rubric = _rubric(comp, stage)
    if rubric is None or not rubric.criteria:
        return None
    stage.judges_per_application, stage.panel_mode, stage.anchor_count = 5, PanelMode.ALL, anchors
    stage.max_load = None
    _set_panel(stage, [u.id for u in judges.values()])
    db.session.flush()
    start = stage.starts_at or utcnow() - timedelta(days=30)
    end = stage.ends_at or start + timedelta(days=14)
    pairs = _assign(stage, apps, start)
    quality = {a.id: rng.uniform(58, 90) for a in apps}
    if (
        comp.code_prefix == "GY2025"
    ):  # the demo applicant's first phase is funded: the story follows it
        from venture.demo.competition import FIRST_PHASE

        for app in apps:
            if app.project_name == FIRST_PHASE[0]:
                quality[app.id] = 88.0
    bias = {u.id: rng.uniform(-2, 2) for u in judges.values()}
    bias[judges[HARSH].id] = -8.0
    disagree = {}
    for app_id in rng.sample(sorted({a for a, _j, _x in pairs}), k=min(disagreement, len(apps))):
        judge_id = rng.choice(sorted(j for a, j, _x in pairs if a == app_id))
        disagree[app_id] = (judge_id, rng.choice([-28.0, 26.0]))
    totals = _sheets(
        stage,
        rubric,
        pairs,
        quality=quality,
        bias=bias,
        rng=rng,
        start=start,
        end=end,
        disagree=disagree,
    )
    return stage, totals


def _roadshow_setup(comp: Competition, judges: dict[str, User], shortlist: list[int]):
    stage = comp.stage(StageKind.ROADSHOW)
    if stage is None or not shortlist:
        return None, None
    rubric = _rubric(comp, stage)
    panel = [
        judges[f"{name}@demo.venture"].id
        for name in ROADSHOW_PANEL
        if f"{name}@demo.venture" in judges
    ]
    # In the room the whole panel scores every project on stage.
    stage.judges_per_application, stage.panel_mode, stage.anchor_count = (
        len(panel),
        PanelMode.ALL,
        0,
    )
    _set_panel(stage, panel)
    db.session.flush()
    return stage, rubric


def _seed_gy2025(comp: Competition, judges: dict[str, User]) -> bool:
    rng = random.Random(2025)
    reviewed = _review(comp, judges, rng=rng, anchors=2, disagreement=2)
    if reviewed is None:
        return False
    _stage, totals = reviewed
    shortlist = _top(totals, 16)
    stage, rubric = _roadshow_setup(comp, judges, shortlist)
    if stage is None or rubric is None:
        return True
    when = (
        stage.starts_at + timedelta(days=2) if stage.starts_at else utcnow() - timedelta(days=300)
    )
    when = (
        when.astimezone(LOCAL_TZ).replace(hour=9, minute=0, second=0, microsecond=0).astimezone(UTC)
    )
    _session(
        stage,
        "2025年公益创投大赛项目路演",
        "澧阳市民政局三楼多功能厅",
        when,
        shortlist,
        status=RoadshowStatus.CLOSED,
    )
    pairs = _assign(stage, [db.session.get(Application, a) for a in shortlist], when)
    quality = {a: float(sum(totals[a]) / len(totals[a])) + rng.uniform(-4, 4) for a in shortlist}
    bias = {judges[HARSH].id: -8.0}
    _sheets(
        stage,
        rubric,
        pairs,
        quality=quality,
        bias=bias,
        rng=rng,
        start=when,
        end=when + timedelta(minutes=15 * (len(shortlist) + 1)),
    )
    return True


def _seed_wct2026(comp: Competition, judges: dict[str, User]) -> bool:
    rng = random.Random(2026)
    reviewed = _review(comp, judges, rng=rng, anchors=0, disagreement=3)
    if reviewed is None:
        return False
    _stage, totals = reviewed
    shortlist = _top(totals, 10)
    stage, _rubric_ = _roadshow_setup(comp, judges, shortlist)
    if stage is None:
        return True
    today = utcnow().astimezone(LOCAL_TZ).replace(hour=14, minute=0, second=0, microsecond=0)
    _session(
        stage,
        "2026年社区微创投项目路演",
        "澧阳市社会组织孵化基地路演厅",
        today.astimezone(UTC),
        shortlist,
        status=RoadshowStatus.SCHEDULED,
    )
    _assign(stage, [db.session.get(Application, a) for a in shortlist], utcnow())
    db.session.execute(
        sa.update(Assignment)
        .where(Assignment.stage_id == stage.id)
        .values(no_conflict_confirmed_at=None)
    )  # judges confirm in the room
    return True


def _seed_cd2026(comp: Competition, judges: dict[str, User]) -> bool:
    """城东区: online review and roadshow finished weeks ago (its results are on public notice)."""
    rng = random.Random(2061)
    reviewed = _review(comp, judges, rng=rng, anchors=0, disagreement=1)
    if reviewed is None:
        return False
    _stage, totals = reviewed
    shortlist = _top(totals, 8)
    stage, rubric = _roadshow_setup(comp, judges, shortlist)
    if stage is None or rubric is None:
        return True
    when = (
        stage.starts_at.astimezone(LOCAL_TZ)
        .replace(hour=9, minute=0, second=0, microsecond=0)
        .astimezone(UTC)
    )
    _session(
        stage,
        "城东区2026年社区公益创投项目路演",
        "城东区社会组织服务中心会议室",
        when,
        shortlist,
        status=RoadshowStatus.CLOSED,
    )
    pairs = _assign(stage, [db.session.get(Application, a) for a in shortlist], when)
    quality = {a: float(sum(totals[a]) / len(totals[a])) + rng.uniform(-4, 4) for a in shortlist}
    _sheets(
        stage,
        rubric,
        pairs,
        quality=quality,
        bias={judges[HARSH].id: -8.0},
        rng=rng,
        start=when,
        end=when + timedelta(minutes=15 * (len(shortlist) + 1)),
    )
    return True


# HB2026's online review is half done: these judges have finished, the others have
# sheets to score, so a judge who logs in (judge1, judge2) has work waiting.
HB_DONE = ("judge3", "judge4", "judge5", "judge6", "judge7")


def _seed_hb2026(comp: Competition, judges: dict[str, User]) -> bool:
    """湖滨区: the online review is open now and about half of the sheets are in."""
    rng = random.Random(2062)
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    apps = _passed(comp)
    rubric = _rubric(comp, stage) if stage is not None else None
    if stage is None or not apps or rubric is None:
        return False
    stage.judges_per_application, stage.panel_mode, stage.anchor_count, stage.max_load = (
        5,
        PanelMode.ALL,
        0,
        None,
    )
    _set_panel(stage, [u.id for u in judges.values()])
    db.session.flush()
    start, now = stage.starts_at, utcnow()
    pairs = _assign(stage, apps, start)
    done_ids = {
        judges[f"{name}@demo.venture"].id for name in HB_DONE if f"{name}@demo.venture" in judges
    }
    done = [p for p in pairs if p[1] in done_ids]
    waiting = {p[1] for p in pairs if p[1] not in done_ids}
    db.session.execute(
        sa.update(Assignment)
        .where(Assignment.stage_id == stage.id, Assignment.judge_id.in_(waiting))
        .values(no_conflict_confirmed_at=None)
    )  # they confirm when they open their first sheet
    quality = {a.id: rng.uniform(60, 88) for a in apps}
    bias = {u.id: rng.uniform(-2, 2) for u in judges.values()}
    bias[judges[HARSH].id] = -8.0
    _sheets(
        stage,
        rubric,
        done,
        quality=quality,
        bias=bias,
        rng=rng,
        start=start,
        end=min(now, stage.ends_at),
    )
    return True


SEEDERS = {
    "GY2025": _seed_gy2025,
    "WCT2026": _seed_wct2026,
    "CD2026": _seed_cd2026,
    "HB2026": _seed_hb2026,
}


def _already_assigned(comp: Competition) -> bool:
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    return (
        stage is None
        or db.session.scalar(
            sa.select(Assignment.id).where(Assignment.stage_id == stage.id).limit(1)
        )
        is not None
    )


def _conflicted_org(comps: list[Competition]):
    """An applicant organization (not the demo applicant's) that judge6 works for."""
    from venture.orgs.models import Organization

    for comp in comps:
        for app in _passed(comp):
            org = db.session.get(Organization, app.organization_id)
            if org is not None and "夕阳红" not in org.name:
                return org
    return None


def seed() -> bool:
    judges = _judges()
    if len(judges) < 6:
        return False
    comps = [c for c in map(_competition, SEEDERS) if c is not None]
    added = _ensure_profiles(judges, _conflicted_org(comps))
    for comp in comps:
        if _already_assigned(comp):
            continue
        added = SEEDERS[comp.code_prefix](comp, judges) or added
        db.session.flush()
    return added
