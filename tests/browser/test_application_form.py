"""The application form in a real browser: a submission refused (no pledge, a section still
missing) leaves the page at the version the server has, so ticking the pledge, the autosave,
the Save button and the next submission all go through — nobody conflicts with herself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, Browsing, zh

pytestmark = pytest.mark.browser

APPLICANT = ("wang.xiaomei@xingguang.example", "王晓梅")
PROJECT = "星光四点半课堂"


@pytest.fixture(scope="module")
def draft(live_server):
    """A draft complete but for its project name and the pledge."""
    from tests import factories
    from venture.extensions import db

    with live_server.ctx():
        member = factories.applicant(email=APPLICANT[0], name=APPLICANT[1], password=PASSWORD)
        org = factories.organization(members=[member], name="澧阳市星光社工服务中心")
        comp = factories.competition(required_attachments=[])
        app = factories.complete_draft(comp, org, project_name="")
        app.pledge = False
        db.session.commit()
        return app.id


def _version(page) -> str:
    return page.locator("input[name=version]").input_value()


def _server_version(live_server, app_id: int) -> int:
    from venture.applications.models import Application
    from venture.extensions import db

    with live_server.ctx():
        return db.session.get(Application, app_id).version


def _code(live_server, app_id: int) -> str:
    from venture.applications.models import Application
    from venture.extensions import db

    with live_server.ctx():
        return db.session.get(Application, app_id).code


def test_a_refused_submit_then_a_save_and_a_submit_go_through(
    live_server, desktop, check_page, shot, draft
):
    a = Browsing(desktop().new_page(), check_page, shot, "applicant")
    a.log_in(APPLICANT[0])
    a.go(f"/applications/{draft}/edit/submit")

    # Submitted without the pledge and without the project name: refused, and the page holds
    # the version the server now has (the submission saved the section first).
    a.button(zh("Submit the application"), status=422)
    a.flash(zh("Confirm the truthfulness pledge."))
    assert _version(a.page) == str(_server_version(live_server, draft))

    # Ticking the pledge saves itself: no conflict with herself.
    pledge = re.compile(
        re.escape(
            zh(
                "We pledge that everything in this application is true and complete, and "
                "accept the rules of the competition."
            )
        )
    )
    a.page.get_by_label(pledge).check()
    status = a.page.locator("[data-autosave-status]")
    expect(status).to_contain_text(zh("All changes saved at {time}.").split("{time}")[0])
    assert _version(a.page) == str(_server_version(live_server, draft))

    # The missing name, with the Save button (a plain post of the version the page holds).
    a.go(f"/applications/{draft}/edit/project")
    a.fill(zh("Project name"), PROJECT)
    a.button(zh("Save"), status=200)
    a.flash(zh("Saved."))

    # And the submission goes through.
    a.go(f"/applications/{draft}/edit/submit")
    expect(a.page.get_by_label(pledge)).to_be_checked()
    a.button(zh("Submit the application"), status=200)
    code = _code(live_server, draft)
    a.flash(zh("Your application %(code)s has been submitted (revision %(n)d).", code=code, n=1))
    expect(a.page.locator("h1")).to_have_text(PROJECT)


def test_a_submit_pressed_while_the_autosave_is_on_its_way_waits_for_it(
    live_server, desktop, check_page, shot
):
    """The pledge's autosave is still on its way when the applicant presses submit: the page
    waits for its answer (the new version) before posting, so the submission is not taken for
    someone else's stale edit."""
    from tests import factories
    from venture.extensions import db

    with live_server.ctx():
        member = factories.applicant(
            email="zhao.lan@xingguang.example", name="赵兰", password=PASSWORD
        )
        org = factories.organization(members=[member], name="澧阳市晨曦社工服务中心")
        app = factories.complete_draft(factories.competition(required_attachments=[]), org)
        app.pledge = False
        db.session.commit()
        app_id = app.id

    a = Browsing(desktop().new_page(), check_page, shot, "applicant-2")
    a.log_in("zhao.lan@xingguang.example")
    a.go(f"/applications/{app_id}/edit/submit")
    held = []

    def hold_the_answer(route):  # the server saves (a new version); its answer is held back
        held.append((route, route.fetch()))

    a.page.route("**/autosave/**", hold_the_answer)
    a.page.get_by_label(
        re.compile(
            re.escape(
                zh(
                    "We pledge that everything in this application is true and "
                    "complete, and accept the rules of the competition."
                )
            )
        )
    ).check()
    expect(a.page.locator("[data-autosave-status]")).to_contain_text(zh("Saving…"))
    for _ in range(200):  # the server's answer arrives (and is held) while the page waits
        if held:
            break
        a.page.wait_for_timeout(50)
    assert held, "the autosave was sent"
    a.page.get_by_role("button", name=zh("Submit the application"), exact=True).click()
    with a.page.expect_navigation() as navigation:
        route, answer = held[0]
        route.fulfill(response=answer)
    assert navigation.value.status == 200
    a.flash(
        zh(
            "Your application %(code)s has been submitted (revision %(n)d).",
            code=_code(live_server, app_id),
            n=1,
        )
    )
