"""The organizer's view of a stage's progress, and reminders to judges who are behind."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from venture.accounts.models import User
from venture.applications.models import Application
from venture.audit.services import record
from venture.competitions.models import Stage
from venture.db import service
from venture.extensions import db
from venture.judging.models import Assignment, AssignmentStatus, ScoreSheet, SheetStatus
from venture.judging.services.common import external
from venture.notices.services import notify
from venture.templating import format_local


@dataclass
class JudgeProgress:
    judge: User
    assigned: int
    drafted: int
    submitted: int

    @property
    def behind(self) -> bool:
        return self.submitted < self.assigned


@dataclass
class ApplicationProgress:
    application: Application
    assigned: int
    submitted: int
    needed: int


def _sheet_counts(stage: Stage, key):
    rows = db.session.execute(
        sa.select(key, ScoreSheet.status, sa.func.count(ScoreSheet.id))
        .join(
            Assignment,
            sa.and_(
                Assignment.stage_id == ScoreSheet.stage_id,
                Assignment.application_id == ScoreSheet.application_id,
                Assignment.judge_id == ScoreSheet.judge_id,
                Assignment.status == AssignmentStatus.ACTIVE,
            ),
        )
        .where(ScoreSheet.stage_id == stage.id)
        .group_by(key, ScoreSheet.status)
    )
    counts: dict = {}
    for ident, status, n in rows:
        counts.setdefault(ident, {})[status] = n
    return counts


def judge_progress(stage: Stage) -> list[JudgeProgress]:
    assigned = db.session.execute(
        sa.select(User, sa.func.count(Assignment.id))
        .join(Assignment, Assignment.judge_id == User.id)
        .where(Assignment.stage_id == stage.id, Assignment.status == AssignmentStatus.ACTIVE)
        .group_by(User.id)
        .order_by(User.name, User.id)
    ).all()
    sheets = _sheet_counts(stage, ScoreSheet.judge_id)
    return [
        JudgeProgress(
            judge,
            n,
            sheets.get(judge.id, {}).get(SheetStatus.DRAFT, 0),
            sheets.get(judge.id, {}).get(SheetStatus.SUBMITTED, 0),
        )
        for judge, n in assigned
    ]


def application_progress(stage: Stage) -> list[ApplicationProgress]:
    assigned = db.session.execute(
        sa.select(Application, sa.func.count(Assignment.id))
        .join(Assignment, Assignment.application_id == Application.id)
        .where(Assignment.stage_id == stage.id, Assignment.status == AssignmentStatus.ACTIVE)
        .group_by(Application.id)
        .order_by(Application.code, Application.id)
    ).all()
    sheets = _sheet_counts(stage, ScoreSheet.application_id)
    return [
        ApplicationProgress(
            app,
            n,
            sheets.get(app.id, {}).get(SheetStatus.SUBMITTED, 0),
            max(n, stage.judges_per_application),
        )
        for app, n in assigned
    ]


@service
def remind_judges(stage: Stage, actor: User) -> int:
    """One reminder per judge who has sheets left to submit."""
    behind = [row for row in judge_progress(stage) if row.behind and row.judge.active]
    for row in behind:
        notify(
            row.judge,
            "judge_reminder",
            link=external("judging.dashboard"),
            competition_id=stage.competition_id,
            remaining=row.assigned - row.submitted,
            assigned=row.assigned,
            stage=stage,
            competition=stage.competition,
            deadline=format_local(stage.ends_at),
        )
    record("judging.remind", stage, actor=actor, changes={"judges": [r.judge.id for r in behind]})
    return len(behind)
