"""Stages the organizer controls: one gate for "is stage X open now for person P", the
controls (open now, close now, extend for everyone / one judge / one organization) with
their reason, audit and notices, shifting later stages, the 公示 window, and the
competition's phase and current stage in pages and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.competitions import gates, stagecontrol
from venture.competitions.models import MIN_PUBLICITY_DAYS, STAGE_ORDER, StageKind
from venture.competitions.services import update_stage_dates
from venture.db import utcnow
from venture.errors import Conflict, Locked, ValidationError
from venture.extensions import db
from venture.notices.models import Notice
from venture.results import services as results

REASON = "专家组临时调整日程，经局务会同意。"


def _audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        )
    )


def _notices(kind: str) -> list[Notice]:
    return list(
        db.session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id))
    )


def _future_competition(make, boss, days_ahead: int = 3):
    """Every stage still ahead: the application window opens in ``days_ahead`` days."""
    return make.competition(organizer=boss, stages=_future_stages(days_ahead))


def _future_stages(days_ahead: int = 2) -> dict:
    """A valid plan: selection stages of 14 days each, the implementation 200 days with the
    mid-term inside it and the final evaluation at its end."""
    day = timedelta(days=1)
    start = utcnow() + days_ahead * day
    stages = {}
    for kind in STAGE_ORDER[: STAGE_ORDER.index(StageKind.AGREEMENT) + 1]:
        stages[kind.value] = (start, start + 14 * day)
        start += 14 * day
    implementation = stages["agreement"][0]
    stages["implementation"] = (implementation, implementation + 200 * day)
    stages["midterm"] = (implementation + 90 * day, implementation + 104 * day)
    stages["final"] = (implementation + 190 * day, implementation + 214 * day)
    return stages


# --- the gate ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(StageKind))
def test_the_gate_follows_the_plan_then_the_controls_for_every_stage(make, kind):
    boss = make.organizer()
    comp = _future_competition(make, boss)
    stage = comp.stage(kind)
    now = utcnow()
    assert gates.stage_state(stage, now=now) == gates.BEFORE
    assert gates.stage_state(stage, now=stage.starts_at + timedelta(hours=1)) == gates.OPEN
    assert gates.stage_state(stage, now=stage.ends_at) == gates.CLOSED

    if kind == StageKind.PUBLICITY:  # opens with the results' approval (tested below)
        return
    stagecontrol.open_stage_now(stage, actor=boss, reason=REASON, now=now)
    assert gates.stage_is_open(stage, now=now + timedelta(minutes=1))
    stagecontrol.close_stage_now(stage, actor=boss, reason=REASON, now=now + timedelta(hours=1))
    assert gates.stage_state(stage, now=now + timedelta(hours=2)) == gates.CLOSED
    # the plan is kept beside the reality
    assert stage.starts_at > now and stage.actual_opens_at == now


def test_an_extension_for_one_judge_keeps_the_stage_open_for_that_judge_only(make, login):
    boss = make.organizer()
    comp = make.competition(organizer=boss)
    stage = make.review_stage(comp, open_now=False)  # ended an hour ago
    late, other = make.judge_with_profile(), make.judge_with_profile()
    app = make.application(comp, make.organization(), status="passed")
    make.confirmed_assignment(stage, app, late)
    make.confirmed_assignment(stage, app, other)
    assert not gates.stage_is_open(stage, user=late)

    until = utcnow() + timedelta(days=1)
    stagecontrol.extend_stage(stage, actor=boss, reason=REASON, until=until, user=late)
    assert gates.stage_is_open(stage, user=late)
    from venture.templating import format_local

    assert format_local(until) in login(late).get("/judging/").get_data(
        as_text=True
    )  # their own deadline
    assert not gates.stage_is_open(stage, user=other)
    assert not gates.stage_is_open(stage)
    [notice] = _notices("stage_extended")
    assert notice.user_id == late.id and REASON in notice.body
    assert _audit("stage.extended")[0].changes["for"] == f"user:{late.id}"


def test_an_extension_for_one_organization_moves_its_application_deadline(make):
    from venture.applications.services import edit_deadline

    boss = make.organizer()
    member, other_member = make.applicant(), make.applicant()
    comp = make.competition(organizer=boss)
    org, other_org = make.organization(members=[member]), make.organization(members=[other_member])
    mine, theirs = make.application(comp, org), make.application(comp, other_org)
    window = comp.stage(StageKind.APPLICATION)
    until = window.ends_at + timedelta(days=3)
    stagecontrol.extend_stage(window, actor=boss, reason=REASON, until=until, organization=org)
    assert edit_deadline(mine) == until
    assert edit_deadline(theirs) == window.ends_at
    assert [n.user_id for n in _notices("stage_extended")] == [member.id]


def test_nothing_scores_after_the_results_are_final(make):
    boss = make.organizer()
    comp = make.competition(organizer=boss)
    review = make.review_stage(comp, open_now=True)
    assert gates.stage_is_open(review)
    comp.results_final_at = utcnow()
    db.session.commit()
    assert not gates.stage_is_open(review)
    assert (
        gates.current_stage(comp) is None
        or gates.current_stage(comp).kind != StageKind.ONLINE_REVIEW
    )
    with pytest.raises(Locked):
        stagecontrol.extend_stage(
            review, actor=boss, reason=REASON, until=utcnow() + timedelta(days=2)
        )


# --- the controls --------------------------------------------------------------------------------


def test_judges_see_the_review_not_started_until_the_organizer_opens_it(make, login):
    boss = make.organizer()
    comp = _future_competition(make, boss, days_ahead=0)
    review = comp.stage(StageKind.ONLINE_REVIEW)
    judge = make.judge_with_profile()
    app = make.application(comp, make.organization(), status="passed")
    make.confirmed_assignment(review, app, judge)
    from venture.judging.services.sheets import editable_problem

    assert "评审尚未开始" in str(editable_problem(judge, review, app, None).message)

    client = login(boss)
    url = f"/competitions/{comp.id}/stage-controls/online_review"
    refused = client.post(url, data={"action": "open", "reason": ""})
    assert refused.status_code == 422 and "请填写原因" in refused.get_data(as_text=True)
    assert client.post(url, data={"action": "open", "reason": REASON}).status_code == 302

    db.session.expire_all()
    assert editable_problem(judge, review, app, None) is None
    [entry] = _audit("stage.opened")
    assert entry.actor_id == boss.id and entry.changes["reason"] == REASON
    [notice] = _notices("stage_opened")
    assert notice.user_id == judge.id and REASON in notice.body
    page = client.get(f"/competitions/{comp.id}/stage-controls").get_data(as_text=True)
    assert "已于" in page  # planned to open …, opened on …


def test_open_close_and_extend_refuse_what_does_not_make_sense(make):
    boss = make.organizer()
    comp = make.competition(organizer=boss)
    window = comp.stage(StageKind.APPLICATION)  # open now
    with pytest.raises(Conflict):
        stagecontrol.open_stage_now(window, actor=boss, reason=REASON)
    with pytest.raises(ValidationError):
        stagecontrol.extend_stage(
            window, actor=boss, reason=REASON, until=window.ends_at - timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        stagecontrol.close_stage_now(window, actor=boss, reason="  ")
    screening = comp.stage(StageKind.SCREENING)
    with pytest.raises(Conflict):
        stagecontrol.close_stage_now(screening, actor=boss, reason=REASON)  # not open yet
    draft = make.competition(organizer=boss, status="draft")
    with pytest.raises(Conflict):
        stagecontrol.open_stage_now(draft.stage(StageKind.SCREENING), actor=boss, reason=REASON)


def test_closing_the_application_window_tells_the_applicants_and_shows_plan_and_reality(
    make, client
):
    boss = make.organizer()
    member = make.applicant()
    comp = make.competition(organizer=boss)
    make.application(comp, make.organization(members=[member]))
    window = comp.stage(StageKind.APPLICATION)
    stagecontrol.close_stage_now(window, actor=boss, reason=REASON)
    assert [n.user_id for n in _notices("stage_closed")] == [member.id]
    page = client.get(f"/competitions/{comp.id}").get_data(as_text=True)
    assert "提前结束" in page and "计划" in page
    assert "申报已截止" in page  # the status follows reality: not "open for applications"


# --- shifting later stages ------------------------------------------------------------------------


def _dates(comp):
    return {s.kind: (s.starts_at, s.ends_at) for s in comp.stages}


def test_moving_one_stage_moves_the_later_ones_by_the_same_amount(make):
    boss = make.organizer()
    comp = _future_competition(make, boss)
    before = _dates(comp)
    dates = dict(before)
    start, end = dates[StageKind.ONLINE_REVIEW]
    dates[StageKind.ONLINE_REVIEW] = (start + timedelta(days=5), end + timedelta(days=5))

    with pytest.raises(ValidationError) as refused:
        update_stage_dates(comp, dates, actor=boss)
    assert "后续阶段同步顺延" in str(refused.value.message)

    update_stage_dates(comp, dates, actor=boss, shift_later=True)
    after = _dates(comp)
    for kind in STAGE_ORDER:
        moved = (
            timedelta(days=5)
            if STAGE_ORDER.index(kind) >= STAGE_ORDER.index(StageKind.ONLINE_REVIEW)
            else timedelta(0)
        )
        assert after[kind] == (before[kind][0] + moved, before[kind][1] + moved)
    assert _audit("competition.stages_changed")[-1].changes["shifted_later_by"]


def test_the_public_notice_lasts_at_least_its_legal_minimum(make, login):
    boss = make.organizer()
    comp = _future_competition(make, boss)
    dates = _dates(comp)
    start, _end = dates[StageKind.PUBLICITY]
    dates[StageKind.PUBLICITY] = (start, start + timedelta(days=MIN_PUBLICITY_DAYS - 1))
    with pytest.raises(ValidationError) as refused:
        update_stage_dates(comp, dates, actor=boss)
    assert "公示期不得少于" in str(refused.value.message)


# --- the 公示 window -----------------------------------------------------------------------------


def test_approved_before_the_planned_notice_the_window_is_the_planned_one(make):
    boss = make.organizer()
    comp, _apps, _snap = make.results_setup(organizer=boss, stages=_future_stages())
    stage = comp.stage(StageKind.PUBLICITY)
    results.generate_decisions(comp, boss)
    publication = results.approve(comp, boss)
    assert (publication.publicity_starts_at, publication.publicity_ends_at) == (
        stage.starts_at,
        stage.ends_at,
    )


def test_approved_late_the_window_starts_at_approval_and_closes_early_after_its_minimum(
    make, client, login
):
    boss = make.organizer()
    comp, _apps, _snap = make.results_setup(organizer=boss)
    stage = comp.stage(StageKind.PUBLICITY)
    results.generate_decisions(comp, boss)
    approved_at = utcnow()
    publication = results.approve(comp, boss, now=approved_at)
    assert publication.publicity_starts_at == approved_at
    assert gates.current_stage(comp).kind == StageKind.PUBLICITY
    assert "结果公示中" in client.get(f"/competitions/{comp.id}").get_data(as_text=True)

    page = (
        login(boss).get(f"/competitions/{comp.id}/stage-controls/publicity").get_data(as_text=True)
    )
    assert (
        'disabled aria-describedby="minimum-note"' in page
    )  # "Close now" waits for the legal minimum
    with pytest.raises(Conflict) as refused:
        stagecontrol.close_stage_now(
            stage, actor=boss, reason=REASON, now=approved_at + timedelta(days=1)
        )
    assert "公示期不得少于" in str(refused.value.message)

    later = approved_at + timedelta(days=MIN_PUBLICITY_DAYS, minutes=1)
    stagecontrol.close_stage_now(stage, actor=boss, reason=REASON, now=later)
    assert publication.publicity_ends_at == later
    assert not results.finalize_blockers(comp, publication, later + timedelta(minutes=1))


def test_phase_and_current_stage_follow_reality_in_pages_and_the_api(make, client):
    boss = make.organizer()
    comp, _apps, _snap = make.results_setup(organizer=boss)
    results.generate_decisions(comp, boss)
    publication = results.approve(comp, boss)
    body = client.get("/api/v1/competitions").get_json()["competitions"][0]
    assert (body["phase"], body["current_stage"]) == ("public_notice", "publicity")

    publication.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    results.finalize(comp, boss)
    body = client.get(f"/api/v1/competitions/{comp.id}/results").get_json()["competition"]
    assert body["phase"] in ("results_final", "follow_up")
    assert body["current_stage"] not in (
        "application",
        "screening",
        "online_review",
        "roadshow",
        "publicity",
    )
    page = client.get(f"/competitions/{comp.id}").get_data(as_text=True)
    assert "结果已确定" in page and "开放申报" not in page


def test_approving_early_the_organizer_may_open_the_notice_now(make, login):
    boss = make.organizer()
    comp, _apps, _snap = make.results_setup(organizer=boss, stages=_future_stages())
    results.generate_decisions(comp, boss)
    client = login(boss)
    page = client.get(f"/competitions/{comp.id}/decisions").get_data(as_text=True)
    assert 'data-testid="planned-publicity"' in page
    before = utcnow()
    assert (
        client.post(
            f"/competitions/{comp.id}/decisions/approve", data={"days": "7", "open_now": "y"}
        ).status_code
        == 302
    )
    publication = results.publication_of(comp)
    assert before <= publication.publicity_starts_at <= utcnow()
    assert comp.stage(StageKind.PUBLICITY).actual_opens_at == publication.publicity_starts_at


def test_a_draft_setup_leads_on_to_the_next_section(make, login):
    boss = make.organizer()
    comp = make.competition(organizer=boss, status="draft")
    client = login(boss)
    form = {f"{kind.value}_{edge}": "" for kind in STAGE_ORDER for edge in ("starts_at", "ends_at")}
    form.update(
        application_starts_at="2027-03-01T09:00",
        application_ends_at="2027-03-20T17:00",
        shift_later="y",
    )
    saved = client.post(f"/competitions/{comp.id}/setup/stages", data=form)
    assert saved.status_code == 302 and saved.location.endswith(
        f"/competitions/{comp.id}/setup/categories"
    )
    comp.status = comp.status.__class__("open")
    db.session.commit()
    saved = client.post(f"/competitions/{comp.id}/setup/stages", data=form)
    assert saved.status_code == 302 and saved.location.endswith(
        f"/competitions/{comp.id}/setup/stages"
    )


def test_after_the_final_results_only_the_follow_up_dates_move(make):
    boss = make.organizer()
    comp = _future_competition(make, boss)
    comp.results_final_at = utcnow()
    db.session.commit()
    dates = _dates(comp)
    start, end = dates[StageKind.ROADSHOW]
    with pytest.raises(ValidationError) as refused:
        update_stage_dates(
            comp, {**dates, StageKind.ROADSHOW: (start, end + timedelta(days=1))}, actor=boss
        )
    assert "结果已确定" in str(refused.value.message)

    start, end = dates[StageKind.MIDTERM]
    update_stage_dates(
        comp,
        {**dates, StageKind.MIDTERM: (start - timedelta(days=10), end - timedelta(days=10))},
        actor=boss,
        shift_later=True,
    )
    assert comp.stage(StageKind.MIDTERM).starts_at == start - timedelta(days=10)
    assert comp.stage(StageKind.FINAL).starts_at == dates[StageKind.FINAL][0] - timedelta(days=10)


def test_the_extend_form_gives_one_judge_more_time(make, login):
    boss = make.organizer()
    comp = make.competition(organizer=boss)
    stage = make.review_stage(comp, open_now=False)
    judge = make.judge_with_profile()
    make.confirmed_assignment(
        stage, make.application(comp, make.organization(), status="passed"), judge
    )
    client = login(boss)
    url = f"/competitions/{comp.id}/stage-controls/online_review"
    page = client.get(url).get_data(as_text=True)
    assert f'value="user:{judge.id}"' in page
    missing = client.post(
        url, data={"action": "extend", "reason": REASON, "beneficiary": f"user:{judge.id}"}
    )
    assert missing.status_code == 422  # no new end given
    done = client.post(
        url,
        data={
            "action": "extend",
            "reason": REASON,
            "beneficiary": f"user:{judge.id}",
            "until": "2099-01-01T12:00",
        },
    )
    assert done.status_code == 302
    assert gates.stage_is_open(stage, user=judge) and not gates.stage_is_open(stage)
    assert judge.display_name in client.get(url).get_data(as_text=True)
