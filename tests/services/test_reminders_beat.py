"""Reminders on the real stack: `venture.send_reminders` through Redis to a Celery worker
process, on PostgreSQL, delivered by SMTP on loopback. However often the task runs in one
window, each judge who is behind gets exactly one reminder and one email."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.services.conftest import PROJECT_ROOT, wait_for, wait_for_idle_worker

pytestmark = pytest.mark.services

SUCCEEDED = re.compile(r"Task venture\.send_reminders\[[^\]]+\] succeeded in [\d.]+s: (\{.*\})")


def _judges_world(hours_left: float):
    """An online review ending in ``hours_left`` hours, two applications, and judges who
    are done, half done (one draft), idle, or removed from their assignment.

    Returns the deadline, the competition's id, and (id, email) of the judges behind and
    of those who are not."""
    from tests import factories as make
    from venture.db import utcnow
    from venture.extensions import db

    comp = make.competition()
    stage = make.review_stage(comp)
    stage.ends_at = utcnow() + timedelta(hours=hours_left)
    db.session.commit()
    apps = [make.application(comp, make.organization(), status="passed") for _ in range(2)]
    done, also_done, half, idle, removed = (make.judge() for _ in range(5))
    for judge in (done, also_done, half, idle):
        for app in apps:
            make.assignment(stage, app, judge)
    make.assignment(stage, apps[0], removed, status="removed")
    for judge in (done, also_done):
        for app in apps:
            make.sheet(stage, app, judge, {"需求分析": 12})
    make.sheet(stage, apps[0], half, {"需求分析": 12})
    make.sheet(stage, apps[1], half, {"需求分析": 12}, submitted=False)
    people = lambda users: [(u.id, u.email) for u in users]  # noqa: E731
    return (
        stage.ends_at,
        stage.competition_id,
        people([half, idle]),
        people([done, also_done, removed]),
    )


def _results(worker) -> list[dict]:
    return [ast.literal_eval(m) for m in SUCCEEDED.findall(worker.log())]


def _assert_one_reminder_and_one_email_each(app, smtp_server, competition_id, behind, up_to_date):
    from venture.extensions import db
    from venture.notices.models import EmailStatus, Notice

    with app.app_context():

        def all_sent():
            db.session.expire_all()
            notices = db.session.scalars(
                sa.select(Notice).where(Notice.kind == "judge_deadline_reminder")
            ).all()
            return notices and all(n.email_status == EmailStatus.SENT for n in notices) and notices

        notices = wait_for(all_sent, timeout=30, what="the reminders to be sent")
        assert sorted(n.user_id for n in notices) == sorted(user_id for user_id, _email in behind)
        assert {n.dedupe_key.rsplit(":", 1)[1] for n in notices} == {"24h"}
        assert {n.competition_id for n in notices} == {competition_id}
    for _id, email in behind:
        wait_for(
            lambda email=email: smtp_server.to(email), timeout=30, what=f"the email to {email}"
        )
    wait_for_idle_worker(app.config["REDIS_URL"])  # a duplicate would have arrived by now
    for _id, email in behind:
        assert len(smtp_server.to(email)) == 1, email
    for _id, email in up_to_date:
        assert smtp_server.to(email) == []
    assert smtp_server.count() == len(behind)


def test_the_reminder_task_sent_twice_through_the_broker_reminds_once(
    stack_app, worker, smtp_server
):
    with stack_app.app_context():
        deadline, competition_id, behind, up_to_date = _judges_world(hours_left=30)
        now = (deadline - timedelta(hours=20)).isoformat()  # in the 24 h window
        celery = stack_app.extensions["celery"]
        for _ in range(2):  # as beat does: by name, through Redis
            celery.send_task("venture.send_reminders", args=[now])

    results = wait_for(
        lambda: len(_results(worker)) >= 2 and _results(worker),
        timeout=30,
        what="the worker to run the task twice",
    )
    assert sorted(r["judge_deadline"] for r in results) == [0, len(behind)]
    _assert_one_reminder_and_one_email_each(
        stack_app, smtp_server, competition_id, behind, up_to_date
    )


def test_celery_beat_running_the_schedule_many_times_in_one_window_reminds_once(
    stack_env, stack_app, worker, smtp_server, tmp_path
):
    with stack_app.app_context():
        _deadline, competition_id, behind, up_to_date = _judges_world(
            hours_left=20
        )  # beat passes no `now`: the real clock

    log = tmp_path / "beat.log"
    with log.open("ab") as out:
        beat = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.services.beat_app:celery",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(tmp_path / "celerybeat-schedule"),
            ],
            env=stack_env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def sends() -> int:
            if beat.poll() is not None:
                raise AssertionError(
                    "celery beat exited:\n" + log.read_text(errors="replace")[-3000:]
                )
            return log.read_text(errors="replace").count("Sending due task send-reminders")

        wait_for(
            lambda: sends() >= 4, timeout=30, what="beat to send the reminders task four times"
        )
    finally:
        beat.terminate()
        beat.wait(timeout=20)
    sent = log.read_text(errors="replace").count("Sending due task send-reminders")

    results = wait_for(
        lambda: len(_results(worker)) >= sent and _results(worker),
        timeout=30,
        what=f"the worker to run the {sent} tasks beat sent",
    )
    assert len(results) == sent
    assert sorted(r["judge_deadline"] for r in results) == [0] * (sent - 1) + [len(behind)]
    _assert_one_reminder_and_one_email_each(
        stack_app, smtp_server, competition_id, behind, up_to_date
    )
