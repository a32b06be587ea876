"""Typed work is never lost on the judge's phone: the live roadshow sheet with one
out-of-range score, 保存草稿 pressed. Every score and comment typed is still on the
page, the bad score is marked, and the valid answers are stored."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, Browsing, zh

pytestmark = pytest.mark.browser

BAD = "35"  # the first criterion's maximum is 15
INVALID = re.compile(r"\bis-invalid\b")


def _live_roadshow(live_server) -> dict:
    """A live roadshow with one project on stage and a judge who confirmed no conflict."""
    import sqlalchemy as sa

    from tests import factories
    from venture.competitions.models import StageKind
    from venture.db import utcnow
    from venture.extensions import db
    from venture.judging.models import Assignment
    from venture.judging.services import assignment as assignment_services
    from venture.judging.services import roadshow as roadshow_services

    with live_server.ctx():
        organizer = factories.organizer()
        comp = factories.competition(organizer=organizer)
        stage = comp.stage(StageKind.ROADSHOW)
        stage.starts_at, stage.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(days=1)
        stage.judges_per_application = 1
        db.session.commit()
        app = factories.application(comp, factories.organization(), status="passed")
        judge = factories.judge_with_profile(
            name="手机评委", email="phone-judge@example.org", password=PASSWORD
        )
        assignment_services.set_panel(stage, None, [judge.id], organizer)
        session = roadshow_services.create_session(
            stage,
            organizer,
            name="城西专场路演",
            venue="市民中心",
            scheduled_at=None,
            application_ids=[app.id],
        )
        assignment_services.run_assignment(stage, organizer, notify_judges=False)
        roadshow_services.start_session(session, organizer)
        roadshow_services.present(session, session.slots[0].id, organizer)
        db.session.execute(sa.update(Assignment).values(no_conflict_confirmed_at=utcnow()))
        db.session.commit()
        criteria = [(c.id, c.name, int(c.max_score)) for c in stage.rubric.criteria]
        return {
            "session": session.id,
            "email": judge.email,
            "criteria": criteria,
            "stage": stage.id,
            "application": app.id,
            "judge": judge.id,
        }


def test_phone_roadshow_sheet_keeps_every_typed_value_when_one_score_is_out_of_range(
    live_server, phone, check_page, shot
):
    world = _live_roadshow(live_server)
    p = Browsing(phone().new_page(), check_page, shot, "roadshow-phone-judge")
    p.log_in(world["email"])
    p.go(f"/judging/roadshow/{world['session']}")

    typed = {}
    for n, (cid, name, maximum) in enumerate(world["criteria"]):
        score = BAD if n == 0 else str(maximum // 2 + 0.5 if n % 2 else maximum // 2)
        typed[cid] = (score, f"{name}：现场答辩的意见{n}")
        p.page.locator(f"#score-{cid}").fill(score)
        p.page.locator(f"#comment-{cid}").fill(typed[cid][1])
    p.page.locator("#overall_comment").fill("团队答辩清楚，预算需再细化。")
    p.select(zh("Your confidence in this assessment"), "4")
    p.page.get_by_label(zh("Fund"), exact=True).check()

    p.button(zh("Save draft"), status=422)

    # Everything typed is still there; the bad score is marked with its message.
    first = world["criteria"][0]
    bad_input = p.page.locator(f"#score-{first[0]}")
    expect(bad_input).to_have_value(BAD)
    expect(bad_input).to_have_class(INVALID)
    expect(p.page.locator(f"#score-{first[0]}-error")).to_contain_text(first[1])
    expect(p.page.locator(f"#score-{first[0]}-error")).to_contain_text(str(first[2]))
    for cid, (score, comment) in typed.items():
        expect(p.page.locator(f"#score-{cid}")).to_have_value(score)
        expect(p.page.locator(f"#comment-{cid}")).to_have_value(comment)
        if cid != first[0]:
            expect(p.page.locator(f"#score-{cid}")).not_to_have_class(INVALID)
    expect(p.page.locator("#overall_comment")).to_have_value("团队答辩清楚，预算需再细化。")
    expect(p.page.locator("#confidence")).to_have_value("4")
    expect(p.page.get_by_label(zh("Fund"), exact=True)).to_be_checked()
    expect(p.page.locator(".flashes")).to_contain_text(
        zh(
            "Your draft has been saved, except %(count)d marked answer(s): correct them and save again.",
            count=1,
        )
    )
    p.page.locator(f"#score-{first[0]}").scroll_into_view_if_needed()
    path = p.shot("one-score-out-of-range")
    assert path.exists()

    # The valid answers are stored; the page holds the server's version, so the fix saves.
    import sqlalchemy as sa

    from venture.extensions import db
    from venture.judging.models import ScoreSheet

    with live_server.ctx():
        sheet = db.session.scalar(
            sa.select(ScoreSheet).where(ScoreSheet.judge_id == world["judge"])
        )
        stored = {s.criterion_id: s for s in sheet.scores}
        assert stored[first[0]].score is None
        for cid, (score, comment) in typed.items():
            assert stored[cid].comment == comment
            if cid != first[0]:
                assert float(stored[cid].score) == float(score)
        version = sheet.version
    expect(p.page.locator("input[name=version]")).to_have_value(str(version))
    bad_input.fill("12")
    p.button(zh("Save draft"))
    p.flash(zh("Your draft has been saved."))
    expect(p.page.locator(f"#score-{first[0]}")).to_have_value("12")
