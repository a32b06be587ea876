"""`celery -A tests.services.beat_app:celery beat` for the services tests: the project's
beat schedule with the reminders due every half second instead of every 10 minutes."""

from datetime import timedelta

from venture import create_app

app = create_app(
    {
        "EXTRA_BEAT_SCHEDULE": {
            "send-reminders": {"task": "venture.send_reminders", "schedule": timedelta(seconds=0.5)}
        }
    }
)
celery = app.extensions["celery"]
