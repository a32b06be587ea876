"""The competitions pages. ``bp`` ("competitions"): the list and page applicants and the
public see, the organizer's list and overview. ``setup_bp`` ("competition_setup"): the
organizer's editor, one small page per section, and the stage controls of a running
competition. Both live under /competitions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competitions", __name__, url_prefix="/competitions")
setup_bp = Blueprint("competition_setup", __name__, url_prefix="/competitions")

from venture.competitions import labels as _labels  # noqa: E402,F401  (enum labels)
from venture.competitions.views import (  # noqa: E402,F401  (routes register on their blueprint)
    basics,
    manage,
    opening,
    public,
    rubrics,
    rules,
    stages,
)
