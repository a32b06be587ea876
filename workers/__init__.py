"""Celery: the app (celery_app.py), its worker entry point (worker.py) and tasks."""
