"""The applicant's "next step" follows the application's real state in every state: draft,
submitted, returned, rejected, withdrawn, screened, in review, roadshow, 公示, final, funded,
in follow-up, suspended, terminated, closed, not funded. One function decides it
(``applications.progress``); the pages show what it decides."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from venture.applications.models import ApplicationStatus
from venture.applications.progress import next_step, next_steps
from venture.competitions.models import CompetitionStatus, StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.followup.models import Project, ProjectStatus
from venture.judging.models import RoadshowSession, RoadshowSlot, RoadshowStatus
from venture.rankings.models import FundingOutcome
from venture.results.models import Publication, PublicationStatus


def _stages(now, **shift):
    """Stage dates around ``now``: every stage 10 days long, the named ones moved."""
    kinds = list(StageKind)
    start = now - timedelta(days=100)
    plan = {}
    for kind in kinds:
        plan[kind.value] = (start, start + timedelta(days=10))
        start += timedelta(days=10)
    plan.update(shift)
    return plan


def _publish(comp, status: PublicationStatus, now):
    from tests.factories import result_snapshot

    snap = result_snapshot(comp)
    db.session.add(
        Publication(
            competition_id=comp.id,
            snapshot_id=snap.id,
            status=status,
            publicity_starts_at=now - timedelta(days=1),
            publicity_ends_at=now + timedelta(days=6),
        )
    )
    db.session.commit()


def _roadshow(comp, apps, status: RoadshowStatus, now):
    session = RoadshowSession(
        stage_id=comp.stage(StageKind.ROADSHOW).id,
        name="第一场",
        venue="区社会组织孵化基地",
        scheduled_at=now + timedelta(days=2),
        status=status,
    )
    db.session.add(session)
    db.session.flush()
    for i, app in enumerate(apps):
        db.session.add(RoadshowSlot(session_id=session.id, application_id=app.id, position=i))
    db.session.commit()


def _world(make):
    """One applicant's organization with an application in every state."""
    now = utcnow()
    member = make.applicant(name="王晓梅")
    org = make.organization(members=[member])
    states = {}

    def comp(**stages):
        return make.competition(stages=_stages(now, **stages), required_attachments=[])

    def app(competition, status="passed", **fields):
        return make.application(competition, org, status=status, **fields)

    open_window = comp(application=(now - timedelta(days=1), now + timedelta(days=9)))
    states["draft"] = app(open_window, "draft")
    closed = comp()
    states["window_closed"] = app(closed, "draft")
    states["submitted"] = app(open_window, "submitted")
    states["returned"] = app(
        open_window,
        "returned",
        resubmit_deadline=now + timedelta(days=3),
        return_reason="预算表缺少说明",
    )
    states["returned_late"] = app(closed, "returned", resubmit_deadline=now - timedelta(days=1))
    states["rejected"] = app(closed, "rejected", screening_reason="不在本区登记")
    states["withdrawn"] = app(open_window, "withdrawn", withdrawn_at=now)

    before_review = comp(online_review=(now + timedelta(days=2), now + timedelta(days=12)))
    states["screened"] = app(before_review)
    in_review = comp(online_review=(now - timedelta(days=2), now + timedelta(days=8)))
    states["in_review"] = app(in_review)
    after_review = comp(online_review=(now - timedelta(days=12), now - timedelta(days=2)))
    states["review_done"] = app(after_review)

    # The roadshow: scheduled (with one passed application not on the list), live, over.
    scheduled = comp()
    states["roadshow"] = app(scheduled)
    states["not_shortlisted"] = app(scheduled)
    _roadshow(scheduled, [states["roadshow"]], RoadshowStatus.SCHEDULED, now)
    live = comp()
    states["roadshow_live"] = app(live)
    _roadshow(live, [states["roadshow_live"]], RoadshowStatus.LIVE, now)
    over = comp()
    states["roadshow_done"] = app(over)
    _roadshow(over, [states["roadshow_done"]], RoadshowStatus.CLOSED, now)

    # Decisions on public notice, then final: funded, waiting list, not funded.
    for pub_status, prefix in (
        (PublicationStatus.PUBLICITY, "publicity_"),
        (PublicationStatus.FINAL, ""),
    ):
        c = comp()
        for outcome, key in (
            (FundingOutcome.FUNDED, "funded"),
            (FundingOutcome.WAITLIST, "waitlist"),
            (FundingOutcome.NOT_FUNDED, "not_funded"),
        ):
            a = app(c)
            make.decision(c, a, 5_000_000 if outcome == FundingOutcome.FUNDED else 0, outcome.value)
            name = (
                prefix + key
                if prefix
                else {
                    "funded": "funded_final",
                    "waitlist": "waitlist_final",
                    "not_funded": "not_funded",
                }[key]
            )
            states[name] = a
        _publish(c, pub_status, now)
    # Decisions not yet approved are not the applicant's news: still the judging's state.
    proposed = comp(online_review=(now - timedelta(days=2), now + timedelta(days=8)))
    states["in_review (decision proposed)"] = app(proposed)
    make.decision(proposed, states["in_review (decision proposed)"], 5_000_000)
    _publish(proposed, PublicationStatus.PROPOSED, now)

    # Funded projects in every state of the follow-up.
    final = comp()
    _publish(final, PublicationStatus.FINAL, now)
    for status, key in (
        (ProjectStatus.AGREEMENT, "funded"),
        (ProjectStatus.ACTIVE, "implementation"),
        (ProjectStatus.SUSPENDED, "suspended"),
        (ProjectStatus.TERMINATED, "terminated"),
        (ProjectStatus.CLOSED, "project_closed"),
    ):
        a = app(final)
        make.decision(final, a, 5_000_000)
        db.session.add(
            Project(
                application_id=a.id,
                competition_id=final.id,
                organization_id=org.id,
                approved_fen=5_000_000,
                status=status,
                grade="A" if key == "project_closed" else "",
            )
        )
        states[key] = a
    db.session.commit()

    archived = comp()
    archived.status = CompetitionStatus.ARCHIVED
    states["closed"] = app(archived)
    db.session.commit()
    return member, states


def test_every_state_has_its_own_next_step(make, login):
    member, states = _world(make)
    with current_app.test_request_context():
        steps = next_steps(list(states.values()))
        for expected, app in states.items():
            assert steps[app.id].state == expected.split(" ")[0], expected
            assert next_step(app).message == steps[app.id].message  # one answer, alone or in a list
    # Every state the application and the follow-up can be in is walked.
    walked = {a.status for a in states.values()}
    assert walked == set(ApplicationStatus)
    projects = db.session.scalars(sa.select(Project.status)).all()
    assert set(projects) == set(ProjectStatus)
    messages = {steps[a.id].message for a in states.values()}
    assert len(messages) == len({k.split(" ")[0] for k in states})  # no two states say the same

    # Only the screened application is told that the expert review comes next.
    review_next = [
        k
        for k, a in states.items()
        if re.search("下一步为专家评审|专家评审将于", steps[a.id].message)
    ]
    assert review_next == ["screened"]

    # The pages say what the function decides.
    client = login(member)
    mine = client.get("/applications/").get_data(as_text=True)
    for app in states.values():
        assert steps[app.id].message.split("：")[0] in mine
    for key in (
        "funded",
        "implementation",
        "funded_final",
        "publicity_funded",
        "screened",
        "in_review",
    ):
        page = client.get(f"/applications/{states[key].id}").get_data(as_text=True)
        assert steps[states[key].id].message.split("：")[0] in page
        if key != "screened":
            assert "下一步为专家评审" not in page and "专家评审开始" not in page


def test_the_list_page_does_not_query_per_application(make, login, count_queries):
    member, states = _world(make)
    client = login(member)
    before = count_queries.get(client, "/applications/")
    org = states["funded"].organization
    for key in (
        "in_review",
        "roadshow",
        "publicity_funded",
        "implementation",
    ):  # more of the same kinds
        make.application(states[key].competition, org, status="passed")
    assert count_queries.get(client, "/applications/") == before
