"""Enqueue Celery tasks only after the transaction that asked for them has committed.

A service calls :func:`after_commit` with a task and its (id) arguments. When the
session commits, the calls are released: sent to the broker, or, in the embedded
mode without a broker, run in-process right after the commit. A broker that is down
loses nothing: every task is backed by rows (notices, jobs) that a periodic sweep
re-queues.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from venture.extensions import db

log = logging.getLogger("venture.tasks")
PENDING_KEY = "venture_tasks_pending"
READY_KEY = "venture_tasks_ready"


def enqueue(task, *args, **kwargs):
    """Send a task through the Celery app of the *current Flask app*.

    Several Flask apps may live in one process (tests, tools); the task must go to the
    broker (or eager mode) of the app whose data it concerns, not to Celery's default.
    """
    from flask import current_app

    name = task if isinstance(task, str) else task.name
    return current_app.extensions["celery"].tasks[name].apply_async(args=args, kwargs=kwargs)


def after_commit(task, *args, **kwargs) -> None:
    db.session.info.setdefault(PENDING_KEY, []).append((task, args, kwargs))


@event.listens_for(Session, "after_commit")
def _release(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT committed: the transaction may still roll back
    pending = session.info.pop(PENDING_KEY, [])
    if pending:
        session.info.setdefault(READY_KEY, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a SAVEPOINT rolled back: the transaction's tasks still stand
    session.info.pop(PENDING_KEY, None)


def run_ready(session: Session | None = None) -> None:
    """Send (or, eagerly, run) the tasks of committed transactions.

    Called after the unit of work commits and at the end of every request, so it
    never runs inside the session's commit machinery.
    """
    session = session or db.session
    while session.info.get(READY_KEY):
        task, args, kwargs = session.info[READY_KEY].pop(0)
        try:
            enqueue(task, *args, **kwargs)
        except Exception as exc:  # broker down: the sweep will find the rows
            log.warning("could not enqueue %s%s: %s", getattr(task, "name", task), args, exc)
