"""Labels of the follow-up's enums (added to venture.labels.LABELS at import)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.competitions.models import ReportPeriod
from venture.followup.models import (
    DisputeStatus,
    DisputeStep,
    EvaluationKind,
    EvaluationStatus,
    LiaisonStatus,
    ProjectStatus,
    ReportStatus,
    TrancheCondition,
    TrancheStatus,
)
from venture.labels import LABELS, EnumLabels
from venture.orgs.models import Qualification

# Pairs in an EnumLabels, not dict literals: equal values of different enums
# (TrancheStatus.PENDING and LiaisonStatus.PENDING are both "pending") would merge.
FOLLOWUP_LABELS = EnumLabels()
FOLLOWUP_LABELS.update(
    [
        (ReportPeriod.MONTHLY, _l("Monthly")),
        (ReportPeriod.QUARTERLY, _l("Quarterly")),
        (ProjectStatus.AGREEMENT, _l("Awaiting agreement")),
        (ProjectStatus.ACTIVE, _l("Being implemented")),
        (ProjectStatus.SUSPENDED, _l("Suspended")),
        (ProjectStatus.TERMINATED, _l("Terminated")),
        (ProjectStatus.CLOSED, _l("Closed with a grade")),
        (TrancheCondition.SIGNING, _l("On signing")),
        (TrancheCondition.MIDTERM_PASSED, _l("After a passed mid-term evaluation")),
        (TrancheCondition.FINAL_PASSED, _l("After a passed final evaluation")),
        (TrancheStatus.PENDING, _l("Not released")),
        (TrancheStatus.RELEASED, _l("Released")),
        (TrancheStatus.CANCELLED, _l("Cancelled")),
        (ReportStatus.DUE, _l("Not submitted")),
        (ReportStatus.SUBMITTED, _l("Submitted")),
        (LiaisonStatus.PENDING, _l("Waiting for the community")),
        (LiaisonStatus.CONFIRMED, _l("Confirmed by the community")),
        (LiaisonStatus.DISPUTED, _l("Disputed by the community")),
        (DisputeStatus.OPEN, _l("Waiting for the organization's answer")),
        (DisputeStatus.ANSWERED, _l("Answered; waiting for the community")),
        (DisputeStatus.KEPT, _l("Kept by the community; waiting for the organizer")),
        (DisputeStatus.RESOLVED, _l("Resolved: confirmed by the community")),
        (DisputeStatus.UPHELD, _l("Upheld: the activity is not counted")),
        (DisputeStatus.DISMISSED, _l("Dismissed: the activity is confirmed")),
        (DisputeStep.OPENED, _l("The community disputed the activity")),
        (DisputeStep.ANSWERED, _l("The organization answered")),
        (DisputeStep.CONFIRMED, _l("The community confirmed the activity")),
        (DisputeStep.KEPT, _l("The community kept the dispute")),
        (DisputeStep.UPHELD, _l("The organizer upheld the dispute")),
        (DisputeStep.DISMISSED, _l("The organizer dismissed the dispute")),
        (EvaluationKind.MIDTERM, _l("Mid-term evaluation")),
        (EvaluationKind.FINAL, _l("Final evaluation")),
        (EvaluationStatus.OPEN, _l("Waiting for the self-assessment")),
        (EvaluationStatus.SUBMITTED, _l("Being evaluated")),
        (EvaluationStatus.PASSED, _l("Passed")),
        (EvaluationStatus.FAILED, _l("Not passed")),
    ]
)
LABELS.update(FOLLOWUP_LABELS)  # its keys already tell the enums apart

# The organizations domain owns these; the follow-up shows them on project teams.
for _value, _text in (
    (Qualification.ASSISTANT, _l("Assistant social worker")),
    (Qualification.SOCIAL_WORKER, _l("Social worker")),
    (Qualification.SENIOR, _l("Senior social worker")),
    (Qualification.NONE, _l("No qualification")),
):
    LABELS.setdefault(_value, _text)

# Colours of status badges (Bootstrap text-bg-*).
BADGES = EnumLabels()
BADGES.update(
    [
        (ProjectStatus.AGREEMENT, "warning"),
        (ProjectStatus.ACTIVE, "primary"),
        (ProjectStatus.SUSPENDED, "danger"),
        (ProjectStatus.TERMINATED, "dark"),
        (ProjectStatus.CLOSED, "success"),
        (EvaluationStatus.OPEN, "light"),
        (EvaluationStatus.SUBMITTED, "info"),
        (EvaluationStatus.PASSED, "success"),
        (EvaluationStatus.FAILED, "danger"),
        (LiaisonStatus.PENDING, "light"),
        (LiaisonStatus.CONFIRMED, "success"),
        (LiaisonStatus.DISPUTED, "danger"),
        (DisputeStatus.OPEN, "danger"),
        (DisputeStatus.ANSWERED, "warning"),
        (DisputeStatus.KEPT, "danger"),
        (DisputeStatus.RESOLVED, "success"),
        (DisputeStatus.UPHELD, "dark"),
        (DisputeStatus.DISMISSED, "success"),
        (TrancheStatus.PENDING, "light"),
        (TrancheStatus.RELEASED, "success"),
        (TrancheStatus.CANCELLED, "secondary"),
        (ReportStatus.DUE, "warning"),
        (ReportStatus.SUBMITTED, "success"),
    ]
)
