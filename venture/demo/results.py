"""Demo data of the results domain: GY2025's public notice with three objections (one
upheld, changing a decision; two dismissed) and final results; CD2026's public notice
open now, with one objection answered and one waiting for the organizer's answer.

Runs through the real services (with past dates), so the audit log, the decisions'
reasons and the members' notices are what the product writes. WCT2026 gets nothing:
the organizer computes and publishes it during the demo."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from venture.accounts.models import Role
from venture.competitions.models import Competition, StageKind
from venture.db import unit_of_work, utcnow
from venture.extensions import db
from venture.rankings.models import FundingOutcome
from venture.results import services
from venture.results.models import Publication

CODE_PREFIX = "GY2025"

# (which decision, objector, phone, email, organization, content, verdict, reply)
OBJECTIONS = [
    (
        "funded",
        "周国栋",
        "13907361234",
        "zhou.guodong@example.org",
        "",
        "该项目预算中列支了“电动护理床 2 张”，属于固定资产购置，按申报指南不得列支，请主办方核查并核减相应金额。",
        "upheld",
        "经核查，该项目预算确实列支了固定资产购置费用 6000 元，不符合申报指南。异议成立，核减资助金额 6000 元，"
        "其余内容维持不变。",
    ),
    (
        "funded",
        "陈秀兰",
        "0736-7218866",
        "",
        "",
        "我是该社区居民，项目书中写的“已在本社区开展助老服务三年”与我了解的情况不符，请核实。",
        "dismissed",
        "经向所在社区居委会核实，该机构自 2022 年起在本社区持续开展助老服务，有活动记录和社区证明为据，"
        "异议不成立。感谢您的监督。",
    ),
    (
        "waitlist",
        "刘建华",
        "13807365678",
        "liujh@example.org",
        "澧阳市城西区春晖社会工作服务中心",
        "我机构项目在路演环节得分明显偏低，怀疑个别评审专家打分不公，请求复核评分。",
        "dismissed",
        "经复核，路演环节评分均按评分细则进行，已按“去掉一个最高分和一个最低分”规则计算，各评审专家均签署了"
        "回避承诺，未发现打分不公的情况，异议不成立。",
    ),
]


# CD2026's notice, open now: (decision, objector, phone, email, organization, content, answer or None)
OPEN_OBJECTIONS = [
    (
        "funded",
        "王丽娟",
        "13574361288",
        "wanglj@example.org",
        "",
        "该项目申报书称服务对象为社区内全部高龄老人，但项目预算中的人员补贴占比较高，实际服务人次可能达不到承诺的目标，"
        "请主办方核实其服务能力。",
        "经核查，该机构现有持证社会工作者4名、签约志愿者30余名，近两年在本社区完成同类项目2个，服务人次均达到协议目标；"
        "人员补贴未超过预算规则上限。异议不成立，感谢您的监督。",
    ),
    (
        "waitlist",
        "赵德明",
        "13974362210",
        "",
        "",
        "我是该项目服务社区的居民志愿者。该项目列为候补，公示名单只写了总分，没有说明候补项目与资助项目之间的取舍依据，"
        "请公开同分比较规则，并复核路演环节的计分。",
        None,
    ),
]


def seed() -> bool:
    added = False
    competition = db.session.scalar(
        sa.select(Competition).where(Competition.code_prefix == CODE_PREFIX)
    )
    if (
        competition is not None
        and services.publication_of(competition) is None
        and services.latest_final_snapshot(competition) is not None
    ):
        added = _seed_final(competition)
    open_round = db.session.scalar(
        sa.select(Competition).where(Competition.code_prefix == OPEN_PREFIX)
    )
    if (
        open_round is not None
        and services.publication_of(open_round) is None
        and services.latest_final_snapshot(open_round) is not None
    ):
        with unit_of_work():
            _publish_open(open_round, _organizer())
        added = True
    return added


OPEN_PREFIX = "CD2026"
INSTRUCTIONS = (
    "书面异议请写明异议人真实姓名和联系电话；单位提出异议的须加盖公章。"
    "联系电话：0736-7100000（工作日 9:00–17:00）。"
)


def _organizer():
    from venture.demo.people import ORGANIZERS, ensure_user

    email, name, _role = ORGANIZERS[0]
    return ensure_user(email, name, Role.ORGANIZER)


def _publish_open(competition, organizer) -> None:
    """The notice opened at the stage's start; one objection answered, the last one waiting."""
    from venture.demo.competition import local_at

    now = utcnow()
    stage = competition.stage(StageKind.PUBLICITY)
    start = (
        stage.starts_at
        if stage and stage.starts_at and stage.starts_at < now
        else local_at(now, -2, 9)
    )
    services.generate_decisions(competition, organizer)
    # opened at ``start`` even when the stage was planned later (the organizer's choice)
    services.approve(
        competition,
        organizer,
        days=competition.publicity_days,
        now=start,
        instructions=INSTRUCTIONS,
        open_now=True,
    )
    decisions = services.decisions_of(competition)
    by_outcome = {o: [d for d in decisions if d.outcome == o] for o in FundingOutcome}
    filed_at = [local_at(now, -1, 10, 20), local_at(now, -1, 15, 40)]
    for (target, real_name, phone, email, org_name, content, reply), when in zip(
        OPEN_OBJECTIONS, filed_at, strict=True
    ):
        decision = (by_outcome[FundingOutcome(target)] or decisions)[0]
        objection = services.file_objection(
            competition,
            application_id=decision.application_id,
            objector_kind="organization" if org_name else "person",
            real_name=real_name,
            phone=phone,
            email=email,
            organization_name=org_name,
            content=content,
            now=min(when, now),
        )
        if reply:
            services.answer_objection(
                objection,
                upheld=False,
                reply=reply,
                actor=organizer,
                now=min(when + timedelta(hours=5), now),
                no_change_reason="异议不成立，公示结果不变。",
            )


def _seed_final(competition) -> bool:
    organizer = _organizer()
    # The competition seeder may have marked the results final already; the services
    # below are the ones that finalize, so the lock is lifted while they run.
    locked_at = competition.results_final_at
    competition.results_final_at = None
    with unit_of_work():
        _publish_and_finalize(competition, organizer, locked_at)
    return True


def _publish_and_finalize(competition, organizer, locked_at) -> None:
    stage = competition.stage(StageKind.PUBLICITY)
    start = (
        stage.starts_at
        if stage and stage.starts_at
        else (locked_at or utcnow()) - timedelta(days=10)
    )
    days = competition.publicity_days
    services.generate_decisions(competition, organizer)
    services.approve(competition, organizer, days=days, now=start, instructions=INSTRUCTIONS)
    decisions = services.decisions_of(competition)
    by_outcome = {o: [d for d in decisions if d.outcome == o] for o in FundingOutcome}
    for i, (target, real_name, phone, email, org_name, content, verdict, reply) in enumerate(
        OBJECTIONS
    ):
        candidates = by_outcome[FundingOutcome(target)] or decisions
        decision = candidates[min(i, len(candidates) - 1)]
        filed_at = start + timedelta(days=1 + i, hours=2)
        objection = services.file_objection(
            competition,
            application_id=decision.application_id,
            objector_kind="organization" if org_name else "person",
            real_name=real_name,
            phone=phone,
            email=email,
            organization_name=org_name,
            content=content,
            now=filed_at,
        )
        change = (
            verdict == "upheld"
            and decision.outcome == FundingOutcome.FUNDED
            and decision.approved_fen > 600_000
        )
        services.answer_objection(
            objection,
            upheld=verdict == "upheld",
            reply=reply,
            actor=organizer,
            now=filed_at + timedelta(days=2, hours=2),
            change=change,
            outcome=FundingOutcome.FUNDED.value,
            approved_fen=decision.approved_fen - 600_000 if change else None,
            change_reason="异议成立：核减预算中不合规的固定资产购置费用 6000 元",
            no_change_reason=""
            if change
            else "资助金额不足 6000 元，无可核减的部分；已要求机构在执行中不得购置固定资产。",
            phone_note=""
            if email
            else "项目办吴敏按异议人留的电话回访，宣读了答复意见，异议人表示认可。",
            phone_replied_at=None if email else filed_at + timedelta(days=2, hours=1),
        )
    publication: Publication = services.publication_of(competition)
    services.finalize(competition, organizer, now=publication.publicity_ends_at + timedelta(days=1))
