"""WSGI middleware around the whole application (Flask and the static files alike)."""

from __future__ import annotations


class ServerDatesOnly:
    """Drop any ``Date`` header the application set: the HTTP server (gunicorn, werkzeug)
    always adds its own, and a conditional response from ``send_file`` sets one too, so
    without this a download carried two ``Date`` headers."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers = [(name, value) for name, value in headers if name.lower() != "date"]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)
