"""Security headers on every response.

The Content-Security-Policy allows only our own scripts, styles and images: templates
carry no inline script or style, so nothing needs 'unsafe-inline'.
"""

from __future__ import annotations

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_unstorable(value) -> None:
    """400 when a value holds a NUL character (for input decoded after the request guard,
    e.g. JSON text inside a form field)."""
    from flask import abort
    from flask_babel import gettext as _

    if _has_nul(value):
        abort(400, description=_("The request contains characters that are not allowed."))


def init_request_guards(app) -> None:
    """Refuse, before any view runs, input no field can hold:

    - a JSON body that is not an object (forms and services read named fields from it);
    - a NUL character anywhere in the query, the form or the JSON (PostgreSQL cannot
      store it in text, and no honest input contains it).
    """
    from flask import abort, request

    @app.before_request
    def _input_is_storable():
        refuse_unstorable([request.path, request.args.to_dict(flat=False)])
        if request.method not in ("POST", "PUT", "PATCH"):
            return
        if request.is_json:
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                abort(400)
            refuse_unstorable(body)
        else:
            refuse_unstorable([request.form.to_dict(flat=False), [f.filename or "" for f in request.files.values()]])


def init_security_headers(app) -> None:
    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            h.setdefault("Cache-Control", "no-store")
        return response
