"""`venture demo` tells what each role should try first (venture/demo/people.py HINTS);
this walks those first steps in the browser, in Chinese, on the seeded demo: the
menus and buttons the hints name exist and lead where they say."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Browsing, zh

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "venture-demo"


def person(context, check_page, shot, name: str) -> Browsing:
    return Browsing(context.new_page(), check_page, shot, name)


def log_in(p: Browsing, email: str) -> None:
    p.log_in(email, DEMO_PASSWORD)


def test_every_demo_login_can_do_what_it_is_told_to_try(
    live_server, demo, desktop, phone, check_page, shot
):
    from venture.demo.people import HINTS

    assert [step.email for step in HINTS] == ["organizer@demo.venture"] * 3 + [
        "judge1@demo.venture",
        "judge2@demo.venture",
        "judge7@demo.venture",
        "applicant@demo.venture",
        "liaison@demo.venture",
        None,
    ]
    wct = "澧阳市2026年社区微创投"

    # 主办方: compute WCT2026's online review, then start the roadshow and present the first project.
    o = person(desktop(), check_page, shot, "demo-organizer")
    log_in(o, "organizer@demo.venture")
    o.nav(zh("Rankings"))
    o.link(zh("Open"), within=o.page.get_by_role("row").filter(has_text=wct))
    review = o.page.get_by_role("region", name=zh("Online expert review"), exact=True)
    with live_server.hold("venture.compute_stage") as worker:
        o.button(zh("Compute now"), within=review)
        worker.set()
    expect(review.get_by_role("link", name=zh("View the ranking"))).to_be_visible(timeout=30_000)
    o.page.wait_for_load_state("load")
    o.check_page(o.page)
    o.shot("wct-online-review-computed")
    o.menu(zh("Judging"), zh("Scoring stages"))
    competition = o.page.locator("section").filter(
        has=o.page.get_by_role("heading", name=re.compile(wct))
    )
    o.link(zh("Roadshow sessions"), within=competition)
    o.link(zh("Control room"))
    o.button(zh("Start the session"))
    o.click(
        o.page.get_by_role(
            "button", name=re.compile("^" + re.escape(zh("Next: %(code)s", code="")))
        )
    )
    o.shot("wct-roadshow-started")

    # 评审专家 judge1, on a phone: the live roadshow from the home page, the project on stage.
    j1 = person(phone(), check_page, shot, "demo-judge1")
    log_in(j1, "judge1@demo.venture")
    j1.link(zh("Roadshow live: %(name)s", name="2026年社区微创投项目路演"))
    j1.button(zh("I confirm I have no conflict of interest"))
    expect(j1.page.locator("#sheet-form")).to_be_visible()
    j1.shot("roadshow-sheet")

    # judge7: his sheets; the organizer sees his severity in GY2025's online-review ranking.
    j7 = person(desktop(), check_page, shot, "demo-judge7")
    log_in(j7, "judge7@demo.venture")
    j7.nav(zh("My reviews"))
    expect(j7.page.locator("main")).to_contain_text("WCT2026")
    o.nav(zh("Rankings"))
    o.link(zh("Open"), within=o.page.get_by_role("row").filter(has_text="澧阳市2025年公益创投大赛"))
    o.link(
        zh("View the ranking"),
        within=o.page.get_by_role("region", name=zh("Online expert review"), exact=True),
    )
    harsh = o.page.get_by_role("row").filter(has_text="孙海涛")
    expect(harsh).to_contain_text("−")  # a negative severity: harsher than the panel
    o.shot("gy2025-judges")

    # 申报机构: the funded project's progress report, an activity added, the report submitted.
    a = person(desktop(), check_page, shot, "demo-applicant")
    log_in(a, "applicant@demo.venture")
    a.nav(zh("Funded projects"))
    a.link("夕阳红·长者守望互助计划")
    reports = a.page.get_by_role("region", name=zh("Progress reports"))
    a.click(
        reports.get_by_role("row").filter(has_text=zh("Not submitted")).get_by_role("link").first
    )
    a.link(zh("Add an activity"))
    a.fill(zh("Type of activity"), "入户探访")
    a.fill(zh("Participants"), "18")
    a.fill(zh("Of whom residents of the community"), "16")
    a.button(zh("Add to the report"))
    a.page.get_by_role("textbox", name=zh("Summary of the period")).fill(
        "本期完成入户探访16户，助餐服务按计划开展。"
    )
    a.button(zh("Submit the report"))
    expect(a.page.locator("main")).to_contain_text(zh("Submitted"))
    a.nav(zh("My applications"))
    expect(a.page.locator("main")).to_contain_text("夕阳红·长者守望互助计划（二期）")
    expect(a.page.locator("main")).to_contain_text(zh("Returned for amendment"))

    # 社区联络员: an activity waiting in one of her communities, confirmed.
    li = person(desktop(), check_page, shot, "demo-liaison")
    log_in(li, "liaison@demo.venture")
    li.nav(zh("Projects in my communities"))
    li.link(zh("Confirm or dispute"))
    li.button(zh("Send the review"))
    li.shot("activity-confirmed")

    # 评审专家 judge2: HB2026's online review is open, sheets wait under My reviews.
    j2 = person(desktop(), check_page, shot, "demo-judge2")
    log_in(j2, "judge2@demo.venture")
    j2.nav(zh("My reviews"))
    expect(j2.page.locator("main")).to_contain_text("澧阳市湖滨区2026年公益微创投")
    j2.click(j2.page.get_by_role("link", name=zh("Score now")).first)
    j2.shot("hb2026-sheet")

    # 公众 on a phone: CD2026 is on public notice, an objection can be filed.
    vp = person(phone(), check_page, shot, "demo-public-phone")
    vp.go("/")
    vp.nav(zh("Public notices"))
    vp.link("澧阳市城东区2026年社区公益创投", exact_name=False)
    vp.link(zh("File an objection"))
    vp.shot("cd2026-objection-form")

    # 公众: GY2025's final results and the score sheets anyone can recompute.
    v = person(desktop(), check_page, shot, "demo-public")
    v.go("/")
    v.nav(zh("Public notices"))
    v.link("澧阳市2025年公益创投大赛", exact_name=False)
    sheets = v.page.get_by_test_id("published-sheets").get_by_role("link").first
    response = v.page.request.get(sheets.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    assert response.text().lstrip("\ufeff").startswith("application,judge,criterion,score")
