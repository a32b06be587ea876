"""The judging demo seeder, on a small stand-in for the earlier seeders' story."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from statistics import mean

import sqlalchemy as sa

from venture.competitions.models import StageKind
from venture.db import utcnow
from venture.extensions import db
from venture.judging.models import (
    Assignment,
    Conflict,
    ConflictSource,
    RoadshowSession,
    RoadshowStatus,
    ScoreSheet,
    SheetStatus,
)
from venture.judging.services.sheets import stage_sheet_totals


def _story(make):
    from venture.demo import people

    people.seed()
    db.session.commit()
    now = utcnow()
    past = {
        kind: (now - timedelta(days=400 - 20 * i), now - timedelta(days=390 - 20 * i))
        for i, kind in enumerate(
            [
                "application",
                "screening",
                "online_review",
                "roadshow",
                "publicity",
                "agreement",
                "implementation",
                "midterm",
                "final",
            ]
        )
    }
    gy = make.competition(code_prefix="GY2025", stages=past)
    current = dict(past)
    current["online_review"] = (now - timedelta(days=20), now - timedelta(days=5))
    current["roadshow"] = (now - timedelta(days=1), now + timedelta(days=5))
    wct = make.competition(code_prefix="WCT2026", stages=current)
    for comp, n in ((gy, 20), (wct, 12)):
        for i in range(n):
            make.application(
                comp, make.organization(), status="passed", category=comp.categories[i % 2]
            )
    return gy, wct


def test_demo_seed_builds_finished_reviews_and_roadshows(app_ctx, make):
    from venture.demo import judging

    gy, wct = _story(make)
    assert judging.seed() is True
    db.session.commit()

    review = gy.stage(StageKind.ONLINE_REVIEW)
    rows = list(db.session.scalars(sa.select(Assignment).where(Assignment.stage_id == review.id)))
    per_app = Counter(r.application_id for r in rows if not r.is_anchor)
    assert set(per_app.values()) == {5}
    assert len({r.application_id for r in rows if r.is_anchor}) == 2
    sheets = list(db.session.scalars(sa.select(ScoreSheet).where(ScoreSheet.stage_id == review.id)))
    assert len(sheets) == len(rows) and all(s.status == SheetStatus.SUBMITTED for s in sheets)
    totals = stage_sheet_totals(review)
    harsh = db.session.scalar(
        sa.text("SELECT id FROM \"user\" WHERE email = 'judge7@demo.venture'")
    )
    harsh_mean = mean(float(t.total) for t in totals if t.judge_id == harsh)
    others = mean(float(t.total) for t in totals if t.judge_id != harsh)
    assert 4 < others - harsh_mean < 12
    assert (
        db.session.scalar(sa.select(Conflict).where(Conflict.source == ConflictSource.DETECTED))
        is not None
    )

    finished = db.session.scalar(
        sa.select(RoadshowSession).where(
            RoadshowSession.stage_id == gy.stage(StageKind.ROADSHOW).id
        )
    )
    assert finished.status == RoadshowStatus.CLOSED and len(finished.slots) == 16
    assert (
        db.session.scalar(
            sa.select(sa.func.count(ScoreSheet.id)).where(ScoreSheet.stage_id == finished.stage_id)
        )
        == 16 * 6
    )  # the whole panel of six scores every project

    today = db.session.scalar(
        sa.select(RoadshowSession).where(
            RoadshowSession.stage_id == wct.stage(StageKind.ROADSHOW).id
        )
    )
    assert today.status == RoadshowStatus.SCHEDULED and len(today.slots) == 10
    wct_totals = stage_sheet_totals(wct.stage(StageKind.ONLINE_REVIEW))
    spread = {}
    for t in wct_totals:
        spread.setdefault(t.application_id, []).append(float(t.total))
    assert any(max(v) - min(v) > 20 for v in spread.values())  # disagreement flags will appear

    assert judging.seed() is False  # idempotent
    db.session.commit()
    assert db.session.scalar(
        sa.select(sa.func.count(Assignment.id)).where(Assignment.stage_id == review.id)
    ) == len(rows)
