"""Panels and the assignment of judges to applications: automatic runs (balanced, seeded,
verified) and manual edits with the same checks."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.accounts.models import Role, User
from venture.applications.models import Application
from venture.audit.services import record
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import Category, PanelMode, Stage
from venture.db import service
from venture.errors import Conflict as ConflictError
from venture.errors import ValidationError
from venture.extensions import db
from venture.judging import solver
from venture.judging.models import (
    Assignment,
    AssignmentStatus,
    Panel,
    ScoreSheet,
    SheetStatus,
)
from venture.judging.services import conflicts
from venture.judging.services.candidates import candidates_for
from venture.judging.services.common import active_judges, external
from venture.judging.services.ranking_settings import judges_needed
from venture.notices.services import notify
from venture.templating import format_local


class AssignmentImpossible(ValidationError):
    """No valid assignment exists; ``reasons`` say why, one per line."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(_("No valid assignment exists: %(reasons)s", reasons=" ".join(reasons)))


# --- panels ------------------------------------------------------------------------------


def panels_of(stage: Stage) -> dict[int | None, Panel]:
    return {
        p.category_id: p
        for p in db.session.scalars(sa.select(Panel).where(Panel.stage_id == stage.id))
    }


def panel_judges(stage: Stage) -> dict[int | None, list[User]]:
    """The judges each application of the stage may get, by category (None: every category).

    With "all judges", the stage's single panel when the organizer filled one, else every
    active judge of the pool; per category, each category's panel.
    """
    panels = panels_of(stage)
    if stage.panel_mode == PanelMode.ALL:
        panel = panels.get(None)
        judges = (
            [j for j in panel.judges if j.active]
            if panel is not None and panel.judges
            else active_judges()
        )
        return {None: judges}
    return {cid: [j for j in p.judges if j.active] for cid, p in panels.items() if cid is not None}


def group_name(stage: Stage, category: Category | None) -> str:
    if stage.panel_mode == PanelMode.ALL or category is None:
        return _("all judges")
    return _("category %(name)s", name=category.name)


def judges_for_application(stage: Stage, application: Application, by_category=None) -> list[User]:
    by_category = by_category if by_category is not None else panel_judges(stage)
    if stage.panel_mode == PanelMode.ALL:
        return by_category.get(None, [])
    return by_category.get(application.category_id, [])


@service
def set_panel(stage: Stage, category_id: int | None, judge_ids: list[int], actor: User) -> Panel:
    ensure_unlocked(
        stage.competition,
        action="judging.set_panel",
        object_type="stage",
        object_id=stage.id,
        actor=actor,
        stage_kind=stage.kind,
    )
    if (
        category_id is not None
        and db.session.scalar(
            sa.select(Category.id).where(
                Category.id == category_id, Category.competition_id == stage.competition_id
            )
        )
        is None
    ):
        raise ValidationError(_("Unknown category."))
    judges = list(
        db.session.scalars(
            sa.select(User).where(User.id.in_(judge_ids or []), User.role == Role.JUDGE)
        )
    )
    if len(judges) != len(set(judge_ids or [])):
        raise ValidationError(_("Only judges can be members of a panel."))
    panel = panels_of(stage).get(category_id)
    if panel is None:
        category = db.session.get(Category, category_id) if category_id else None
        panel = Panel(stage_id=stage.id, category_id=category_id, name=group_name(stage, category))
        db.session.add(panel)
    before = sorted(j.id for j in panel.judges)
    panel.judges = sorted(judges, key=lambda j: (j.name, j.id))
    after = sorted(j.id for j in judges)
    if before != after:
        record(
            "judging.set_panel",
            panel,
            actor=actor,
            changes={"judges": [before, after], "category_id": category_id},
        )
    return panel


@service
def update_stage_settings(stage: Stage, actor: User, **values) -> None:
    """k, maximum load, anchors, seed, panel mode, blind review and reveal after close."""
    ensure_unlocked(
        stage.competition,
        action="judging.stage_settings",
        object_type="stage",
        object_id=stage.id,
        actor=actor,
        stage_kind=stage.kind,
    )
    if values.get("judges_per_application", 1) < 1:
        raise ValidationError(
            _("At least one judge per application."), field="judges_per_application"
        )
    if values.get("max_load") is not None and values["max_load"] < 1:
        raise ValidationError(_("The maximum load must be at least 1."), field="max_load")
    if values.get("anchor_count", 0) < 0:
        raise ValidationError(_("The number of anchors cannot be negative."), field="anchor_count")
    needed = judges_needed(stage.method, stage.trim_k)
    if values.get("judges_per_application", stage.judges_per_application) < needed:
        raise ValidationError(
            _(
                "This stage drops the %(k)s highest and the %(k)s lowest totals (trimmed mean): "
                "it needs at least %(min)s judges per application. Change the ranking settings "
                "first.",
                k=stage.trim_k,
                min=needed,
            ),
            field="judges_per_application",
        )
    changes = {}
    for name, value in values.items():
        old = getattr(stage, name)
        if old != value:
            changes[name] = [old, value]
            setattr(stage, name, value)
    if changes:
        record("judging.stage_settings", stage, actor=actor, changes=changes)


# --- automatic assignment ------------------------------------------------------------------


@dataclass
class RunResult:
    assigned: int = 0
    added: int = 0
    removed: int = 0
    kept: int = 0
    loads: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    conflicts_found: int = 0


def stage_pairs(stage: Stage, *, active_only: bool = True) -> dict[tuple[int, int], Assignment]:
    query = sa.select(Assignment).where(Assignment.stage_id == stage.id)
    if active_only:
        query = query.where(Assignment.status == AssignmentStatus.ACTIVE)
    return {(a.application_id, a.judge_id): a for a in db.session.scalars(query)}


def started_pairs(stage: Stage) -> set[tuple[int, int]]:
    """Pairs with a sheet (draft or submitted): a new run keeps them."""
    return set(
        db.session.execute(
            sa.select(ScoreSheet.application_id, ScoreSheet.judge_id).where(
                ScoreSheet.stage_id == stage.id
            )
        ).all()
    )


def build_problem(stage: Stage, applications: list[Application]) -> tuple[solver.Problem, dict]:
    by_category = panel_judges(stage)
    categories = {c.id: c for c in stage.competition.categories}
    all_judges = {j.id: j for judges in by_category.values() for j in judges}
    found = conflicts.detect(set(all_judges), applications)
    started = started_pairs(stage)
    apps, panels = [], {}
    for app in applications:
        group = group_name(stage, categories.get(app.category_id))
        panel = frozenset(j.id for j in judges_for_application(stage, app, by_category))
        panels[group] = panel
        eligible = frozenset(j for j in panel if (app.id, j) not in found)
        fixed = frozenset(j for (a, j) in started if a == app.id and (a, j) not in found)
        apps.append(
            solver.AppSpec(
                id=app.id, label=app.display_code, group=group, eligible=eligible, fixed=fixed
            )
        )
    names = {j.id: j.display_name for j in all_judges.values()}
    problem = solver.Problem(
        apps=apps,
        panels=panels,
        judge_names=names,
        k=stage.judges_per_application,
        max_load=stage.max_load,
        anchor_count=stage.anchor_count,
        seed=stage.assignment_seed,
    )
    return problem, found


def preview(stage: Stage) -> solver.Solution:
    """Solve without storing anything (raises AssignmentImpossible)."""
    applications = candidates_for(stage)
    problem, _found = build_problem(stage, applications)
    try:
        return solver.solve(problem)
    except solver.Infeasible as exc:
        raise AssignmentImpossible(exc.reasons) from None


@service
def run_assignment(
    stage: Stage, actor: User | None = None, *, notify_judges: bool = True
) -> RunResult:
    """Assign k judges to every candidate application of the stage.

    Pairs where the judge already started a sheet are kept; every other active
    assignment is replaced by the new result. Each judge with new applications gets
    one notice.
    """
    ensure_unlocked(
        stage.competition,
        action="judging.assign",
        object_type="stage",
        object_id=stage.id,
        actor=actor,
        stage_kind=stage.kind,
    )
    if not stage.is_scoring:
        raise ValidationError(_("Judges are assigned only in scoring stages."))
    applications = candidates_for(stage)
    if not applications:
        raise AssignmentImpossible([_("There are no applications to assign in this stage yet.")])
    problem, found = build_problem(stage, applications)
    try:
        solution = solver.solve(problem)
    except solver.Infeasible as exc:
        raise AssignmentImpossible(exc.reasons) from None

    result = RunResult(loads=solution.loads, notes=solution.notes)
    result.conflicts_found = conflicts.record_detected(found)
    every = stage_pairs(stage, active_only=False)
    current = {pair for pair, a in every.items() if a.status == AssignmentStatus.ACTIVE}
    for pair in sorted(current - solution.pairs):
        every[pair].status = AssignmentStatus.REMOVED
        every[pair].removed_reason = _("Reassigned by a new assignment run")
        result.removed += 1
    added_by_judge: Counter = Counter()
    for pair in sorted(solution.pairs):
        row = every.get(pair)
        anchor = pair in solution.anchors
        if row is None:
            db.session.add(
                Assignment(
                    stage_id=stage.id, application_id=pair[0], judge_id=pair[1], is_anchor=anchor
                )
            )
        elif row.status != AssignmentStatus.ACTIVE:
            row.status, row.removed_reason, row.is_anchor = AssignmentStatus.ACTIVE, "", anchor
            row.no_conflict_confirmed_at = None
        else:
            row.is_anchor = anchor
            result.kept += 1
            continue
        added_by_judge[pair[1]] += 1
        result.added += 1
    result.assigned = len(solution.pairs)
    record(
        "judging.assignment_run",
        stage,
        actor=actor,
        changes={
            "seed": stage.assignment_seed,
            "k": stage.judges_per_application,
            "max_load": stage.max_load,
            "anchors": stage.anchor_count,
            "applications": len(applications),
            "assignments": result.assigned,
            "added": result.added,
            "removed": result.removed,
            "kept": result.kept,
        },
    )
    if notify_judges:
        notify_assigned(stage, added_by_judge, solution.loads)
    return result


def notify_assigned(stage: Stage, added_by_judge: Counter, loads: dict[int, int]) -> None:
    """One notice to each judge with new applications: how many were added, how many in all."""
    if not added_by_judge:
        return
    judges = db.session.scalars(
        sa.select(User).where(User.id.in_(added_by_judge)).order_by(User.id)
    )
    for judge in judges:
        added = added_by_judge[judge.id]
        notify_judge_assigned(judge, stage, added=added, count=loads.get(judge.id, added))


def notify_judge_assigned(judge: User, stage: Stage, *, added: int, count: int) -> None:
    """``added`` new applications for the judge in the stage, ``count`` in all."""
    notify(
        judge,
        "judge_assigned",
        link=external("judging.dashboard"),
        competition_id=stage.competition_id,
        count=count,
        added=added,
        stage=stage,
        competition=stage.competition,
        deadline=format_local(stage.ends_at),
    )


# --- manual edits ----------------------------------------------------------------------------


def stage_loads(stage: Stage) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Assignment.judge_id, sa.func.count(Assignment.id))
        .where(Assignment.stage_id == stage.id, Assignment.status == AssignmentStatus.ACTIVE)
        .group_by(Assignment.judge_id)
    )
    return defaultdict(int, dict(rows.all()))


def _check_can_take(stage: Stage, application: Application, judge: User) -> None:
    if judge.role != Role.JUDGE or not judge.active:
        raise ValidationError(_("Choose an active judge."), field="judge_id")
    if conflicts.is_conflicted(judge.id, application):
        raise ConflictError(
            _(
                "%(judge)s has a conflict of interest with %(app)s.",
                judge=judge.display_name,
                app=application.display_code,
            )
        )
    if judge.id not in {j.id for j in judges_for_application(stage, application)}:
        raise ConflictError(
            _(
                "%(judge)s is not on the panel that judges %(app)s; add them to the panel first.",
                judge=judge.display_name,
                app=application.display_code,
            )
        )
    pair = stage_pairs(stage).get((application.id, judge.id))
    if pair is not None:
        raise ConflictError(
            _(
                "%(judge)s is already assigned to %(app)s.",
                judge=judge.display_name,
                app=application.display_code,
            )
        )
    if stage.max_load is not None and stage_loads(stage)[judge.id] >= stage.max_load:
        raise ConflictError(
            _(
                "%(judge)s has reached the maximum load of %(max)d.",
                judge=judge.display_name,
                max=stage.max_load,
            )
        )


def place(stage: Stage, application: Application, judge: User) -> Assignment:
    """Create (or reactivate) the assignment of a judge to an application."""
    row = stage_pairs(stage, active_only=False).get((application.id, judge.id))
    if row is None:
        row = Assignment(stage_id=stage.id, application_id=application.id, judge_id=judge.id)
        db.session.add(row)
    else:
        row.status, row.removed_reason, row.no_conflict_confirmed_at = (
            AssignmentStatus.ACTIVE,
            "",
            None,
        )
    db.session.flush()
    return row


def find_replacement(stage: Stage, application: Application, rng: random.Random) -> User | None:
    """The least loaded judge of the application's panel who may take it (seeded tie-break)."""
    taken = {
        j for (a, j), row in stage_pairs(stage, active_only=False).items() if a == application.id
    }
    pool = [j for j in judges_for_application(stage, application) if j.id not in taken]
    if not pool:
        return None
    found = conflicts.detect({j.id for j in pool}, [application])
    loads = stage_loads(stage)
    pool = [
        j
        for j in pool
        if (application.id, j.id) not in found
        and (stage.max_load is None or loads[j.id] < stage.max_load)
    ]
    if not pool:
        return None
    ties = {j.id: rng.random() for j in sorted(pool, key=lambda j: j.id)}
    return min(pool, key=lambda j: (loads[j.id], ties[j.id]))


def _has_sheet(stage: Stage, application_id: int, judge_id: int, status=None) -> bool:
    query = sa.select(ScoreSheet.id).where(
        ScoreSheet.stage_id == stage.id,
        ScoreSheet.application_id == application_id,
        ScoreSheet.judge_id == judge_id,
    )
    if status is not None:
        query = query.where(ScoreSheet.status == status)
    return db.session.scalar(query) is not None


@service
def add_judge(stage: Stage, application: Application, judge: User, actor: User) -> Assignment:
    ensure_unlocked(
        stage.competition,
        action="judging.add_judge",
        object_type="application",
        object_id=application.id,
        actor=actor,
        stage_kind=stage.kind,
    )
    _check_can_take(stage, application, judge)
    row = place(stage, application, judge)
    record(
        "judging.assignment_added",
        row,
        actor=actor,
        changes={"judge_id": judge.id, "application_id": application.id},
    )
    notify_judge_assigned(judge, stage, added=1, count=stage_loads(stage)[judge.id])
    return row


@service
def remove_judge(
    stage: Stage, application: Application, judge: User, actor: User, reason: str = ""
) -> None:
    ensure_unlocked(
        stage.competition,
        action="judging.remove_judge",
        object_type="application",
        object_id=application.id,
        actor=actor,
        stage_kind=stage.kind,
    )
    row = stage_pairs(stage).get((application.id, judge.id))
    if row is None:
        raise ValidationError(
            _(
                "%(judge)s is not assigned to %(app)s.",
                judge=judge.display_name,
                app=application.display_code,
            )
        )
    if _has_sheet(stage, application.id, judge.id, SheetStatus.SUBMITTED):
        raise ConflictError(
            _(
                "%(judge)s has submitted a sheet for %(app)s; it cannot be removed.",
                judge=judge.display_name,
                app=application.display_code,
            )
        )
    db.session.execute(
        sa.delete(ScoreSheet).where(
            ScoreSheet.stage_id == stage.id,
            ScoreSheet.application_id == application.id,
            ScoreSheet.judge_id == judge.id,
        )
    )
    row.status = AssignmentStatus.REMOVED
    row.removed_reason = reason.strip() or _("Removed by the organizer")
    record(
        "judging.assignment_removed",
        row,
        actor=actor,
        changes={
            "status": ["active", "removed"],
            "judge_id": judge.id,
            "application_id": application.id,
            "reason": row.removed_reason,
        },
    )


@service
def swap_judge(
    stage: Stage, application: Application, old: User, new: User, actor: User
) -> Assignment:
    """Replace one judge by another on an application, in one step."""
    if old.id == new.id:
        raise ValidationError(_("Choose a different judge."), field="new_judge_id")
    remove_judge(
        stage, application, old, actor, reason=_("Swapped for %(judge)s", judge=new.display_name)
    )
    db.session.flush()
    return add_judge(stage, application, new, actor)


def acceptable_judges(stage: Stage, applications: list[Application]) -> dict[int, list[User]]:
    """Per application, the judges :func:`add_judge` would accept: on its panel, without a
    conflict of interest, not assigned to it already and under the stage's maximum load.

    The manual assignment page offers only these (in bulk: one conflict detection for the page)."""
    by_category = panel_judges(stage)
    everyone = {j.id for judges in by_category.values() for j in judges}
    found = conflicts.detect(everyone, applications)
    taken = set(stage_pairs(stage))
    loads = stage_loads(stage)
    full = {j for j in everyone if stage.max_load is not None and loads[j] >= stage.max_load}
    return {
        app.id: sorted(
            (
                j
                for j in judges_for_application(stage, app, by_category)
                if (app.id, j.id) not in found and (app.id, j.id) not in taken and j.id not in full
            ),
            key=lambda j: (loads[j.id], j.display_name, j.id),
        )
        for app in applications
    }


def submitted_pairs(stage: Stage) -> set[tuple[int, int]]:
    """(application id, judge id) with a submitted sheet: those judges can no longer be replaced."""
    return set(
        db.session.execute(
            sa.select(ScoreSheet.application_id, ScoreSheet.judge_id).where(
                ScoreSheet.stage_id == stage.id, ScoreSheet.status == SheetStatus.SUBMITTED
            )
        ).all()
    )


def assignments_by_application(stage: Stage) -> dict[int, list[Assignment]]:
    out: dict[int, list[Assignment]] = defaultdict(list)
    rows = db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.stage_id == stage.id, Assignment.status == AssignmentStatus.ACTIVE)
        .options(sa.orm.joinedload(Assignment.judge))
        .order_by(Assignment.id)
    )
    for row in rows:
        out[row.application_id].append(row)
    return out
