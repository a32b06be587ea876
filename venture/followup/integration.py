"""Adapters to services of other domains, written against their models.

The follow-up needs three things other domains own. Until their services exist, these
small working implementations stand in; at merge the lead may point them at the
other domain's service (see each function's note):

- ``communities_of_liaison(user)`` → ``venture.orgs.services.communities_of_liaison``
- ``conflicted_judges(application, judge_ids)`` and ``assign_evaluators(...)`` →
  the judging domain's conflict rules and assignment run for a scoring stage
- ``evaluation_candidates(stage)`` → register as
  ``venture.judging.services.CANDIDATES[StageKind.MIDTERM/FINAL]``
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from venture.extensions import db


def communities_of_liaison(user) -> set[int]:
    """Ids of the communities (areas) this user is the liaison of."""
    from venture.orgs.models import community_liaison

    if not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.scalars(
        sa.select(community_liaison.c.area_id).where(community_liaison.c.user_id == user.id)))


def conflicted_judges(application, judge_ids) -> set[int]:
    """Judges among ``judge_ids`` who may not evaluate this application (回避).

    The judging domain's rules: a membership of the organization, the judge's employer
    with the organization's 统一社会信用代码, a declared tie, or a recorded Conflict row.
    """
    from venture.judging.models import Conflict, JudgeProfile, JudgeTie
    from venture.orgs.models import Membership

    judge_ids = list(judge_ids)
    if not judge_ids:
        return set()
    org = application.organization
    members = sa.select(Membership.user_id).where(Membership.organization_id == org.id,
                                                  Membership.user_id.in_(judge_ids))
    employed = sa.select(JudgeProfile.user_id).where(JudgeProfile.employer_uscc == org.uscc,
                                                     JudgeProfile.user_id.in_(judge_ids))
    tied = sa.select(JudgeTie.judge_id).where(JudgeTie.organization_id == org.id, JudgeTie.judge_id.in_(judge_ids))
    recorded = sa.select(Conflict.judge_id).where(Conflict.application_id == application.id,
                                                  Conflict.judge_id.in_(judge_ids))
    return set(db.session.scalars(sa.union(members, employed, tied, recorded)))


def stage_pool(stage, category_id: int | None) -> list[int]:
    """The judges of a scoring stage: its panel (the category's panel, else the
    stage-wide one); with no panel set up, every active judge."""
    from venture.accounts.models import Role, User
    from venture.judging.models import Panel, panel_member

    panels = db.session.execute(
        sa.select(Panel.id, Panel.category_id).where(Panel.stage_id == stage.id)).all()
    chosen = [pid for pid, cid in panels if cid == category_id and cid is not None] or \
             [pid for pid, cid in panels if cid is None]
    if chosen:
        ids = db.session.scalars(
            sa.select(panel_member.c.judge_id).join(User, User.id == panel_member.c.judge_id)
            .where(panel_member.c.panel_id.in_(chosen), User.active.is_(True)))
    else:
        ids = db.session.scalars(sa.select(User.id).where(User.role == Role.JUDGE, User.active.is_(True)))
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

    assigned = list(db.session.scalars(
        sa.select(Assignment.judge_id).where(Assignment.stage_id == stage.id,
                                             Assignment.application_id == application.id,
                                             Assignment.status == AssignmentStatus.ACTIVE)))
    wanted = max(k - len(assigned), 0)
    pool = [j for j in stage_pool(stage, application.category_id) if j not in assigned]
    pool_ok = [j for j in pool if j not in conflicted_judges(application, pool)]
    loads = dict(db.session.execute(
        sa.select(Assignment.judge_id, sa.func.count(Assignment.id))
        .where(Assignment.stage_id == stage.id, Assignment.status == AssignmentStatus.ACTIVE)
        .group_by(Assignment.judge_id)).all())
    pool_ok.sort(key=lambda j: (loads.get(j, 0), _tiebreak(stage.assignment_seed, application.id, j)))
    return assigned, pool_ok[:wanted]


def assign_evaluators(stage, application, k: int) -> list:
    """Create Assignment rows so that ``k`` judges evaluate the application in the
    stage; returns the new rows (the caller audits). Fewer are created when the pool
    has fewer judges without a conflict (the caller reports it)."""
    from venture.judging.models import Assignment

    _assigned, chosen = choose_evaluators(stage, application, k)
    rows = [Assignment(stage_id=stage.id, application_id=application.id, judge_id=j) for j in chosen]
    db.session.add_all(rows)
    return rows


def evaluation_candidates(stage) -> list:
    """Applications to evaluate in a mid-term or final stage: the projects whose
    self-assessment is in (for the judging domain's assignment run)."""
    from venture.applications.models import Application
    from venture.followup.models import Evaluation, EvaluationStatus, Project

    return list(db.session.scalars(
        sa.select(Application).join(Project, Project.application_id == Application.id)
        .join(Evaluation, Evaluation.project_id == Project.id)
        .where(Evaluation.stage_id == stage.id, Evaluation.status == EvaluationStatus.SUBMITTED)
        .order_by(Application.id)))
