"""Entry point for `celery -A workers.worker worker|beat`."""

from venture import create_app

app = create_app()
celery = app.extensions["celery"]
