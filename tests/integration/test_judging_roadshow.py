"""The live roadshow: the pointer flow with scores hidden until a project is closed, the
polled state, and the paper fallback that stores nothing when a row is bad."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa
from openpyxl import load_workbook

from venture.competitions.models import StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.judging.models import (
    Conflict,
    ConflictSource,
    RoadshowSession,
    ScoreSheet,
    SheetScore,
    SheetStatus,
)
from venture.judging.services import assignment as assignment_services
from venture.notices.models import Notice

FULL = {
    "需求分析": 12,
    "项目设计": 16,
    "可行性": 12,
    "创新性": 8,
    "预算合理性": 11,
    "机构能力": 12,
    "社会效益": 8,
}


def _roadshow(make, n_apps=3, n_judges=3):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = comp.stage(StageKind.ROADSHOW)
    stage.starts_at, stage.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(days=1)
    stage.judges_per_application = n_judges
    db.session.commit()
    apps = [make.application(comp, make.organization(), status="passed") for _ in range(n_apps)]
    judges = [make.judge_with_profile(name=f"路演评委{i}") for i in range(n_judges)]
    assignment_services.set_panel(stage, None, [j.id for j in judges], organizer)
    db.session.commit()
    return organizer, comp, stage, apps, judges


def _form(stage, answers, version=0, **extra):
    criteria = {c.name: c for c in stage.rubric.criteria}
    data = {"version": version, "confidence": "4", "recommendation": "fund"}
    data.update({f"score-{criteria[n].id}": str(v) for n, v in answers.items()})
    data.update(extra)
    return data


def test_pointer_flow_scores_hidden_until_closed(app_ctx, make, login):
    organizer, comp, stage, apps, judges = _roadshow(make)
    boss = login(organizer)
    response = boss.post(
        f"/judging/stages/{stage.id}/roadshow",
        data={
            "name": "第一场路演",
            "venue": "市民中心",
            "scheduled_at": "2026-05-10T09:00",
            "application_id": [apps[1].id, apps[0].id],
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(sa.select(RoadshowSession))
    assert [s.application_id for s in session.slots] == [apps[1].id, apps[0].id]
    assert session.scheduled_at.hour == 1  # 09:00 in Beijing is 01:00 UTC
    assert {
        n.user_id
        for n in db.session.scalars(sa.select(Notice).where(Notice.kind == "roadshow_schedule"))
    } == {j.id for j in judges}
    assert boss.post(f"/judging/stages/{stage.id}/assign").status_code == 302

    boss.post(f"/judging/roadshow/{session.id}/control", data={"action": "start"})
    boss.post(f"/judging/roadshow/{session.id}/control", data={"action": "next"})
    db.session.expire_all()
    slot = db.session.get(RoadshowSession, session.id).current_slot
    assert slot.application_id == apps[1].id

    judge = login(judges[0])
    page = judge.get(f"/judging/roadshow/{session.id}")
    assert page.status_code == 200 and "无利益冲突" in page.get_data(as_text=True)
    judge.post(f"/judging/stages/{stage.id}/applications/{apps[1].id}/confirm")
    page = judge.get(f"/judging/roadshow/{session.id}").get_data(as_text=True)
    assert apps[1].organization.name in page  # the roadshow is a public pitch
    # Not presenting yet: the second project cannot be scored.
    judge.post(f"/judging/stages/{stage.id}/applications/{apps[0].id}/confirm")
    early = judge.post(
        f"/judging/stages/{stage.id}/applications/{apps[0].id}/autosave", json=_form(stage, FULL)
    )
    assert early.status_code == 409
    saved = judge.post(
        f"/judging/stages/{stage.id}/applications/{apps[1].id}/autosave",
        json=_form(stage, FULL, action="submit"),
    )
    assert saved.status_code == 200 and saved.json["status"] == "submitted"

    state = boss.get(f"/judging/roadshow/{session.id}/state.json").json
    assert state["slot"]["id"] == slot.id
    assert {j["id"]: j["submitted"] for j in state["judges"]} == {
        judges[0].id: True,
        judges[1].id: False,
        judges[2].id: False,
    }
    mine = judge.get(f"/judging/roadshow/{session.id}/state.json").json
    assert "judges" not in mine and mine["mine"]["status"] == "submitted"
    assert (
        login(make.judge_with_profile())
        .get(f"/judging/roadshow/{session.id}/state.json")
        .status_code
        == 403
    )

    results = f"/judging/roadshow/{session.id}/slots/{slot.id}/results"
    assert boss.get(results).status_code == 403 and judge.get(results).status_code == 403
    boss.post(
        f"/judging/roadshow/{session.id}/control", data={"action": "close_slot", "confirmed": "1"}
    )
    shown = boss.get(results)
    assert shown.status_code == 200 and "79.00" in shown.get_data(as_text=True)
    assert judge.get(results).status_code == 200
    late = login(judges[1]).post(
        f"/judging/stages/{stage.id}/applications/{apps[1].id}/autosave", json=_form(stage, FULL)
    )
    assert late.status_code in (403, 409)  # not confirmed, and the project is closed anyway


def test_a_panel_judge_who_does_not_score_the_project_on_stage_follows_the_pointer(
    app_ctx, make, login
):
    """The phone page names the slot on stage even to a judge who does not score it: its
    script reloads only when the pointer moves (it used to reload every few seconds)."""
    organizer, comp, stage, apps, judges = _roadshow(make, n_apps=1, n_judges=3)
    stage.judges_per_application = 2
    db.session.commit()
    boss = login(organizer)
    boss.post(
        f"/judging/stages/{stage.id}/roadshow",
        data={"name": "路演", "application_id": [apps[0].id]},
    )
    session = db.session.scalar(sa.select(RoadshowSession))
    boss.post(f"/judging/stages/{stage.id}/assign")
    boss.post(f"/judging/roadshow/{session.id}/control", data={"action": "start"})
    boss.post(f"/judging/roadshow/{session.id}/control", data={"action": "next"})
    db.session.expire_all()
    slot = db.session.get(RoadshowSession, session.id).current_slot
    scoring = {
        j["id"] for j in boss.get(f"/judging/roadshow/{session.id}/state.json").json["judges"]
    }
    outsider = next(j for j in judges if j.id not in scoring)
    page = login(outsider).get(f"/judging/roadshow/{session.id}").get_data(as_text=True)
    assert f'data-slot-id="{slot.id}"' in page and 'data-slot-status="presenting"' in page
    assert apps[0].display_code in page and "sheet-form" not in page


def test_paper_upload_with_a_bad_row_stores_nothing(app_ctx, make, login):
    organizer, comp, stage, apps, judges = _roadshow(make, n_apps=2, n_judges=2)
    from venture.judging.services import roadshow as roadshow_services

    session = roadshow_services.create_session(
        stage,
        organizer,
        name="纸质备份场",
        venue="会议室",
        scheduled_at=None,
        application_ids=[a.id for a in apps],
    )
    assignment_services.run_assignment(stage, organizer, notify_judges=False)
    boss = login(organizer)
    template = boss.get(f"/judging/roadshow/{session.id}/paper.xlsx")
    assert template.status_code == 200
    wb = load_workbook(BytesIO(template.data))
    sheets = [ws for ws in wb.worksheets if ws.title != "填写说明"]
    assert len(sheets) == 2
    for ws in sheets:
        for row in (5, 6):
            for column in range(3, 10):
                ws.cell(row=row, column=column, value=10)
            ws.cell(row=row, column=10, value="表现良好")
    sheets[0].cell(row=5, column=3, value=18)  # 需求分析 max 15
    sheets[1].cell(row=6, column=1, value="GY9999-999")  # unknown application

    def upload(workbook):
        buffer = BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        return boss.post(
            f"/judging/roadshow/{session.id}/paper",
            data={"file": (buffer, "paper.xlsx")},
            content_type="multipart/form-data",
        )

    rejected = upload(wb)
    assert rejected.status_code == 422
    text = rejected.get_data(as_text=True)
    assert "GY9999-999" in text and "0 至 15" in text
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 0

    sheets[0].cell(row=5, column=3, value=14.5)
    sheets[1].cell(row=6, column=1, value=apps[1].code)
    sheets[1].cell(row=6, column=5).value = None  # a missing criterion
    missing = upload(wb)
    assert missing.status_code == 422 and "可行性：请打分" in missing.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 0

    sheets[1].cell(row=6, column=5).value = 9
    assert upload(wb).status_code == 302
    stored = list(db.session.scalars(sa.select(ScoreSheet)))
    assert len(stored) == 4 and all(s.status == SheetStatus.SUBMITTED for s in stored)


IMPORT_ERROR_ROW = re.compile(r"<tr><td>(\d*)</td><td>(.*?)</td><td>(.*?)</td></tr>", re.S)


def _paper_world(make, login, locale):
    """A session of two projects and two judges assigned to both; judge 0 has a conflict with
    project 0 and judge 1 has already submitted project 1 online."""
    organizer, comp, stage, apps, judges = _roadshow(make, n_apps=2, n_judges=2)
    organizer.locale = locale
    from venture.judging.services import roadshow as roadshow_services

    session = roadshow_services.create_session(
        stage,
        organizer,
        name="纸质备份场",
        venue="会议室",
        scheduled_at=None,
        application_ids=[a.id for a in apps],
    )
    assignment_services.run_assignment(stage, organizer, notify_judges=False)
    db.session.add(
        Conflict(
            judge_id=judges[0].id,
            application_id=apps[0].id,
            source=ConflictSource.ORGANIZER,
            reason="亲属任职",
        )
    )
    db.session.commit()
    make.sheet(stage, apps[1], judges[1], FULL)
    boss = login(organizer)
    wb = load_workbook(BytesIO(boss.get(f"/judging/roadshow/{session.id}/paper.xlsx").data))
    by_email = {ws["B2"].value: ws for ws in wb.worksheets if ws.max_row > 2}
    for ws in by_email.values():
        for row in range(5, ws.max_row + 1):
            for column in range(3, 10):
                ws.cell(row=row, column=column, value=8)

    def upload():
        buffer = BytesIO()
        wb.save(buffer)
        buffer.seek(0)
        return boss.post(
            f"/judging/roadshow/{session.id}/paper",
            data={"file": (buffer, "paper.xlsx")},
            content_type="multipart/form-data",
        )

    def row_of(ws, app):
        return next(
            r
            for r in range(5, ws.max_row + 1)
            if ws.cell(row=r, column=1).value == app.display_code
        )

    return wb, upload, row_of, by_email[judges[0].email], by_email[judges[1].email], apps, judges


def _report(response) -> list[tuple[str, str, str]]:
    text = html.unescape(response.get_data(as_text=True))
    return [
        tuple(" ".join(cell.split()) for cell in found) for found in IMPORT_ERROR_ROW.findall(text)
    ]


def test_paper_errors_across_rows_name_the_worksheet_row_and_column(app_ctx, make, login):
    wb, upload, row_of, conflicted, submitted, apps, judges = _paper_world(make, login, "zh_CN")
    assert conflicted["A2"].value == "电子邮箱" and conflicted["A4"].value == "项目编号"

    rejected = upload()
    assert rejected.status_code == 422
    assert _report(rejected) == [
        (
            str(row_of(conflicted, apps[0])),
            f"{conflicted.title} · 项目编号",
            f"{judges[0].display_name} 与 {apps[0].display_code} 存在利益冲突。",
        ),
        (
            str(row_of(submitted, apps[1])),
            f"{submitted.title} · 项目编号",
            f"{judges[1].display_name} 已在线提交 {apps[1].display_code} 的评分表。",
        ),
    ]
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 1  # only the online one
    assert db.session.scalar(sa.select(sa.func.count(SheetScore.id))) == len(FULL)


def test_paper_template_and_report_follow_the_english_interface(app_ctx, make, login):
    wb, upload, row_of, conflicted, submitted, apps, judges = _paper_world(make, login, "en")
    assert "Instructions" in wb.sheetnames
    assert conflicted["A2"].value == "Email"
    assert [c.value for c in conflicted[4]][:3] == [
        "Application code",
        "Project name",
        "需求分析 (max 15)",
    ]
    assert conflicted.cell(row=4, column=10).value == "Overall comment"
    submitted["B2"] = "nobody@example.org"

    report = _report(upload())
    assert (
        str(row_of(conflicted, apps[0])),
        f"{conflicted.title} · Application code",
        f"{judges[0].display_name} has a conflict of interest with {apps[0].display_code}.",
    ) in report
    assert ("2", f"{submitted.title} · Email", "Unknown judge: nobody@example.org.") in report
    assert len(report) == 2
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 1

    # Once the rows are fixed, the English template reads back like the Chinese one.
    submitted["B2"] = judges[1].email
    for ws, app in ((conflicted, apps[0]), (submitted, apps[1])):
        row = row_of(ws, app)
        for column in range(1, 11):
            ws.cell(row=row, column=column).value = None
    assert upload().status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 3


def _live(make, n_apps=2, n_judges=3, confirm=True):
    """A live session with its first project on stage, every judge assigned to it."""
    from venture.judging.models import Assignment
    from venture.judging.services import roadshow as roadshow_services

    organizer, comp, stage, apps, judges = _roadshow(make, n_apps=n_apps, n_judges=n_judges)
    session = roadshow_services.create_session(
        stage,
        organizer,
        name="路演现场",
        venue="市民中心",
        scheduled_at=None,
        application_ids=[a.id for a in apps],
    )
    assignment_services.run_assignment(stage, organizer, notify_judges=False)
    roadshow_services.start_session(session, organizer)
    roadshow_services.present(session, roadshow_services.next_waiting(session).id, organizer)
    if confirm:
        db.session.execute(sa.update(Assignment).values(no_conflict_confirmed_at=utcnow()))
    db.session.commit()
    return organizer, stage, session, session.current_slot.application, judges


def test_roadshow_save_with_one_bad_score_keeps_every_typed_value(app_ctx, make, login):
    """On the phone: 保存草稿 with 35 where the maximum is 15. The page comes back with
    every score and comment typed and the bad one marked; the valid ones are stored."""
    organizer, stage, session, app, judges = _live(make)
    ids = {c.name: c.id for c in stage.rubric.criteria}
    client = login(judges[0])
    typed = _form(
        stage, {**FULL, "需求分析": 35}, action="save", overall_comment="答辩清楚，团队扎实"
    )
    typed.update({f"comment-{ids[n]}": f"{n}点评" for n in FULL})
    response = client.post(f"/judging/stages/{stage.id}/applications/{app.id}", data=typed)
    assert response.status_code == 422  # the page itself, not a redirect that drops the typing
    text = response.get_data(as_text=True)
    assert "data-roadshow-live" in text and "答辩清楚，团队扎实" in text
    bad = f"score-{ids['需求分析']}"
    assert re.search(rf'class="[^"]*is-invalid[^"]*"[^>]*id="{bad}"[^>]*value="35"', text)
    for name, value in FULL.items():
        assert f"{name}点评" in text
        if name != "需求分析":
            assert f'id="score-{ids[name]}" name="score-{ids[name]}" value="{value}"' in text
    sheet = db.session.scalar(sa.select(ScoreSheet))
    assert f'name="version" value="{sheet.version}"' in text
    stored = {row.criterion_id: row.score for row in sheet.scores}
    assert stored[ids["项目设计"]] == 16 and stored[ids["需求分析"]] is None
    refused = client.post(
        f"/judging/stages/{stage.id}/applications/{app.id}",
        data={**typed, "action": "submit", "version": str(sheet.version)},
    )
    assert refused.status_code == 422 and "答辩清楚，团队扎实" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(ScoreSheet)).status == SheetStatus.DRAFT


def test_closing_a_project_with_judges_still_scoring_asks_first_and_says_what_happens(
    app_ctx, make, login
):
    from venture.audit.models import AuditEntry
    from venture.judging.models import SlotStatus

    organizer, stage, session, app, judges = _live(make)
    writing, done = login(judges[1]), login(judges[0])
    url = f"/judging/stages/{stage.id}/applications/{app.id}/autosave"
    assert done.post(url, json=_form(stage, FULL, action="submit")).status_code == 200
    assert writing.post(url, json=_form(stage, {"需求分析": 10})).status_code == 200
    boss = login(organizer)
    control = f"/judging/roadshow/{session.id}/control"
    asked = boss.post(control, data={"action": "close_slot"})
    assert asked.status_code == 409
    text = html.unescape(asked.get_data(as_text=True))
    assert f"{app.display_code} 的 3 位评委中还有 2 位未提交评分表" in text
    assert judges[1].display_name in text and judges[2].display_name in text
    assert "草稿仍为草稿" in text and 'name="confirmed" value="1"' in text
    db.session.expire_all()
    assert db.session.get(RoadshowSession, session.id).current_slot.status == SlotStatus.PRESENTING
    assert boss.post(control, data={"action": "close_slot", "confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(RoadshowSession, session.id).current_slot.status == SlotStatus.CLOSED
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "judging.roadshow_close_slot")
    )
    assert entry.changes["unsubmitted"] == 2 and entry.changes["sheets"] == 1
    # What the confirmation said: the draft stays a draft, does not count, cannot change.
    draft = db.session.scalar(sa.select(ScoreSheet).where(ScoreSheet.judge_id == judges[1].id))
    assert draft.status == SheetStatus.DRAFT
    assert writing.post(url, json=_form(stage, FULL, version=draft.version)).status_code == 409
    from venture.judging.services.sheets import stage_sheet_totals

    assert {t.judge_id for t in stage_sheet_totals(stage)} == {judges[0].id}


def test_ending_the_session_with_judges_still_scoring_asks_first(app_ctx, make, login):
    organizer, stage, session, app, judges = _live(make)
    boss = login(organizer)
    control = f"/judging/roadshow/{session.id}/control"
    asked = boss.post(control, data={"action": "close"})
    assert asked.status_code == 409 and "仍然结束本场路演" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RoadshowSession, session.id).status.value == "live"
    assert boss.post(control, data={"action": "close", "confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(RoadshowSession, session.id).status.value == "closed"


def test_a_judge_who_recuses_on_stage_is_told_the_truth_and_the_control_room_shows_it(
    app_ctx, make, login
):
    """Every panel judge already scores the project: nobody can replace the one who
    recuses, and the judge is told so (not that another judge took over)."""
    organizer, stage, session, app, judges = _live(make, confirm=False)
    phone = login(judges[2])
    response = phone.post(
        f"/judging/stages/{stage.id}/applications/{app.id}/declare",
        data={"reason": "曾为该机构督导"},
        follow_redirects=True,
    )
    text = html.unescape(response.get_data(as_text=True))
    assert "只有主办方另行指派评委后才会有人接替" in text and "已另派一位评委接替您" not in text
    boss = login(organizer)
    state = boss.get(f"/judging/roadshow/{session.id}/state.json").json
    assert state["recused"] == [
        {"id": judges[2].id, "name": judges[2].display_name, "reason": "曾为该机构督导"}
    ]
    assert judges[2].id not in {j["id"] for j in state["judges"]}
    room = html.unescape(boss.get(f"/judging/roadshow/{session.id}/control").get_data(as_text=True))
    assert f"{judges[2].display_name} 已回避：曾为该机构督导" in room and "指派评委" in room


def test_a_judge_replaced_on_stage_is_told_who_took_over(app_ctx, make, login):
    organizer, comp, stage, apps, judges = _roadshow(make, n_apps=1, n_judges=3)
    stage.judges_per_application = 2
    db.session.commit()
    from venture.judging.models import Assignment, AssignmentStatus
    from venture.judging.services import roadshow as roadshow_services

    session = roadshow_services.create_session(
        stage, organizer, name="路演", venue="", scheduled_at=None, application_ids=[apps[0].id]
    )
    assignment_services.run_assignment(stage, organizer, notify_judges=False)
    roadshow_services.start_session(session, organizer)
    roadshow_services.present(session, session.slots[0].id, organizer)
    db.session.commit()
    scoring = [a.judge_id for a in db.session.scalars(sa.select(Assignment))]
    leaving = next(j for j in judges if j.id in scoring)
    response = login(leaving).post(
        f"/judging/stages/{stage.id}/applications/{apps[0].id}/declare",
        data={"reason": "亲属在该机构任职"},
        follow_redirects=True,
    )
    assert "已另派一位评委接替您" in html.unescape(response.get_data(as_text=True))
    active = set(
        db.session.scalars(
            sa.select(Assignment.judge_id).where(Assignment.status == AssignmentStatus.ACTIVE)
        )
    )
    assert active == {j.id for j in judges} - {leaving.id}


def test_the_slot_list_shows_the_online_review_score_the_ranking_publishes(app_ctx, make, login):
    """Not the raw mean of the sheets: the score computed by the stage's method, or a plain
    "not computed yet" before the ranking exists."""
    from venture.competitions.models import Method
    from venture.rankings.compute import compute_stage_snapshot
    from venture.rankings.models import SnapshotEntry

    organizer, comp, stage, apps, judges = _roadshow(make, n_apps=2)
    make.small_rubric(comp)
    review = comp.stage(StageKind.ONLINE_REVIEW)
    review.method = Method.MEDIAN
    db.session.commit()
    make.scored_stage(
        review,
        {
            (apps[0], judges[0]): {"需求": 8, "设计": 6, "效益": 15},  # 29
            (apps[0], judges[1]): {"需求": 10, "设计": 10, "效益": 20},  # 40
            (apps[0], judges[2]): {"需求": 2, "设计": 2, "效益": 2},
        },
    )  # 6
    db.session.commit()
    session = RoadshowSession(
        stage_id=stage.id,
        name="第一场路演",
        venue="市民中心",
        scheduled_at=utcnow() + timedelta(days=1),
    )
    db.session.add(session)
    db.session.commit()
    boss = login(organizer)

    before = boss.get(f"/judging/roadshow/{session.id}/slots").get_data(as_text=True)
    assert "25.00" not in before  # the raw mean of 29, 40 and 6
    assert "尚未计算" in before

    compute_stage_snapshot(review.id)
    published = db.session.scalar(
        sa.select(SnapshotEntry.score).where(SnapshotEntry.application_id == apps[0].id)
    )
    boss.post(
        f"/judging/roadshow/{session.id}/slots",
        data={"action": "add", "application_id": apps[0].id},
    )
    page = boss.get(f"/judging/roadshow/{session.id}/slots").get_data(as_text=True)
    assert f"{published:.2f}" in page and "25.00" not in page
    assert "中位数" in page and "尚未计算" not in page


def test_the_live_sheet_asks_only_for_the_rubric_unless_the_stage_says_otherwise(
    app_ctx, make, login
):
    """把握程度 and 评审建议 are optional on the roadshow by default; the organizer's scoring
    settings can require them."""
    organizer, stage, session, app, judges = _live(make)
    page = login(judges[0]).get(f"/judging/roadshow/{session.id}").get_data(as_text=True)
    assert page.count("（选填）") == 2
    bare = _form(stage, FULL, action="submit")
    del bare["confidence"], bare["recommendation"]
    done = login(judges[0]).post(f"/judging/stages/{stage.id}/applications/{app.id}", data=bare)
    assert done.status_code in (200, 302)
    sheet = db.session.scalar(sa.select(ScoreSheet).where(ScoreSheet.judge_id == judges[0].id))
    assert (
        sheet.status == SheetStatus.SUBMITTED
        and sheet.confidence is None
        and sheet.recommendation is None
    )

    boss = login(organizer)
    form = {
        f"{kind}_rubric": str(stage.competition.stage(StageKind(kind)).rubric_id or "")
        for kind in ("online_review", "roadshow", "midterm", "final")
    }
    form.update(roadshow_weight="0", online_review_weight="0", roadshow_opinion="y")
    assert "roadshow_opinion" in boss.get(
        f"/competitions/{stage.competition_id}/setup/scoring"
    ).get_data(as_text=True)
    assert (
        boss.post(f"/competitions/{stage.competition_id}/setup/scoring", data=form).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(type(stage), stage.id).requires_opinion
    refused = login(judges[1]).post(f"/judging/stages/{stage.id}/applications/{app.id}", data=bare)
    assert refused.status_code == 422 and "请选择您对本次评审的把握程度" in refused.get_data(
        as_text=True
    )
    assert "（选填）" not in refused.get_data(as_text=True)
