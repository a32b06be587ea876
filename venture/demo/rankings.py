"""Demo rankings: GY2025's online review and roadshow computed, the shortlist marked,
and the final ranking with its funding line. WCT2026 is left for the organizer to
compute during the demo.

Runs the same code as the worker's task (``compute_stage_snapshot``) and the final
service, synchronously. Needs the judging seeder's sheets; without them it adds nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from venture.competitions.models import AdvanceRule, Competition, StageKind
from venture.extensions import db
from venture.judging.models import ScoreSheet, SheetStatus
from venture.rankings.models import ResultSnapshot

DEMO_COMPETITION = "GY2025"
ORGANIZER = "organizer@demo.venture"


def seed() -> bool:
    from venture.accounts.models import User
    from venture.rankings.compute import compute_stage_snapshot
    from venture.rankings.services import build_final_snapshot

    competition = db.session.scalar(sa.select(Competition).where(Competition.code_prefix == DEMO_COMPETITION))
    if competition is None:
        return False
    online, roadshow = competition.stage(StageKind.ONLINE_REVIEW), competition.stage(StageKind.ROADSHOW)
    if online is None or roadshow is None or _has_snapshot(competition):
        return False
    if not _submitted(online.id) or not _submitted(roadshow.id):
        return False
    organizer = db.session.scalar(sa.select(User).where(User.email == ORGANIZER))
    final_at, final_by = competition.results_final_at, competition.results_finalized_by_id
    # The story's results are final; the snapshots they were published from come first.
    competition.results_final_at = None
    db.session.commit()
    try:
        _shortlist_rule(online, roadshow)
        actor_id = organizer.id if organizer else None
        compute_stage_snapshot(online.id, actor_id=actor_id)
        compute_stage_snapshot(roadshow.id, actor_id=actor_id)
        build_final_snapshot(competition, organizer)
    finally:
        competition.results_final_at, competition.results_finalized_by_id = final_at, final_by
        db.session.commit()
    return True


def _has_snapshot(competition: Competition) -> bool:
    return db.session.scalar(
        sa.select(ResultSnapshot.id).where(ResultSnapshot.competition_id == competition.id).limit(1)) is not None


def _submitted(stage_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(ScoreSheet.id)).where(
        ScoreSheet.stage_id == stage_id, ScoreSheet.status == SheetStatus.SUBMITTED)) or 0


def _shortlist_rule(online, roadshow) -> None:
    """Without a rule set, shortlist as many per category as the roadshow heard."""
    if online.advance_rule != AdvanceRule.NONE:
        return
    from venture.applications.models import Application

    per_category = db.session.execute(
        sa.select(Application.category_id, sa.func.count(sa.distinct(ScoreSheet.application_id)))
        .join(Application, Application.id == ScoreSheet.application_id)
        .where(ScoreSheet.stage_id == roadshow.id).group_by(Application.category_id)).all()
    top = max((count for _category, count in per_category), default=0)
    if top:
        online.advance_rule, online.advance_top_n = AdvanceRule.TOP_N, top
        db.session.commit()
