"""Error pages in both languages; JSON errors under /api/."""

from __future__ import annotations

import contextlib
import logging

from flask import Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from venture.errors import DomainError
from venture.i18n import current_locale_code

log = logging.getLogger("venture.errors")


def _titles():
    return {
        400: _("Bad request"),
        403: _("Permission denied"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("File too large"),
        415: _("Unsupported file type"),
        422: _("Invalid data"),
        423: _("Locked"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
        503: _("Temporarily unavailable"),
    }


def _default_messages():
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to open this page."),
        404: _("The page or item was not found. Check the address."),
        405: _("This action is not available here."),
        413: _("The upload is larger than allowed."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("An unexpected error occurred. It has been logged; please try again later."),
    }


# How the databases name the refusals a request can meet through no fault of the code:
# PostgreSQL's SQLSTATE, SQLite's extended error name (Python 3.11+), else its message.
DUPLICATE, MISSING, OUT_OF_RANGE, BUSY = "duplicate", "missing", "out_of_range", "busy"
_SQLSTATES = {
    "23505": DUPLICATE,
    "23503": MISSING,
    "23514": OUT_OF_RANGE,
    "40001": BUSY,
    "40P01": BUSY,
    "55P03": BUSY,
}
_SQLITE_NAMES = {
    "SQLITE_CONSTRAINT_UNIQUE": DUPLICATE,
    "SQLITE_CONSTRAINT_PRIMARYKEY": DUPLICATE,
    "SQLITE_CONSTRAINT_FOREIGNKEY": MISSING,
    "SQLITE_CONSTRAINT_CHECK": OUT_OF_RANGE,
    "SQLITE_BUSY": BUSY,
    "SQLITE_LOCKED": BUSY,
}
_SQLITE_MESSAGES = {
    "UNIQUE constraint failed": DUPLICATE,
    "FOREIGN KEY constraint failed": MISSING,
    "CHECK constraint failed": OUT_OF_RANGE,
    "database is locked": BUSY,
}


def database_refusal(error) -> str | None:
    """Why the database refused a statement, when the cause is the request's timing or
    its values rather than a bug: two requests racing for the same new row (DUPLICATE),
    a row deleted by a request in between (MISSING), a value a CHECK refuses
    (OUT_OF_RANGE), a deadlock or lock timeout between simultaneous requests (BUSY).
    None for anything else (a NOT NULL violation is the code's fault)."""
    orig = getattr(error, "orig", None)
    state = getattr(orig, "sqlstate", None)
    if state:
        return _SQLSTATES.get(state)
    name = (getattr(orig, "sqlite_errorname", "") or "").split("_SNAPSHOT")[0]
    if name in _SQLITE_NAMES:
        return _SQLITE_NAMES[name]
    text = str(orig or error)
    return next((kind for prefix, kind in _SQLITE_MESSAGES.items() if prefix in text), None)


UNAVAILABLE_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{message}</p></main></body></html>"""


def wants_json() -> bool:
    """The API, a client asking for JSON, or a JSON body (an autosave): answered in JSON."""
    return (
        request.path.startswith("/api/")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, message: str | None = None):
    message = (
        str(message) if message else _default_messages().get(status, _titles().get(status, ""))
    )
    title = _titles().get(status, _("Error"))
    if wants_json():
        return jsonify({"error": {"status": status, "title": title, "message": message}}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_error_handlers(app) -> None:
    app.register_error_handler(DomainError, _domain)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(DataError, _database_refused_a_value)
    app.register_error_handler(OverflowError, _number_beyond_the_database)
    app.register_error_handler(IntegrityError, _database_refused_a_row)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)


def _domain(error: DomainError):
    return error_response(error.status, error.message)


def _csrf(error: CSRFError):
    return error_response(
        400,
        _("The form has expired or was not sent from this site. Reload the page and try again."),
    )


def _http(error: HTTPException):
    # A description given with abort(...) is ours and meant for the user;
    # werkzeug's English defaults are replaced by translated ones.
    custom = error.description if error.description != type(error).description else None
    if error.code == 429:
        custom = None  # the limiter's description is its rule ("10 per 1 minute"), not a message
    body, status = error_response(error.code or 500, custom)
    response = current_app.make_response((body, status))
    # The exception's own headers belong to the answer: a 405's Allow (RFC 9110 15.5.6),
    # a 401's WWW-Authenticate, a 503's Retry-After.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _rollback() -> None:
    """Drop the request's transaction (also when the connection is gone with it)."""
    from venture.extensions import db

    with contextlib.suppress(OperationalError, InterfaceError):
        db.session.rollback()


def _database_refused_a_value(error: DataError):
    # The database refused a value the forms let through (a number out of range, a
    # malformed literal): the input is at fault, and nothing was written.
    _rollback()
    log.warning("database refused a value on %s %s: %s", request.method, request.path, error.orig)
    return _refusal_response(OUT_OF_RANGE)


def _number_beyond_the_database(error: OverflowError):
    # SQLite's driver cannot bind an integer beyond 64 bits (PostgreSQL answers with a
    # DataError, above): the forms bound their numbers, this catches any other path.
    _rollback()
    log.warning(
        "a number too large for the database on %s %s: %s", request.method, request.path, error
    )
    return _refusal_response(OUT_OF_RANGE)


def _database_refused_a_row(error: IntegrityError):
    _rollback()
    kind = database_refusal(error)
    if kind is None:
        return _unexpected(error)
    log.warning(
        "database refused a row (%s) on %s %s: %s", kind, request.method, request.path, error.orig
    )
    return _refusal_response(kind)


def _database_unavailable(error):
    _rollback()
    if database_refusal(error) == BUSY:
        log.warning(
            "simultaneous requests collided on %s %s: %s", request.method, request.path, error
        )
        return _refusal_response(BUSY)
    # The database is down or restarting: nothing was written (the transaction is
    # gone with the connection); the pool reconnects once it is back.
    log.error("database unavailable on %s %s: %s", request.method, request.path, error)
    message = _(
        "The database is not reachable at the moment. Nothing was saved; please try again in a minute."
    )
    if wants_json():
        response = current_app.make_response(error_response(503, message))
    else:
        # A page that needs no database (the usual layout reads the signed-in user).
        page = UNAVAILABLE_PAGE.format(
            title=escape(_titles()[503]),
            message=escape(message),
            lang="zh-CN" if current_locale_code() == "zh_CN" else "en",
        )
        response = Response(page, status=503, mimetype="text/html")
    response.headers["Retry-After"] = "30"
    return response


def _unexpected(error: Exception):
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
    from venture.extensions import db

    db.session.rollback()
    return error_response(500)


def _refusal_response(kind: str):
    """Nothing of the request was written (its transaction is rolled back); say why."""
    if kind == OUT_OF_RANGE:
        return error_response(
            400, _("A value is out of range or not valid. Check the form and try again.")
        )
    if kind == MISSING:
        return error_response(
            409,
            _(
                "Something this change refers to was removed in the meantime. "
                "Nothing was saved; reload the page and try again."
            ),
        )
    return error_response(
        409,
        _(
            "The same change was being saved twice at the same moment (a double click, "
            "another tab or another person). Nothing was saved from this request; "
            "reload the page to see the current state."
        ),
    )
