"""The organizer's reports: dashboards and charts, Excel exports, spreadsheet imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from venture.reports.views import dashboards, exports, imports  # noqa: E402,F401  (routes)
