"""Final results lock a competition: no sheet, snapshot, decision or rubric of it may
change afterwards. Every service that changes one of those calls :func:`ensure_unlocked`
first; the refused attempt is audited in a transaction of its own.

The follow-up's mid-term and final evaluations happen after the results are final and
do not feed them: their stages, sheets and rubrics stay open (pass ``stage_kind``).
"""

from __future__ import annotations

from venture.audit.services import record_refusal
from venture.competitions.models import StageKind
from venture.errors import Locked


def ensure_unlocked(
    competition,
    *,
    action: str,
    object_type: str,
    object_id,
    actor=None,
    stage_kind: StageKind | None = None,
) -> None:
    if competition is not None and competition.is_locked_for(stage_kind):
        error = Locked()
        record_refusal(
            action,
            object_type=object_type,
            object_id=object_id,
            reason=str(error.message),
            actor=actor,
        )
        raise error
