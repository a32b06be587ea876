"""The judging pages: judges' dashboard and sheets, the organizer's pool, panels,
assignment, progress and the live roadshow."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("judging", __name__, url_prefix="/judging")

from venture.judging.home import judge_panel  # noqa: E402
from venture.judging.views import (  # noqa: E402,F401  (routes register on bp)
    helpers,
    manage,
    pool,
    roadshow,
    sheets,
)
from venture.main.views import HOME_PANELS  # noqa: E402

if judge_panel not in HOME_PANELS:
    HOME_PANELS.append(judge_panel)
