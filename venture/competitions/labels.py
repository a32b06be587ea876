"""Labels of the competition enums, in the user's language.

Values of different enums can be equal strings ("draft", "midterm", ...), so
templates use the specific filters below rather than the shared ``label``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.competitions.models import BudgetGroup, CompetitionStatus, StageKind
from venture.labels import FILTERS, LABELS

COMPETITION_STATUS = {
    CompetitionStatus.DRAFT: _l("Draft"),
    CompetitionStatus.OPEN: _l("Open for applications"),
    CompetitionStatus.ARCHIVED: _l("Archived"),
}
STAGE_KIND = {
    StageKind.APPLICATION: _l("Application window"),
    StageKind.SCREENING: _l("Eligibility screening"),
    StageKind.ONLINE_REVIEW: _l("Online expert review"),
    StageKind.ROADSHOW: _l("Roadshow"),
    StageKind.PUBLICITY: _l("Public notice"),
    StageKind.AGREEMENT: _l("Agreement"),
    StageKind.IMPLEMENTATION: _l("Implementation"),
    StageKind.MIDTERM: _l("Mid-term evaluation"),
    StageKind.FINAL: _l("Final evaluation"),
}
BUDGET_GROUP = {
    BudgetGroup.ACTIVITY: _l("Activity costs"),
    BudgetGroup.MANAGEMENT: _l("Management costs"),
    BudgetGroup.TAX: _l("Taxes"),
}


def _lookup(table: dict):
    def label(value) -> str:
        if value is None:
            return ""
        found = table.get(value)
        return str(found) if found is not None else str(getattr(value, "value", value))

    return label


competition_status_label = _lookup(COMPETITION_STATUS)
stage_label = _lookup(STAGE_KIND)
group_label = _lookup(BUDGET_GROUP)

LABELS.update(COMPETITION_STATUS)
LABELS.update(STAGE_KIND)
LABELS.update(BUDGET_GROUP)
FILTERS.update({"competition_status": competition_status_label, "stage_label": stage_label,
                "group_label": group_label})

# enum type -> its own table, so equal values of different enums never mix
BY_TYPE: dict = {CompetitionStatus: COMPETITION_STATUS, StageKind: STAGE_KIND, BudgetGroup: BUDGET_GROUP}


def label_of(value) -> str:
    """The label of an enum member, looked up in its own enum's table."""
    table = BY_TYPE.get(type(value))
    if table is not None:
        return _lookup(table)(value)
    from venture.labels import label

    return label(value)
