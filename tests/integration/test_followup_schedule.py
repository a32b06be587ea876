"""The project's schedule follows its agreement: signing it, and changing its dates with a
reason, rebuild the reports and evaluation deadlines that have not started."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.integration.followup_helpers import audit_actions, notices, png, upload
from venture.audit.models import AuditEntry
from venture.db import utcnow
from venture.extensions import db
from venture.followup import rules
from venture.followup.models import (
    Activity,
    EvaluationKind,
    ProgressReport,
    ProjectStatus,
    ReportStatus,
)
from venture.followup.services._common import today_local


@pytest.fixture
def setting(make):
    """A project waiting for its agreement, in a competition whose implementation stage
    starts in 60 days: the competition's default quarters all lie in the future."""
    areas = make.area_tree()
    owner = make.applicant()
    comp = make.followup_competition(implementation_days_ago=-60, midterm_in_days=200)
    project = make.project(
        competition=comp, members=[owner], communities=[areas["芙蓉社区"]], active=False
    )
    return {"areas": areas, "owner": owner, "organizer": make.organizer(), "project": project}


def _periods(project) -> list[tuple]:
    db.session.expire_all()
    return [
        (r.period_start, r.period_end)
        for r in db.session.scalars(
            sa.select(ProgressReport)
            .where(ProgressReport.project_id == project.id)
            .order_by(ProgressReport.period_start)
        )
    ]


def _sign(login, setting, starts, ends, report_period="monthly"):
    """The organization enters the agreement; the organizer confirms it (签约)."""
    project = setting["project"]
    saved = login(setting["owner"]).post(
        f"/followup/projects/{project.id}/agreement",
        data={
            "signed_on": today_local().isoformat(),
            "starts_on": starts.isoformat(),
            "ends_on": ends.isoformat(),
            "report_period": report_period,
            "signed_copy": upload(png(), "协议.png"),
        },
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert (
        login(setting["organizer"])
        .post(f"/followup/projects/{project.id}/agreement/confirm")
        .status_code
        == 302
    )


def _post_activity(client, report, community, held_on):
    return client.post(
        f"/followup/reports/{report.id}/activities/new",
        data={
            "community_id": community.id,
            "held_on": held_on.isoformat(),
            "activity_type": "入户探访",
            "participants": "12",
            "residents": "10",
            "description": "探访高龄老人。",
        },
        content_type="multipart/form-data",
    )


def _report_covering(project, day) -> ProgressReport:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(ProgressReport).where(
            ProgressReport.project_id == project.id,
            ProgressReport.period_start <= day,
            ProgressReport.period_end >= day,
        )
    )


def test_signing_the_agreement_moves_the_reports_to_its_dates(app_ctx, login, setting):
    project, today = setting["project"], today_local()
    default = _periods(project)
    assert all(start > today for start, _end in default)  # nothing could be entered today
    starts, ends = today - timedelta(days=40), today + timedelta(days=300)

    _sign(login, setting, starts, ends, report_period="monthly")

    assert _periods(project) == rules.report_periods(starts, ends, "monthly")
    assert _periods(project) != default
    # Reports of periods already over are not overdue the day they are made.
    assert all(r.due_at > utcnow() for r in project.reports)
    midterm = next(e for e in project.evaluations if e.kind == EvaluationKind.MIDTERM)
    final = next(e for e in project.evaluations if e.kind == EvaluationKind.FINAL)
    # The competition's mid-term stage opens inside the agreement's period: the deadline follows it.
    assert starts < rules.local_date(midterm.due_at) <= ends
    assert rules.local_date(final.due_at) >= ends
    # An activity held inside the agreement's period, before today, can be entered.
    report = _report_covering(project, today - timedelta(days=3))
    assert report is not None
    response = _post_activity(
        login(setting["owner"]), report, setting["areas"]["芙蓉社区"], today - timedelta(days=3)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Activity.id)).where(Activity.report_id == report.id)
        )
        == 1
    )
    # The organization is told the schedule with the confirmation.
    body = notices("agreement_confirmed")[0].body
    assert starts.isoformat() in body and report.period_start.isoformat() in body


def test_the_competitions_period_is_the_default(app_ctx, login, setting):
    today = today_local()
    starts, ends = today - timedelta(days=10), today + timedelta(days=200)
    _sign(login, setting, starts, ends, report_period="")
    project = setting["project"]
    assert project.agreement.report_period is None
    assert _periods(project) == rules.report_periods(
        starts, ends, project.competition.report_period.value
    )


def test_changing_the_dates_keeps_started_reports_and_rebuilds_the_rest(app_ctx, login, setting):
    project, today, organizer = setting["project"], today_local(), setting["organizer"]
    starts, ends = today - timedelta(days=70), today + timedelta(days=300)
    _sign(login, setting, starts, ends, report_period="monthly")
    first, second = (r for r in sorted(project.reports, key=lambda r: r.period_start)[:2])
    first.status, first.summary = ReportStatus.SUBMITTED, "第一个月的工作。"
    db.session.commit()
    assert (
        _post_activity(
            login(setting["owner"]), second, setting["areas"]["芙蓉社区"], second.period_start
        ).status_code
        == 302
    )
    kept = {
        (first.id, first.period_start, first.period_end),
        (second.id, second.period_start, second.period_end),
    }

    new_start, new_end = starts + timedelta(days=15), ends + timedelta(days=60)
    url = f"/followup/projects/{project.id}/agreement/dates"
    data = {
        "starts_on": new_start.isoformat(),
        "ends_on": new_end.isoformat(),
        "report_period": "quarterly",
        "reason": "补充协议：项目延期两个月。",
    }

    # A reason is required; the end must follow the start.
    no_reason = login(organizer).post(url, data={**data, "reason": " "})
    assert no_reason.status_code == 422
    backwards = login(organizer).post(url, data={**data, "ends_on": new_start.isoformat()})
    assert backwards.status_code == 422
    assert "结束日期必须晚于开始日期" in backwards.get_data(as_text=True)
    assert login(organizer).get(url).status_code == 200

    assert login(organizer).post(url, data=data).status_code == 302

    db.session.expire_all()
    reports = sorted(
        db.session.scalars(
            sa.select(ProgressReport).where(ProgressReport.project_id == project.id)
        ),
        key=lambda r: r.period_start,
    )
    assert kept <= {(r.id, r.period_start, r.period_end) for r in reports}
    rebuilt = [(r.period_start, r.period_end) for r in reports if r.id not in {k[0] for k in kept}]
    taken_until = max(end for _id, _start, end in kept)
    # The rest follows the new dates, quarterly, from the day after the kept reports.
    expected = [
        (max(s, taken_until + timedelta(days=1)), e)
        for s, e in rules.report_periods(new_start, new_end, "quarterly")
        if e > taken_until
    ]
    assert rebuilt == expected
    assert project.agreement.ends_on == new_end
    # Audited with the reason; the organization is told, with the reason.
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "followup.change_agreement_dates")
    ).one()
    assert entry.actor_id == organizer.id
    assert entry.changes["reason"] == "补充协议：项目延期两个月。"
    assert entry.changes["ends_on"] == [ends.isoformat(), new_end.isoformat()]
    assert "reports" in entry.changes
    notice = notices("project_rescheduled")[0]
    assert notice.user_id == setting["owner"].id
    assert "补充协议" in notice.body and new_end.isoformat() in notice.body
    assert "followup.change_agreement_dates" in audit_actions()


def test_a_started_evaluation_keeps_its_deadline(app_ctx, login, setting):
    project, today, organizer = setting["project"], today_local(), setting["organizer"]
    _sign(login, setting, today - timedelta(days=10), today + timedelta(days=300))
    midterm = next(e for e in project.evaluations if e.kind == EvaluationKind.MIDTERM)
    final = next(e for e in project.evaluations if e.kind == EvaluationKind.FINAL)
    midterm.self_assessment = "自评草稿"
    db.session.commit()
    midterm_due, final_due = midterm.due_at, final.due_at
    new_end = today + timedelta(days=500)
    assert (
        login(organizer)
        .post(
            f"/followup/projects/{project.id}/agreement/dates",
            data={
                "starts_on": (today - timedelta(days=10)).isoformat(),
                "ends_on": new_end.isoformat(),
                "report_period": "monthly",
                "reason": "延期",
            },
        )
        .status_code
        == 302
    )
    db.session.expire_all()
    assert midterm.due_at == midterm_due
    assert final.due_at != final_due and rules.local_date(final.due_at) >= new_end


def test_only_organizers_change_the_dates_and_only_while_running(app_ctx, login, make, setting):
    project, today = setting["project"], today_local()
    url = f"/followup/projects/{project.id}/agreement/dates"
    data = {
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=100)).isoformat(),
        "report_period": "monthly",
        "reason": "调整",
    }
    before = _periods(project)
    assert login(setting["owner"]).post(url, data=data).status_code == 403
    assert login(make.applicant()).get(url).status_code == 403
    liaison = make.liaison_of(setting["areas"]["芙蓉社区"])
    assert login(liaison).post(url, data=data).status_code == 403
    assert _periods(project) == before  # unchanged by the refusals
    assert not notices("project_rescheduled")
    # A closed project's dates no longer move.
    project.status = ProjectStatus.CLOSED
    db.session.commit()
    assert login(setting["organizer"]).post(url, data=data).status_code == 403
    assert not notices("project_rescheduled")


def test_the_same_dates_are_refused_with_a_message(app_ctx, login, setting):
    project = setting["project"]
    ag = project.agreement
    response = login(setting["organizer"]).post(
        f"/followup/projects/{project.id}/agreement/dates",
        data={
            "starts_on": ag.starts_on.isoformat(),
            "ends_on": ag.ends_on.isoformat(),
            "report_period": ag.report_period.value if ag.report_period else "",
            "reason": "无",
        },
    )
    assert response.status_code == 422
    assert not notices("project_rescheduled")
