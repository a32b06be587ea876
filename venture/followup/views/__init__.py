"""The follow-up's pages: dashboards, the project page, reports, evaluations."""

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/followup")

from venture.followup import home  # noqa: E402,F401  (home-page panels)
from venture.followup.views import dashboard, disputes, evaluations, projects, reports  # noqa: E402,F401
