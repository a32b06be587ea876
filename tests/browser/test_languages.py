"""The demo in the browser: the key pages in English (switched with the language button),
and every role's main pages on a phone without anything running off the screen.

The server holds the demo (`venture demo`'s seeders), so this is also a walk through the
demo as each of its people.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Browsing

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "venture-demo"
OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"


def person(context, check_page, shot, name: str) -> Browsing:
    return Browsing(context.new_page(), check_page, shot, name)


def log_in(p: Browsing, email: str) -> None:
    p.go("/login")
    p.page.locator("#email").fill(email)
    p.page.locator("#password").fill(DEMO_PASSWORD)
    p.click(p.page.locator("main form button[type=submit]"))


def to_english(p: Browsing) -> None:
    """Switch with the language button in the header (behind the menu button on a phone)."""
    menu = p.page.get_by_role("navigation").first
    toggler = menu.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    p.click(menu.get_by_role("button", name="English"))
    expect(p.page.locator("html")).to_have_attribute("lang", "en")


def test_key_pages_in_english(live_server, demo, desktop, phone, check_page, shot, readme_shot):
    # The login page, switched before logging in: the choice stays for the session.
    visitor = person(desktop(), check_page, shot, "en-visitor")
    visitor.go("/login")
    to_english(visitor)
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text("Log in")
    visitor.shot("login")
    visitor.go(f"/results/{demo['gy2025']}")
    expect(visitor.page.locator("main")).to_contain_text("Final results")
    visitor.shot("public-results")

    # An application, as its organization sees it.
    applicant = person(desktop(), check_page, shot, "en-applicant")
    log_in(applicant, "applicant@demo.venture")
    to_english(applicant)
    expect(applicant.page.get_by_role("navigation", name="Main navigation")).to_contain_text(
        "My applications"
    )
    applicant.go(f"/applications/{demo['application']}")
    expect(applicant.page.locator("main")).to_contain_text("What to do next")
    applicant.go(f"/applications/{demo['application']}/edit/budget")
    expect(applicant.page.get_by_role("heading", level=2, name="Budget")).to_be_visible()
    applicant.shot("application-budget")

    # The organizer's ranking with its funding line; then the roadshow starts.
    organizer = person(desktop(), check_page, shot, "en-organizer")
    log_in(organizer, "organizer@demo.venture")
    to_english(organizer)
    organizer.go(f"/rankings/snapshots/{demo['final_snapshot']}")
    expect(organizer.page.locator("main")).to_contain_text("Funding line")
    organizer.shot("ranking")
    readme_shot(organizer.page, "ranking-en")
    organizer.go(f"/judging/roadshow/{demo['session']}/control")
    organizer.button("Start the session")
    organizer.click(organizer.page.get_by_role("button", name=re.compile(r"^Next: ")))
    expect(organizer.page.locator("[data-judge-list]")).to_be_visible()

    # A judge of the project on the stage scores it on a phone, in English.
    email = judge_of_current_slot(live_server, demo["session"])
    judge = person(phone(), check_page, shot, "en-judge")
    log_in(judge, email)
    to_english(judge)
    judge.click(judge.page.get_by_role("link", name=re.compile(r"^Roadshow live: ")))
    judge.button("I confirm I have no conflict of interest")
    expect(judge.page.locator("#sheet-form")).to_contain_text("Overall comment")
    judge.shot("roadshow-sheet-phone")
    judge.page.locator("#sheet-form").scroll_into_view_if_needed()
    readme_shot(judge.page, "judge-sheet-phone-en")


def judge_of_current_slot(server, session_id: int) -> str:
    from venture.extensions import db
    from venture.judging.models import RoadshowSession
    from venture.judging.services.roadshow import slot_judges

    with server.ctx():
        session = db.session.get(RoadshowSession, session_id)
        return slot_judges(session, session.current_slot)[0].email


# Each role's main pages (paths; "{name}" filled from the demo's ids).
MAIN_PAGES = {
    None: [
        "/",
        "/login",
        "/signup",
        "/competitions/",
        "/competitions/{gy2027}",
        "/results",
        "/results/{gy2025}",
        "/results/objections/lookup",
    ],
    "applicant@demo.venture": [
        "/",
        "/applications/",
        "/applications/{application}",
        "/applications/{application}/edit/project",
        "/applications/{application}/edit/budget",
        "/applications/{application}/edit/team",
        "/orgs/",
        "/my/results",
        "/followup/mine",
        "/followup/projects/{project}",
        "/followup/reports/{report}",
        "/inbox",
    ],
    "judge1@demo.venture": ["/", "/judging/", "/judging/profile", "/judging/roadshow/{session}"],
    "liaison@demo.venture": ["/", "/followup/community"],
    "organizer@demo.venture": [
        "/",
        "/competitions/manage",
        "/competitions/{gy2027}/overview",
        "/screening/competitions/{gy2027}",
        "/competitions/{gy2027}/setup/stages",
        "/judging/manage",
        "/judging/judges",
        "/rankings/competitions/{wct2026}",
        "/rankings/snapshots/{final_snapshot}",
        "/competitions/{gy2025}/decisions",
        "/followup/",
        "/followup/projects/{project}",
        "/admin/orgs/",
        "/admin/audit/",
    ],
}


def test_main_pages_fit_on_a_phone(live_server, demo, phone, check_page, shot):
    too_wide = []
    for email, paths in MAIN_PAGES.items():
        p = person(phone(), check_page, shot, f"phone-{(email or 'visitor').split('@')[0]}")
        if email:
            log_in(p, email)
        for path in paths:
            p.go(path.format(**demo))
            overflow = p.page.evaluate(OVERFLOW_JS)
            if overflow > 1:
                too_wide.append(f"{email or 'visitor'} {path}: {overflow}px wider than the screen")
                p.shot(f"too-wide-{path}")
        p.page.context.close()
    assert not too_wide, "\n".join(too_wide)


NAV_ROWS_JS = """() => new Set([...document.querySelectorAll('#nav-main .nav-item')]
    .filter(li => li.offsetParent !== null)
    .map(li => Math.round(li.getBoundingClientRect().top))).size"""
# Column headings (visible text) that take more than one line.
WRAPPED_HEADINGS_JS = """(selector) => [...document.querySelectorAll(selector + ' thead th')]
    .filter(th => !th.querySelector('.visually-hidden') && th.innerText.trim())
    .map(th => { const range = document.createRange(); range.selectNodeContents(th);
                 return [th.innerText.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size]; })
    .filter(([, lines]) => lines > 1)"""


def test_the_english_menu_fits_one_row_and_decision_headings_stay_whole(
    live_server, demo, desktop, check_page, shot
):
    """At 1280 px (desktop()), every role's English menu is one row; the decisions tables'
    column headings are one line each, in English and in Chinese."""
    problems = []
    for email in (
        None,
        "applicant@demo.venture",
        "judge1@demo.venture",
        "liaison@demo.venture",
        "organizer@demo.venture",
    ):
        p = person(desktop(), check_page, shot, f"menu-{(email or 'visitor').split('@')[0]}")
        if email:
            log_in(p, email)
        else:
            p.go("/")
        if (
            p.page.locator("html").get_attribute("lang") != "en"
        ):  # an earlier test may have chosen it
            to_english(p)
        rows = p.page.evaluate(NAV_ROWS_JS)
        if rows != 1:
            problems.append(f"{email or 'visitor'}: the English menu takes {rows} rows")
            p.shot("menu-rows")
        if email == "organizer@demo.venture":
            for language in ("en", "zh_CN"):
                if language == "zh_CN":
                    p.click(
                        p.page.get_by_role("navigation").first.get_by_role(
                            "button", name="简体中文"
                        )
                    )
                p.go(f"/competitions/{demo['gy2025']}/decisions")
                p.shot(f"decisions-{language}")
                for table in ('[data-testid="decisions"]', '[data-testid="budgets"]'):
                    wrapped = p.page.evaluate(WRAPPED_HEADINGS_JS, table)
                    problems += [
                        f"{language} {table}: heading {text!r} takes {lines} lines"
                        for text, lines in wrapped
                    ]
        p.page.context.close()
    assert not problems, "\n".join(problems)
