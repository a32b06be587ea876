"""Progress reports, the host community's confirmation, milestones, spending, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.integration.followup_helpers import PDF, audit_actions, notices, png, upload
from venture.extensions import db
from venture.followup.models import Activity, LiaisonStatus, ProgressReport, ReportStatus
from venture.followup.reminders import due_report_reminders
from venture.followup.services._common import today_local


@pytest.fixture
def setting(make):
    """An active project placed in two communities, with its owner and the liaisons."""
    areas = make.area_tree()
    owner = make.applicant()
    project = make.project(members=[owner], communities=[areas["芙蓉社区"], areas["紫菱社区"]])
    report = next(
        r for r in project.reports if r.period_start <= today_local()
    )  # a period that has started
    return {
        "areas": areas,
        "owner": owner,
        "project": project,
        "report": report,
        "liaison": make.liaison_of(areas["芙蓉社区"]),
        "other_liaison": make.liaison_of(
            areas["屈原社区"]
        ),  # a community the project is not placed in
        "organizer": make.organizer(),
    }


def _activity_data(setting, **overrides):
    report = setting["report"]
    data = {
        "community_id": setting["areas"]["芙蓉社区"].id,
        "held_on": report.period_start.isoformat(),
        "activity_type": "入户探访",
        "participants": "20",
        "residents": "15",
        "description": "探访高龄独居老人。",
        "photos": [upload(png(), "探访1.png"), upload(png(), "探访2.png")],
    }
    data.update(overrides)
    return data


def _post_activity(client, setting, **overrides):
    return client.post(
        f"/followup/reports/{setting['report'].id}/activities/new",
        data=_activity_data(setting, **overrides),
        content_type="multipart/form-data",
    )


def test_filing_a_report_with_activities_and_photos(app_ctx, login, setting):
    client = login(setting["owner"])
    report = setting["report"]
    assert _post_activity(client, setting).status_code == 302
    activity = db.session.scalar(sa.select(Activity).where(Activity.report_id == report.id))
    assert activity.residents == 15 and len(activity.photos) == 2
    assert all(p.file.kind == "image" for p in activity.photos)

    cases = [
        ({"held_on": (report.period_end + timedelta(days=1)).isoformat()}, "报告期内"),
        ({"community_id": str(setting["areas"]["屈原社区"].id)}, "服务社区"),
        ({"residents": "21"}, "不能多于参与人数"),
        ({"activity_type": ""}, "活动类型"),
    ]
    for overrides, message in cases:
        response = _post_activity(client, setting, **overrides)
        assert response.status_code == 422, overrides
        assert message in response.get_data(as_text=True), overrides
    not_image = _post_activity(client, setting, photos=[upload(PDF, "照片.pdf")])
    assert not_image.status_code == 415
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 1  # nothing half-written

    empty_summary = client.post(
        f"/followup/reports/{report.id}", data={"summary": " ", "action": "submit"}
    )
    assert empty_summary.status_code == 422
    assert (
        client.post(
            f"/followup/reports/{report.id}",
            data={"summary": "本期开展入户探访。", "action": "submit"},
        ).status_code
        == 302
    )
    db.session.refresh(report)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by_id == setting["owner"].id
    # The liaison of the activity's community is told; the other is not.
    assert [n.user_id for n in notices("activities_to_confirm")] == [setting["liaison"].id]

    # A submitted report is read-only.
    assert _post_activity(client, setting).status_code == 409
    assert (
        client.post(
            f"/followup/reports/{report.id}", data={"summary": "改写", "action": "save"}
        ).status_code
        == 409
    )
    assert client.post(f"/followup/activities/{activity.id}/remove").status_code == 409
    page = client.get(f"/followup/reports/{report.id}").get_data(as_text=True)
    assert "添加活动" not in page and "本期开展入户探访。" in page


def test_the_liaison_confirms_or_disputes_each_record(app_ctx, make, login, setting):
    owner_client = login(setting["owner"])
    _post_activity(owner_client, setting)
    _post_activity(owner_client, setting, activity_type="小组活动")
    report = setting["report"]
    owner_client.post(
        f"/followup/reports/{report.id}", data={"summary": "本期小结", "action": "submit"}
    )
    first, second = db.session.scalars(sa.select(Activity).order_by(Activity.id)).all()

    liaison = login(setting["liaison"])
    home = liaison.get("/followup/community").get_data(as_text=True)
    assert 'data-testid="waiting-count">2<' in home
    assert "等待您确认" in liaison.get("/").get_data(as_text=True)

    # Others may not review: another community's liaison, the organization, a judge.
    assert (
        login(setting["other_liaison"])
        .post(f"/followup/activities/{first.id}/review", data={"decision": "confirm"})
        .status_code
        == 403
    )
    assert (
        owner_client.post(
            f"/followup/activities/{first.id}/review", data={"decision": "confirm"}
        ).status_code
        == 403
    )
    assert (
        login(make.judge())
        .post(f"/followup/activities/{first.id}/review", data={"decision": "confirm"})
        .status_code
        == 403
    )

    assert (
        liaison.post(
            f"/followup/activities/{first.id}/review", data={"decision": "confirm"}
        ).status_code
        == 302
    )
    no_note = liaison.post(
        f"/followup/activities/{second.id}/review", data={"decision": "dispute", "note": ""}
    )
    assert no_note.status_code == 422
    assert "请说明" in no_note.get_data(as_text=True)
    assert (
        liaison.post(
            f"/followup/activities/{second.id}/review",
            data={"decision": "dispute", "note": "当天社区无此活动记录"},
        ).status_code
        == 302
    )
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.liaison_status == LiaisonStatus.CONFIRMED
    assert (
        second.liaison_status == LiaisonStatus.DISPUTED
        and second.reviewed_by_id == setting["liaison"].id
    )
    assert (
        liaison.post(
            f"/followup/activities/{first.id}/review", data={"decision": "dispute", "note": "x"}
        ).status_code
        == 409
    )

    # The organizer and the organization are told; the organizer sees the dispute on the dashboard.
    assert sorted(n.user_id for n in notices("activity_disputed")) == sorted(
        [setting["organizer"].id, setting["owner"].id]
    )
    organizer = login(setting["organizer"])
    assert 'data-testid="disputed-count">1<' in organizer.get("/followup/").get_data(as_text=True)
    assert "当天社区无此活动记录" in organizer.get("/followup/disputes").get_data(as_text=True)
    assert audit_actions().count("followup.review_activity") == 2

    # The liaison sees the project (read-only) and its photos; another community's liaison does not.
    photo_id = first.photos[0].stored_file_id
    project = setting["project"]
    assert liaison.get(f"/followup/projects/{project.id}").status_code == 200
    assert liaison.get(f"/followup/projects/{project.id}/files/{photo_id}").status_code == 200
    assert (
        login(setting["other_liaison"]).get(f"/followup/projects/{project.id}").status_code == 403
    )
    assert (
        login(setting["other_liaison"])
        .get(f"/followup/projects/{project.id}/files/{photo_id}")
        .status_code
        == 403
    )


def test_spending_is_shown_against_the_budget_and_a_line_over_its_approval_is_flagged(
    app_ctx, login, setting
):
    project = setting["project"]
    client = login(setting["owner"])
    line = min(project.budget, key=lambda x: x.approved_fen)
    yuan = f"{line.approved_fen // 100}.{line.approved_fen % 100:02d}"
    today = today_local().isoformat()

    missing_voucher = client.post(
        f"/followup/projects/{project.id}/expenses/new",
        data={"line_id": line.id, "amount": "100", "spent_on": today},
    )
    assert missing_voucher.status_code == 422 and "凭证" in missing_voucher.get_data(as_text=True)
    bad_amount = client.post(
        f"/followup/projects/{project.id}/expenses/new",
        data={
            "line_id": line.id,
            "amount": "abc",
            "spent_on": today,
            "voucher": upload(PDF, "发票.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert bad_amount.status_code == 422
    future = client.post(
        f"/followup/projects/{project.id}/expenses/new",
        data={
            "line_id": line.id,
            "amount": "1",
            "spent_on": "2999-01-01",
            "voucher": upload(PDF, "发票.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert future.status_code == 422 and "不能晚于今天" in future.get_data(as_text=True)

    for amount in (yuan, "0.01"):  # exactly the approval, then one fen more
        response = client.post(
            f"/followup/projects/{project.id}/expenses/new",
            data={
                "line_id": line.id,
                "amount": amount,
                "spent_on": today,
                "description": "宣传海报",
                "voucher": upload(PDF, "发票.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    page = client.get(f"/followup/projects/{project.id}").get_data(as_text=True)
    assert page.count('data-testid="over-budget"') == 1
    assert "超出核定金额" in page
    assert "followup.record_expense" in audit_actions()


def test_milestones_are_marked_done_with_evidence(app_ctx, login, setting):
    milestone = setting["project"].milestones[0]
    client = login(setting["owner"])
    assert (
        client.post(f"/followup/milestones/{milestone.id}/done", data={"note": ""}).status_code
        == 422
    )
    assert (
        client.post(
            f"/followup/milestones/{milestone.id}/done",
            data={"note": "启动会已召开，签到表见附件", "evidence": upload(PDF, "签到表.pdf")},
            content_type="multipart/form-data",
        ).status_code
        == 302
    )
    db.session.refresh(milestone)
    assert milestone.done_at is not None and milestone.evidence_file.kind == "pdf"
    assert (
        client.post(f"/followup/milestones/{milestone.id}/done", data={"note": "again"}).status_code
        == 409
    )
    assert (
        login(setting["liaison"]).get(f"/followup/milestones/{milestone.id}/done").status_code
        == 403
    )


def test_reminders_once_per_report_and_window(app_ctx, make, setting):
    project = setting["project"]
    reports = db.session.scalars(
        sa.select(ProgressReport)
        .where(ProgressReport.project_id == project.id)
        .order_by(ProgressReport.period_start)
    ).all()
    target = reports[1]
    for r in reports:  # only the target is still due
        if r.id != target.id:
            r.status = ReportStatus.SUBMITTED
    db.session.commit()
    due = target.due_at

    assert due_report_reminders(due - timedelta(days=8)) == 0
    assert due_report_reminders(due - timedelta(days=6)) == 1
    assert due_report_reminders(due - timedelta(days=5)) == 0  # same window: nothing new
    assert due_report_reminders(due + timedelta(hours=1)) == 1
    assert due_report_reminders(due + timedelta(hours=2)) == 0
    assert due_report_reminders(due + timedelta(days=8)) == 1
    assert due_report_reminders(due + timedelta(days=9)) == 0

    due_notices = notices("report_due")
    overdue = notices("report_overdue")
    owner = setting["owner"].id
    assert [n.dedupe_key for n in due_notices] == [
        f"report-due:{target.id}:{owner}:before",
        f"report-due:{target.id}:{owner}:due",
    ]
    assert [n.dedupe_key for n in overdue] == [f"report-due:{target.id}:{owner}:overdue"]
    assert {n.user_id for n in due_notices + overdue} == {setting["owner"].id}
    assert "进度报告" in due_notices[0].subject

    # A submitted report gets no more reminders; nor does a report of a project not active.
    target.status = ReportStatus.SUBMITTED
    db.session.commit()
    assert due_report_reminders(due + timedelta(days=30)) == 0


def test_the_organizer_extends_a_report_deadline(app_ctx, login, setting):
    report = setting["report"]
    new_day = today_local() + timedelta(days=20)
    assert (
        login(setting["owner"])
        .post(f"/followup/reports/{report.id}/extend", data={"extend-due_on": new_day.isoformat()})
        .status_code
        == 403
    )
    past = login(setting["organizer"]).post(
        f"/followup/reports/{report.id}/extend", data={"extend-due_on": "2000-01-01"}
    )
    assert past.status_code == 422
    assert (
        login(setting["organizer"])
        .post(f"/followup/reports/{report.id}/extend", data={"extend-due_on": new_day.isoformat()})
        .status_code
        == 302
    )
    db.session.refresh(report)
    from venture.followup.rules import local_date

    assert local_date(report.due_at) == new_day
    assert "followup.extend_deadline" in audit_actions()
