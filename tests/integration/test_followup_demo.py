"""The follow-up's demo seeder: GY2025's projects in every follow-up state, seeded once."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from venture.db import utcnow
from venture.demo import followup as demo
from venture.extensions import db
from venture.followup.models import (
    Activity,
    EvaluationKind,
    EvaluationStatus,
    LiaisonStatus,
    Project,
    ProjectStatus,
    ReportStatus,
    TrancheStatus,
)
from venture.followup.services import tranche_block_reason
from venture.judging.models import ScoreSheet


def _gy2025(make, funded: int = 8):
    """A finished GY2025 like the earlier seeders leave it: results final, funded decisions."""
    from venture.demo import people
    from venture.orgs.models import MemberRole, Membership

    people.seed()
    users = {u.email: u for u in db.session.scalars(sa.select(people.User))}
    areas = make.area_tree(
        "城东区", {"东湖街道": ["东湖社区", "柳岸社区"], "南门街道": ["南门社区"]}
    )
    areas["东湖社区"].liaisons.append(users["liaison@demo.venture"])
    now = utcnow()
    start = now - timedelta(days=500)
    end = start + timedelta(days=365)
    midterm = start + timedelta(days=184)
    stages = {
        "application": (start - timedelta(days=120), start - timedelta(days=95)),
        "screening": (start - timedelta(days=95), start - timedelta(days=85)),
        "online_review": (start - timedelta(days=85), start - timedelta(days=70)),
        "roadshow": (start - timedelta(days=70), start - timedelta(days=60)),
        "publicity": (start - timedelta(days=60), start - timedelta(days=50)),
        "agreement": (start - timedelta(days=30), start),
        "implementation": (start, end),
        "midterm": (midterm, midterm + timedelta(days=31)),
        "final": (end, end + timedelta(days=90)),
    }
    comp = make.competition(
        code_prefix="GY2025", name="澧阳市2025年公益创投大赛", year=2025, stages=stages
    )
    communities = [areas["东湖社区"], areas["柳岸社区"], areas["南门社区"]]
    for i in range(funded):
        org = make.organization()
        if i == 3:
            db.session.add(
                Membership(
                    organization_id=org.id,
                    user_id=users["applicant@demo.venture"].id,
                    role=MemberRole.OWNER,
                )
            )
        make.funded_application(
            comp,
            org=org,
            communities=[communities[i % 3], communities[(i + 1) % 3]],
            approved_fen=4_000_000 + i * 500_000,
        )
    make.application(comp, make.organization(), status="passed")  # not funded
    make.finalize_results(comp)
    return comp, users


def test_nothing_without_gy2025_or_its_final_results(app_ctx, make):
    assert demo.seed() is False
    comp = make.competition(code_prefix="GY2025")
    make.funded_application(comp)
    assert demo.seed() is False  # results not final
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_the_demo_brings_projects_into_every_follow_up_state_once(app_ctx, make):
    comp, users = _gy2025(make)
    assert demo.seed() is True
    db.session.expire_all()
    projects = db.session.scalars(sa.select(Project).where(Project.competition_id == comp.id)).all()
    assert len(projects) == 8
    statuses = [p.status for p in projects]
    assert statuses.count(ProjectStatus.AGREEMENT) == 1
    assert statuses.count(ProjectStatus.ACTIVE) == 2
    assert statuses.count(ProjectStatus.SUSPENDED) == 1
    assert statuses.count(ProjectStatus.TERMINATED) == 1
    closed = [p for p in projects if p.status == ProjectStatus.CLOSED]
    assert len(closed) == 3 and {p.grade for p in closed} == {"A", "B"}
    assert all(t.status == TrancheStatus.RELEASED for p in closed for t in p.tranches)

    # The applicant's project: active, its last report due within a week, the mid-term
    # passed and paid, the final self-assessment still to write.
    applicant_project = next(
        p
        for p in projects
        if any(m.user.email == "applicant@demo.venture" for m in p.organization.members)
    )
    assert applicant_project.status == ProjectStatus.ACTIVE
    open_reports = [r for r in applicant_project.reports if r.status == ReportStatus.DUE]
    assert open_reports == applicant_project.reports[-1:]
    assert utcnow() < open_reports[0].due_at <= utcnow() + timedelta(days=7)
    by_kind = {e.kind: e for e in applicant_project.evaluations}
    assert by_kind[EvaluationKind.MIDTERM].status == EvaluationStatus.PASSED
    assert (
        by_kind[EvaluationKind.FINAL].status == EvaluationStatus.OPEN
        and by_kind[EvaluationKind.FINAL].due_at > utcnow()
    )
    assert [t.status for t in applicant_project.tranches][:2] == [
        TrancheStatus.RELEASED,
        TrancheStatus.RELEASED,
    ]
    assert tranche_block_reason(applicant_project.tranches[2])

    # The story project: second tranche released; the liaison disputed one record and has some waiting.
    story = next(
        p for p in projects if p.status == ProjectStatus.ACTIVE and p is not applicant_project
    )
    assert [t.status for t in story.tranches][:2] == [
        TrancheStatus.RELEASED,
        TrancheStatus.RELEASED,
    ]
    liaison = users["liaison@demo.venture"]
    disputed = db.session.scalars(
        sa.select(Activity).where(Activity.liaison_status == LiaisonStatus.DISPUTED)
    ).all()
    assert len(disputed) == 1 and disputed[0].reviewed_by_id == liaison.id
    waiting = db.session.scalars(
        sa.select(Activity).where(
            Activity.liaison_status == LiaisonStatus.PENDING,
            Activity.community_id.in_([a.id for a in liaison_areas(liaison)]),
        )
    ).all()
    assert waiting and all(a.report.status == ReportStatus.SUBMITTED for a in waiting)
    assert all(len(a.photos) == 1 for a in disputed)

    # The terminated project missed its mid-term and has an amount to recover, partly paid back.
    terminated = next(p for p in projects if p.status == ProjectStatus.TERMINATED)
    t_midterm = next(e for e in terminated.evaluations if e.kind == EvaluationKind.MIDTERM)
    assert t_midterm.status == EvaluationStatus.FAILED and t_midterm.self_assessment == ""
    assert (
        0 < terminated.recovered_fen < terminated.recovery_fen <= terminated.tranches[0].amount_fen
    )
    suspended = next(p for p in projects if p.status == ProjectStatus.SUSPENDED)
    assert "评估未通过" in tranche_block_reason(suspended.tranches[1])
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) > 0

    # Idempotent: a second run adds nothing.
    before = db.session.scalar(sa.select(sa.func.count(Activity.id)))
    assert demo.seed() is False
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == before


def liaison_areas(user):
    from venture.orgs.models import Area

    return [a for a in db.session.scalars(sa.select(Area)) if user in a.liaisons]
