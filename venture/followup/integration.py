"""Where the follow-up meets other domains.

- the liaison's communities come from the organizations domain;
- conflicts of interest (回避) use the judging domain's detection;
- evaluators are assigned per evaluation as self-assessments come in (evaluations
  arrive one by one, so a stage-wide run would be too late for the first ones); the
  judging domain's assignment page also works for these stages through CANDIDATES;
- a submitted evaluator sheet decides the evaluation once every sheet is in.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from venture.extensions import db


def communities_of_liaison(user) -> set[int]:
    """Ids of the communities (areas) this user is the liaison of."""
    from venture.orgs.services import communities_of_liaison as liaison_areas

    if not getattr(user, "is_authenticated", False):
        return set()
    return {area.id for area in liaison_areas(user)}


def conflicted_judges(application, judge_ids) -> set[int]:
    """Judges among ``judge_ids`` who may not evaluate this application (回避)."""
    from venture.judging.services.conflicts import detect

    return {judge_id for _application_id, judge_id in detect(judge_ids, [application])}


def stage_pool(stage, category_id: int | None) -> list[int]:
    """The judges of a scoring stage: its panel (the category's panel, else the
    stage-wide one); with no panel set up, every active judge."""
    from venture.accounts.models import Role, User
    from venture.judging.models import Panel, panel_member

    panels = db.session.execute(
        sa.select(Panel.id, Panel.category_id).where(Panel.stage_id == stage.id)
    ).all()
    chosen = [pid for pid, cid in panels if cid == category_id and cid is not None] or [
        pid for pid, cid in panels if cid is None
    ]
    if chosen:
        ids = db.session.scalars(
            sa.select(panel_member.c.judge_id)
            .join(User, User.id == panel_member.c.judge_id)
            .where(panel_member.c.panel_id.in_(chosen), User.active.is_(True))
        )
    else:
        ids = db.session.scalars(
            sa.select(User.id).where(User.role == Role.JUDGE, User.active.is_(True))
        )
    return sorted(set(ids))


def _tiebreak(seed: int, application_id: int, judge_id: int) -> str:
    return hashlib.sha256(f"{seed}:{application_id}:{judge_id}".encode()).hexdigest()


def choose_evaluators(stage, application, k: int) -> tuple[list[int], list[int]]:
    """Pick judges for one application: (already assigned, newly chosen).

    Deterministic and balanced: the least loaded judges of the stage first, ties
    broken by a hash of the stage's seed, the application and the judge; conflicted
    judges are never chosen.
    """
    from venture.judging.models import Assignment, AssignmentStatus

    assigned = list(
        db.session.scalars(
            sa.select(Assignment.judge_id).where(
                Assignment.stage_id == stage.id,
                Assignment.application_id == application.id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
        )
    )
    wanted = max(k - len(assigned), 0)
    pool = [j for j in stage_pool(stage, application.category_id) if j not in assigned]
    pool_ok = [j for j in pool if j not in conflicted_judges(application, pool)]
    loads = dict(
        db.session.execute(
            sa.select(Assignment.judge_id, sa.func.count(Assignment.id))
            .where(Assignment.stage_id == stage.id, Assignment.status == AssignmentStatus.ACTIVE)
            .group_by(Assignment.judge_id)
        ).all()
    )
    pool_ok.sort(
        key=lambda j: (loads.get(j, 0), _tiebreak(stage.assignment_seed, application.id, j))
    )
    return assigned, pool_ok[:wanted]


def assign_evaluators(stage, application, k: int) -> list:
    """Create Assignment rows so that ``k`` judges evaluate the application in the
    stage; returns the new rows (the caller audits). Fewer are created when the pool
    has fewer judges without a conflict (the caller reports it)."""
    from venture.judging.models import Assignment

    _assigned, chosen = choose_evaluators(stage, application, k)
    rows = [
        Assignment(stage_id=stage.id, application_id=application.id, judge_id=j) for j in chosen
    ]
    db.session.add_all(rows)
    return rows


def notify_evaluators(stage, rows) -> None:
    """The judging domain's "applications assigned to you" notice, to each new evaluator."""
    from collections import Counter

    from venture.judging.services.assignment import notify_assigned, stage_loads

    if rows:
        notify_assigned(stage, Counter(row.judge_id for row in rows), stage_loads(stage))


def evaluation_candidates(stage) -> list:
    """Applications to evaluate in a mid-term or final stage: the projects whose
    self-assessment is in (for the judging domain's assignment run)."""
    from venture.applications.models import Application
    from venture.followup.models import Evaluation, EvaluationStatus, Project

    return list(
        db.session.scalars(
            sa.select(Application)
            .join(Project, Project.application_id == Application.id)
            .join(Evaluation, Evaluation.project_id == Project.id)
            .where(Evaluation.stage_id == stage.id, Evaluation.status == EvaluationStatus.SUBMITTED)
            .order_by(Application.id)
        )
    )


def _decide_on_submit(sheet) -> None:
    from venture.competitions.models import EVALUATION_STAGES
    from venture.followup.services import decide_if_complete

    if sheet.stage.kind in EVALUATION_STAGES:
        decide_if_complete(sheet.stage_id, sheet.application_id)


def connect_to_judging() -> None:
    """Evaluation stages take their candidates from the follow-up; a submitted evaluator
    sheet may complete an evaluation."""
    from venture.competitions.models import StageKind
    from venture.judging.services.candidates import CANDIDATES
    from venture.judging.services.sheets import SHEET_SUBMITTED_HOOKS

    CANDIDATES[StageKind.MIDTERM] = evaluation_candidates
    CANDIDATES[StageKind.FINAL] = evaluation_candidates
    if _decide_on_submit not in SHEET_SUBMITTED_HOOKS:
        SHEET_SUBMITTED_HOOKS.append(_decide_on_submit)
