"""Labels of the judging enums (the stage kinds are labelled once, in venture.competitions.labels)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

import venture.competitions.labels  # noqa: F401  (the one table of stage kind labels)
from venture.competitions.models import AdvanceRule, PanelMode
from venture.judging.models import (
    AssignmentStatus,
    ConflictSource,
    Recommendation,
    RoadshowStatus,
    SheetStatus,
    SlotStatus,
    TieKind,
)
from venture.labels import LABELS

# Pairs, not a dict literal: equal values of different enums (RoadshowStatus.CLOSED and
# SlotStatus.CLOSED are both "closed") would merge into one key in a dict.
LABELS.update(
    [
        (TieKind.MEMBER, _l("Member")),
        (TieKind.BOARD, _l("Board member")),
        (TieKind.EMPLOYEE, _l("Employee")),
        (TieKind.CONSULTANT, _l("Consultant")),
        (TieKind.RELATIVE, _l("Relative works there")),
        (ConflictSource.DETECTED, _l("Detected")),
        (ConflictSource.DECLARED, _l("Declared by the judge")),
        (ConflictSource.ORGANIZER, _l("Recorded by the organizer")),
        (AssignmentStatus.ACTIVE, _l("Active")),
        (AssignmentStatus.REMOVED, _l("Removed")),
        (SheetStatus.DRAFT, _l("Draft")),
        (SheetStatus.SUBMITTED, _l("Submitted")),
        (Recommendation.FUND, _l("Fund")),
        (Recommendation.MAYBE, _l("Maybe")),
        (Recommendation.REJECT, _l("Do not fund")),
        (RoadshowStatus.SCHEDULED, _l("Scheduled")),
        (RoadshowStatus.LIVE, _l("Live")),
        (RoadshowStatus.CLOSED, _l("Ended")),
        (SlotStatus.WAITING, _l("Waiting")),
        (SlotStatus.PRESENTING, _l("Presenting now")),
        (SlotStatus.CLOSED, _l("Closed")),
    ]
)

for _kind, _text in {
    PanelMode.ALL: _l("All judges"),
    PanelMode.PER_CATEGORY: _l("One panel per category"),
}.items():
    LABELS.setdefault(_kind, _text)
for _kind, _text in {
    AdvanceRule.NONE: _l("No shortlist"),
    AdvanceRule.TOP_N: _l("Top N per category"),
    AdvanceRule.THRESHOLD: _l("Score at or above a threshold"),
}.items():
    LABELS.setdefault(_kind, _text)
