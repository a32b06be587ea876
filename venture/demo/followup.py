"""Demo data: the follow-up of GY2025's funded projects, in every follow-up state.

GY2025's twelve months of work ended about six weeks ago (venture/demo/competition.py
dates it from today); its mid-term was half a year ago and its final evaluation is
open now. Its funded applications become projects (through
``create_projects_from_results``, budgets in whole hundreds of yuan) and are brought
into these states, every step dated in the past:

- **story** (in liaison@'s community): reports filed, activities confirmed, one disputed
  by the liaison, a report waiting for the liaison, the last report overdue; mid-term
  passed and the second tranche released; the final evaluation being scored (two of
  three sheets in: the organizer computes it).
- **applicant** (applicant@'s organization): mid-term passed, second tranche paid; the
  last progress report still to file (extended to five days from now), and the final
  self-assessment (extended to twelve days from now).
- **terminated**: missed its mid-term self-assessment (failed at the deadline), then
  terminated with an amount to recover, part of it paid back.
- **suspended**: failed its mid-term on the evaluators' scores; the next tranche is blocked.
- **agreement**: the signed copy is uploaded, waiting for the organizer's confirmation.
- **closed**: every other project, with final grades A and B and all tranches paid.

Uploads (agreements, photos, vouchers, reports, ledgers) are made in memory and stored
through ``store_upload``; nothing binary lives in the repository.
"""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from venture.accounts.models import Role, User
from venture.db import unit_of_work, utcnow
from venture.extensions import db
from venture.followup.rules import LOCAL_TZ, local_date

# What a project's activity records say, by its category: a children's reading project
# reports story hours, not blood-pressure checks.
ACTIVITIES = {
    "为老服务": [
        ("入户探访", "为高龄独居老人上门探访，测量血压并登记生活需求。"),
        ("小组活动", "开展“银龄手工坊”小组活动，老人互相学习编织与剪纸。"),
        ("志愿服务", "组织低龄老人志愿者结对帮扶高龄老人，交流帮扶心得。"),
        ("技能培训", "邀请社区医生为老人讲解慢病管理与防跌倒知识。"),
        ("社区活动", "举办敬老邻里节，为老人义诊、理发并宣传项目服务内容。"),
        ("议事协商", "召开居民议事会，讨论老旧楼道适老化改造方案。"),
    ],
    "助残服务": [
        ("个案服务", "上门为残障人士评估康复需求，协助制定个人康复计划。"),
        ("小组活动", "开展残障青年社交技能小组，练习求职面试与沟通表达。"),
        ("技能培训", "组织残障人士参加手工编织和电商客服技能培训。"),
        ("志愿服务", "志愿者陪同残障人士出行就医，排查社区无障碍设施。"),
        ("社区活动", "举办残健融合运动会，残障人士与社区居民组队参赛。"),
        ("家属支持", "召开残障人士家属互助会，分享照护经验并提供喘息服务。"),
    ],
    "儿童青少年": [
        ("亲子阅读", "举办绘本故事会，志愿者带领亲子家庭共读并开展手工延伸活动。"),
        ("课业辅导", "开展四点半课堂，大学生志愿者为双职工家庭孩子辅导作业。"),
        ("小组活动", "开展儿童情绪管理小组，用游戏帮助孩子认识和表达情绪。"),
        ("安全教育", "开展防溺水与交通安全体验课，孩子们现场演练自护技能。"),
        ("社区活动", "举办“童心议事会”，孩子们为社区儿童游乐区改造建言。"),
        ("家长课堂", "邀请家庭教育指导师为家长讲解亲子沟通方法。"),
    ],
    "社区治理": [
        ("议事协商", "召开居民议事会，协商小区停车位划分和加装电梯方案。"),
        ("骨干培训", "为楼栋长和居民骨干讲解议事规则与矛盾调解方法。"),
        ("社区活动", "组织居民共建社区微花园，认领绿地并制定养护公约。"),
        ("矛盾调解", "调解志愿队上门调解楼上楼下漏水纠纷，双方达成协议。"),
        ("志愿服务", "开展垃圾分类督导，志愿者在投放点指导居民分类。"),
        ("组织培育", "辅导社区社会组织完善章程和活动台账，对接社区微基金。"),
    ],
    "党建引领": [
        ("主题党日", "社区党支部开展主题党日活动，党员认领社区服务岗位。"),
        ("志愿服务", "党员志愿服务队走访困难家庭，收集居民急难愁盼问题。"),
        ("议事协商", "召开红色议事会，党员带头协商解决小区路灯维修问题。"),
        ("宣讲活动", "老党员为社区青少年宣讲红色故事，开展党史知识问答。"),
        ("联建共建", "组织辖区企业和社会组织党组织签订结对共建协议。"),
        ("便民服务", "在党群服务中心开展义诊、法律咨询等便民服务。"),
    ],
}
SUMMARY = "本期按计划开展{n}场活动，服务居民{p}人次；志愿者队伍稳定，下一阶段将重点跟进个案需求。"
COLOURS = [
    (214, 92, 62),
    (62, 140, 214),
    (90, 170, 90),
    (230, 180, 40),
    (150, 90, 190),
    (40, 160, 160),
]
EVALUATION_CRITERIA = [("项目实施", 30), ("人力物资投入", 20), ("财务管理", 20), ("项目成效", 30)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def tiny_png(rgb: tuple[int, int, int] = (60, 130, 90), size: int = 8) -> bytes:
    """A small valid PNG of one colour, made in memory (no binary files in the repository)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes(rgb) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def _store(data: bytes, name: str, user):
    from venture.files.services import store_upload

    return store_upload(FileStorage(stream=io.BytesIO(data), filename=name), user=user)


def _ledger(project) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "预算科目", "事项", "金额（元）"])
    for line in project.budget:
        for expense in line.expenses:
            sheet.append(
                [
                    expense.spent_on.isoformat(),
                    line.name,
                    expense.description,
                    expense.amount_fen / 100,
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _at(day: date, hour: int = 10) -> datetime:
    """A local working-hours moment on ``day``, in UTC."""
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(utcnow().tzinfo)


# --- what the earlier seeders made ----------------------------------------------------


def _competition():
    from venture.competitions.models import Competition

    return db.session.scalar(sa.select(Competition).where(Competition.code_prefix == "GY2025"))


def _has_final_decisions(competition) -> bool:
    from venture.rankings.models import FundingOutcome
    from venture.results.models import Decision

    return (
        competition.results_final_at is not None
        and db.session.scalar(
            sa.select(Decision.id).where(
                Decision.competition_id == competition.id, Decision.outcome == FundingOutcome.FUNDED
            )
        )
        is not None
    )


def _already_seeded(competition) -> bool:
    """Projects may exist already (made at finalize); ours are the ones past the agreement."""
    from venture.followup.models import Project, ProjectStatus

    return (
        db.session.scalar(
            sa.select(Project.id).where(
                Project.competition_id == competition.id, Project.status != ProjectStatus.AGREEMENT
            )
        )
        is not None
    )


def _ensure_evaluation_stages(competition) -> None:
    """The mid-term and final stages need a rubric to be scored (the competition seeder
    normally sets them up; this only fills a gap)."""
    from venture.competitions.models import Rubric, RubricCriterion, Stage, StageKind

    defaults = {
        StageKind.MIDTERM: (date(2026, 1, 1), date(2026, 2, 1), "中期评估评分表"),
        StageKind.FINAL: (date(2026, 7, 1), date(2026, 10, 1), "结项评估评分表"),
    }
    for kind, (start, end, name) in defaults.items():
        stage = competition.stage(kind)
        if stage is None:
            stage = Stage(
                kind=kind,
                position=len(competition.stages),
                starts_at=_at(start, 0),
                ends_at=_at(end, 0),
            )
            competition.stages.append(stage)
        if stage.rubric_id is None:
            rubric = Rubric(competition_id=competition.id, name=name, stage_kind=kind)
            rubric.criteria = [
                RubricCriterion(position=i, name=n, max_score=Decimal(m), description=f"{n}情况")
                for i, (n, m) in enumerate(EVALUATION_CRITERIA)
            ]
            db.session.add(rubric)
            db.session.flush()
            stage.rubric_id = rubric.id
    db.session.flush()


def _user(email: str, name: str, role: Role) -> User:
    from venture.demo.people import ensure_user

    return ensure_user(email, name, role)


def _org_of(email: str) -> int | None:
    from venture.orgs.models import Membership

    return db.session.scalar(
        sa.select(Membership.organization_id)
        .join(User, User.id == Membership.user_id)
        .where(User.email == email)
        .limit(1)
    )


# --- building the states ----------------------------------------------------------------


class Seeder:
    def __init__(self, competition):
        self.competition = competition
        self.organizer = _user("organizer@demo.venture", "周明华", Role.ORGANIZER)
        self.liaison = _user("liaison@demo.venture", "郑红霞", Role.LIAISON)
        self.judge7 = _user("judge7@demo.venture", "孙海涛", Role.JUDGE)
        self.now = utcnow()
        self.today = local_date(self.now)
        self.colour = 0

    # the agreement and money
    def sign(self, project, *, confirm: bool = True) -> None:
        agreement = project.agreement
        agreement.signed_on = (agreement.starts_on or self.today) - timedelta(days=5)
        agreement.signed_copy = _store(
            PDF,
            "项目协议（盖章版）.pdf",
            project.organization.members[0].user if project.organization.members else None,
        )
        if confirm:
            from venture.followup.models import ProjectStatus

            agreement.confirmed_at = _at(agreement.signed_on + timedelta(days=3))
            agreement.confirmed_by_id = self.organizer.id
            project.status = ProjectStatus.ACTIVE

    def release(self, project, position: int, on: date) -> None:
        from venture.followup.services import release_tranche

        tranche = project.tranches[position - 1]
        release_tranche(tranche, actor=self.organizer)
        tranche.released_at = _at(on)

    # reports, activities, spending
    def file_reports(
        self,
        project,
        *,
        open_from: int | None = None,
        pending_from: int | None = None,
        dispute: int | None = None,
        photos: bool = False,
    ) -> None:
        """Submit the reports before index ``open_from`` (the rest stay open); activities
        of reports from ``pending_from`` on wait for the liaison."""
        from venture.followup.models import (
            Activity,
            ActivityDispute,
            ActivityPhoto,
            DisputeEntry,
            DisputeStep,
            LiaisonStatus,
            ReportStatus,
        )

        communities = list(project.application.communities)
        for index, report in enumerate(project.reports):
            if report.period_end >= self.today or (open_from is not None and index >= open_from):
                break
            activities = []
            texts = activities_for(project)
            for k in range(2):
                kind, text = texts[(project.id + index * 2 + k) % len(texts)]
                community = communities[(index + k) % len(communities)] if communities else None
                if community is None:
                    continue
                held = report.period_start + timedelta(
                    days=min(12 + 25 * k, (report.period_end - report.period_start).days)
                )
                people = 18 + (project.id * 7 + index * 5 + k * 3) % 25
                activity = Activity(
                    community_id=community.id,
                    held_on=held,
                    activity_type=kind,
                    participants=people,
                    residents=people - 3 - k,
                    description=text,
                )
                liaisons = list(community.liaisons)
                if liaisons and (pending_from is None or index < pending_from):
                    activity.liaison_status = LiaisonStatus.CONFIRMED
                    activity.reviewed_by_id = liaisons[0].id
                    activity.reviewed_at = self.past(_at(report.period_end + timedelta(days=12)))
                if photos:
                    self.colour += 1
                    activity.photos.append(
                        ActivityPhoto(
                            file=_store(
                                tiny_png(COLOURS[self.colour % len(COLOURS)]),
                                f"活动照片{self.colour}.png",
                                None,
                            )
                        )
                    )
                activities.append(activity)
            reviewed = [a for a in activities if a.reviewed_by_id]
            if dispute == index and reviewed:  # the liaison disputes the last record they reviewed
                disputed = reviewed[-1]
                disputed.liaison_status = LiaisonStatus.DISPUTED
                disputed.liaison_note = "当天社区未开展此活动，签到表人数与实际不符。"
                # An open dispute, waiting for the organization's answer (it holds a tranche).
                disputed.dispute = ActivityDispute(
                    steps=[
                        DisputeEntry(
                            step=DisputeStep.OPENED,
                            author_id=disputed.reviewed_by_id,
                            text=disputed.liaison_note,
                            created_at=disputed.reviewed_at,
                        )
                    ],
                    created_at=disputed.reviewed_at,
                )
            report.activities = activities
            report.summary = SUMMARY.format(
                n=len(activities), p=sum(a.participants for a in activities)
            )
            report.status = ReportStatus.SUBMITTED
            report.submitted_at = self.past(_at(report.period_end + timedelta(days=6)))

    def spend(self, project, share: Decimal, *, over_line: bool = False) -> None:
        """Record spending on each line, ``share`` of its approval (one line over it if asked)."""
        from venture.followup.models import Expense

        start = project.agreement.starts_on or self.today
        for i, line in enumerate(project.budget):
            # Spending in whole ten yuan, as receipts read (¥3,520.00, not ¥3,517.43).
            amount = (
                int((Decimal(line.approved_fen) * share / 1000).quantize(Decimal(1), ROUND_HALF_UP))
                * 1000
            )
            if over_line and i == 0:
                amount = line.approved_fen + 35_000
            if amount <= 0:
                continue
            spent_on = min(start + timedelta(days=40 + 30 * i), self.today)
            db.session.add(
                Expense(
                    project_id=project.id,
                    line=line,
                    amount_fen=amount,
                    spent_on=spent_on,
                    description=f"{line.name}支出",
                    recorded_by_id=None,
                    voucher=_store(PDF, f"凭证-{line.name}.pdf", None),
                )
            )
        if project.milestones:
            milestone = project.milestones[0]
            milestone.done_at = _at(start + timedelta(days=20))
            milestone.evidence_note = (
                "项目启动会已召开，社区居民代表、社区两委成员参加，签到表已存档。"
            )

    # evaluations
    def past(self, moment: datetime) -> datetime:
        """``moment``, or an hour ago if it would lie in the future."""
        return min(moment, self.now - timedelta(hours=1))

    def clock(self, evaluation) -> datetime:
        """The moment an evaluation's steps are dated from: its deadline, or for one still
        open (the final evaluation, running now) five weeks ago, so what is done is past."""
        return min(evaluation.due_at, self.now - timedelta(days=35))

    def self_assess(self, evaluation, score: str) -> None:
        from venture.followup.models import EvaluationStatus

        project = evaluation.project
        evaluation.self_assessment = (
            "项目按计划推进：服务覆盖率达到预期，志愿者队伍稳定，资金按预算使用。"
        )
        evaluation.self_score = Decimal(score)
        evaluation.report_file = _store(
            PDF, f"{'中期' if evaluation.kind == 'midterm' else '结项'}报告.pdf", None
        )
        evaluation.ledger_file = _store(_ledger(project), "支出台账.xlsx", None)
        evaluation.status = EvaluationStatus.SUBMITTED
        evaluation.submitted_at = self.clock(evaluation) - timedelta(days=3)

    def score(self, evaluation, total: int, *, sheets: int = 3) -> None:
        """Assign three evaluators (no conflicts) and submit ``sheets`` of their sheets
        around ``total`` (judge7, the harsh one, eight points lower)."""
        from venture.followup.integration import assign_evaluators
        from venture.judging.models import ScoreSheet, SheetScore, SheetStatus

        stage = evaluation.stage
        application = evaluation.project.application
        assign_evaluators(stage, application, 3)
        db.session.flush()
        from venture.followup.services import active_assignments

        for i, assignment in enumerate(active_assignments(evaluation)[:sheets]):
            target = total - 8 if assignment.judge_id == self.judge7.id else total + (i - 1) * 2
            sheet = ScoreSheet(
                stage_id=stage.id,
                application_id=application.id,
                judge_id=assignment.judge_id,
                rubric_id=stage.rubric_id,
                status=SheetStatus.SUBMITTED,
                confidence=4,
                submitted_at=self.clock(evaluation) + timedelta(days=10 + i),
            )
            for criterion in stage.rubric.criteria:
                value = (criterion.max_score * Decimal(target) / 100 * 2).quantize(
                    Decimal(1), ROUND_HALF_UP
                ) / 2
                sheet.scores.append(
                    SheetScore(criterion_id=criterion.id, score=min(value, criterion.max_score))
                )
            db.session.add(sheet)
        db.session.flush()

    def decide(self, evaluation) -> None:
        from venture.followup.services import decide_evaluation

        decide_evaluation(evaluation, actor=self.organizer)
        evaluation.decided_at = self.clock(evaluation) + timedelta(days=20)

    def extend(self, item, days: int) -> None:
        from venture.followup.services import extend_deadline

        extend_deadline(item, due_on=self.today + timedelta(days=days), actor=self.organizer)


def activities_for(project) -> list[tuple[str, str]]:
    category = project.application.category
    return ACTIVITIES.get(category.name if category else "", ACTIVITIES["社区治理"])


def _whole_yuan(project) -> None:
    """The approved budget by line in whole hundreds of yuan (as an agreement's budget
    table reads), still adding up to the approved amount: the proportional split leaves
    lines like ¥7,999.71."""
    lines = list(project.budget)
    total = sum(line.approved_fen for line in lines)
    if not lines or total % 100:
        return
    unit = 10_000 if total % 10_000 == 0 else 100
    for line in lines:
        line.approved_fen = line.approved_fen // unit * unit
    largest = max(lines, key=lambda line: line.approved_fen)
    largest.approved_fen += total - sum(line.approved_fen for line in lines)


def _evaluations(project):
    from venture.followup.models import EvaluationKind

    by_kind = {e.kind: e for e in project.evaluations}
    return by_kind[EvaluationKind.MIDTERM], by_kind[EvaluationKind.FINAL]


def _roles(projects, liaison, applicant_org) -> dict:
    """Which project plays which part of the story."""
    from venture.followup.integration import communities_of_liaison

    liaison_areas = communities_of_liaison(liaison)
    rest = list(projects)
    roles: dict = {}
    applicant = next((p for p in rest if p.organization_id == applicant_org), None)
    if applicant is not None:
        roles["applicant"] = applicant
        rest.remove(applicant)
    story = next(
        (p for p in rest if {c.id for c in p.application.communities} & liaison_areas),
        rest[0] if rest else None,
    )
    if story is not None:
        roles["story"] = story
        rest.remove(story)
        if (
            not {c.id for c in story.application.communities} & liaison_areas
            and story.application.communities
        ):
            story.application.communities[0].liaisons.append(liaison)
    for role in ("terminated", "suspended", "agreement"):
        if rest:
            roles[role] = rest.pop(0)
    roles["closed"] = rest
    return roles


def seed() -> bool:
    competition = _competition()
    if competition is None or not _has_final_decisions(competition) or _already_seeded(competition):
        return False
    from venture.followup.services import create_projects_from_results

    with unit_of_work():
        _ensure_evaluation_stages(competition)
        seeder = Seeder(competition)
        create_projects_from_results(competition, actor=seeder.organizer)
        projects = _projects(competition)
        for project in projects:
            _whole_yuan(project)
        roles = _roles(projects, seeder.liaison, _org_of("applicant@demo.venture"))
        for i, project in enumerate(roles["closed"]):
            _play_closed(seeder, project, i)
        # In this order: each part's dates and audit entries follow the one before.
        for role, play in (
            ("story", _play_story),
            ("applicant", _play_applicant),
            ("suspended", _play_suspended),
            ("agreement", _play_agreement),
            ("terminated", _play_terminated),
        ):
            if role in roles:
                play(seeder, roles[role])
    return True


def _play_closed(seeder: Seeder, project, i: int) -> None:
    """A project run to its end: every tranche released, both evaluations decided."""
    midterm, final = _evaluations(project)
    seeder.sign(project)
    seeder.release(project, 1, project.agreement.confirmed_at.date() + timedelta(days=10))
    seeder.file_reports(project, photos=i == 0)
    seeder.spend(project, Decimal("0.92"))
    seeder.self_assess(midterm, "85")
    seeder.score(midterm, 84 - i % 3 * 4)
    seeder.decide(midterm)
    seeder.release(project, 2, local_date(midterm.decided_at) + timedelta(days=10))
    seeder.self_assess(final, "88")
    seeder.score(final, 90 if i % 2 == 0 else 78)
    seeder.decide(final)
    seeder.release(project, 3, local_date(final.decided_at) + timedelta(days=10))
    project.closed_at = final.decided_at + timedelta(days=10)


def _play_story(seeder: Seeder, project) -> None:
    """The liaison's project: reports open and pending, one disputed, the final evaluation
    being scored."""
    midterm, final = _evaluations(project)
    seeder.sign(project)
    seeder.release(project, 1, project.agreement.confirmed_at.date() + timedelta(days=10))
    seeder.file_reports(
        project,
        open_from=len(project.reports) - 1,
        pending_from=len(project.reports) - 2,
        dispute=1,
        photos=True,
    )
    seeder.spend(project, Decimal("0.55"), over_line=True)
    seeder.self_assess(midterm, "86")
    seeder.score(midterm, 86)
    seeder.decide(midterm)
    seeder.release(project, 2, local_date(midterm.decided_at) + timedelta(days=10))
    seeder.self_assess(final, "88")
    seeder.score(final, 87, sheets=2)


def _play_applicant(seeder: Seeder, project) -> None:
    """The demo applicant's project: the last report and the final self-assessment late,
    with more days given."""
    midterm, final = _evaluations(project)
    seeder.sign(project)
    seeder.release(project, 1, project.agreement.confirmed_at.date() + timedelta(days=10))
    seeder.file_reports(project, open_from=max(len(project.reports) - 1, 0), photos=True)
    seeder.spend(project, Decimal("0.85"))
    seeder.self_assess(midterm, "82")
    seeder.score(midterm, 81)
    seeder.decide(midterm)
    seeder.release(project, 2, local_date(midterm.decided_at) + timedelta(days=10))
    # The last report (the weeks before the work ended) and with it the final
    # self-assessment (due when the final evaluation opened) are late: the
    # organizer gave the organization a few more days for each.
    open_reports = [r for r in project.reports if r.status == "due"]
    if open_reports:
        seeder.extend(open_reports[-1], 5)
    seeder.extend(final, 12)


def _play_suspended(seeder: Seeder, project) -> None:
    """A project suspended after a weak mid-term evaluation."""
    midterm, _final = _evaluations(project)
    seeder.sign(project)
    seeder.release(project, 1, project.agreement.confirmed_at.date() + timedelta(days=10))
    seeder.file_reports(project, open_from=2)
    seeder.spend(project, Decimal("0.30"))
    seeder.self_assess(midterm, "70")
    seeder.score(midterm, 52)
    seeder.decide(midterm)


def _play_agreement(seeder: Seeder, project) -> None:
    """A project whose agreement waits for the organization's confirmation."""
    seeder.sign(project, confirm=False)


def _play_terminated(seeder: Seeder, project) -> None:
    """A project terminated after a missed mid-term, with part of the money recovered."""
    from venture.followup.services import (
        expire_overdue_evaluations,
        record_recovery,
        terminate_project,
    )

    midterm, _final = _evaluations(project)
    seeder.sign(project)
    seeder.release(project, 1, project.agreement.confirmed_at.date() + timedelta(days=10))
    seeder.file_reports(project, open_from=1)
    seeder.spend(project, Decimal("0.20"))
    # Nothing came for the mid-term: the deadline check fails it (as beat does).
    expire_overdue_evaluations(midterm.due_at + timedelta(hours=1), actor=seeder.organizer)
    midterm.decided_at = midterm.due_at + timedelta(hours=1)
    released = project.tranches[0].amount_fen
    recovery = released * 6 // 10 // 10_000 * 10_000
    terminate_project(
        project,
        reason="未按期提交中期自评材料，中期评估不合格；经主办方研究决定终止项目，追回未使用资金。",
        recovery_fen=recovery,
        actor=seeder.organizer,
    )
    project.terminated_at = midterm.due_at + timedelta(days=25)
    if recovery:
        record_recovery(
            project,
            amount_fen=recovery // 2,
            received_on=local_date(project.terminated_at) + timedelta(days=30),
            note="第一期退款",
            actor=seeder.organizer,
        )


def _projects(competition) -> list:
    from venture.applications.models import Application
    from venture.followup.models import Project
    from venture.followup.queries import project_options

    return list(
        db.session.scalars(
            sa.select(Project)
            .join(Application, Application.id == Project.application_id)
            .where(Project.competition_id == competition.id)
            .options(*project_options())
            .order_by(Application.code, Project.id)
        ).unique()
    )
