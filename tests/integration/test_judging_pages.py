"""Every judging page renders for the people it is meant for (on the demo data), and
the live roadshow runs from the organizer's control room to the judge's phone page."""

from __future__ import annotations

import sqlalchemy as sa

from tests.integration.test_judging_demo import _story
from venture.accounts.models import User
from venture.competitions.models import StageKind
from venture.extensions import db
from venture.judging.models import Assignment, AssignmentStatus, RoadshowSession, RoadshowStatus


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_every_page_renders_on_the_demo(app_ctx, make, login):
    from venture.demo import judging

    gy, wct = _story(make)
    judging.seed()
    db.session.commit()
    organizer = make.organizer()
    boss = login(organizer)
    review = wct.stage(StageKind.ONLINE_REVIEW)
    roadshow = wct.stage(StageKind.ROADSHOW)
    session = db.session.scalar(
        sa.select(RoadshowSession).where(RoadshowSession.stage_id == roadshow.id)
    )
    closed = db.session.scalar(
        sa.select(RoadshowSession).where(RoadshowSession.status == RoadshowStatus.CLOSED)
    )
    app_id = session.slots[0].application_id
    judge1 = _user("judge1@demo.venture")
    urls = [
        "/judging/manage",
        "/judging/judges",
        f"/judging/judges/{judge1.id}",
        "/judging/judges/invite",
        "/judging/judges/import",
        f"/judging/stages/{review.id}",
        f"/judging/stages/{review.id}/panels",
        f"/judging/stages/{review.id}/assignments",
        f"/judging/stages/{review.id}/conflicts",
        f"/judging/stages/{review.id}/progress",
        f"/judging/stages/{roadshow.id}/roadshow",
        f"/judging/stages/{review.id}/applications/{app_id}/sheets",
        f"/judging/stages/{review.id}/applications/{app_id}/application",
        f"/judging/roadshow/{session.id}/slots",
        f"/judging/roadshow/{session.id}/edit",
        f"/judging/roadshow/{session.id}/control",
        f"/judging/roadshow/{session.id}/paper",
        f"/judging/roadshow/{closed.id}/control",
        f"/judging/roadshow/{closed.id}/slots/{closed.slots[0].id}/results",
    ]
    for url in urls:
        assert boss.get(url).status_code == 200, url
    assert boss.get(f"/judging/roadshow/{session.id}/paper.xlsx").status_code == 200

    judge = login(judge1)
    for url in ["/", "/judging/", "/judging/profile", f"/judging/roadshow/{session.id}"]:
        assert judge.get(url).status_code == 200, url
    mine = db.session.scalar(
        sa.select(Assignment).where(
            Assignment.judge_id == judge1.id,
            Assignment.stage_id == review.id,
            Assignment.status == AssignmentStatus.ACTIVE,
        )
    )
    page = judge.get(f"/judging/stages/{review.id}/applications/{mine.application_id}")
    assert page.status_code == 200 and "已截止" in page.get_data(as_text=True)  # review finished


def test_live_roadshow_from_control_room_to_phone(app_ctx, make, login):
    from venture.demo import judging

    gy, wct = _story(make)
    judging.seed()
    db.session.commit()
    boss = login(make.organizer())
    roadshow = wct.stage(StageKind.ROADSHOW)
    session = db.session.scalar(
        sa.select(RoadshowSession).where(RoadshowSession.stage_id == roadshow.id)
    )
    boss.post(f"/judging/roadshow/{session.id}/control", data={"action": "start"})
    boss.post(f"/judging/roadshow/{session.id}/control", data={"action": "next"})
    db.session.expire_all()
    slot = db.session.get(RoadshowSession, session.id).current_slot
    judge_ids = [
        a.judge_id
        for a in db.session.scalars(
            sa.select(Assignment).where(
                Assignment.stage_id == roadshow.id,
                Assignment.application_id == slot.application_id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
        )
    ]
    judge = login(db.session.get(User, judge_ids[0]))
    judge.post(f"/judging/stages/{roadshow.id}/applications/{slot.application_id}/confirm")
    page = judge.get(f"/judging/roadshow/{session.id}").get_data(as_text=True)
    assert 'id="sheet-form"' in page and "data-autosave-url" in page
    criteria = roadshow.rubric.criteria
    data = {f"score-{c.id}": str(int(c.max_score) - 3) for c in criteria}
    data.update(version=0, confidence="5", recommendation="fund", action="submit")
    assert (
        judge.post(
            f"/judging/stages/{roadshow.id}/applications/{slot.application_id}", data=data
        ).status_code
        == 302
    )
    state = boss.get(f"/judging/roadshow/{session.id}/state.json").json
    assert sum(j["submitted"] for j in state["judges"]) == 1
    control = boss.get(f"/judging/roadshow/{session.id}/control").get_data(as_text=True)
    assert "✓" in control
