"""Labels of the results domain's stored values (imported by its views)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.labels import LABELS
from venture.rankings.models import FundingOutcome
from venture.results.models import ObjectionStatus, ObjectorKind, PublicationStatus

LABELS.update(
    {
        PublicationStatus.PROPOSED: _l("Proposed (not public yet)"),
        PublicationStatus.PUBLICITY: _l("On public notice"),
        PublicationStatus.FINAL: _l("Final results"),
        ObjectionStatus.OPEN: _l("Not answered yet"),
        ObjectionStatus.UPHELD: _l("Upheld"),
        ObjectionStatus.DISMISSED: _l("Dismissed"),
        ObjectorKind.PERSON: _l("As a person"),
        ObjectorKind.ORGANIZATION: _l("On behalf of an organization"),
        FundingOutcome.FUNDED: _l("Funded"),
        FundingOutcome.WAITLIST: _l("Waiting list"),
        FundingOutcome.NOT_FUNDED: _l("Not funded"),
    }
)
