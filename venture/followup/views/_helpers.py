"""Small helpers shared by the follow-up's views."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from venture.db import get_or_404
from venture.errors import DomainError, NotFound
from venture.followup import labels as _labels  # noqa: F401  (enum labels for the templates)
from venture.followup.forms import ConfirmForm
from venture.followup.queries import load_project


def project_or_404(project_id: int):
    project = load_project(project_id)
    if project is None:
        raise NotFound()
    return project


def check_csrf() -> None:
    """POST buttons carry only the CSRF token; refuse an expired form clearly."""
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("The form has expired. Reload the page and try again."))


def back_to_project(project_id: int, message: str | None = None, category: str = "success"):
    if message:
        flash(message, category)
    return redirect(url_for("followup.project", project_id=project_id))


def uploaded(name: str):
    """The uploaded file of a field, or None when nothing was chosen."""
    upload = request.files.get(name)
    return upload if upload is not None and upload.filename else None


__all__ = ["back_to_project", "check_csrf", "get_or_404", "project_or_404", "uploaded"]


def _register_template_helpers():
    from venture.followup.labels import BADGES
    from venture.followup.views import bp

    @bp.app_template_filter("followup_badge")
    def followup_badge(value) -> str:
        """The Bootstrap colour of a follow-up status badge."""
        return BADGES.get(value, "secondary")


_register_template_helpers()
