"""A community's dispute of an activity record, to its end: the organization answers
with evidence, the liaison confirms or keeps the dispute, the organizer decides; an
open dispute holds the tranche its report pays for."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.integration.followup_helpers import (
    PDF,
    audit_actions,
    evaluation_sheets,
    notices,
    png,
    upload,
)
from venture.extensions import db
from venture.followup import services
from venture.followup.models import (
    ActivityDispute,
    DisputeEntry,
    DisputeStatus,
    DisputeStep,
    EvaluationKind,
    EvaluationStatus,
    LiaisonStatus,
    TrancheStatus,
)
from venture.followup.services._common import today_local


@pytest.fixture
def setting(make):
    """An active project placed in 芙蓉社区, its owner, the community's liaison, and
    those who must be kept out: another organization, another community's liaison, a judge."""
    areas = make.area_tree()
    owner = make.applicant()
    project = make.project(members=[owner], communities=[areas["芙蓉社区"]], approved_fen=1_000_000)
    report = next(r for r in project.reports if r.period_start <= today_local())
    other_owner = make.applicant()
    make.organization(members=[other_owner])
    return {
        "areas": areas,
        "owner": owner,
        "project": project,
        "report": report,
        "liaison": make.liaison_of(areas["芙蓉社区"]),
        "other_liaison": make.liaison_of(areas["紫菱社区"]),
        "other_owner": other_owner,
        "judge": make.judge(),
        "organizer": make.organizer(),
    }


def _disputed(setting, login, *types) -> list[ActivityDispute]:
    """The owner reports one activity per type and submits; the liaison disputes each."""
    owner = login(setting["owner"])
    report = setting["report"]
    for activity_type in types:
        assert (
            owner.post(
                f"/followup/reports/{report.id}/activities/new",
                content_type="multipart/form-data",
                data={
                    "community_id": setting["areas"]["芙蓉社区"].id,
                    "held_on": report.period_start.isoformat(),
                    "activity_type": activity_type,
                    "participants": "30",
                    "residents": "20",
                },
            ).status_code
            == 302
        )
    assert (
        owner.post(
            f"/followup/reports/{report.id}", data={"summary": "本期小结", "action": "submit"}
        ).status_code
        == 302
    )
    liaison = login(setting["liaison"])
    db.session.refresh(report)
    for activity in report.activities:
        assert (
            liaison.post(
                f"/followup/activities/{activity.id}/review",
                data={"decision": "dispute", "note": "当天社区没有这场活动"},
            ).status_code
            == 302
        )
    return list(db.session.scalars(sa.select(ActivityDispute).order_by(ActivityDispute.id)))


def _answer(client, dispute, text="当天有签到表，见附件。", files=None):
    files = [upload(PDF, "签到表.pdf"), upload(png(), "现场照片.png")] if files is None else files
    return client.post(
        f"/followup/disputes/{dispute.id}/answer",
        content_type="multipart/form-data",
        data={"answer-text": text, "answer-evidence": files},
    )


def _respond(client, dispute, decision, note=""):
    return client.post(
        f"/followup/disputes/{dispute.id}/respond",
        data={"response-decision": decision, "response-note": note},
    )


def _decide(client, dispute, outcome, reason):
    return client.post(
        f"/followup/disputes/{dispute.id}/decide",
        data={"decision-outcome": outcome, "decision-reason": reason},
    )


def _pass_midterm(make, project):
    midterm = next(e for e in project.evaluations if e.kind == EvaluationKind.MIDTERM)
    midterm.status = EvaluationStatus.SUBMITTED
    db.session.commit()
    evaluation_sheets(make, midterm, {make.judge(): [25, 18, 16, 25] for _ in range(3)})
    assert services.decide_evaluation(midterm).status == EvaluationStatus.PASSED


def test_the_organization_answers_with_evidence_and_the_liaison_confirms(app_ctx, login, setting):
    (dispute,) = _disputed(setting, login, "入户探访")
    assert dispute.status == DisputeStatus.OPEN
    assert [s.step for s in dispute.steps] == [DisputeStep.OPENED]
    owner, liaison = login(setting["owner"]), login(setting["liaison"])
    # Both sides are told of the dispute, with a link to its page.
    told = notices("activity_disputed")
    assert {n.user_id for n in told} == {setting["owner"].id, setting["organizer"].id}
    assert all(f"/followup/disputes/{dispute.id}" in n.link for n in told)

    # The liaison cannot confirm before the organization has answered.
    assert _respond(liaison, dispute, "confirm").status_code == 409
    page = owner.get(f"/followup/disputes/{dispute.id}").get_data(as_text=True)
    assert "当天社区没有这场活动" in page and "答复异议" in page

    setting["liaison"].locale = "en"  # each notice in its reader's language
    db.session.commit()
    assert _answer(owner, dispute).status_code == 302
    db.session.refresh(dispute)
    assert dispute.status == DisputeStatus.ANSWERED
    answer = dispute.steps[-1]
    assert answer.step == DisputeStep.ANSWERED and answer.author_id == setting["owner"].id
    assert sorted(e.file.kind for e in answer.evidence) == ["image", "pdf"]
    (answered,) = notices("dispute_answered")
    assert answered.user_id == setting["liaison"].id and "answered your dispute" in answered.subject
    assert "Evidence files attached: 2." in answered.body
    assert _answer(owner, dispute).status_code == 409  # one answer, then it is the liaison's turn

    # The liaison reads the answer and downloads the evidence.
    page = liaison.get(f"/followup/disputes/{dispute.id}").get_data(as_text=True)
    assert "当天有签到表，见附件。" in page and "Confirm the activity" in page
    project_id = setting["project"].id
    for evidence in answer.evidence:
        assert (
            liaison.get(
                f"/followup/projects/{project_id}/files/{evidence.stored_file_id}"
            ).status_code
            == 200
        )
        assert (
            login(setting["other_owner"])
            .get(f"/followup/projects/{project_id}/files/{evidence.stored_file_id}")
            .status_code
            == 403
        )

    assert _respond(liaison, dispute, "confirm", "看过签到表，确认属实").status_code == 302
    db.session.refresh(dispute)
    assert dispute.status == DisputeStatus.RESOLVED and dispute.closed_at is not None
    assert dispute.activity.liaison_status == LiaisonStatus.CONFIRMED
    assert {n.user_id for n in notices("dispute_resolved")} == {
        setting["owner"].id,
        setting["organizer"].id,
    }
    assert "看过签到表，确认属实" in notices("dispute_resolved")[0].body
    # An ended dispute takes no more steps.
    assert _respond(liaison, dispute, "keep", "x").status_code == 409
    assert _decide(login(setting["organizer"]), dispute, "uphold", "x").status_code == 409
    actions = audit_actions()
    steps = [
        actions.index(a)
        for a in ("followup.open_dispute", "followup.answer_dispute", "followup.resolve_dispute")
    ]
    assert steps == sorted(steps)


def test_the_liaison_keeps_the_dispute_and_the_organizer_decides_both_ways(app_ctx, login, setting):
    first, second = _disputed(setting, login, "入户探访", "小组活动")
    owner, liaison, organizer = (
        login(setting["owner"]),
        login(setting["liaison"]),
        login(setting["organizer"]),
    )
    for dispute in (first, second):
        assert _answer(owner, dispute, files=[]).status_code == 302

    no_reason = _respond(liaison, first, "keep", " ")
    assert no_reason.status_code == 422 and "请说明为什么" in no_reason.get_data(as_text=True)
    for dispute in (first, second):
        assert _respond(liaison, dispute, "keep", "签到表上的人不是本社区居民").status_code == 302
        db.session.refresh(dispute)
        assert dispute.status == DisputeStatus.KEPT
    kept = notices("dispute_kept")
    assert {n.user_id for n in kept} == {setting["owner"].id, setting["organizer"].id}
    assert "签到表上的人不是本社区居民" in kept[0].body
    listing = organizer.get("/followup/disputes").get_data(as_text=True)
    assert "社区维持异议，等待主办方决定" in listing

    assert _decide(organizer, first, "uphold", " ").status_code == 422
    assert _decide(organizer, first, "uphold", "签到表无法证明居民参与").status_code == 302
    assert _decide(organizer, second, "dismiss", "照片可证明活动举办").status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert (
        first.status == DisputeStatus.UPHELD
        and first.activity.liaison_status == LiaisonStatus.DISPUTED
    )
    assert (
        second.status == DisputeStatus.DISMISSED
        and second.activity.liaison_status == LiaisonStatus.CONFIRMED
    )
    assert [s.step for s in first.steps] == [
        DisputeStep.OPENED,
        DisputeStep.ANSWERED,
        DisputeStep.KEPT,
        DisputeStep.UPHELD,
    ]
    assert first.steps[-1].author_id == setting["organizer"].id

    decided = notices("dispute_decided")
    assert {n.user_id for n in decided} == {setting["owner"].id, setting["liaison"].id}
    bodies = " ".join(n.body for n in decided)
    assert (
        "不予计入" in bodies
        and "签到表无法证明居民参与" in bodies
        and "照片可证明活动举办" in bodies
    )
    actions = audit_actions()
    assert (
        actions.count("followup.keep_dispute") == 2
        and actions.count("followup.decide_dispute") == 2
    )
    from venture.audit.models import AuditEntry

    upheld = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "followup.decide_dispute", AuditEntry.object_id == str(first.id)
        )
    )
    assert (
        upheld.changes["status"] == ["kept", "upheld"]
        and upheld.changes["note"] == "签到表无法证明居民参与"
    )
    # Both sides see how it ended, in their own language.
    setting["liaison"].locale = "en"
    db.session.commit()
    assert "Upheld: the activity is not counted" in liaison.get(
        f"/followup/disputes/{first.id}"
    ).get_data(as_text=True)
    assert "异议驳回：活动予以确认" in owner.get(f"/followup/disputes/{second.id}").get_data(
        as_text=True
    )


def test_an_open_dispute_holds_the_tranche_its_report_pays_for(app_ctx, make, login, setting):
    project = setting["project"]
    first, second, third = project.tranches
    organizer = login(setting["organizer"])
    assert organizer.post(f"/followup/tranches/{first.id}/release").status_code == 302
    _pass_midterm(make, project)
    (dispute,) = _disputed(setting, login, "入户探访")
    # The report's period ends before the mid-term: it pays for the mid-term's tranche.
    assert services.held_tranche(setting["report"]).id == second.id
    assert services.held_tranche(project.reports[-1]).id == third.id  # a late report: the final's

    refused = organizer.post(f"/followup/tranches/{second.id}/release")
    assert refused.status_code == 409
    message = refused.get_data(as_text=True)
    assert (
        "异议" in message
        and "芙蓉社区" in message
        and setting["report"].period_start.isoformat() in message
    )
    db.session.refresh(second)
    assert second.status == TrancheStatus.PENDING
    # The tranche says so, with a link to the dispute, to the organizer and to the organization.
    for client in (organizer, login(setting["owner"])):
        page = client.get(f"/followup/projects/{project.id}").get_data(as_text=True)
        assert (
            'data-testid="held-by-dispute"' in page and f"/followup/disputes/{dispute.id}" in page
        )
    assert 'data-testid="dispute-hold"' in organizer.get(
        f"/followup/disputes/{dispute.id}"
    ).get_data(as_text=True)

    # Answered is still open: still held. Resolved: released.
    assert _answer(login(setting["owner"]), dispute, files=[]).status_code == 302
    assert organizer.post(f"/followup/tranches/{second.id}/release").status_code == 409
    assert _respond(login(setting["liaison"]), dispute, "confirm").status_code == 302
    assert services.tranche_block_reason(second) is None
    assert organizer.post(f"/followup/tranches/{second.id}/release").status_code == 302
    db.session.refresh(second)
    assert second.status == TrancheStatus.RELEASED
    assert 'data-testid="held-by-dispute"' not in organizer.get(
        f"/followup/projects/{project.id}"
    ).get_data(as_text=True)


def test_money_paid_cannot_be_held_so_the_hold_passes_to_the_next_tranche(
    app_ctx, make, login, setting
):
    project = setting["project"]
    first, second, third = project.tranches
    organizer = setting["organizer"]
    services.release_tranche(first, actor=organizer)
    _pass_midterm(make, project)
    services.release_tranche(second, actor=organizer)
    _disputed(setting, login, "入户探访")
    assert services.held_tranche(setting["report"]).id == third.id
    assert "异议" in services.tranche_block_reason(third)


def test_only_the_two_sides_and_the_organizer_take_part(app_ctx, make, login, setting):
    (dispute,) = _disputed(setting, login, "入户探访")
    url = f"/followup/disputes/{dispute.id}"
    outsiders = [setting["other_owner"], setting["other_liaison"], setting["judge"]]
    for user in outsiders:
        client = login(user)
        assert client.get(url).status_code == 403, user.role
        assert _answer(client, dispute).status_code == 403, user.role
        assert _respond(client, dispute, "confirm").status_code == 403, user.role
        assert _decide(client, dispute, "dismiss", "x").status_code == 403, user.role
    owner, liaison = login(setting["owner"]), login(setting["liaison"])
    assert _respond(owner, dispute, "confirm").status_code == 403
    assert _decide(owner, dispute, "dismiss", "x").status_code == 403
    assert _answer(liaison, dispute).status_code == 403
    assert _decide(liaison, dispute, "dismiss", "x").status_code == 403
    assert _answer(login(setting["organizer"]), dispute).status_code == 403
    assert login(setting["organizer"]).get("/followup/disputes/999999").status_code == 404
    assert login(setting["owner"]).get("/followup/disputes/99999999999999999999").status_code == 404
    # Nothing happened.
    db.session.refresh(dispute)
    assert dispute.status == DisputeStatus.OPEN and len(dispute.steps) == 1


def test_bad_answers_are_refused_with_a_message_and_nothing_is_kept(app_ctx, login, setting):
    (dispute,) = _disputed(setting, login, "入户探访")
    owner = login(setting["owner"])
    empty = _answer(owner, dispute, text="  ")
    assert empty.status_code == 422 and "请填写您对社区异议的答复" in empty.get_data(as_text=True)
    wrong_type = _answer(owner, dispute, files=[upload(b"MZ\x90\x00 not a document", "签到表.exe")])
    assert wrong_type.status_code == 415
    assert "签到表.exe 不是允许的文件类型" in wrong_type.get_data(as_text=True)
    too_long = _answer(owner, dispute, text="长" * 5001, files=[])
    assert too_long.status_code == 422
    bad_choice = login(setting["organizer"]).post(
        f"/followup/disputes/{dispute.id}/decide",
        data={"decision-outcome": "both", "decision-reason": "x"},
    )
    assert bad_choice.status_code == 422
    db.session.refresh(dispute)
    assert dispute.status == DisputeStatus.OPEN
    assert db.session.scalar(sa.select(sa.func.count(DisputeEntry.id))) == 1
    assert "followup.answer_dispute" not in audit_actions()
    assert notices("dispute_answered") == []


def test_each_side_is_shown_the_dispute_waiting_for_it(app_ctx, login, setting):
    (dispute,) = _disputed(setting, login, "入户探访")
    # The organization's next step is its answer; the organizer's home links to the disputes.
    project_page = (
        login(setting["owner"])
        .get(f"/followup/projects/{setting['project'].id}")
        .get_data(as_text=True)
    )
    assert "答复社区提出的异议" in project_page
    assert "/followup/disputes" in login(setting["organizer"]).get("/").get_data(as_text=True)
    _answer(login(setting["owner"]), dispute, files=[])
    # Answered: the liaison's home says it is their turn.
    assert f"/followup/disputes/{dispute.id}" in login(setting["liaison"]).get("/").get_data(
        as_text=True
    )
    home = login(setting["liaison"]).get("/followup/community").get_data(as_text=True)
    assert f"/followup/disputes/{dispute.id}" in home and "已答复，等待社区处理" in home
    assert f"/followup/disputes/{dispute.id}" not in login(setting["other_liaison"]).get(
        "/followup/community"
    ).get_data(as_text=True)
    report_page = (
        login(setting["owner"])
        .get(f"/followup/reports/{setting['report'].id}")
        .get_data(as_text=True)
    )
    assert f"/followup/disputes/{dispute.id}" in report_page
