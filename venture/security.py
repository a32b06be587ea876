"""Security headers on every response.

The Content-Security-Policy allows only our own scripts, styles and images: templates
carry no inline script or style, so nothing needs 'unsafe-inline'.
"""

from __future__ import annotations

CSP = "; ".join(
    [
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
    ]
)


MAX_JSON_DEPTH = 20  # our deepest honest body is 3 levels ({"fields": {name: [values]}})


def json_depth(value) -> int:
    """How many levels of arrays and objects ``value`` holds, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


class TooDeep(ValueError):
    """JSON nested deeper than any honest request (a parser's recursion is not a 500)."""


def loads_json(text):
    """Parse JSON text from a request (a body, or a form field holding JSON). Raises
    ValueError for text that is not JSON and :class:`TooDeep` for nesting beyond
    MAX_JSON_DEPTH, which Python's parser would meet as a RecursionError."""
    import json

    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep() from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise TooDeep()
    return value


def refuse_too_deep() -> None:
    from flask import abort
    from flask_babel import gettext as _

    abort(400, description=_("The request is nested too deeply to be understood."))


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

    - a JSON body that is not an object (forms and services read named fields from it),
      or that is nested deeper than MAX_JSON_DEPTH (the parser would recurse until it
      fails, and so would every walk over the value);
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
            body = _json_body()
            if not isinstance(body, dict):
                abort(400)
            refuse_unstorable(body)
        else:
            refuse_unstorable(
                [
                    request.form.to_dict(flat=False),
                    [f.filename or "" for f in request.files.values()],
                ]
            )


def _json_body():
    """The request's JSON body (cached by the request for the view), None when it is not
    JSON; a body nested too deeply is refused here."""
    from flask import request

    try:
        body = request.get_json(silent=True)
    except RecursionError:
        refuse_too_deep()
    if json_depth(body) > MAX_JSON_DEPTH:
        refuse_too_deep()
    return body


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
