"""The organizer's rankings pages: what they show, who may open them, how many queries."""

from __future__ import annotations

import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.competitions.models import StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.rankings.compute import compute_stage_snapshot
from venture.rankings.models import ResultSnapshot


def _computed(make, count=4, judges=3):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    apps, panel = make.scored_applications(comp, count, judges=judges)
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    snapshot_id = compute_stage_snapshot(stage.id, actor_id=organizer.id)
    return organizer, comp, stage, apps, panel, db.session.get(ResultSnapshot, snapshot_id)


def test_ranking_page_shows_the_ranking_methods_judges_and_icc(login, make):
    organizer, comp, stage, apps, panel, snapshot = _computed(make)
    client = login(organizer)
    page = client.get(f"/rankings/snapshots/{snapshot.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for app in apps:
        assert app.code in html and app.project_name in html
    assert panel[0].name in html  # judges by name, for organizers
    assert "<svg" in html and "style=" not in html  # server-made bars, no inline style
    assert "ICC(1,k)" in html
    assert snapshot.input_digest in html
    assert html.count("<h1") == 1

    methods = client.get(f"/rankings/snapshots/{snapshot.id}/methods")
    assert methods.status_code == 200 and apps[0].code in methods.get_data(as_text=True)

    card = client.get(f"/rankings/snapshots/{snapshot.id}/applications/{apps[0].id}")
    text = card.get_data(as_text=True)
    assert card.status_code == 200
    entry = next(e for e in snapshot.entries if e.application_id == apps[0].id)
    kept = [
        t
        for t, j in zip(entry.details["totals"], entry.details["judges"], strict=True)
        if j not in entry.details["dropped"]
    ]
    assert f"({' + '.join(f'{t:.2f}' for t in kept)}) ÷ {len(kept)} = {entry.score}" in text
    assert panel[1].name in text

    for odd in ("?category=abc", "?category=none&page=-3", "?page=999"):  # odd input never fails
        assert client.get(f"/rankings/snapshots/{snapshot.id}{odd}").status_code == 200
        assert client.get(f"/rankings/snapshots/{snapshot.id}/methods{odd}").status_code == 200
    assert client.get(f"/rankings/snapshots/{snapshot.id}/compare?with=999999").status_code == 404
    assert client.get(f"/rankings/stages/{stage.id}/history").status_code == 200
    assert client.get(f"/rankings/snapshots/{snapshot.id}/compare").status_code == 200
    assert client.get(f"/rankings/competitions/{comp.id}").status_code == 200
    assert client.get("/rankings/").status_code == 200
    export = client.get(f"/rankings/stages/{stage.id}/sheets.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "application,judge,criterion,score,max" in export.get_data(as_text=True)


def test_only_organizers_reach_rankings_and_score_cards(client, login, make):
    organizer, comp, stage, apps, panel, snapshot = _computed(make, count=2)
    urls = [
        "/rankings/",
        f"/rankings/competitions/{comp.id}",
        f"/rankings/snapshots/{snapshot.id}",
        f"/rankings/snapshots/{snapshot.id}/methods",
        f"/rankings/snapshots/{snapshot.id}/compare",
        f"/rankings/snapshots/{snapshot.id}/applications/{apps[0].id}",
        f"/rankings/stages/{stage.id}/history",
        f"/rankings/stages/{stage.id}/sheets.csv",
    ]
    for user in (panel[0], make.applicant()):
        signed_in = login(user)
        for url in urls:
            assert signed_in.get(url).status_code == 403, (user.role, url)
        assert signed_in.post(f"/rankings/stages/{stage.id}/compute").status_code == 403
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    # Before results are final the sheets are not public.
    assert client.get(f"/results/{comp.id}/sheets/online_review.csv").status_code == 404


def test_published_sheets_are_public_once_results_are_final(client, make):
    _organizer, comp, _stage, apps, _panel, _snapshot = _computed(make, count=2)
    comp.results_final_at = utcnow()
    db.session.commit()
    response = client.get(f"/results/{comp.id}/sheets/online_review.csv")
    assert response.status_code == 200 and apps[0].code in response.get_data(as_text=True)
    assert client.get(f"/results/{comp.id}/sheets/nonsense.csv").status_code == 404
    # the evaluations of funded projects are not part of the published results
    assert client.get(f"/results/{comp.id}/sheets/midterm.csv").status_code == 404


def test_compute_button_runs_the_job_and_the_page_polls_it(login, make):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    make.scored_applications(comp, 3)
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    client = login(organizer)
    response = client.post(f"/rankings/stages/{stage.id}/compute")
    assert response.status_code == 302
    snapshot = db.session.scalar(sa.select(ResultSnapshot))
    assert snapshot is not None and snapshot.job_id is not None
    status = client.get(f"/rankings/jobs/{snapshot.job_id}").get_json()
    assert status == {"status": "done", "progress": 100, "message": "", "snapshot_id": snapshot.id}


def test_locked_competition_answers_423_and_audits_the_attempt(login, make):
    organizer, comp, stage, _apps, _panel, _snapshot = _computed(make, count=2)
    comp.results_final_at = utcnow()
    db.session.commit()
    client = login(organizer)
    assert client.post(f"/rankings/stages/{stage.id}/compute").status_code == 423
    assert client.post(f"/rankings/competitions/{comp.id}/final").status_code == 423
    actions = set(
        db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.actor_id == organizer.id))
    )
    assert {"rankings.compute", "rankings.final"} <= actions


def test_a_failed_job_is_shown_with_its_message(login, make):
    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    make.scored_applications(comp, 2, judges=2)
    make.scored_applications(comp, 2, judges=2)  # a second, separate panel
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    stage.method = "bias"
    db.session.commit()
    client = login(organizer)
    client.post(f"/rankings/stages/{stage.id}/compute")
    page = client.get(f"/rankings/competitions/{comp.id}").get_data(as_text=True)
    assert 'data-testid="job-failed"' in page


def test_ranking_page_queries_do_not_grow_with_the_applications(login, make, count_queries):
    organizer, _comp, _stage, _apps, _panel, small = _computed(make, count=3)
    client = login(organizer)
    few = count_queries.get(client, f"/rankings/snapshots/{small.id}")
    few_card = count_queries.get(client, f"/rankings/snapshots/{small.id}/methods")
    _o, _c, _s, _a, _p, large = _computed(make, count=15)
    client = login(organizer)
    assert count_queries.get(client, f"/rankings/snapshots/{large.id}") == few
    assert count_queries.get(client, f"/rankings/snapshots/{large.id}/methods") == few_card


def test_the_snapshot_and_the_public_notice_print_the_command_that_reproduces_the_ranking(
    client, login, make
):
    from datetime import timedelta

    from venture.results.models import Publication, PublicationStatus

    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    make.scored_applications(comp, 3)
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    stage.tie_breaks = [{"kind": "requested_amount"}, {"kind": "submitted_at"}]
    db.session.commit()
    snapshot = db.session.get(
        ResultSnapshot, compute_stage_snapshot(stage.id, actor_id=organizer.id)
    )
    command = (
        f"venture rank {comp.code_prefix}-online_review-sheets.csv --method trimmed --trim 1 "
        "--tie-break requested_amount --tie-break submitted_at --format csv"
    )
    assert command in login(organizer).get(f"/rankings/snapshots/{snapshot.id}").get_data(
        as_text=True
    )

    now = utcnow()
    db.session.add(
        Publication(
            competition_id=comp.id,
            snapshot_id=snapshot.id,
            status=PublicationStatus.FINAL,
            approved_at=now - timedelta(days=20),
            publicity_starts_at=now - timedelta(days=20),
            publicity_ends_at=now - timedelta(days=10),
            finalized_at=now,
        )
    )
    comp.results_final_at = now
    db.session.commit()
    html = client.get(f"/results/{comp.id}").get_data(as_text=True)
    assert 'data-testid="rank-commands"' in html and command in html
    sheets = client.get(f"/results/{comp.id}/sheets/online_review.csv")
    assert (
        sheets.get_data(as_text=True)
        .lstrip("\ufeff")
        .startswith("application,judge,criterion,score,max,tie:requested_amount,tie:submitted_at\n")
    )


def test_a_lost_computation_no_longer_hides_the_compute_button(login, make):
    from datetime import timedelta

    from venture.jobs.models import Job, JobStatus
    from venture.rankings.services import JOB_KIND

    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    make.scored_applications(comp, 2, judges=3)
    stage = comp.stage(StageKind.ONLINE_REVIEW)
    job = Job(
        kind=JOB_KIND,
        status=JobStatus.RUNNING,
        params={"stage_id": stage.id},
        competition_id=comp.id,
    )
    db.session.add(job)
    db.session.commit()
    client = login(organizer)
    compute = f'action="/rankings/stages/{stage.id}/compute"'
    assert compute not in client.get(f"/rankings/competitions/{comp.id}").get_data(
        as_text=True
    )  # running
    job.created_at = utcnow() - timedelta(hours=1)  # its worker died long ago
    db.session.commit()
    assert compute in client.get(f"/rankings/competitions/{comp.id}").get_data(as_text=True)
    assert client.post(f"/rankings/stages/{stage.id}/compute").status_code == 302


def test_an_icc_from_a_handful_of_applications_says_it_is_too_few_to_judge(login, make):
    """Four applications scored by three judges: an ICC can be computed, but it is not a verdict
    on the panel ("较差"); from five applications on it is."""
    import re

    from venture.rankings.explain import ICC_MIN_APPLICATIONS

    organizer, comp, stage, apps, panel, snapshot = _computed(make, count=ICC_MIN_APPLICATIONS - 1)
    assert (snapshot.diagnostics["icc"] or {}).get("icc1") is not None
    few = login(organizer).get(f"/rankings/snapshots/{snapshot.id}").get_data(as_text=True)
    assert "样本太少，无法判断" in few and f"至少需要 {ICC_MIN_APPLICATIONS} 个" in few
    assert not re.search(r"ICC\(1\) = [\d.−-]+</strong> \((较差|一般|良好|优秀)\)", few)

    organizer, comp, stage, apps, panel, snapshot = _computed(make, count=ICC_MIN_APPLICATIONS)
    enough = login(organizer).get(f"/rankings/snapshots/{snapshot.id}").get_data(as_text=True)
    assert "样本太少" not in enough
    assert re.search(r"ICC\(1\) = [\d.−-]+</strong> \((较差|一般|良好|优秀)\)", enough)
