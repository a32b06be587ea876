"""A community's dispute that held a tranche, to its end in a real browser: the
organizer finds the tranche held with a link to the dispute, the organization answers
with a sign-in sheet from a phone, the liaison keeps the dispute, the organizer
dismisses it with a reason, and the tranche is released."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, Browsing, zh

pytestmark = pytest.mark.browser

ORGANIZER = "clerk@bureau.example"
OWNER = "li.na@xiangyang.example"
LIAISON = "zhou.min@furong.example"
NOTE = "当天社区没有这场活动，签到表人数与实际不符。"
SIGN_IN_SHEET = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def held(live_server):
    """An active project whose first tranche is paid and whose mid-term passed: the
    second tranche would be releasable, but the liaison disputes an activity of the
    first report."""
    from tests import factories
    from venture.extensions import db
    from venture.followup import services
    from venture.followup.models import EvaluationKind, EvaluationStatus
    from venture.followup.services._common import today_local

    with live_server.ctx():
        areas = factories.area_tree()
        organizer = factories.organizer(email=ORGANIZER, name="民政局陈科员", password=PASSWORD)
        owner = factories.applicant(email=OWNER, name="李娜", password=PASSWORD)
        liaison = factories.liaison_of(
            areas["芙蓉社区"], email=LIAISON, name="周敏", password=PASSWORD
        )
        project = factories.project(
            members=[owner], communities=[areas["芙蓉社区"]], approved_fen=1_000_000
        )
        services.release_tranche(project.tranches[0], actor=organizer)
        midterm = next(e for e in project.evaluations if e.kind == EvaluationKind.MIDTERM)
        midterm.status = EvaluationStatus.PASSED
        db.session.commit()
        report = next(r for r in project.reports if r.period_start <= today_local())
        activity = services.add_activity(
            report,
            community_id=areas["芙蓉社区"].id,
            held_on=report.period_start,
            activity_type="入户探访",
            participants=24,
            residents=20,
            description="探访高龄独居老人。",
            actor=owner,
        )
        services.submit_report(report, summary="本期开展入户探访。", actor=owner)
        services.review_activity(activity, confirm=False, note=NOTE, actor=liaison)
        return {
            "project": project.id,
            "tranche": project.tranches[1].id,
            "dispute": activity.dispute.id,
            "date": report.period_start.isoformat(),
        }


def test_a_dispute_that_held_a_tranche_is_answered_decided_and_the_tranche_released(
    live_server, desktop, phone, check_page, shot, held, tmp_path
):
    clerk = Browsing(desktop().new_page(), check_page, shot, "organizer")
    clerk.log_in(ORGANIZER)

    # The tranche is held, says why, and links to the dispute.
    clerk.go(f"/followup/projects/{held['project']}")
    row = clerk.page.get_by_test_id("tranche-2")
    expect(row.get_by_role("button", name=zh("Release"))).to_be_disabled()
    expect(row).to_contain_text("芙蓉社区")
    clerk.shot("tranche-held-desktop")
    clerk.click(row.get_by_test_id("held-by-dispute"))
    expect(clerk.page.get_by_test_id("dispute-hold")).to_be_visible()
    expect(clerk.page.get_by_test_id("dispute-status")).to_contain_text(
        zh("Waiting for the organization's answer")
    )

    # The organization answers from a phone, with the sign-in sheet.
    owner = Browsing(phone().new_page(), check_page, shot, "organization")
    owner.log_in(OWNER)
    owner.go(f"/followup/disputes/{held['dispute']}")
    expect(owner.page.locator("main")).to_contain_text(NOTE)
    sheet = tmp_path / "签到表.pdf"
    sheet.write_bytes(SIGN_IN_SHEET)
    owner.fill(zh("Your answer"), "当天活动在社区活动室举行，附签到表，共24人签到。")
    owner.page.get_by_label(zh("Evidence (optional)"), exact=True).set_input_files(str(sheet))
    owner.button(zh("Send the answer"), status=200)
    owner.flash(zh("Your answer has been sent to the community's liaison."))
    expect(owner.page.get_by_test_id("dispute-status")).to_contain_text(
        zh("Answered; waiting for the community")
    )
    expect(owner.page.get_by_role("link", name="签到表.pdf")).to_be_visible()
    owner.shot("dispute-answered-phone")

    # The liaison reads the answer and keeps the dispute; an empty note is refused first.
    liaison = Browsing(desktop().new_page(), check_page, shot, "liaison")
    liaison.log_in(LIAISON)
    liaison.go(f"/followup/disputes/{held['dispute']}")
    liaison.select(zh("Your response"), zh("Keep the dispute"))
    liaison.button(zh("Send the response"), status=422)
    expect(liaison.page.locator(".invalid-feedback")).to_contain_text(
        zh("Say why the answer does not settle the dispute.")
    )
    liaison.select(zh("Your response"), zh("Keep the dispute"))
    liaison.fill(zh("Note"), "签到表上多人不是本社区居民。")
    liaison.button(zh("Send the response"), status=200)
    expect(liaison.page.get_by_test_id("dispute-status")).to_contain_text(
        zh("Kept by the community; waiting for the organizer")
    )

    # The organizer decides: dismissed, with the reason; the activity is confirmed.
    clerk.go(f"/followup/disputes/{held['dispute']}")
    clerk.shot("dispute-kept-desktop")
    clerk.select(zh("Decision"), zh("Dismiss the dispute: the activity is confirmed"))
    clerk.fill(zh("Reason"), "签到表与照片可以证明活动举办，居民人数按社区核实为准。")
    clerk.button(zh("Record the decision"), status=200)
    clerk.flash(zh("The dispute is dismissed: the activity is confirmed."))
    expect(clerk.page.get_by_test_id("dispute-status")).to_contain_text(
        zh("Dismissed: the activity is confirmed")
    )
    expect(clerk.page.get_by_test_id("dispute-hold")).to_have_count(0)
    clerk.shot("dispute-decided-desktop")
    owner.go(f"/followup/disputes/{held['dispute']}")
    owner.shot("dispute-decided-phone")

    # The tranche is released.
    clerk.click(clerk.page.locator(".page-header a").first)  # the project's name leads back to it
    row = clerk.page.get_by_test_id("tranche-2")
    expect(row.get_by_test_id("held-by-dispute")).to_have_count(0)
    clerk.click(row.get_by_role("button", name=zh("Release")))
    clerk.flash(zh("Tranche %(n)d has been released.", n=2))
    expect(clerk.page.get_by_test_id("tranche-2")).to_contain_text(zh("Released"))
