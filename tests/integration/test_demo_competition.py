"""The demo seeder of the competitions: three competitions, applications in every
status from the demo organizations, idempotent, and nothing without organizations."""

from __future__ import annotations

import sqlalchemy as sa

from venture.applications.eligibility import run_checks
from venture.applications.models import Application, ApplicationStatus
from venture.applications.money import Line, check_money, rules_of
from venture.competitions.models import Competition, CompetitionStatus, StageKind
from venture.db import utcnow
from venture.extensions import db


def _places(make):
    """A stand-in for venture/demo/places.py: the city's communities and organizations."""
    from venture.demo import people
    from venture.orgs.models import MemberRole, Membership

    people.seed()
    make.area_tree("城东区", {"朝阳街道": ["朝阳社区", "东门社区"], "滨江街道": ["滨江社区"]})
    make.area_tree("湖滨区", {"湖光街道": ["湖光社区", "柳岸社区"]})
    from venture.accounts.models import User

    applicant = db.session.scalar(sa.select(User).where(User.email == "applicant@demo.venture"))
    mine = make.organization(name="澧阳市夕阳红社会工作服务中心")
    db.session.add(Membership(organization_id=mine.id, user_id=applicant.id, role=MemberRole.OWNER))
    for i in range(24):
        make.organization(members=[make.applicant()], name=f"澧阳市第{i + 1}社会工作服务中心")
    db.session.commit()
    return mine


def test_without_organizations_the_seeder_adds_nothing(app_ctx):
    from venture.demo import competition

    assert competition.seed() is False
    assert db.session.scalar(sa.select(sa.func.count(Competition.id))) == 0


def test_the_demo_story_is_seeded_once(make, app_ctx):
    from venture.demo import competition

    mine = _places(make)
    assert competition.seed() is True
    db.session.commit()
    assert competition.seed() is False

    comps = {c.code_prefix: c for c in db.session.scalars(sa.select(Competition))}
    # The city's three rounds, and the rounds of the districts this stand-in city has.
    assert set(comps) == {"GY2025", "WCT2026", "GY2027", "CD2026", "HB2026"}
    now = utcnow()
    assert comps["GY2025"].stage(StageKind.IMPLEMENTATION).has_ended(now)
    assert comps["GY2025"].stage(StageKind.FINAL).is_open_at(now)
    assert comps["CD2026"].stage(StageKind.PUBLICITY).is_open_at(now)
    assert comps["HB2026"].stage(StageKind.ONLINE_REVIEW).is_open_at(now)
    for prefix in ("CD2026", "HB2026"):  # a district's round: projects in that district only
        district = comps[prefix].area
        apps = db.session.scalars(
            sa.select(Application).where(Application.competition_id == comps[prefix].id)
        )
        assert district is not None and all(
            c.parent.parent_id == district.id for a in apps for c in a.communities
        )
    assert comps["WCT2026"].stage(StageKind.ROADSHOW).is_open_at(now)
    assert comps["WCT2026"].stage(StageKind.ONLINE_REVIEW).has_ended(now)
    assert comps["GY2027"].stage(StageKind.APPLICATION).is_open_at(now)
    assert comps["GY2027"].status == CompetitionStatus.OPEN
    for comp in comps.values():
        assert [c.name for c in comp.categories] == [
            "为老服务",
            "助残服务",
            "儿童青少年",
            "社区治理",
            "党建引领",
        ]
        assert all(s.rubric.total_max == 100 for s in comp.stages if s.rubric)
        assert {s.kind for s in comp.stages if s.rubric} == {
            StageKind.ONLINE_REVIEW,
            StageKind.ROADSHOW,
            StageKind.MIDTERM,
            StageKind.FINAL,
        }

    def statuses(prefix):
        rows = db.session.execute(
            sa.select(Application.status, sa.func.count())
            .where(Application.competition_id == comps[prefix].id)
            .group_by(Application.status)
        ).all()
        return {str(s): n for s, n in rows}

    assert statuses("GY2025") == {"passed": 32, "rejected": 4}
    assert statuses("WCT2026") == {"passed": 24, "rejected": 4}
    gy2027 = statuses("GY2027")
    assert set(gy2027) == {s.value for s in ApplicationStatus} and sum(gy2027.values()) >= 40

    # Codes are unique and gap-free per competition; every submitted one has revision 1.
    for comp in comps.values():
        apps = db.session.scalars(
            sa.select(Application).where(Application.competition_id == comp.id)
        ).all()
        codes = sorted(a.code for a in apps if a.code)
        assert codes == [f"{comp.code_prefix}-{i:03d}" for i in range(1, len(codes) + 1)]
        assert comp.next_application_seq == len(codes) + 1
        for app in apps:
            if app.code:
                assert [r.number for r in app.revisions] == [1]
                lines = [Line(b.rule_id, b.amount_fen) for b in app.budget_lines]
                assert (
                    check_money(rules_of(comp), lines, app.requested_fen, app.cofunding_fen) == []
                )

    # applicant@demo.venture's organization: a half-filled draft and a returned application.
    own = db.session.scalars(
        sa.select(Application).where(
            Application.organization_id == mine.id, Application.competition_id == comps["GY2027"].id
        )
    ).all()
    assert sorted(str(a.status) for a in own) == ["draft", "returned"]
    returned = next(a for a in own if a.status == ApplicationStatus.RETURNED)
    assert returned.return_reason and returned.resubmit_deadline > now
    draft = next(a for a in own if a.status == ApplicationStatus.DRAFT)
    assert draft.summary and not draft.budget_lines
    passed = db.session.scalar(
        sa.select(Application).where(
            Application.competition_id == comps["GY2027"].id,
            Application.status == ApplicationStatus.PASSED,
        )
    )
    assert all(c.ok for c in run_checks(passed, today=now.date()) if c.code != "count")
