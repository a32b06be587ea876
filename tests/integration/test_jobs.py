"""Jobs lose nothing: a job requested while the broker is down is sent by beat's sweep;
a running job beats, and one whose worker died is seen as lost within a minute, not 30;
the organizer retries it (policy-checked, audited); a duplicate or late task changes
nothing that is not its own."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from venture.audit.models import AuditEntry
from venture.db import utcnow
from venture.extensions import db
from venture.jobs import services as jobs
from venture.jobs.models import Job, JobStatus
from venture.rankings import services as rankings
from venture.rankings.models import ResultSnapshot


def _scored(make):
    return make.scored_online_review(applications=2)


@pytest.fixture
def broker_down(monkeypatch):
    """Every send to the broker fails, as with Redis unreachable (tasks.run_ready logs it)."""
    import venture.tasks
    import workers.tasks.jobs

    def refuse(*_args, **_kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(venture.tasks, "enqueue", refuse)
    monkeypatch.setattr(workers.tasks.jobs, "enqueue", refuse)
    return monkeypatch


def _sweep(app):
    return (
        app.extensions["celery"]
        .tasks["venture.sweep_jobs"]
        .apply()
        .get(disable_sync_subtasks=False)
    )


def _reload(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _age(job_id: int, **fields) -> None:
    """Move the job's times into the past (what waiting would do)."""
    values = {name: utcnow() - timedelta(seconds=seconds) for name, seconds in fields.items()}
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def test_a_computation_asked_while_the_broker_is_down_runs_when_the_sweep_finds_it(
    app_ctx, make, login, broker_down
):
    organizer, comp, stage = _scored(make)
    client = login(organizer)
    assert client.post(f"/rankings/stages/{stage.id}/compute").status_code == 302
    job = db.session.scalar(sa.select(Job))
    assert job.status == JobStatus.QUEUED and job.task_name == "venture.compute_stage"
    page = client.get(f"/rankings/competitions/{comp.id}").get_data(as_text=True)
    assert f"/rankings/stages/{stage.id}/compute" not in page  # queued: no second computation
    assert f'/rankings/jobs/{job.id}"' in page  # its progress is polled

    assert _sweep(app_ctx) == {"requeued": 0, "lost": 0}  # handed over just now: not yet
    _age(job.id, enqueued_at=120)
    assert _sweep(app_ctx) == {"requeued": 0, "lost": 0}  # still no broker: it stays queued
    assert _reload(job.id).status == JobStatus.QUEUED

    broker_down.undo()  # the broker is back
    _age(job.id, enqueued_at=120)
    assert _sweep(app_ctx)["requeued"] == 1
    job = _reload(job.id)
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert db.session.scalar(sa.select(ResultSnapshot.job_id)) == job.id
    assert _sweep(app_ctx) == {"requeued": 0, "lost": 0}  # done: nothing more


def test_an_export_asked_while_the_broker_is_down_is_prepared_when_the_sweep_finds_it(
    app_ctx, make, login, broker_down
):
    from venture.reports import exports

    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    for _ in range(3):
        make.application(comp, make.organization(), status="passed")
    broker_down.setattr(exports, "BACKGROUND_ROWS", 2)
    client = login(organizer)
    assert client.post(f"/reports/competitions/{comp.id}/exports/applications").status_code == 302
    job = db.session.scalar(sa.select(Job).where(Job.kind == "export"))
    assert job.status == JobStatus.QUEUED and job.task_name == "venture.run_export"
    assert "data-job-url" in client.get(f"/reports/exports/{job.id}").get_data(as_text=True)

    broker_down.undo()
    _age(job.id, enqueued_at=120)
    assert _sweep(app_ctx)["requeued"] == 1
    assert _reload(job.id).status == JobStatus.DONE
    assert client.get(f"/reports/exports/{job.id}/download").status_code == 200


def test_the_sweep_sends_a_queued_job_once_per_period(app_ctx, make, broker_down):
    organizer, _comp, stage = _scored(make)
    job = rankings.request_computation(stage, organizer)
    _age(job.id, enqueued_at=3600)
    with Session(db.engine) as session:
        first = jobs.sweep(session)
    with Session(db.engine) as session:
        second = jobs.sweep(session)
    assert first.requeue == [(job.id, "venture.compute_stage")] and second.requeue == []


def _running(make, heartbeat_seconds_ago: float) -> Job:
    organizer, comp, stage = _scored(make)
    job = Job(
        kind=rankings.JOB_KIND,
        task_name="venture.compute_stage",
        params={"stage_id": stage.id},
        created_by_id=organizer.id,
        competition_id=comp.id,
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=utcnow() - timedelta(seconds=heartbeat_seconds_ago + 5),
        heartbeat_at=utcnow() - timedelta(seconds=heartbeat_seconds_ago),
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_a_running_job_that_beats_is_running_and_one_that_stopped_is_lost(app_ctx, make, login):
    lost_after = app_ctx.config["JOB_LOST_SECONDS"]
    alive = _running(make, heartbeat_seconds_ago=1)
    assert alive.state == "running" and rankings.is_computing(alive) and not alive.retryable
    with Session(db.engine) as session:
        assert jobs.sweep(session).lost == []

    _age(alive.id, heartbeat_at=lost_after + 1)
    dead = _reload(alive.id)
    # seen at once on the page, before any sweep: the button is back and a retry is offered
    assert dead.state == "lost" and not rankings.is_computing(dead) and dead.retryable
    page = (
        login(db.session.get(type(dead.created_by), dead.created_by_id))
        .get(f"/rankings/competitions/{dead.competition_id}")
        .get_data(as_text=True)
    )
    assert 'data-testid="job-failed"' in page and f"/rankings/jobs/{dead.id}/retry" in page
    assert login(dead.created_by).get(f"/rankings/jobs/{dead.id}").get_json()["status"] == "lost"

    with Session(db.engine) as session:
        assert jobs.sweep(session).lost == [dead.id]
    marked = _reload(dead.id)
    assert (
        marked.status == JobStatus.FAILED
        and marked.result == {"lost": True}
        and marked.state == "lost"
    )


def test_a_duplicate_task_does_not_run_a_job_a_live_worker_holds(app_ctx, make):
    from workers.tasks.scores import compute_stage

    job = _running(make, heartbeat_seconds_ago=1)
    assert compute_stage.apply(args=(job.id,)).get(disable_sync_subtasks=False) == "skipped"
    assert (
        _reload(job.id).attempts == 1
        and db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 0
    )


def test_a_redelivered_task_takes_over_a_job_whose_worker_stopped(app_ctx, make):
    from workers.tasks.scores import compute_stage

    job = _running(make, heartbeat_seconds_ago=app_ctx.config["JOB_LOST_SECONDS"] + 1)
    assert compute_stage.apply(args=(job.id,)).get(disable_sync_subtasks=False) == "done"
    done = _reload(job.id)
    assert done.status == JobStatus.DONE and done.attempts == 2


def test_the_heartbeat_beats_during_a_long_step_without_progress(app_ctx, make):
    job = _running(make, heartbeat_seconds_ago=0)
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(status=JobStatus.QUEUED))
    db.session.commit()
    interval = app_ctx.config["JOB_HEARTBEAT_SECONDS"]
    app_ctx.config["JOB_HEARTBEAT_SECONDS"] = 0.05
    beats = []
    try:
        with jobs.JobRunner(job.id) as runner:
            with Session(db.engine) as reader:
                first = reader.scalar(sa.select(Job.heartbeat_at).where(Job.id == job.id))

                def moved():
                    reader.expire_all()
                    return (
                        reader.scalar(sa.select(Job.heartbeat_at).where(Job.id == job.id)) > first
                    )

                for _ in range(200):  # a step that reports nothing
                    if moved():
                        beats.append(True)
                        break
                    time.sleep(0.02)
            runner.done(result={})
    finally:
        app_ctx.config["JOB_HEARTBEAT_SECONDS"] = interval
    assert beats and _reload(job.id).status == JobStatus.DONE


def test_a_worker_declared_lost_cannot_overwrite_the_retry(app_ctx, make):
    job = _running(make, heartbeat_seconds_ago=0)
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(status=JobStatus.QUEUED))
    db.session.commit()
    stalled = jobs.JobRunner(job.id).__enter__()  # the first worker, which then stops beating
    stalled._heartbeat.stop()
    _age(job.id, heartbeat_at=app_ctx.config["JOB_LOST_SECONDS"] + 1)
    with Session(db.engine) as session:
        jobs.sweep(session)
    jobs.retry_job(_reload(job.id), None)  # eager: the retry's task ran and computed
    retried = _reload(job.id)
    assert (
        retried.status == JobStatus.DONE and retried.attempts == 3
    )  # 1 (made running) + stalled + retry
    stalled.progress(50, "late")
    stalled.__exit__(RuntimeError, RuntimeError("late failure"), None)
    after = _reload(job.id)
    assert (after.status, after.progress, after.message) == (JobStatus.DONE, 100, "")


def test_the_organizer_retries_a_lost_computation_and_it_is_audited(app_ctx, make, login):
    job = _running(make, heartbeat_seconds_ago=app_ctx.config["JOB_LOST_SECONDS"] + 1)
    organizer = job.created_by
    response = login(organizer).post(f"/rankings/jobs/{job.id}/retry")
    assert response.status_code == 302
    done = _reload(job.id)
    assert (
        done.status == JobStatus.DONE
        and db.session.scalar(sa.select(ResultSnapshot.job_id)) == job.id
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "jobs.retry"))
    assert entry.actor_id == organizer.id and entry.object_id == str(job.id)
    assert entry.changes["status"] == ["lost", "queued"]
    # a finished job is not retried; nor is a job of another kind through this route
    assert login(organizer).post(f"/rankings/jobs/{job.id}/retry").status_code == 409
    export = Job(kind="export", task_name="venture.run_export", status=JobStatus.FAILED)
    db.session.add(export)
    db.session.commit()
    assert login(organizer).post(f"/rankings/jobs/{export.id}/retry").status_code == 404


def test_a_retry_is_refused_once_the_results_are_final(app_ctx, make, login):
    job = _running(make, heartbeat_seconds_ago=app_ctx.config["JOB_LOST_SECONDS"] + 1)
    comp = _comp_of(job)
    comp.results_final_at = utcnow()
    db.session.commit()
    response = login(job.created_by).post(f"/rankings/jobs/{job.id}/retry")
    assert response.status_code == 423
    assert _reload(job.id).state == "lost"


def _comp_of(job):
    from venture.competitions.models import Competition

    return db.session.get(Competition, job.competition_id)


def test_the_organizer_retries_a_failed_export(app_ctx, make, login, monkeypatch):
    from venture.reports import exports

    organizer = make.organizer()
    comp = make.competition(organizer=organizer)
    for _ in range(3):
        make.application(comp, make.organization(), status="passed")
    monkeypatch.setattr(exports, "BACKGROUND_ROWS", 2)
    client = login(organizer)
    from venture.reports import services as report_services

    def full():
        raise OSError("disk full")

    monkeypatch.setattr(report_services, "export_root", full)
    client.post(f"/reports/competitions/{comp.id}/exports/applications")
    job = db.session.scalar(sa.select(Job).where(Job.kind == "export"))
    assert job.status == JobStatus.FAILED and "disk full" in job.message
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert f"/reports/exports/{job.id}/retry" in page

    monkeypatch.undo()
    monkeypatch.setattr(exports, "BACKGROUND_ROWS", 2)
    assert client.post(f"/reports/exports/{job.id}/retry").status_code == 302
    job = _reload(job.id)
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.result["rows"] == 3
    assert client.get(f"/reports/exports/{job.id}/download").status_code == 200
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "jobs.retry")
        )
        == 1
    )
    assert (
        client.post(f"/reports/exports/{job.id}/retry").status_code == 409
    )  # done: nothing to retry
