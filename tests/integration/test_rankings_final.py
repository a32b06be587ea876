"""Advancement, the weighted final ranking and the funding line, on a hand-checked case."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from venture.competitions.models import AdvanceRule, FundingMode, StageKind
from venture.errors import ValidationError
from venture.extensions import db
from venture.rankings import services
from venture.rankings.compute import compute_stage_snapshot
from venture.rankings.models import FundingOutcome, ResultSnapshot

ONLINE = {"A": 30, "B": 35, "C": 25, "D": 20, "E": 33}
ROADSHOW = {"A": 38, "B": 30, "E": 32}
REQUESTED = {"A": 60_000, "B": 30_000, "C": 10_000, "D": 10_000, "E": 50_000}


def _sheet_scores(total: int) -> dict:
    """Scores on the small rubric (10 + 10 + 20) adding up to ``total``."""
    need = min(10, total // 4)
    design = min(10, (total - need) // 3)
    return {"需求": need, "设计": design, "效益": total - need - design}


def _competition(make, mode=FundingMode.SKIP):
    organizer = make.organizer()
    comp = make.competition(
        organizer=organizer, categories=(("为老服务", 100_000),), funding_mode=mode
    )
    make.small_rubric(comp, "online_review")
    make.small_rubric(comp, "roadshow")
    online, roadshow = comp.stage(StageKind.ONLINE_REVIEW), comp.stage(StageKind.ROADSHOW)
    online.advance_rule, online.advance_top_n = AdvanceRule.TOP_N, 3
    db.session.commit()
    org = make.organization()
    apps = {
        name: make.application(
            comp, org, status="passed", requested_fen=REQUESTED[name], project_name=f"项目{name}"
        )
        for name in "ABCDE"
    }
    judges = [make.judge_with_profile() for _ in range(3)]
    for name, total in ONLINE.items():
        for judge in judges:
            make.sheet(online, apps[name], judge, _sheet_scores(total))
    return organizer, comp, online, roadshow, apps, judges


def _score_roadshow(make, roadshow, apps, judges):
    for name, total in ROADSHOW.items():
        for judge in judges:
            make.sheet(roadshow, apps[name], judge, _sheet_scores(total))


def test_online_review_marks_the_shortlist(app_ctx, make):
    organizer, _comp, online, _roadshow, apps, _judges = _competition(make)
    snapshot = db.session.get(
        ResultSnapshot, compute_stage_snapshot(online.id, actor_id=organizer.id)
    )
    advanced = {e.application_id for e in snapshot.entries if e.advanced}
    assert advanced == {apps["B"].id, apps["E"].id, apps["A"].id}  # top 3: 35, 33, 30
    assert services.shortlist(online) == [apps["B"].id, apps["E"].id, apps["A"].id]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # A 34.80 funded (40,000 left); E 50,000 does not fit; B 30,000 fits when skipping.
        (
            FundingMode.SKIP,
            {"A": ("funded", 60_000), "E": ("waitlist", 0), "B": ("funded", 30_000)},
        ),
        (FundingMode.STOP, {"A": ("funded", 60_000), "E": ("waitlist", 0), "B": ("waitlist", 0)}),
    ],
)
def test_final_combines_stages_and_draws_the_funding_line(app_ctx, make, mode, expected):
    organizer, comp, online, roadshow, apps, judges = _competition(make, mode)
    compute_stage_snapshot(online.id)
    _score_roadshow(make, roadshow, apps, judges)
    compute_stage_snapshot(roadshow.id)
    final = services.build_final_snapshot(comp, organizer)
    entries = {e.application_id: e for e in final.entries}
    name_of = {a.id: n for n, a in apps.items()}
    ranked = [
        (name_of[e.application_id], str(e.score), e.rank)
        for e in final.entries
        if e.rank is not None
    ]
    # 0.4 × online + 0.6 × roadshow: A 12 + 22.8, E 13.2 + 19.2, B 14 + 18
    assert ranked == [("A", "34.80", 1), ("E", "32.40", 2), ("B", "32.00", 3)]
    for name, (outcome, fen) in expected.items():
        assert (entries[apps[name].id].funding, entries[apps[name].id].funded_fen) == (
            FundingOutcome(outcome),
            fen,
        )
    for name in "CD":  # not at the roadshow: listed apart, not funded
        entry = entries[apps[name].id]
        assert entry.rank is None and entry.score is None and entry.flags == ["incomplete_stages"]
        assert entry.funding == FundingOutcome.NOT_FUNDED
    remaining = final.diagnostics["remaining"][str(comp.categories[0].id)]
    assert remaining == (10_000 if mode == FundingMode.SKIP else 40_000)
    assert entries[apps["A"].id].details["stages"] == {
        "online_review": "30.00",
        "roadshow": "38.00",
    }

    again = services.build_final_snapshot(comp, organizer)
    assert again.input_digest == final.input_digest  # same sources, weights and budgets
    comp.categories[0].budget_fen = 120_000
    db.session.commit()
    assert services.build_final_snapshot(comp, organizer).input_digest != final.input_digest


def test_final_needs_both_snapshots_and_weights_adding_up(app_ctx, make):
    organizer, comp, online, roadshow, _apps, _judges = _competition(make)
    compute_stage_snapshot(online.id)
    with pytest.raises(ValidationError) as missing:
        services.build_final_snapshot(comp, organizer)
    assert "请先计算路演" in str(missing.value.message)
    roadshow.weight = Decimal("0.5")
    db.session.commit()
    with pytest.raises(ValidationError) as weights:
        services.build_final_snapshot(comp, organizer)
    assert "当前为 90%" in str(weights.value.message)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(ResultSnapshot.id)).where(ResultSnapshot.kind == "final")
        )
        == 0
    )


def test_tie_break_chain_separates_equal_scores(app_ctx, make):
    organizer, comp, online, _roadshow, apps, judges = _competition(make)
    extra = make.application(comp, apps["A"].organization, status="passed", requested_fen=5_000)
    for judge in judges:  # the same 30 as A, asking less
        make.sheet(online, extra, judge, _sheet_scores(30))
    snapshot = db.session.get(ResultSnapshot, compute_stage_snapshot(online.id))
    tied = {
        e.application_id: e.overall_rank
        for e in snapshot.entries
        if e.application_id in (apps["A"].id, extra.id)
    }
    assert tied[apps["A"].id] == tied[extra.id] == 3  # equal, listed by code

    online.tie_breaks = [{"kind": "requested_amount"}]
    db.session.commit()
    snapshot = db.session.get(ResultSnapshot, compute_stage_snapshot(online.id))
    tied = {
        e.application_id: e.overall_rank
        for e in snapshot.entries
        if e.application_id in (apps["A"].id, extra.id)
    }
    assert tied == {extra.id: 3, apps["A"].id: 4}  # the lower amount first
    assert snapshot.params["tie_breaks"] == [{"kind": "requested_amount"}]


def test_demo_seeder_computes_gy2025_once(app_ctx, make):
    from venture.db import utcnow
    from venture.demo import rankings as demo

    assert demo.seed() is False  # nothing to rank yet
    organizer, comp, online, roadshow, apps, judges = _competition(make)
    comp.code_prefix = "GY2025"
    comp.results_final_at = utcnow()
    db.session.commit()
    assert demo.seed() is False  # the roadshow has no sheets yet
    _score_roadshow(make, roadshow, apps, judges)
    assert demo.seed() is True
    kinds = sorted(str(s.kind) for s in db.session.scalars(sa.select(ResultSnapshot)))
    assert kinds == ["final", "stage", "stage"]
    assert comp.results_final_at is not None  # the story's lock is back
    assert demo.seed() is False  # idempotent
