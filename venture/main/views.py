"""The home page (each role's starting point) and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from venture.main import queries
from venture.policy import public

bp = Blueprint("main", __name__)

# Domains add what each role sees first on the home page: a list of callables
# (user) -> dict | None, each giving a template fragment and its context.
HOME_PANELS: list = []


@bp.route("/")
@public
def index():
    panels = []
    for panel in HOME_PANELS:
        result = panel(current_user)
        if result:
            panels.append(result)
    return render_template("main/index.html", panels=panels)


@bp.route("/healthz")
@public
def healthz():
    queries.ping_database()
    return jsonify({"status": "ok"})
