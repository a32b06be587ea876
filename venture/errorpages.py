"""Error pages in both languages; JSON errors under /api/."""

from __future__ import annotations

import contextlib
import logging

from flask import Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
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


UNAVAILABLE_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{message}</p></main></body></html>"""


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, message: str | None = None):
    message = str(message) if message else _default_messages().get(status, _titles().get(status, ""))
    title = _titles().get(status, _("Error"))
    if wants_json():
        return jsonify({"error": {"status": status, "title": title, "message": message}}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_error_handlers(app) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return error_response(error.status, error.message)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return error_response(400, _("The form has expired or was not sent from this site. "
                                     "Reload the page and try again."))

    @app.errorhandler(HTTPException)
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

    @app.errorhandler(DataError)
    def _database_refused_a_value(error: DataError):
        # The database refused a value the forms let through (a number out of range, a
        # malformed literal): the input is at fault, and nothing was written.
        from venture.extensions import db

        db.session.rollback()
        log.warning("database refused a value on %s %s: %s", request.method, request.path, error.orig)
        return error_response(400, _("A value is out of range or not valid. Check the form and try again."))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(error):
        # The database is down or restarting: nothing was written (the transaction is
        # gone with the connection); the pool reconnects once it is back.
        from venture.extensions import db

        with contextlib.suppress(OperationalError, InterfaceError):
            db.session.rollback()
        log.error("database unavailable on %s %s: %s", request.method, request.path, error)
        message = _("The database is not reachable at the moment. Nothing was saved; please try again in a minute.")
        if wants_json():
            response = jsonify({"error": {"status": 503, "title": _("Temporarily unavailable"), "message": message}})
        else:
            # A page that needs no database (the usual layout reads the signed-in user).
            page = UNAVAILABLE_PAGE.format(title=escape(_("Temporarily unavailable")), message=escape(message),
                                           lang="zh-CN" if current_locale_code() == "zh_CN" else "en")
            response = Response(page, mimetype="text/html")
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        from venture.extensions import db

        db.session.rollback()
        return error_response(500)
