"""The Celery app, configured from the Flask app's settings.

Tasks run inside the Flask app context, take ids (JSON only, never pickled objects),
acknowledge late and are safe to run twice. Without REDIS_URL every task runs
in-process, right after the transaction that asked for it commits.
"""

from __future__ import annotations

from datetime import timedelta

from celery import Celery, Task

TASK_MODULES = [
    "workers.tasks.notices",
    "workers.tasks.scores",
    "workers.tasks.reminders",
    "workers.tasks.exports",
    "workers.tasks.jobs",
]

BEAT_SCHEDULE = {
    "sweep-notices": {"task": "venture.sweep_notices", "schedule": timedelta(seconds=60)},
    # Jobs (score computations, exports): queued ones re-sent, those whose worker died marked lost.
    "sweep-jobs": {"task": "venture.sweep_jobs", "schedule": timedelta(seconds=30)},
    # Reminders of deadlines: judges' sheets, application drafts, progress reports.
    "send-reminders": {"task": "venture.send_reminders", "schedule": timedelta(minutes=10)},
    # Evaluations whose self-assessment is missing at the deadline fail; complete ones are decided.
    "followup-evaluations": {
        "task": "venture.followup_evaluations",
        "schedule": timedelta(hours=1),
    },
    # Export files older than EXPORT_KEEP_DAYS are deleted.
    "purge-exports": {"task": "venture.purge_exports", "schedule": timedelta(hours=24)},
}


def init_celery(app) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config.get("REDIS_URL") or ""
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        # Eager tasks still take a producer from the pool; a host keeps kombu from warning.
        broker_url=redis_url or "memory://localhost/",
        result_backend=None,
        task_ignore_result=True,
        task_always_eager=not redis_url,
        task_eager_propagates=True,
        task_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        enable_utc=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        # A web request must not hang on a broker outage: fail fast, the sweep re-queues.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
        broker_transport_options={
            "visibility_timeout": app.config.get("BROKER_VISIBILITY_TIMEOUT", 900),
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        },
        include=TASK_MODULES + app.config.get("EXTRA_TASK_MODULES", []),
        beat_schedule={**BEAT_SCHEDULE, **app.config.get("EXTRA_BEAT_SCHEDULE", {})},
    )
    celery.set_default()
    app.extensions["celery"] = celery
    for module in celery.conf.include:
        __import__(module)
    return celery
