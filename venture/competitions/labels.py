"""Labels of the competition enums, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.competitions.models import BudgetGroup, CompetitionStatus, StageKind
from venture.labels import LABELS

LABELS.update({
    CompetitionStatus.DRAFT: _l("Draft"),
    CompetitionStatus.OPEN: _l("Open"),
    CompetitionStatus.ARCHIVED: _l("Archived"),
    StageKind.APPLICATION: _l("Application window"),
    StageKind.SCREENING: _l("Eligibility screening"),
    StageKind.ONLINE_REVIEW: _l("Online expert review"),
    StageKind.ROADSHOW: _l("Roadshow"),
    StageKind.PUBLICITY: _l("Public notice"),
    StageKind.AGREEMENT: _l("Agreement"),
    StageKind.IMPLEMENTATION: _l("Implementation"),
    StageKind.MIDTERM: _l("Mid-term evaluation"),
    StageKind.FINAL: _l("Final evaluation"),
    BudgetGroup.ACTIVITY: _l("Activity costs"),
    BudgetGroup.MANAGEMENT: _l("Management costs"),
    BudgetGroup.TAX: _l("Taxes"),
})
