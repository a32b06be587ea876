"""The roadshow schedule reaches the presenting organizations too: each one's members hear
their own slot (date, place, order) once per publication or change, and nobody else does."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from venture.competitions.models import StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.judging.models import RoadshowSession
from venture.judging.services import assignment as assignment_services
from venture.notices.models import Notice


def _world(make):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = comp.stage(StageKind.ROADSHOW)
    stage.starts_at, stage.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(days=1)
    db.session.commit()
    members = {key: [make.applicant(), make.applicant()] for key in "abc"}
    apps = {
        key: make.application(comp, make.organization(members=people), status="passed")
        for key, people in members.items()
    }
    judges = [make.judge_with_profile(name=f"路演评委{i}") for i in range(2)]
    assignment_services.set_panel(stage, None, [j.id for j in judges], organizer)
    db.session.commit()
    return organizer, stage, members, apps, judges


def _presenting(user_ids) -> dict[int, list[Notice]]:
    notices = db.session.scalars(
        sa.select(Notice).where(Notice.kind == "roadshow_presenting").order_by(Notice.id)
    )
    by_user: dict[int, list[Notice]] = {uid: [] for uid in user_ids}
    for notice in notices:
        by_user.setdefault(notice.user_id, []).append(notice)
    return by_user


def test_each_presenting_organization_hears_its_own_slot_once(app_ctx, make, login):
    organizer, stage, members, apps, judges = _world(make)
    boss = login(organizer)
    response = boss.post(
        f"/judging/stages/{stage.id}/roadshow",
        data={
            "name": "第一场路演",
            "venue": "市民中心三楼报告厅",
            "scheduled_at": "2026-05-10T09:00",
            "application_id": [apps["b"].id, apps["a"].id],
        },
    )
    assert response.status_code == 302
    everyone = [u.id for people in members.values() for u in people] + [j.id for j in judges]
    notices = _presenting(everyone)

    for key, position in (("b", 1), ("a", 2)):
        for member in members[key]:
            [notice] = notices[member.id]
            assert apps[key].project_name in notice.body and apps[key].display_code in notice.body
            assert f"第 {position} 个（共 2 个）" in notice.body
            assert "2026-05-10 09:00" in notice.body and "市民中心三楼报告厅" in notice.body
            assert notice.competition_id == stage.competition_id
            other = apps["a" if key == "b" else "b"]
            assert other.project_name not in notice.body
    # The organization not in the session hears nothing; judges get their own notice only.
    assert all(notices[m.id] == [] for m in members["c"])
    assert all(notices[j.id] == [] for j in judges)
    judge_notices = db.session.scalars(
        sa.select(Notice.user_id).where(Notice.kind == "roadshow_schedule")
    )
    assert set(judge_notices) == {j.id for j in judges}

    # A new time is a change: each presenter hears it once more; a new name alone is not.
    session = db.session.scalar(sa.select(RoadshowSession))
    renamed = boss.post(
        f"/judging/roadshow/{session.id}/edit",
        data={
            "name": "第一场路演（上午）",
            "venue": "市民中心三楼报告厅",
            "scheduled_at": "2026-05-10T09:00",
        },
    )
    assert renamed.status_code == 302
    assert all(
        len(ns) == 1
        for uid, ns in _presenting(everyone).items()
        if uid in {m.id for m in members["a"] + members["b"]}
    )
    moved = boss.post(
        f"/judging/roadshow/{session.id}/edit",
        data={
            "name": "第一场路演（上午）",
            "venue": "市民中心三楼报告厅",
            "scheduled_at": "2026-05-11T14:30",
        },
    )
    assert moved.status_code == 302
    notices = _presenting(everyone)
    for member in members["a"] + members["b"]:
        first, second = notices[member.id]
        assert "路演安排变更" in second.subject and "2026-05-11 14:30" in second.body
    assert all(notices[m.id] == [] for m in members["c"])


def test_a_project_added_to_an_existing_session_hears_its_slot(app_ctx, make):
    from venture.judging.services import roadshow

    organizer, stage, members, apps, judges = _world(make)
    session = roadshow.create_session(
        stage,
        organizer,
        name="第一场路演",
        venue="市民中心",
        scheduled_at=utcnow(),
        application_ids=[apps["a"].id],
    )
    everyone = [u.id for people in members.values() for u in people]
    roadshow.set_slots(
        session, [apps["c"].id, apps["a"].id], organizer
    )  # c added first, a moves to 2nd
    notices = _presenting(everyone)
    for member in members["c"]:
        [notice] = notices[member.id]
        assert apps["c"].project_name in notice.body and "第 1 个（共 2 个）" in notice.body
    assert all(len(notices[m.id]) == 1 for m in members["a"])  # a reorder alone sends nothing new
    assert all(notices[m.id] == [] for m in members["b"])
