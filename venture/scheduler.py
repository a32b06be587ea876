"""The embedded stand-in for Celery beat.

Without REDIS_URL there is no beat process; `venture run` and `venture demo` start this
thread, which runs the same periodic tasks in-process on the same schedule.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("venture.scheduler")


def start_inprocess_scheduler(app, tick_seconds: float = 5.0) -> threading.Thread | None:
    celery = app.extensions["celery"]
    if not celery.conf.task_always_eager:
        return None  # a real beat process does this job
    schedule = dict(celery.conf.beat_schedule)

    def loop():
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, entry in schedule.items():
                interval = entry["schedule"].total_seconds()
                if now - last_run.get(name, float("-inf")) >= interval:
                    last_run[name] = now
                    try:
                        with app.app_context():
                            celery.tasks[entry["task"]].apply()
                    except Exception:
                        log.exception("periodic task %s failed", name)
            time.sleep(tick_seconds)

    thread = threading.Thread(target=loop, name="venture-scheduler", daemon=True)
    thread.start()
    return thread
