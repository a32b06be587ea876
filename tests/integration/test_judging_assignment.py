"""Automatic assignment in the app: k per application, balanced, no conflicts, anchors,
determinism, the reason when impossible, one notice per judge; manual edits."""

from __future__ import annotations

import html
from collections import Counter

import pytest
import sqlalchemy as sa

from venture.errors import Conflict as ConflictError
from venture.extensions import db
from venture.judging.models import Assignment, AssignmentStatus, Conflict, ConflictSource
from venture.judging.services import assignment as service
from venture.notices.models import Notice


def _world(make, n_apps=9, n_judges=6, k=3, **settings):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    stage = make.review_stage(comp, k=k, **settings)
    judges = [make.judge_with_profile(name=f"评委{i}") for i in range(n_judges)]
    apps = []
    for i in range(n_apps):
        org = make.organization()
        apps.append(make.application(comp, org, status="passed", category=comp.categories[i % 2]))
    make.application(comp, make.organization(), status="submitted")  # not a candidate
    return organizer, comp, stage, judges, apps


def _active(stage):
    return list(
        db.session.scalars(
            sa.select(Assignment).where(
                Assignment.stage_id == stage.id, Assignment.status == AssignmentStatus.ACTIVE
            )
        )
    )


def test_run_gives_k_judges_balanced_and_one_notice_per_judge(app_ctx, make, login):
    organizer, comp, stage, judges, apps = _world(make)
    # judge 0 is a member of the first applicant; judge 1 works for the second; judge 2 declared a tie.
    from venture.judging.models import JudgeProfile, JudgeTie, TieKind
    from venture.orgs.models import Membership

    db.session.add(Membership(organization_id=apps[0].organization_id, user_id=judges[0].id))
    profile = db.session.scalar(sa.select(JudgeProfile).where(JudgeProfile.user_id == judges[1].id))
    profile.employer_uscc = apps[1].organization.uscc
    db.session.add(
        JudgeTie(judge_id=judges[2].id, organization_id=apps[2].organization_id, kind=TieKind.BOARD)
    )
    db.session.commit()

    response = login(organizer).post(f"/judging/stages/{stage.id}/assign")
    assert response.status_code == 302
    rows = _active(stage)
    per_app = Counter(r.application_id for r in rows)
    assert set(per_app) == {a.id for a in apps} and set(per_app.values()) == {3}
    loads = Counter(r.judge_id for r in rows)
    assert max(loads.values()) - min(loads.values()) <= 1
    pairs = {(r.application_id, r.judge_id) for r in rows}
    assert not pairs & {
        (apps[0].id, judges[0].id),
        (apps[1].id, judges[1].id),
        (apps[2].id, judges[2].id),
    }
    detected = {(c.application_id, c.judge_id) for c in db.session.scalars(sa.select(Conflict))}
    assert detected == {
        (apps[0].id, judges[0].id),
        (apps[1].id, judges[1].id),
        (apps[2].id, judges[2].id),
    }
    notices = list(db.session.scalars(sa.select(Notice).where(Notice.kind == "judge_assigned")))
    assert sorted(n.user_id for n in notices) == sorted(loads)  # one each
    assert any(str(loads[n.user_id]) in n.subject for n in notices)


def test_same_seed_same_assignment_and_max_load(app_ctx, make):
    organizer, comp, stage, judges, apps = _world(make, max_load=5)
    service.run_assignment(stage, organizer, notify_judges=False)
    first = {(r.application_id, r.judge_id) for r in _active(stage)}
    assert max(Counter(j for _a, j in first).values()) <= 5
    service.run_assignment(stage, organizer, notify_judges=False)
    assert {(r.application_id, r.judge_id) for r in _active(stage)} == first
    stage.assignment_seed = 99
    db.session.commit()
    service.run_assignment(stage, organizer, notify_judges=False)
    assert {(r.application_id, r.judge_id) for r in _active(stage)} != first


def test_anchors_are_scored_by_every_judge(app_ctx, make):
    organizer, comp, stage, judges, apps = _world(make, n_apps=10, anchor_count=2)
    service.run_assignment(stage, organizer, notify_judges=False)
    rows = _active(stage)
    anchors = {r.application_id for r in rows if r.is_anchor}
    assert len(anchors) == 2
    for app_id in anchors:
        assert {r.judge_id for r in rows if r.application_id == app_id} == {j.id for j in judges}


def test_impossible_assignment_says_why_and_changes_nothing(app_ctx, make, login):
    organizer, comp, stage, judges, apps = _world(
        make, n_apps=3, n_judges=4, k=3, panel_mode="per_category"
    )
    helpers = comp.categories[1]
    service.set_panel(stage, comp.categories[0].id, [j.id for j in judges], organizer)
    service.set_panel(stage, helpers.id, [j.id for j in judges[:3]], organizer)
    db.session.add(
        Conflict(
            judge_id=judges[0].id,
            application_id=apps[1].id,
            source=ConflictSource.ORGANIZER,
            reason="亲属",
        )
    )
    db.session.commit()
    response = login(organizer).post(f"/judging/stages/{stage.id}/assign")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f"类别 {helpers.name}：2 位评审专家无利益冲突，{apps[1].code} 需要 3 位" in text
    assert not _active(stage)


def test_manual_add_remove_swap_with_checks(app_ctx, make, login):
    organizer, comp, stage, judges, apps = _world(make, n_apps=2, n_judges=5, k=2, max_load=1)
    target = apps[0]
    service.add_judge(stage, target, judges[0], organizer)
    with pytest.raises(ConflictError):
        service.add_judge(stage, target, judges[0], organizer)  # already there
    with pytest.raises(ConflictError):
        service.add_judge(stage, apps[1], judges[0], organizer)  # max load 1
    db.session.add(
        Conflict(
            judge_id=judges[1].id,
            application_id=target.id,
            source=ConflictSource.ORGANIZER,
            reason="x",
        )
    )
    db.session.commit()
    client = login(organizer)
    refused = client.post(
        f"/judging/stages/{stage.id}/applications/{target.id}/judges",
        data={"action": "add", "judge_id": judges[1].id},
        follow_redirects=True,
    )
    assert "利益冲突" in refused.get_data(as_text=True)
    client.post(
        f"/judging/stages/{stage.id}/applications/{target.id}/judges",
        data={"action": "swap", "judge_id": judges[0].id, "new_judge_id": judges[2].id},
    )
    assert {r.judge_id for r in _active(stage)} == {judges[2].id}
    client.post(
        f"/judging/stages/{stage.id}/applications/{target.id}/judges",
        data={"action": "remove", "judge_id": judges[2].id},
    )
    assert not _active(stage)


def test_manual_add_keeps_to_the_applications_panel(app_ctx, make, login):
    from venture.competitions.models import PanelMode

    organizer, comp, stage, judges, apps = _world(make, n_apps=2, n_judges=4, k=2)
    stage.panel_mode = PanelMode.PER_CATEGORY
    db.session.commit()
    service.set_panel(stage, comp.categories[0].id, [judges[0].id, judges[1].id], organizer)
    service.set_panel(stage, comp.categories[1].id, [judges[2].id, judges[3].id], organizer)
    target = apps[0]  # in the first category
    with pytest.raises(ConflictError) as refused:
        service.add_judge(stage, target, judges[2], organizer)
    assert judges[2].display_name in str(refused.value.message)
    service.add_judge(stage, target, judges[1], organizer)
    assert {r.judge_id for r in _active(stage)} == {judges[1].id}


def test_only_organizers_run_assignment(app_ctx, make, login):
    organizer, comp, stage, judges, apps = _world(make, n_apps=2)
    assert login(judges[0]).post(f"/judging/stages/{stage.id}/assign").status_code == 403
    assert login(make.applicant()).get(f"/judging/stages/{stage.id}/assignments").status_code == 403
    assert login(organizer).get(f"/judging/stages/{stage.id}/assignments").status_code == 200


def _options(page: str, select_id: str) -> set[str]:
    import re

    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    return set(re.findall(r'<option value="(\d+)"', found.group(1))) if found else set()


def test_manual_assignment_offers_only_the_judges_it_would_accept_and_says_who_replaced_whom(
    app_ctx, make, login
):
    from venture.competitions.models import PanelMode

    organizer, comp, stage, judges, apps = _world(make, n_apps=2, n_judges=5, k=2)
    stage.panel_mode = PanelMode.PER_CATEGORY
    db.session.commit()
    service.set_panel(
        stage, comp.categories[0].id, [judges[0].id, judges[1].id, judges[4].id], organizer
    )
    service.set_panel(stage, comp.categories[1].id, [judges[2].id, judges[3].id], organizer)
    target = apps[0]  # in the first category
    service.add_judge(stage, target, judges[0], organizer)
    db.session.add(
        Conflict(
            judge_id=judges[1].id,
            application_id=target.id,
            source=ConflictSource.ORGANIZER,
            reason="x",
        )
    )
    db.session.commit()
    client = login(organizer)

    page = client.get(f"/judging/stages/{stage.id}/assignments").get_data(as_text=True)
    # judges[0] is assigned, judges[1] conflicted, judges[2] and [3] on another panel
    assert _options(page, f"a-{target.id}") == {str(judges[4].id)}
    assert _options(page, f"n-{target.id}") == {str(judges[4].id)}
    assert _options(page, f"r-{target.id}") == {str(judges[0].id)}
    for offered in _options(page, f"a-{target.id}"):  # every offered judge is accepted
        assert service.acceptable_judges(stage, [target])[target.id][0].id == int(offered)

    done = client.post(
        f"/judging/stages/{stage.id}/applications/{target.id}/judges",
        data={"action": "swap", "judge_id": judges[0].id, "new_judge_id": judges[4].id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert {r.judge_id for r in _active(stage)} == {judges[4].id}
    said = html.unescape(done)
    assert judges[4].display_name in said and judges[0].display_name in said and "接替" in said
    added = html.unescape(
        client.post(
            f"/judging/stages/{stage.id}/applications/{target.id}/judges",
            data={"action": "add", "judge_id": judges[0].id},
            follow_redirects=True,
        ).get_data(as_text=True)
    )
    assert f"已将 {judges[0].display_name} 加入" in added
