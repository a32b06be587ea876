"""Small helpers shared by views: safe redirects, form re-rendering on domain errors."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, render_template, request
from werkzeug.routing import IntegerConverter

from venture.errors import DomainError
from venture.forms import COLUMN_MAX


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every URL: a number an id column holds. A larger one does not
    match the route (404) instead of reaching the database driver (SQLite's cannot bind
    a number beyond 64 bits)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", COLUMN_MAX)
        super().__init__(map, *args, **kwargs)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths are followed after login and similar steps."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return fallback


def attach_error(form, error: DomainError) -> None:
    """Show a domain error beside its field when it names one, else above the page (a
    flash message; also when there is no form)."""
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = list(field.errors or []) + [str(error.message)]
    else:
        flash(str(error.message), "danger")
        g.refusal_status = error.status  # the re-rendered page answers with the refusal's status


def render_form(template: str, form, status: int | None = None, **context):
    """Render a form page; a submitted form with errors answers 422, not 200."""
    if status is None:
        status = g.pop("refusal_status", None)
    if status is None:
        status = (
            422 if request.method == "POST" and (form.errors or _has_field_errors(form)) else 200
        )
    return render_template(template, form=form, **context), status


def _has_field_errors(form) -> bool:
    return any(f.errors for f in form)


class Outcome:
    """What ``attempt`` gives back: true when the service went through, with its result in
    ``value``; false after a refusal, with the refusal in ``error``."""

    __slots__ = ("value", "error")

    def __init__(self, value=None, error: DomainError | None = None):
        self.value = value
        self.error = error

    def __bool__(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        return self.error.status if self.error is not None else 200


def attempt(form, service, *args, **kwargs) -> Outcome:
    """The one way a view meets a refusal it wants to show on its own page: call one
    service; a ``DomainError`` is shown beside its field of ``form`` (or flashed above the
    page when ``form`` is None or names no such field) and the view goes on to re-render
    or redirect. A view that has nothing of its own to show lets the refusal propagate:
    the app's error handler renders it with its status (JSON under /api/)."""
    try:
        return Outcome(service(*args, **kwargs))
    except DomainError as error:
        attach_error(form, error)
        return Outcome(error=error)
