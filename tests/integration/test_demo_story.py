"""The whole demo, seeded once per database, read the way someone evaluating the
platform for five minutes would: one competition in every state a user should try,
dated relative to now; every deadline at an office hour; the results' history in
causal order; texts that fit their project; budgets in whole yuan; and each role's
printed first step a page that answers that role and offers what the hint promises."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from venture.accounts.models import User
from venture.applications.models import Application, BudgetLine
from venture.competitions.models import Competition, Stage, StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.followup.models import (
    Activity,
    Evaluation,
    Expense,
    ProgressReport,
    Project,
    ProjectBudgetLine,
)
from venture.judging.models import RoadshowSession, ScoreSheet, SheetStatus
from venture.rankings.models import ResultSnapshot
from venture.results.models import Objection, ObjectionStatus, Publication, PublicationStatus
from venture.templating import LOCAL_TZ


@pytest.fixture(scope="module")
def demo(app):
    """The demo seeded once for the module (reading tests only; the last one changes nothing it reads)."""
    from tests.conftest import empty_all_tables
    from venture.demo import seed_demo

    with app.app_context():
        seed_demo()
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def ctx(demo):
    with demo.app_context():
        yield demo
        db.session.rollback()


@pytest.fixture
def login(ctx):
    """A signed-in client that, unlike the shared ``login``, leaves the module's demo in place."""
    return lambda user: ctx.test_client(user=user)


def _competitions() -> dict[str, Competition]:
    return {c.code_prefix: c for c in db.session.scalars(sa.select(Competition))}


def _local(moment):
    return moment.astimezone(LOCAL_TZ)


def test_one_competition_in_every_state_relative_to_now(ctx):
    now = utcnow()
    comps = _competitions()

    def current(prefix):
        return [s.kind for s in comps[prefix].stages if s.is_open_at(now)]

    def submitted(prefix, stage_kind):
        stage = comps[prefix].stage(stage_kind)
        return db.session.scalar(
            sa.select(sa.func.count(ScoreSheet.id)).where(
                ScoreSheet.stage_id == stage.id, ScoreSheet.status == SheetStatus.SUBMITTED
            )
        )

    # The call is open.
    assert StageKind.APPLICATION in current("GY2027")
    # Screening: the call has closed, submitted applications wait for the organizer.
    assert current("CX2026") == [StageKind.SCREENING]
    waiting = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.competition_id == comps["CX2026"].id, Application.status == "submitted"
        )
    )
    assert waiting > 0
    # Online review in progress: some sheets in, some judges still to score.
    assert current("HB2026") == [StageKind.ONLINE_REVIEW]
    review = comps["HB2026"].stage(StageKind.ONLINE_REVIEW)
    assigned = db.session.scalar(
        sa.text("SELECT COUNT(*) FROM assignment WHERE stage_id = :s"), {"s": review.id}
    )
    assert 0 < submitted("HB2026", StageKind.ONLINE_REVIEW) < assigned
    # The roadshow is today, scheduled in office hours and not started yet.
    assert current("WCT2026") == [StageKind.ROADSHOW]
    session = db.session.scalar(
        sa.select(RoadshowSession).join(Stage).where(Stage.competition_id == comps["WCT2026"].id)
    )
    assert _local(session.scheduled_at).date() == _local(now).date() and session.started_at is None
    # The public notice is open now, with one objection waiting for an answer.
    assert current("CD2026") == [StageKind.PUBLICITY]
    publication = db.session.scalar(
        sa.select(Publication).where(Publication.competition_id == comps["CD2026"].id)
    )
    assert publication.status == PublicationStatus.PUBLICITY
    assert publication.publicity_starts_at <= now < publication.publicity_ends_at
    statuses = db.session.scalars(
        sa.select(Objection.status).where(Objection.competition_id == comps["CD2026"].id)
    ).all()
    assert ObjectionStatus.OPEN in statuses and len(set(statuses)) > 1
    # Final results with follow-up: reports, evaluations and tranches, the final evaluation open now.
    assert comps["GY2025"].results_final_at is not None and comps["GY2025"].results_final_at < now
    assert current("GY2025") == [StageKind.FINAL]
    projects = db.session.scalars(
        sa.select(Project).where(Project.competition_id == comps["GY2025"].id)
    ).all()
    assert projects and any(p.reports for p in projects) and any(p.evaluations for p in projects)
    assert any(t.released_at for p in projects for t in p.tranches)


def _deadlines():
    """(what, when) for every deadline the demo sets."""
    for stage in db.session.scalars(sa.select(Stage)):
        yield f"{stage.competition.code_prefix} {stage.kind} starts", stage.starts_at
        yield f"{stage.competition.code_prefix} {stage.kind} ends", stage.ends_at
    for app in db.session.scalars(
        sa.select(Application).where(Application.resubmit_deadline.is_not(None))
    ):
        yield f"{app.code} re-submission", app.resubmit_deadline
    for publication in db.session.scalars(sa.select(Publication)):
        yield "public notice opens", publication.publicity_starts_at
        yield "public notice closes", publication.publicity_ends_at
    for session in db.session.scalars(sa.select(RoadshowSession)):
        yield f"roadshow {session.name}", session.scheduled_at


def test_every_deadline_is_on_the_hour_or_half_hour_in_office_hours(ctx):
    checked = 0
    for what, when in _deadlines():
        if when is None:
            continue
        local = _local(when)
        assert local.minute in (0, 30) and local.second == 0, f"{what}: {local:%Y-%m-%d %H:%M:%S}"
        assert 8 <= local.hour <= 18 and (local.hour, local.minute) <= (18, 0), (
            f"{what}: {local:%H:%M}"
        )
        checked += 1
    assert checked > 60


def test_the_results_history_is_in_causal_order(ctx):
    now = utcnow()
    for comp in _competitions().values():
        _assert_results_in_causal_order(comp, now)
    _assert_followup_done_in_the_past(now)


def _assert_results_in_causal_order(comp, now) -> None:
    """Snapshots, then approval, then the 公示 with its objections, then the final results."""
    snapshots = db.session.scalars(
        sa.select(ResultSnapshot)
        .where(ResultSnapshot.competition_id == comp.id)
        .order_by(ResultSnapshot.id)
    ).all()
    publication = db.session.scalar(
        sa.select(Publication).where(Publication.competition_id == comp.id)
    )
    times = [s.created_at for s in snapshots]
    assert times == sorted(times) and all(t < now for t in times)
    roadshow = comp.stage(StageKind.ROADSHOW)
    if snapshots and roadshow is not None:
        assert roadshow.ends_at <= times[0], (
            comp.code_prefix
        )  # computed after the last sheet came in
    if publication is None:
        return
    assert snapshots and times[-1] < publication.approved_at <= publication.publicity_starts_at
    objections = db.session.scalars(
        sa.select(Objection).where(Objection.competition_id == comp.id)
    ).all()
    for objection in objections:
        assert (
            publication.publicity_starts_at <= objection.created_at < publication.publicity_ends_at
        )
        assert objection.answered_at is None or objection.created_at < objection.answered_at <= now
    if publication.finalized_at is not None:
        assert (
            publication.publicity_ends_at <= publication.finalized_at == comp.results_final_at < now
        )
        assert all(o.answered_at <= publication.finalized_at for o in objections)


def _assert_followup_done_in_the_past(now) -> None:
    """Follow-up: nothing done in the future, every evaluation decided after it was submitted."""
    for evaluation in db.session.scalars(sa.select(Evaluation)):
        for moment in (evaluation.submitted_at, evaluation.decided_at):
            assert moment is None or moment < now
        if evaluation.decided_at and evaluation.submitted_at:
            assert evaluation.submitted_at < evaluation.decided_at
    for report in db.session.scalars(
        sa.select(ProgressReport).where(ProgressReport.submitted_at.is_not(None))
    ):
        assert _local(report.submitted_at).date() > report.period_end and report.submitted_at < now
    for project in db.session.scalars(sa.select(Project)):
        assert all(t.released_at < now for t in project.tranches if t.released_at)


# Words an activity record of each category uses; a record must use one of its own
# category's words and none that only another category uses.
CATEGORY_WORDS = {
    "为老服务": ["老人", "长者", "老年", "敬老", "适老"],
    "助残服务": ["残障", "残疾", "康复", "无障碍"],
    "儿童青少年": ["儿童", "孩子", "绘本", "亲子", "作业", "家长", "青少年"],
    "社区治理": ["居民", "议事", "调解", "社区社会组织", "垃圾分类", "楼栋"],
    "党建引领": ["党员", "党支部", "党组织", "党群", "党史"],
}
ELDERLY_ONLY = ["血压", "老人", "长者", "适老"]


def test_activity_records_and_goals_fit_their_project(ctx):
    rows = db.session.execute(
        sa.select(Activity.description, Application.category_id, Application.project_name)
        .join(ProgressReport, ProgressReport.id == Activity.report_id)
        .join(Project, Project.id == ProgressReport.project_id)
        .join(Application, Application.id == Project.application_id)
    ).all()
    names = {c.id: c.name for comp in _competitions().values() for c in comp.categories}
    assert rows
    for description, category_id, project in rows:
        category = names[category_id]
        assert any(word in description for word in CATEGORY_WORDS[category]), (
            project,
            category,
            description,
        )
        if category != "为老服务":
            assert not any(word in description for word in ELDERLY_ONLY), (
                project,
                category,
                description,
            )
    # Organizations are not people: no goal speaks of their "quality of life".
    goals = db.session.scalars(sa.select(Application.overall_goal)).all()
    assert not any(re.search(r"(组织|企业|公司)[^，。]*的生活质量", goal or "") for goal in goals)


def test_budget_lines_and_spending_are_whole_yuan(ctx):
    for model, column in (
        (BudgetLine, BudgetLine.amount_fen),
        (ProjectBudgetLine, ProjectBudgetLine.approved_fen),
        (Expense, Expense.amount_fen),
    ):
        amounts = db.session.scalars(sa.select(column)).all()
        assert amounts, model.__name__
        odd = [a for a in amounts if a % 100]
        assert not odd, f"{model.__name__}: {odd[:5]}"


def test_report_periods_and_due_dates_are_coherent(ctx):
    now = utcnow()
    for report in db.session.scalars(sa.select(ProgressReport)):
        due = _local(report.due_at).date()
        assert report.period_start <= report.period_end < due
        if report.status == "due" and report.due_at > now:
            # Still open and not overdue: a recent period (an extension is days, not seasons).
            assert due - report.period_end <= timedelta(days=75), (report.period_end, due)


def _zh(msgid: str) -> str:
    from venture.i18n import load_translations

    return load_translations("zh_CN").gettext(msgid)


def test_the_liaison_home_shows_what_a_liaison_has(ctx, login):
    liaison = db.session.scalar(sa.select(User).where(User.email == "liaison@demo.venture"))
    body = login(liaison).get("/").get_data(as_text=True)
    assert _zh("Confirm or dispute") in body or _zh("Projects in my communities") in body
    assert _zh("Open for applications:") not in body and _zh("All my applications") not in body
    applicant = db.session.scalar(sa.select(User).where(User.email == "applicant@demo.venture"))
    assert _zh("All my applications") in login(applicant).get("/").get_data(as_text=True)


def test_the_print_view_heads_the_milestone_column_as_a_milestone(ctx, login):
    app = db.session.scalar(
        sa.select(Application).where(Application.code.is_not(None)).order_by(Application.id)
    )
    organizer = db.session.scalar(sa.select(User).where(User.email == "organizer@demo.venture"))
    body = login(organizer).get(f"/applications/{app.id}/print").get_data(as_text=True)
    milestones = body.split(_zh("Milestones"), 1)[1].split("</thead>", 1)[0]
    assert f">{_zh('Milestone')}<" in milestones and f">{_zh('Name')}<" not in milestones
    team = body.split(_zh("Team"), 1)[1].split("</thead>", 1)[0]
    assert f">{_zh('Name')}<" in team


def test_every_printed_first_step_answers_its_role_and_offers_what_it_promises(ctx, login):
    from flask import current_app

    from venture.demo import print_logins
    from venture.demo.people import HINTS, first_step_path
    from venture.judging.services.roadshow import present, start_session

    printed: list[str] = []
    print_logins(printed.append, base_url="http://127.0.0.1:5106")
    with current_app.test_request_context():
        paths = {id(step): first_step_path(step) for step in HINTS}
    roles = {step.email for step in HINTS}
    assert {
        "organizer@demo.venture",
        "applicant@demo.venture",
        "liaison@demo.venture",
        None,
    } <= roles
    assert any(e and e.startswith("judge") for e in roles)
    users = {
        u.email: u
        for u in db.session.scalars(sa.select(User).where(User.email.in_(roles - {None})))
    }
    for step in sorted(HINTS, key=lambda s: bool(s.before)):
        path = paths[id(step)]
        assert path, step.hint
        assert any(line.strip() == f"→ http://127.0.0.1:5106{path}" for line in printed), path
        if step.before:  # e.g. the judge's live roadshow once the organizer has started it
            session = db.session.scalar(
                sa.select(RoadshowSession)
                .where(RoadshowSession.started_at.is_(None))
                .order_by(RoadshowSession.id)
            )
            start_session(session, users["organizer@demo.venture"])
            present(session, session.slots[0].id, users["organizer@demo.venture"])  # 「下一个」
            db.session.commit()
        client = login(users[step.email]) if step.email else ctx.test_client()
        response = client.get(path)
        assert response.status_code == 200, (step.email, path, response.status_code)
        body = response.get_data(as_text=True)
        assert _zh(step.action) in body, (step.email, path, step.action)


def test_every_seeded_demo_account_is_printed_with_its_login(ctx):
    """liaison2 covers 东湖社区 and was seeded without being printed: now every account the
    demo made appears, a liaison with the communities it covers."""
    from venture.demo import print_logins

    printed: list[str] = []
    print_logins(printed.append)
    text = "\n".join(printed)
    emails = set(db.session.scalars(sa.select(User.email)))
    assert emails and {email for email in emails if email not in text} == set()
    liaison2 = next(line for line in printed if "liaison2@demo.venture" in line)
    assert "东湖社区" in liaison2
