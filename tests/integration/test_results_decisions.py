"""Decisions from the final ranking, changes with reasons, approval (public notice),
finalization and the lock it puts on everything that feeds the results."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.db import utcnow
from venture.extensions import db
from venture.notices.models import Notice
from venture.rankings.models import FundingOutcome
from venture.results import services
from venture.results.models import (
    Decision,
    Objection,
    ObjectionStatus,
    Publication,
    PublicationStatus,
)


def _audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        )
    )


def _decisions(comp) -> list[Decision]:
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.competition_id == comp.id)
            .order_by(Decision.application_id)
        )
    )


@pytest.fixture
def setup(make):
    boss = make.organizer()
    member = make.applicant()
    comp, apps, snap = make.results_setup(organizer=boss, members=[member])
    return boss, member, comp, apps, snap


def test_generate_follows_the_funding_line_and_never_exceeds_the_request(make, setup, login):
    boss, _member, comp, apps, snap = setup
    # The line funds the third application with more than it asked for: capped to the request.
    snap.entries[2].funding = FundingOutcome.FUNDED
    snap.entries[2].funded_fen = apps[2].requested_fen + 500_00
    db.session.commit()

    response = login(boss).post(f"/competitions/{comp.id}/decisions/generate")
    assert response.status_code == 302
    decisions = _decisions(comp)
    assert [d.outcome for d in decisions] == [
        FundingOutcome.FUNDED,
        FundingOutcome.WAITLIST,
        FundingOutcome.FUNDED,
    ]
    assert all(d.approved_fen <= d.application.requested_fen for d in decisions)
    assert decisions[2].approved_fen == apps[2].requested_fen
    assert [str(d.score) for d in decisions] == ["90.00", "86.88", "83.75"]
    assert not any(d.differs_from_line for d in decisions)
    publication = db.session.scalar(sa.select(Publication))
    assert publication.status == PublicationStatus.PROPOSED and publication.snapshot_id == snap.id
    assert _audit("results.generate")

    page = login(boss).get(f"/competitions/{comp.id}/decisions")
    assert page.status_code == 200
    assert 'data-testid="differs"' not in page.get_data(as_text=True)


def test_no_final_snapshot_means_nothing_to_generate(make, login):
    boss = make.organizer()
    comp = make.competition(organizer=boss)
    response = login(boss).post(f"/competitions/{comp.id}/decisions/generate")
    assert response.status_code == 409
    assert "最终排名" in response.get_data(as_text=True) or "计算" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(Publication.id))) == 0


def test_a_change_needs_a_reason_is_audited_and_shown_as_a_difference(setup, login):
    boss, _member, comp, apps, _snap = setup
    services.generate_decisions(comp, boss)
    waitlisted = _decisions(comp)[1]
    client = login(boss)
    url = f"/competitions/{comp.id}/decisions/{waitlisted.id}"

    refused = client.post(url, data={"outcome": "funded", "amount": "30000", "reason": ""})
    assert refused.status_code == 422
    assert "理由" in refused.get_data(as_text=True)
    too_much = client.post(
        url, data={"outcome": "funded", "amount": "90000.00", "reason": "预算调剂后增补资助"}
    )
    assert too_much.status_code == 422
    assert "申请金额" in too_much.get_data(as_text=True)
    bad_amount = client.post(
        url, data={"outcome": "funded", "amount": "3万", "reason": "预算调剂后增补资助"}
    )
    assert bad_amount.status_code == 422
    db.session.expire_all()
    assert db.session.get(Decision, waitlisted.id).outcome == FundingOutcome.WAITLIST
    assert not _audit("results.decision_change")

    ok = client.post(
        url, data={"outcome": "funded", "amount": "30,000.50", "reason": "预算调剂后增补资助"}
    )
    assert ok.status_code == 302
    decision = db.session.get(Decision, waitlisted.id)
    assert decision.outcome == FundingOutcome.FUNDED and decision.approved_fen == 3_000_050
    assert decision.differs_from_line and decision.reason == "预算调剂后增补资助"
    entry = _audit("results.decision_change")[-1]
    assert entry.actor_id == boss.id
    assert entry.changes["outcome"] == ["waitlist", "funded"]
    assert entry.changes["approved_fen"] == [0, 3_000_050]

    page = client.get(f"/competitions/{comp.id}/decisions").get_data(as_text=True)
    assert 'data-testid="differs"' in page and "预算调剂后增补资助" in page
    assert "¥30,000.50" in page  # budget used shows the change


def test_approval_refused_over_budget_then_opens_the_public_notice(make, setup, login, client):
    boss, member, comp, apps, _snap = setup
    services.generate_decisions(comp, boss)
    category = comp.categories[0]
    category.budget_fen = apps[0].requested_fen - 1
    db.session.commit()
    refused = login(boss).post(f"/competitions/{comp.id}/decisions/approve", data={"days": "7"})
    assert refused.status_code == 409
    assert category.name in refused.get_data(as_text=True)
    assert client.get(f"/results/{comp.id}").status_code == 404  # nothing public yet

    category.budget_fen = 50_000_000
    db.session.commit()
    before = utcnow()
    assert (
        login(boss)
        .post(
            f"/competitions/{comp.id}/decisions/approve",
            data={"days": "5", "instructions": "书面异议请加盖公章"},
        )
        .status_code
        == 302
    )
    publication = db.session.scalar(sa.select(Publication))
    assert publication.status == PublicationStatus.PUBLICITY
    assert publication.publicity_starts_at >= before
    assert publication.publicity_ends_at - publication.publicity_starts_at == timedelta(days=5)
    assert _audit("results.approve")

    # The public page needs no login, lists every result with two-decimal scores.
    page = client.get(f"/results/{comp.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for app in apps:
        assert app.project_name in html and app.organization.name in html
    assert "86.88" in html and "¥80,000.00" in html
    assert "书面异议请加盖公章" in html and "公示中" in html
    assert "芙蓉社区" in html  # host community
    assert comp.name in client.get("/results").get_data(as_text=True)

    # The member of the funded organization got the outcome with a score-card link.
    notice = db.session.scalar(sa.select(Notice).where(Notice.kind == "results_published"))
    assert notice.user_id == member.id and f"/my/results/{apps[0].id}" in notice.link
    assert "¥80,000.00" in notice.body and "90.00" in notice.body


def test_defaults_to_the_competitions_publicity_days(setup):
    boss, _member, comp, _apps, _snap = setup
    comp.publicity_days = 6
    db.session.commit()
    services.generate_decisions(comp, boss)
    publication = services.approve(comp, boss)
    assert publication.publicity_ends_at - publication.publicity_starts_at == timedelta(days=6)


def _published(setup, **kw):
    boss, member, comp, apps, snap = setup
    services.generate_decisions(comp, boss)
    return services.approve(comp, boss, **kw)


def test_finalize_is_refused_while_the_window_is_open_or_objections_are_open(setup, login):
    boss, _member, comp, apps, _snap = setup
    publication = _published(setup)
    client = login(boss)
    refused = client.post(f"/competitions/{comp.id}/decisions/finalize")
    assert refused.status_code == 409
    assert "公示" in refused.get_data(as_text=True)

    services.file_objection(
        comp,
        application_id=apps[0].id,
        objector_kind="person",
        real_name="王五",
        phone="13812345678",
        content="该项目申报的服务人数与实际情况明显不符，请核查。",
    )
    publication.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/competitions/{comp.id}/decisions").get_data(as_text=True)
    assert 'data-testid="open-objections"' in page and 'data-testid="finalize-blockers"' in page
    refused = client.post(f"/competitions/{comp.id}/decisions/finalize")
    assert refused.status_code == 409
    assert "异议" in refused.get_data(as_text=True)
    assert db.session.get(Publication, publication.id).status == PublicationStatus.PUBLICITY


def test_finalize_locks_decisions_sheets_and_rubrics(make, setup, login, client):
    boss, member, comp, apps, _snap = setup
    publication = _published(setup)
    objection = services.file_objection(
        comp,
        application_id=apps[1].id,
        objector_kind="person",
        real_name="王五",
        phone="0736-7123456",
        content="该项目的社区支持函系伪造，请主办方核实处理。",
    )
    services.answer_objection(
        objection,
        upheld=False,
        reply="经核实，支持函真实有效，异议不成立。",
        actor=boss,
        phone_note="工作人员电话告知答复意见，异议人无异议。",
        phone_replied_at=utcnow(),
    )
    publication.publicity_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert login(boss).post(f"/competitions/{comp.id}/decisions/finalize").status_code == 302
    db.session.expire_all()
    assert comp.results_final_at is not None and comp.results_finalized_by_id == boss.id
    assert db.session.get(Publication, publication.id).status == PublicationStatus.FINAL
    assert _audit("results.finalize")
    final_notices = list(
        db.session.scalars(sa.select(Notice).where(Notice.kind == "results_final"))
    )
    assert [n.user_id for n in final_notices] == [member.id]

    # The public page and the list say final.
    html = client.get(f"/results/{comp.id}").get_data(as_text=True)
    assert 'data-testid="final-banner"' in html and "最终结果" in html

    # A decision can no longer change: 423, audited as a refusal.
    decision = _decisions(comp)[1]
    refused = login(boss).post(
        f"/competitions/{comp.id}/decisions/{decision.id}",
        data={"outcome": "funded", "amount": "1000", "reason": "最后的调整"},
    )
    assert refused.status_code == 423
    refusal = _audit("results.decision_change")[-1]
    assert "refused" in refusal.changes and refusal.object_id == str(decision.id)
    assert login(boss).post(f"/competitions/{comp.id}/decisions/finalize").status_code == 423

    # Sheets and rubrics of the competition are locked for every domain's services.
    from venture.competitions.locks import ensure_unlocked
    from venture.errors import Locked

    judge = make.judge()
    stage = comp.stage("online_review")
    sheet = make.sheet(stage, apps[0], judge, {"需求分析": 12})
    for action, object_type, object_id in [
        ("judging.sheet_save", "score_sheet", sheet.id),
        ("competitions.rubric_edit", "rubric", stage.rubric_id),
    ]:
        with pytest.raises(Locked):
            ensure_unlocked(
                comp, action=action, object_type=object_type, object_id=object_id, actor=judge
            )
        assert _audit(action)[-1].changes["refused"]


def test_finalize_is_one_clear_function_for_the_follow_up_domain(setup):
    boss, _member, comp, _apps, _snap = setup
    publication = _published(setup)
    publication.publicity_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = services.finalize(comp, boss)
    assert result.status == PublicationStatus.FINAL
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Objection.id)).where(Objection.status == ObjectionStatus.OPEN)
        )
        == 0
    )


def test_pages_need_the_organizer_role(setup, login, client):
    _boss, member, comp, apps, _snap = setup
    for url in (
        f"/competitions/{comp.id}/decisions",
        f"/competitions/{comp.id}/objections",
        "/manage/results",
    ):
        assert login(member).get(url).status_code == 403
        assert client.get(url).status_code == 302  # to the login page
    assert login(member).post(f"/competitions/{comp.id}/decisions/generate").status_code == 403


def test_decisions_page_queries_do_not_grow_with_the_data(make, login, count_queries):
    boss = make.organizer()

    def count(n):
        comp, _apps, _snap = make.results_setup(organizer=boss, count=n)
        services.generate_decisions(comp, boss)
        client = login(boss)
        client.get(f"/competitions/{comp.id}/decisions")  # warm up
        with count_queries() as statements:
            for url in (f"/competitions/{comp.id}/decisions", f"/results/{comp.id}"):
                assert client.get(url).status_code in (200, 404)
        return len(statements)

    assert count(2) == count(8)


def test_index_pages_queries_do_not_grow_with_the_number_of_competitions(
    make, login, client, count_queries
):
    boss = make.organizer()
    member = make.applicant()

    def add_published():
        comp, _apps, _snap = make.results_setup(organizer=boss, members=[member], count=2)
        services.generate_decisions(comp, boss)
        services.approve(comp, boss)

    def count():
        urls = [
            (client, "/results"),
            (client, "/api/v1/competitions"),
            (login(boss), "/manage/results"),
            (login(boss), "/"),
            (login(member), "/my/results"),
            (client, "/"),
        ]
        for c, url in urls:
            c.get(url)
        with count_queries() as statements:
            for c, url in urls:
                assert c.get(url).status_code == 200, url
        return len(statements)

    add_published()
    small = count()
    for _ in range(3):
        add_published()
    assert count() == small
