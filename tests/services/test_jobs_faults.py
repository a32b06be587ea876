"""Jobs on the real stack (PostgreSQL, Redis, a Celery worker process): a computation
asked while Redis is down completes once it is back, through beat's sweep; a worker
killed in the middle of a computation is seen as lost within seconds (its heartbeat
stopped), and the organizer's retry completes it."""

from __future__ import annotations

import sqlalchemy as sa

from tests.services.conftest import Worker, wait_for, wait_for_job_done


def _sweep(app) -> dict:
    return (
        app.extensions["celery"]
        .tasks["venture.sweep_jobs"]
        .apply()
        .get(disable_sync_subtasks=False)
    )


def test_a_computation_asked_while_the_broker_is_down_completes_through_the_sweep(
    stack_app, worker, redis_server
):
    from tests import factories as make
    from tests.conftest import VentureTestClient
    from venture.extensions import db
    from venture.jobs.models import Job, JobStatus
    from venture.rankings.models import ResultSnapshot

    stack_app.test_client_class = VentureTestClient
    stack_app.config["JOB_SWEEP_AGE_SECONDS"] = 0
    with stack_app.app_context():
        organizer, comp, stage = make.scored_online_review(applications=3)
        client = stack_app.test_client(user=organizer)

        redis_server.stop()
        response = client.post(f"/rankings/stages/{stage.id}/compute")
        assert response.status_code == 302  # asked: the page answers without the broker
        job = db.session.scalar(sa.select(Job))
        assert job.status == JobStatus.QUEUED
        assert _sweep(stack_app)["requeued"] == 0  # no broker yet: it stays queued, nothing lost
        db.session.expire_all()
        assert db.session.get(Job, job.id).status == JobStatus.QUEUED

    redis_server.start()
    with stack_app.app_context():
        assert _sweep(stack_app)["requeued"] == 1

        wait_for_job_done(job.id, "the swept computation to finish", timeout=90)
        snapshots = db.session.scalars(sa.select(ResultSnapshot)).all()
        assert [s.job_id for s in snapshots] == [job.id]
        assert db.session.get(Job, job.id).attempts == 1


def test_a_worker_killed_mid_computation_is_lost_soon_and_the_retry_completes(
    stack_env, stack_app, tmp_path
):
    from bench.scoring import seed_stage
    from tests.conftest import VentureTestClient
    from venture.accounts.models import User
    from venture.audit.models import AuditEntry
    from venture.competitions.models import Stage
    from venture.extensions import db
    from venture.jobs.models import Job, JobStatus
    from venture.rankings.models import ResultSnapshot
    from venture.rankings.services import request_computation

    env = {**stack_env, "VENTURE_JOB_HEARTBEAT_SECONDS": "0.5", "VENTURE_JOB_LOST_SECONDS": "3"}
    stack_app.config["JOB_LOST_SECONDS"] = 3
    stack_app.test_client_class = VentureTestClient
    stage_id = seed_stage(stack_app, 8000, 7, 200, 7)
    first = Worker(env, tmp_path / "worker-1.log")
    first.start()
    try:
        with stack_app.app_context():
            organizer = db.session.get(User, 1)
            with stack_app.test_request_context():
                job_id = request_computation(db.session.get(Stage, stage_id), organizer).id

            def running():
                db.session.expire_all()
                return db.session.get(Job, job_id).status == JobStatus.RUNNING

            wait_for(running, timeout=60, interval=0.01, what="the computation to start")
            first.kill()
    finally:
        first.stop()

    with stack_app.app_context():

        def lost():
            _sweep(stack_app)
            db.session.expire_all()
            return db.session.get(Job, job_id).state == "lost"

        wait_for(lost, timeout=30, interval=0.5, what="the job to be seen as lost")
        job = db.session.get(Job, job_id)
        assert (
            job.status == JobStatus.FAILED
            and db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 0
        )
        client = stack_app.test_client(user=db.session.get(User, 1))
        page = client.get(f"/rankings/competitions/{job.competition_id}").get_data(as_text=True)
        assert f"/rankings/jobs/{job_id}/retry" in page
        assert client.post(f"/rankings/jobs/{job_id}/retry").status_code == 302
        db.session.expire_all()
        assert db.session.get(Job, job_id).status == JobStatus.QUEUED

    second = Worker(env, tmp_path / "worker-2.log")
    second.start()
    try:
        with stack_app.app_context():
            wait_for_job_done(job_id, "the retried computation to finish", timeout=120)
            snapshots = db.session.scalars(sa.select(ResultSnapshot)).all()
            assert [s.job_id for s in snapshots] == [job_id]
            assert db.session.get(Job, job_id).attempts == 2
            assert (
                db.session.scalar(
                    sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "jobs.retry")
                )
                == 1
            )
    finally:
        second.stop()
