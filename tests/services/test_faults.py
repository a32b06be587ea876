"""Faults on the real stack: the broker stops while people work, a worker dies in the
middle of computing scores, the database restarts under load."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.services.conftest import (
    Worker,
    free_port,
    wait_for,
    wait_for_idle_worker,
    wait_for_job_done,
)

pytestmark = pytest.mark.services


def _sheet_form(stage) -> dict:
    form = {"confidence": "4", "recommendation": "fund", "action": "submit", "version": "0"}
    for criterion in stage.rubric.criteria:
        form[f"score-{criterion.id}"] = str(criterion.max_score - 1)
    return form


def _judging_world(make, applications: int = 3, judges: int = 1):
    comp = make.competition()
    stage = make.review_stage(comp, open_now=True)
    org = make.organization()
    apps = [make.application(comp, org, status="passed") for _ in range(applications)]
    judge_users = [make.judge_with_profile() for _ in range(judges)]
    for judge in judge_users:
        for app in apps:
            make.confirmed_assignment(stage, app, judge)
    return comp, stage, apps, judge_users


def test_broker_outage_while_people_submit_and_score(stack_app, worker, redis_server, smtp_server):
    """The web keeps working without Redis; after it returns, every notice is delivered
    exactly once."""
    from tests import factories as make
    from tests.conftest import VentureTestClient
    from venture.applications.services import submit_application
    from venture.extensions import db
    from venture.notices.models import EmailStatus, Notice

    stack_app.test_client_class = VentureTestClient
    with stack_app.app_context():
        members = [make.applicant() for _ in range(2)]
        emails = [m.email for m in members]
        org = make.organization(members=members)
        competition = make.competition()
        drafts = [make.complete_draft(competition, org) for _ in range(3)]
        _comp, stage, apps, (judge,) = _judging_world(make)
        redis_server.stop()
        for draft in drafts:
            with stack_app.test_request_context():
                submit_application(draft, actor=members[0])  # each tells both members
        judge_client = stack_app.test_client(user=judge)
        for app in apps:
            response = judge_client.post(
                f"/judging/stages/{stage.id}/applications/{app.id}", data=_sheet_form(stage)
            )
            assert response.status_code == 302 and response.headers["Location"].endswith(
                "/judging/"
            )
        queued = db.session.scalars(
            sa.select(Notice).where(Notice.kind == "application_submitted")
        ).all()
        assert len(queued) == 6 and all(n.email_status == EmailStatus.QUEUED for n in queued)

    redis_server.start()
    with stack_app.app_context():
        stack_app.extensions["celery"].tasks["venture.sweep_notices"].apply()

        def all_sent():
            db.session.expire_all()
            return all(
                n.email_status == EmailStatus.SENT
                for n in db.session.scalars(
                    sa.select(Notice).where(Notice.kind == "application_submitted")
                )
            )

        wait_for(all_sent, timeout=90, what="every queued notice to be sent")
        stack_app.extensions["celery"].tasks["venture.sweep_notices"].apply()  # again: nothing more
    wait_for_idle_worker(redis_server.url)  # a duplicate would have arrived by now
    for email in emails:
        assert len(smtp_server.to(email)) == 3  # one per submitted application, no duplicate


def test_a_worker_killed_while_computing_leaves_no_snapshot_and_the_rerun_is_identical(
    stack_env, stack_app, tmp_path
):
    from bench.scoring import seed_stage
    from venture.extensions import db
    from venture.jobs.models import Job, JobStatus
    from venture.rankings.compute import compute_stage_snapshot
    from venture.rankings.models import ResultSnapshot, SnapshotEntry
    from venture.rankings.services import request_computation

    # The broker hands the task over again after 5 s; by then the killed worker's heartbeat
    # is older than 2 s, so the second worker may take the job over (venture.jobs).
    env = {
        **stack_env,
        "VENTURE_BROKER_VISIBILITY_TIMEOUT": "5",
        "VENTURE_JOB_HEARTBEAT_SECONDS": "0.5",
        "VENTURE_JOB_LOST_SECONDS": "2",
    }
    stage_id = seed_stage(stack_app, 8000, 7, 200, 7)
    first = Worker(env, tmp_path / "worker-1.log")
    first.start()
    try:
        with stack_app.app_context():
            from venture.competitions.models import Stage

            stage = db.session.get(Stage, stage_id)
            with stack_app.test_request_context():
                job = request_computation(stage, None)
            job_id = job.id

            def running():
                db.session.expire_all()
                return db.session.get(Job, job_id).status == JobStatus.RUNNING

            wait_for(running, timeout=60, interval=0.01, what="the computation to start")
            first.kill()
            db.session.expire_all()
            assert db.session.get(Job, job_id).status == JobStatus.RUNNING
            assert db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 0
            assert db.session.scalar(sa.select(sa.func.count(SnapshotEntry.id))) == 0
    finally:
        first.stop()

    second = Worker(env, tmp_path / "worker-2.log")
    second.start()
    try:
        with stack_app.app_context():
            wait_for_job_done(job_id, "the redelivered computation to finish", timeout=120)
            snapshots = db.session.scalars(sa.select(ResultSnapshot)).all()
            assert len(snapshots) == 1 and snapshots[0].job_id == job_id
            reference = db.session.get(ResultSnapshot, compute_stage_snapshot(stage_id))
            assert reference.input_digest == snapshots[0].input_digest

            def ranking(snapshot_id):
                return db.session.execute(
                    sa.select(
                        SnapshotEntry.application_id,
                        SnapshotEntry.score,
                        SnapshotEntry.rank,
                        SnapshotEntry.flags,
                    )
                    .where(SnapshotEntry.snapshot_id == snapshot_id)
                    .order_by(SnapshotEntry.position)
                ).all()

            assert ranking(reference.id) == ranking(snapshots[0].id)
    finally:
        second.stop()


# --- the database restarts under load ------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL server of our own (run as the postgres user), so restarting it
    disturbs nothing else on the machine."""

    BIN = (
        Path("/usr/lib/postgresql")
        / (
            sorted(os.listdir("/usr/lib/postgresql"))[-1]
            if Path("/usr/lib/postgresql").exists()
            else ""
        )
        / "bin"
    )

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="venture-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120
        )

    def start(self) -> None:
        if not (self.BIN / "initdb").exists() or shutil.which("runuser") is None:
            from tests.conftest import unavailable

            unavailable("PostgreSQL server binaries or runuser are not installed")
        if not (self.dir / "data").exists():
            self._as_postgres(
                str(self.BIN / "initdb"),
                "-D",
                str(self.dir / "data"),
                "-A",
                "trust",
                "-U",
                "root",
                "--no-sync",
            )
        self.pg_ctl("start")

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._as_postgres(
            str(self.BIN / "pg_ctl"),
            "-D",
            str(self.dir / "data"),
            "-o",
            options,
            "-w",
            "-m",
            "fast",
            "-l",
            str(self.dir / "log"),
            action,
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://root@127.0.0.1:{self.port}/postgres"


OUTAGE_AFTER = 12  # sheets saved (of 4 judges × 30) before the database goes away


def test_database_restart_under_load_fails_cleanly_and_recovers(tmp_path):
    from flask_migrate import upgrade

    from tests import factories as make
    from tests.conftest import VentureTestClient, test_config
    from venture import create_app
    from venture.extensions import db
    from venture.judging.models import ScoreSheet, SheetScore, SheetStatus

    server = PrivatePostgres()
    server.start()
    try:
        app = create_app(test_config(tmp_path, server.url))
        app.test_client_class = VentureTestClient
        with app.app_context():
            upgrade()
            _comp, stage, apps, judges = _judging_world(make, applications=30, judges=4)
            form, stage_id = _sheet_form(stage), stage.id
            plan = [(judge.id, [a.id for a in apps]) for judge in judges]
        outcomes: list[tuple[int, int, int]] = []
        lock = threading.Lock()
        # The outage is triggered by events, not by the clock: the database stops once
        # OUTAGE_AFTER sheets are saved, and starts again once a save was refused for it.
        saved_enough, refused, database_back = (threading.Event() for _ in range(3))

        def judge_works(judge_id, app_ids):
            from venture.accounts.models import User

            with app.app_context():
                client = app.test_client(user=db.session.get(User, judge_id))
            for app_id in app_ids:
                for _attempt in range(40):  # a person retries a failed save
                    response = client.post(
                        f"/judging/stages/{stage_id}/applications/{app_id}", data=form
                    )
                    with lock:
                        outcomes.append((judge_id, app_id, response.status_code))
                        if sum(status == 302 for _j, _a, status in outcomes) >= OUTAGE_AFTER:
                            saved_enough.set()
                    if response.status_code == 302:
                        break
                    if response.status_code == 409:
                        # The save before went through but its answer was lost with the
                        # connection: the retry is told the sheet is already submitted.
                        assert "该评分表已提交" in response.get_data(as_text=True)
                        break
                    assert response.status_code == 503, response.status_code  # fails cleanly
                    refused.set()
                    database_back.wait(timeout=0.25)  # the person's pause before retrying

        threads = [threading.Thread(target=judge_works, args=item) for item in plan]
        for t in threads:
            t.start()
        assert saved_enough.wait(timeout=120), f"fewer than {OUTAGE_AFTER} sheets were saved"
        server.pg_ctl("stop")  # the database goes away under load...
        with lock:
            saved_before = sum(status == 302 for _j, _a, status in outcomes)
        assert saved_before < 4 * 30, "every sheet was saved before the database went away"
        assert refused.wait(timeout=60), "no save was refused while the database was away"
        server.pg_ctl("start")  # ...and comes back; the app is not restarted
        database_back.set()
        for t in threads:
            t.join(timeout=180)

        statuses = [status for _j, _a, status in outcomes]
        assert 503 in statuses, "the restart should have been noticed by some requests"
        assert set(statuses) <= {302, 409, 503}
        with app.app_context():
            sheets = db.session.scalars(
                sa.select(ScoreSheet).where(ScoreSheet.stage_id == stage_id)
            ).all()
            assert len(sheets) == 4 * 30 and all(s.status == SheetStatus.SUBMITTED for s in sheets)
            from venture.competitions.models import RubricCriterion, Stage

            criteria = db.session.scalar(
                sa.select(sa.func.count(RubricCriterion.id)).where(
                    RubricCriterion.rubric_id == db.session.get(Stage, stage_id).rubric_id
                )
            )
            half_written = db.session.scalar(
                sa.select(sa.func.count()).select_from(
                    sa.select(SheetScore.sheet_id)
                    .group_by(SheetScore.sheet_id)
                    .having(sa.func.count() != criteria)
                    .subquery()
                )
            )
            assert half_written == 0
            from venture.audit.services import verify_chain

            assert verify_chain().ok
            db.engine.dispose()
    finally:
        server.stop()
