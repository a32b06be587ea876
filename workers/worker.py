"""Entry point for `celery -A workers.worker:celery worker|beat`."""

from venture import create_app

app = create_app()
celery = app.extensions["celery"]
