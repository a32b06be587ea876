"""Reminders run by beat (eager here): once per person, item and window, however often
the task runs; and notify() under a real race of two writers on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from venture.audit.models import AuditEntry
from venture.db import utcnow
from venture.extensions import db
from venture.notices.models import Notice
from workers.tasks.reminders import send_reminders


def _run(now) -> dict:
    return send_reminders.apply(args=[now.isoformat()]).get(disable_sync_subtasks=False)


def _notices(kind: str) -> list[Notice]:
    return list(
        db.session.scalars(sa.select(Notice).where(Notice.kind == kind).order_by(Notice.id))
    )


def test_judges_behind_get_one_reminder_per_window(make):
    comp = make.competition()
    stage = comp.stage("online_review")
    orgs = [make.organization() for _ in range(2)]
    apps = [make.application(comp, org, status="passed") for org in orgs]
    done, half, idle, removed = (make.judge(name=n) for n in ("完成", "一半", "未动", "已移除"))
    for judge in (done, half, idle):
        for app in apps:
            make.assignment(stage, app, judge)
    make.assignment(stage, apps[0], removed, status="removed")
    for app in apps:
        make.sheet(stage, app, done, {"需求分析": 12})
    make.sheet(stage, apps[0], half, {"需求分析": 12})
    make.sheet(stage, apps[1], half, {"需求分析": 12}, submitted=False)  # a draft is unfinished

    before_72h = stage.ends_at - timedelta(hours=80)
    assert _run(before_72h)["judge_deadline"] == 0

    at_60h = stage.ends_at - timedelta(hours=60)
    assert _run(at_60h)["judge_deadline"] == 2
    assert _run(at_60h + timedelta(minutes=10))["judge_deadline"] == 0  # beat ran again
    sent = _notices("judge_deadline_reminder")
    assert sorted(n.user_id for n in sent) == sorted([half.id, idle.id])
    assert {n.competition_id for n in sent} == {comp.id}
    by_user = {n.user_id: n for n in sent}
    assert "1 份评分表" in by_user[half.id].body and "2 份评分表" in by_user[idle.id].body

    at_20h = stage.ends_at - timedelta(hours=20)
    assert _run(at_20h)["judge_deadline"] == 2
    assert _run(at_20h)["judge_deadline"] == 0
    assert len(_notices("judge_deadline_reminder")) == 4

    after = stage.ends_at + timedelta(minutes=1)
    assert _run(after)["judge_deadline"] == 0


def test_no_reminders_for_a_locked_competition_or_the_live_roadshow(make):
    comp = make.competition()
    review, roadshow = comp.stage("online_review"), comp.stage("roadshow")
    app = make.application(comp, make.organization(), status="passed")
    judge = make.judge()
    make.assignment(review, app, judge)
    make.assignment(roadshow, app, judge)
    assert (
        _run(roadshow.ends_at - timedelta(hours=10))["judge_deadline"] == 0
    )  # the roadshow is scored live
    comp.results_final_at = utcnow()
    db.session.commit()
    assert _run(review.ends_at - timedelta(hours=10))["judge_deadline"] == 0


def test_draft_reminder_once_per_member_and_draft(make):
    deadline = utcnow() + timedelta(hours=40)
    comp = make.competition(stages={"application": (utcnow() - timedelta(days=20), deadline)})
    owner, colleague, other = make.applicant(), make.applicant(), make.applicant()
    org = make.organization(members=[owner, colleague])
    draft = make.application(comp, org, status="draft")
    second = make.application(comp, org, status="draft")
    make.application(comp, make.organization(members=[other]), status="submitted")

    assert _run(deadline - timedelta(hours=50))["draft_deadline"] == 0
    assert _run(deadline - timedelta(hours=47))["draft_deadline"] == 4
    assert _run(deadline - timedelta(hours=47))["draft_deadline"] == 0
    assert _run(deadline - timedelta(hours=5))["draft_deadline"] == 0  # one window: 48 h
    sent = _notices("draft_deadline_reminder")
    assert sorted((n.user_id, n.dedupe_key.split(":")[1]) for n in sent) == sorted(
        (u.id, str(a.id)) for u in (owner, colleague) for a in (draft, second)
    )
    assert "草稿" in sent[0].body


def test_reminder_kinds_appear_in_the_preferences_with_labels(make, login):
    page = login(make.judge()).get("/account/notices").get_data(as_text=True)
    for label in (
        "提醒：评审截止前尚未提交的评分表",
        "结果公示：本机构的评审结果与评分详情",
        "收到公示异议（主办方）",
    ):
        assert label in page


def test_delivery_log_filters_by_competition_and_shows_retries(make, login):
    from venture.notices.models import EmailStatus

    boss = make.organizer()
    comp = make.competition()
    other = make.competition()
    for cid, status, attempts in (
        (comp.id, EmailStatus.QUEUED, 2),
        (other.id, EmailStatus.SENT, 1),
    ):
        db.session.add(
            Notice(
                user_id=boss.id,
                email=boss.email,
                kind="results_final",
                subject=f"notice {cid}",
                body="b",
                competition_id=cid,
                email_status=status,
                attempts=attempts,
                next_attempt_at=utcnow() + timedelta(minutes=5),
                last_error="SMTP timeout",
            )
        )
    db.session.commit()
    html = login(boss).get(f"/admin/notices?competition={comp.id}").get_data(as_text=True)
    assert f"notice {comp.id}" in html and f"notice {other.id}" not in html
    assert 'data-testid="retry"' in html and "第3次重试" in html


@pytest.mark.postgres_only
def test_two_concurrent_notifies_with_the_same_key_write_one_row(app_ctx, make):
    """Writer 1 inserts and holds its transaction open; writer 2 (which cannot see the
    row yet) inserts the same key, blocks on the unique index, and when writer 1
    commits gets the violation: its savepoint rolls back, notify returns None, and the
    rest of its transaction (an audit entry written before) commits normally."""
    from venture.audit.services import record
    from venture.db import unit_of_work
    from venture.notices.services import notify

    user_id = make.judge().id
    inserted, go = threading.Event(), threading.Event()
    results, errors = {}, []

    def writer(name: str):
        try:
            with app_ctx.app_context():
                from venture.accounts.models import User

                user = db.session.get(User, user_id)
                with unit_of_work():
                    if name == "second":
                        record("test.before_notify", user, actor=user)
                    notice = notify(
                        user,
                        "judge_deadline_reminder",
                        dedupe_key="race:1",
                        link="http://x/",
                        competition={"name": "大赛"},
                        stage_kind="online_review",
                        deadline="2026-05-01 18:00",
                        count=1,
                        window="24h",
                    )
                    results[name] = notice is not None
                    if name == "first":
                        inserted.set()
                        go.wait(10)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - the failure is reported below
            errors.append(repr(exc))
            inserted.set()

    first = threading.Thread(target=writer, args=("first",))
    first.start()
    assert inserted.wait(10)
    second = threading.Thread(target=writer, args=("second",))
    second.start()
    second.join(0.5)  # give it time to block on the unique index
    go.set()
    first.join(10)
    second.join(10)

    assert not errors, errors
    assert results == {"first": True, "second": False}
    assert (
        db.session.scalar(sa.select(sa.func.count(Notice.id)).where(Notice.dedupe_key == "race:1"))
        == 1
    )
    assert db.session.scalar(
        sa.select(AuditEntry.id).where(AuditEntry.action == "test.before_notify")
    )


def test_a_dedupe_key_used_before_writes_nothing_and_keeps_the_transaction(app_ctx, make):
    from venture.audit.services import record
    from venture.db import unit_of_work
    from venture.notices.services import _queue, notify

    user = make.judge()
    context = dict(
        competition={"name": "大赛"}, stage_kind="final", deadline="d", count=2, window="72h"
    )
    with unit_of_work():
        assert notify(user, "judge_deadline_reminder", dedupe_key="k:1", **context) is not None
    # Skip the pre-check to take the savepoint path on both databases.
    from venture.notices.models import Notice as N

    with unit_of_work():
        record("test.kept", user, actor=user)
        duplicate = N(
            user_id=user.id,
            email=user.email,
            kind="judge_deadline_reminder",
            subject="s",
            body="b",
            dedupe_key="k:1",
        )
        assert _queue(duplicate) is None
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 1
    assert db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "test.kept"))
