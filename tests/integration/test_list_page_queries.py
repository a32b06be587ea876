"""Query-count guards of the list pages that have no module of their own for them: the users,
the inbox, the delivery log, the lists of competitions, the judge's dashboard, a stage's judging
lists and the organization lists. Each page is counted with N rows and with 3N: the count must
not grow (an N+1 would). The other list pages are guarded beside their own tests (grep
``count_queries``)."""

from __future__ import annotations

from datetime import timedelta

from venture.competitions.models import StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.judging.models import Conflict, ConflictSource, RoadshowSession, RoadshowSlot
from venture.notices.models import EmailStatus, Notice


def test_the_users_list(make, login, count_queries):
    client = login(make.organizer())

    def add(n: int) -> None:
        for _ in range(n):
            make.judge()
            make.liaison(password=None)  # invited, no password yet
            make.applicant(verified=False)
            make.organizer(active=False)

    add(2)
    few = count_queries.get(client, "/admin/users/")
    add(4)
    assert count_queries.get(client, "/admin/users/") == few
    assert count_queries.get(client, "/admin/users/?role=judge&q=example") == few


def _notices(user, n: int, *, competition_id=None) -> None:
    """n notices of each delivery state for the user (no task is sent: rows only)."""
    now = utcnow()
    for i in range(n):
        for status in EmailStatus:
            db.session.add(
                Notice(
                    user_id=user.id,
                    email=user.email,
                    kind="judge_reminder",
                    subject=f"提醒 {i}",
                    body="……",
                    competition_id=competition_id,
                    email_status=status,
                    attempts=1 if status != EmailStatus.SKIPPED else 0,
                    last_error="SMTP 421" if status == EmailStatus.FAILED else "",
                    next_attempt_at=now + timedelta(minutes=5),
                    sent_at=now if status == EmailStatus.SENT else None,
                    read_at=now if i % 2 else None,
                )
            )
    db.session.commit()


def test_the_inbox(make, login, count_queries):
    judge = make.judge()
    client = login(judge)
    _notices(judge, 1)  # five notices, one per state
    few = count_queries.get(client, "/inbox")
    _notices(judge, 2)  # fifteen: still one page of 20
    assert count_queries.get(client, "/inbox") == few


def test_the_delivery_log(make, login, count_queries):
    boss = make.organizer()
    client = login(boss)

    def add(n: int) -> None:
        for _ in range(n):
            comp = make.competition(organizer=boss)
            _notices(make.judge(), 1, competition_id=comp.id)

    add(2)
    urls = ["/admin/notices", "/admin/notices?status=failed&kind=judge_reminder&q=example"]
    few = [count_queries.get(client, url) for url in urls]
    add(4)  # thirty notices of six competitions (all in the competition filter)
    assert [count_queries.get(client, url) for url in urls] == few


def test_the_organizers_competitions(make, login, count_queries):
    boss = make.organizer()
    client = login(boss)

    def add(n: int) -> None:
        for i in range(n):
            comp = make.competition(organizer=boss, status="draft" if i % 2 else "open")
            make.application(comp, make.organization(), status="submitted")

    add(2)
    few = count_queries.get(client, "/competitions/manage")
    add(4)
    assert count_queries.get(client, "/competitions/manage") == few


def test_the_judges_dashboard_over_competitions_and_stages(make, login, count_queries):
    """More competitions (so more stages on the page), each with sheets in every state."""
    judge = make.judge_with_profile()
    client = login(judge)
    boss = make.organizer()

    def add(n: int) -> None:
        for _ in range(n):
            comp = make.competition(organizer=boss)
            stage = make.review_stage(comp, k=1)
            scores = {name: 5 for name, _m in make.DEFAULT_CRITERIA}
            apps = [
                make.application(comp, make.organization(), status="passed", category=category)
                for category in comp.categories
            ]
            apps.append(make.application(comp, make.organization(), status="passed"))
            make.confirmed_assignment(stage, apps[0], judge)
            make.sheet(stage, apps[0], judge, scores)
            make.confirmed_assignment(stage, apps[1], judge)
            make.sheet(stage, apps[1], judge, scores, submitted=False)
            make.assignment(stage, apps[2], judge, is_anchor=True)

    add(1)
    few = count_queries.get(client, "/judging/")
    add(2)
    assert count_queries.get(client, "/judging/") == few


def test_the_competition_lists(make, login, client, count_queries):
    """The public list, the rankings' and the judging's lists of competitions."""
    boss = make.organizer()
    organizer = login(boss)

    def add(n: int) -> None:
        for _ in range(n):
            comp = make.competition(organizer=boss)
            make.review_stage(comp, k=1)
            make.application(comp, make.organization(), status="submitted")

    def counts() -> list[int]:
        return [
            count_queries.get(client, "/competitions/"),
            count_queries.get(organizer, "/rankings/"),
            count_queries.get(organizer, "/judging/manage"),
        ]

    add(2)
    few = counts()
    add(4)
    assert counts() == few


def test_a_stages_judging_lists(make, login, count_queries):
    """Panels, assignments, conflicts and roadshow sessions of one stage, with more
    applications and judges."""
    boss = make.organizer()
    comp = make.competition(organizer=boss)
    stage = make.review_stage(comp, k=1)
    client = login(boss)
    scores = {name: 5 for name, _m in make.DEFAULT_CRITERIA}

    roadshow = comp.stage(StageKind.ROADSHOW)

    def add(n: int) -> None:
        session = RoadshowSession(stage_id=roadshow.id, name=f"场次{n}")
        db.session.add(session)
        for i in range(n):
            judge = make.judge_with_profile(expertise=["为老服务"])
            app = make.application(comp, make.organization(), status="passed")
            make.confirmed_assignment(stage, app, judge)
            make.sheet(stage, app, judge, scores, submitted=bool(i % 2))
            other = make.judge_with_profile()
            db.session.add(
                Conflict(
                    judge_id=other.id,
                    application_id=app.id,
                    source=ConflictSource.DECLARED,
                    reason="曾在该机构任职",
                )
            )
            session.slots.append(RoadshowSlot(application_id=app.id, position=i))
        db.session.commit()

    urls = [
        f"/judging/stages/{stage.id}",
        f"/judging/stages/{stage.id}/panels",
        f"/judging/stages/{stage.id}/assignments",
        f"/judging/stages/{stage.id}/conflicts",
        f"/judging/stages/{roadshow.id}/roadshow",
    ]
    add(2)
    few = [count_queries.get(client, url) for url in urls]
    add(4)
    assert [count_queries.get(client, url) for url in urls] == few


def test_the_organization_lists(make, login, count_queries):
    """The areas, a member's organizations, an organization's members and social workers."""
    member = make.applicant()
    org = make.organization(members=[member])
    boss, own = login(make.organizer()), login(member)
    urls = [(boss, "/admin/areas/"), (own, "/orgs/"), (own, f"/orgs/{org.id}/members")]
    urls.append((own, f"/orgs/{org.id}/workers"))

    def add(n: int) -> None:
        for i in range(n):
            make.area_tree(f"测试{n}区{i}", {"测试街道": ["测试社区"]})
            make.organization(members=[member])
            make.membership(org, make.applicant())
            make.social_worker(org)

    add(2)
    few = [count_queries.get(client, url) for client, url in urls]
    add(4)
    assert [count_queries.get(client, url) for client, url in urls] == few
