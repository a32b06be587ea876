"""The agreement is the source of the project's schedule, in a real browser.

A project of a competition whose implementation stage starts in two months: its default
report quarters all lie ahead, so no activity of the last weeks could be entered. The
organization enters the agreement it signed (started six weeks ago, monthly reports), the
organizer confirms it, and the reports follow it: the applicant, on a phone, enters an
activity held last week. Later the organizer changes the dates with a reason: the started
report stays, the rest follows, and the organization is told.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, Browsing, zh

pytestmark = pytest.mark.browser

ORGANIZER = ("li.qing@mzj.example", "李青")
APPLICANT = ("zhou.min@chunhui.example", "周敏")
PROJECT = "春晖助老餐桌"
PNG_NAME = "协议扫描.png"


def _today():
    from venture.followup.services._common import today_local

    return today_local()


@pytest.fixture(scope="module")
def project_id(live_server):
    """A funded project waiting for its agreement, placed in 芙蓉社区."""
    from tests import factories

    with live_server.ctx():
        areas = factories.area_tree()
        factories.organizer(email=ORGANIZER[0], name=ORGANIZER[1], password=PASSWORD)
        owner = factories.applicant(email=APPLICANT[0], name=APPLICANT[1], password=PASSWORD)
        comp = factories.followup_competition(implementation_days_ago=-60, midterm_in_days=200)
        project = factories.project(
            competition=comp,
            members=[owner],
            communities=[areas["芙蓉社区"]],
            active=False,
            project_name=PROJECT,
        )
        return project.id


def _png() -> bytes:
    from venture.demo.followup import tiny_png

    return tiny_png((30, 120, 200))


def _report_rows(page) -> list[str]:
    region = page.get_by_role("region", name=zh("Progress reports"))
    return region.locator("tbody tr").all_inner_texts()


def test_the_agreement_moves_the_reports(live_server, desktop, phone, check_page, shot, project_id):
    today = _today()
    starts, ends = today - timedelta(days=42), today + timedelta(days=300)
    held_on = today - timedelta(days=7)

    # The organization enters the agreement it signed: its own dates, monthly reports.
    a = Browsing(desktop().new_page(), check_page, shot, "applicant")
    a.log_in(APPLICANT[0])
    a.go(f"/followup/projects/{project_id}")
    before = _report_rows(a.page)
    assert before and all(start > today for start, _end in _periods(live_server, project_id))
    a.link(zh("Upload the signed agreement"))
    a.fill(zh("Signed on"), today.isoformat())
    a.fill(zh("Implementation starts on"), starts.isoformat())
    a.fill(zh("Implementation ends on"), ends.isoformat())
    a.select(zh("Progress reports"), zh("Monthly"))
    a.page.get_by_label(zh("Signed agreement (PDF or image)"), exact=True).set_input_files(
        {"name": PNG_NAME, "mimeType": "image/png", "buffer": _png()}
    )
    a.button(zh("Save the agreement"))
    a.flash(zh("The agreement has been saved. The organizer will confirm it."))

    # The organizer confirms it (签约): the schedule follows the agreement.
    o = Browsing(desktop().new_page(), check_page, shot, "organizer")
    o.log_in(ORGANIZER[0])
    o.go(f"/followup/projects/{project_id}/agreement")
    o.button(zh("Confirm the agreement"))
    o.flash(zh("The agreement is confirmed; the project is now being implemented."))
    rows = _report_rows(o.page)
    assert rows != before
    assert starts.isoformat() in rows[0]
    o.shot("schedule-follows-the-agreement")

    # On her phone, the applicant sees the report period that holds last week and enters
    # an activity held then.
    p = Browsing(phone().new_page(), check_page, shot, "applicant-phone")
    p.log_in(APPLICANT[0])
    p.go(f"/followup/projects/{project_id}")
    current = next(r for r in _periods(live_server, project_id) if r[0] <= held_on <= r[1])
    period_text = f"{current[0].isoformat()} — {current[1].isoformat()}"
    p.link(period_text)
    p.link(zh("Add an activity"))
    place = p.page.get_by_label(zh("Place (host community)"), exact=True)
    expect(place.locator("option:checked")).to_contain_text("芙蓉社区")  # the only host community
    p.fill(zh("Date"), held_on.isoformat())
    p.fill(zh("Type of activity"), "助餐服务")
    p.fill(zh("Participants"), "18")
    p.fill(zh("Of whom residents of the community"), "16")
    p.fill(zh("Description"), "为18位高龄老人送餐上门。")
    p.button(zh("Add to the report"))
    expect(p.page.locator("main")).to_contain_text("助餐服务")
    p.shot("activity-inside-the-agreement")

    # Later the organizer changes the dates, with a reason: the started report stays.
    new_end = ends + timedelta(days=61)
    o.go(f"/followup/projects/{project_id}")
    o.link(zh("Change the dates"))
    o.fill(zh("Implementation ends on"), new_end.isoformat())
    o.select(zh("Progress reports"), zh("Quarterly"))
    o.button(zh("Change the dates"))  # no reason: refused with its message
    expect(o.page.locator("main")).to_contain_text(zh("Give the reason."))
    o.fill(zh("Reason for the change"), "补充协议：服务延长两个月。")
    o.shot("change-the-dates")
    o.button(zh("Change the dates"))
    o.flash(
        zh(
            "The dates have changed; the reports that had not started follow them and the organization "
            "has been told."
        )
    )
    rows = _report_rows(o.page)
    assert any(period_text in row for row in rows)  # the report with its activity is kept
    assert any(new_end.isoformat() in row for row in rows)
    o.shot("rescheduled")

    # The organization is told, with the reason.
    p.go("/inbox")
    expect(p.page.locator("main")).to_contain_text(zh("New dates for %(project)s", project=PROJECT))
    p.shot("told")

    # The same pages on a phone, for the organizer too.
    op = Browsing(phone().new_page(), check_page, shot, "organizer-phone")
    op.log_in(ORGANIZER[0])
    op.go(f"/followup/projects/{project_id}/agreement/dates")
    op.shot("change-the-dates")


def _periods(live_server, project_id):
    import sqlalchemy as sa

    from venture.extensions import db
    from venture.followup.models import ProgressReport

    with live_server.ctx():
        return [
            (r.period_start, r.period_end)
            for r in db.session.scalars(
                sa.select(ProgressReport)
                .where(ProgressReport.project_id == project_id)
                .order_by(ProgressReport.period_start)
            )
        ]
