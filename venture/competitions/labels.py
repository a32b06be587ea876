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


# What the status means today (competitions.gates.competition_phase): an open competition
# is "open for applications" only while its application window is.
PHASE = {
    "draft": _l("Draft"),
    "upcoming": _l("Applications open soon"),
    "applications": _l("Open for applications"),
    "selection": _l("Applications closed: selection under way"),
    "public_notice": _l("Public notice under way"),
    "results_final": _l("Results final"),
    "follow_up": _l("Results final: projects under way"),
    "archived": _l("Archived"),
}


def competition_phase_label(competition) -> str:
    """The filter ``competition_phase``: the competition's status as it is now."""
    from venture.competitions.gates import competition_phase

    return str(PHASE[competition_phase(competition)])


def current_stage_label(competition) -> str:
    """The filter ``current_stage``: the stage the competition is in now ("" between stages)."""
    from venture.competitions.gates import current_stage

    stage = current_stage(competition)
    return stage_label(stage.kind) if stage is not None else ""


def stage_reality(stage) -> list[str]:
    """The filter ``stage_reality``: how the real opening and closing differ from the plan,
    e.g. "planned to close 5月10日, closed early on 5月8日"."""
    from flask_babel import gettext as _

    from venture.templating import format_local

    notes = []
    if (
        stage.actual_opens_at is not None
        and stage.starts_at is not None
        and stage.actual_opens_at != stage.starts_at
    ):
        notes.append(
            _(
                "planned to open %(plan)s, opened on %(actual)s",
                plan=format_local(stage.starts_at),
                actual=format_local(stage.actual_opens_at),
            )
        )
    if stage.actual_closes_at is not None and stage.actual_closes_at != stage.ends_at:
        if stage.ends_at is None:
            notes.append(_("closed on %(actual)s", actual=format_local(stage.actual_closes_at)))
        elif stage.actual_closes_at < stage.ends_at:
            notes.append(
                _(
                    "planned to close %(plan)s, closed early on %(actual)s",
                    plan=format_local(stage.ends_at),
                    actual=format_local(stage.actual_closes_at),
                )
            )
        else:
            notes.append(
                _(
                    "planned to close %(plan)s, extended to %(actual)s",
                    plan=format_local(stage.ends_at),
                    actual=format_local(stage.actual_closes_at),
                )
            )
    return notes


def closes_for(stage, user):
    """The filter ``closes_for``: when the stage closes for this person (their extension)."""
    from venture.competitions.gates import closes_at_for

    return closes_at_for(stage, user=user)


competition_status_label = _lookup(COMPETITION_STATUS)
stage_label = _lookup(STAGE_KIND)
group_label = _lookup(BUDGET_GROUP)

LABELS.update(COMPETITION_STATUS)
LABELS.update(STAGE_KIND)
LABELS.update(BUDGET_GROUP)
FILTERS.update(
    {
        "competition_status": competition_status_label,
        "stage_label": stage_label,
        "group_label": group_label,
        "competition_phase": competition_phase_label,
        "current_stage": current_stage_label,
        "stage_reality": stage_reality,
        "closes_for": closes_for,
    }
)

# enum type -> its own table, so equal values of different enums never mix
BY_TYPE: dict = {
    CompetitionStatus: COMPETITION_STATUS,
    StageKind: STAGE_KIND,
    BudgetGroup: BUDGET_GROUP,
}


def label_of(value) -> str:
    """The label of an enum member, looked up in its own enum's table."""
    table = BY_TYPE.get(type(value))
    if table is not None:
        return _lookup(table)(value)
    from venture.labels import label

    return label(value)
