"""Demo rankings: for GY2025 and CD2026 (both past their roadshow), the online review
and roadshow computed, the shortlist marked, and the final ranking with its funding
line, dated two days after the roadshow closed (before the public notice that was
published from them). WCT2026 is left for the organizer to compute during the demo.

Runs the same code as the worker's task (``compute_stage_snapshot``) and the final
service, synchronously. Needs the judging seeder's sheets; without them it adds nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from venture.competitions.models import AdvanceRule, Competition, StageKind
from venture.extensions import db
from venture.judging.models import ScoreSheet, SheetStatus
from venture.rankings.models import ResultSnapshot

DEMO_COMPETITIONS = ("GY2025", "CD2026")
ORGANIZER = "organizer@demo.venture"


def seed() -> bool:
    added = False
    for prefix in DEMO_COMPETITIONS:
        competition = db.session.scalar(
            sa.select(Competition).where(Competition.code_prefix == prefix)
        )
        if competition is not None:
            added = _seed(competition) or added
    return added


def _seed(competition) -> bool:
    from venture.accounts.models import User
    from venture.rankings.compute import compute_stage_snapshot
    from venture.rankings.services import build_final_snapshot

    online, roadshow = (
        competition.stage(StageKind.ONLINE_REVIEW),
        competition.stage(StageKind.ROADSHOW),
    )
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
        _date_snapshots(competition, roadshow)
    finally:
        competition.results_final_at, competition.results_finalized_by_id = final_at, final_by
        db.session.commit()
    return True


def _date_snapshots(competition, roadshow) -> None:
    """The organizer computed them two days after the roadshow closed, half an hour
    apart in the order they were made (the newest is still the one in use)."""
    from datetime import timedelta

    from venture.demo.competition import local_at
    from venture.jobs.models import Job

    if roadshow.ends_at is None:
        return
    snapshots = db.session.scalars(
        sa.select(ResultSnapshot)
        .where(ResultSnapshot.competition_id == competition.id)
        .order_by(ResultSnapshot.created_at, ResultSnapshot.id)
    ).all()
    first = local_at(roadshow.ends_at, 2, 10)
    for i, snapshot in enumerate(snapshots):
        snapshot.created_at = first + timedelta(minutes=30 * i)
        job = db.session.get(Job, snapshot.job_id) if snapshot.job_id else None
        if job is not None:
            job.created_at = job.started_at = job.finished_at = snapshot.created_at
    db.session.commit()


def _has_snapshot(competition: Competition) -> bool:
    return (
        db.session.scalar(
            sa.select(ResultSnapshot.id)
            .where(ResultSnapshot.competition_id == competition.id)
            .limit(1)
        )
        is not None
    )


def _submitted(stage_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(ScoreSheet.id)).where(
                ScoreSheet.stage_id == stage_id, ScoreSheet.status == SheetStatus.SUBMITTED
            )
        )
        or 0
    )


def _shortlist_rule(online, roadshow) -> None:
    """Without a rule set, shortlist as many per category as the roadshow heard."""
    if online.advance_rule != AdvanceRule.NONE:
        return
    from venture.applications.models import Application

    per_category = db.session.execute(
        sa.select(Application.category_id, sa.func.count(sa.distinct(ScoreSheet.application_id)))
        .join(Application, Application.id == ScoreSheet.application_id)
        .where(ScoreSheet.stage_id == roadshow.id)
        .group_by(Application.category_id)
    ).all()
    top = max((count for _category, count in per_category), default=0)
    if top:
        online.advance_rule, online.advance_top_n = AdvanceRule.TOP_N, top
        db.session.commit()
