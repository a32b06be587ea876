"""The results demo seeder: GY2025 published, objected to, answered and final; idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from venture.competitions.models import StageKind
from venture.extensions import db
from venture.notices.models import Notice
from venture.results.models import (
    Decision,
    Objection,
    ObjectionStatus,
    Publication,
    PublicationStatus,
)


def test_seeder_needs_a_final_snapshot_then_publishes_once(make):
    from venture.demo import results as demo

    assert demo.seed() is False  # no GY2025 at all
    past = datetime(2025, 3, 1, tzinfo=UTC)
    stages, start = {}, past
    for kind in StageKind:
        stages[kind.value] = (start, start + timedelta(days=20))
        start += timedelta(days=25)
    comp = make.competition(code_prefix="GY2025", stages=stages, year=2025)
    assert demo.seed() is False  # no FINAL snapshot yet: nothing is created
    assert db.session.scalar(sa.select(sa.func.count(Publication.id))) == 0

    member = make.applicant()
    apps = [
        make.application(
            comp,
            make.organization(members=[member] if i == 0 else ()),
            status="passed",
            requested_fen=5_000_000,
        )
        for i in range(4)
    ]
    make.final_snapshot(
        comp,
        [
            (apps[0], "91.20", "funded", 5_000_000),
            (apps[1], "88.00", "funded", 5_000_000),
            (apps[2], "80.15", "waitlist", None),
            (apps[3], "70.00", "not_funded", None),
        ],
    )
    assert demo.seed() is True
    db.session.expire_all()
    publication = db.session.scalar(sa.select(Publication))
    assert publication.status == PublicationStatus.FINAL
    assert comp.results_final_at is not None and comp.results_final_at < datetime.now(
        comp.results_final_at.tzinfo
    )
    assert publication.publicity_starts_at == comp.stage(StageKind.PUBLICITY).starts_at
    objections = list(db.session.scalars(sa.select(Objection).order_by(Objection.id)))
    assert [o.status for o in objections] == [
        ObjectionStatus.UPHELD,
        ObjectionStatus.DISMISSED,
        ObjectionStatus.DISMISSED,
    ]
    assert all(o.reply and o.answered_at < comp.results_final_at for o in objections)
    changed = db.session.get(Decision, objections[0].changed_decision_id)
    assert (
        changed.differs_from_line
        and changed.approved_fen == 4_400_000
        and "固定资产" in changed.reason
    )
    notices = db.session.scalar(sa.select(sa.func.count(Notice.id)))
    assert notices > 0

    assert demo.seed() is False  # idempotent: nothing added, nothing re-sent
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == notices
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 3
