"""Routes of the organizations domain: one blueprint, routes by audience in submodules."""

from __future__ import annotations

from flask import Blueprint

from venture.orgs import labels

bp = Blueprint("orgs", __name__)
bp.add_app_template_filter(labels.orglabel, "orglabel")

from venture.orgs.views import admin, areas, home, organizations, workers  # noqa: E402,F401
