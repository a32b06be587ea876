"""Rankings: computing stages (in a worker), the final combination and funding line,
the snapshots as other domains read them, and the sheets export.

Services other domains may call:

* ``request_computation(stage, actor) -> Job``: start the ``venture.compute_stage`` task;
* ``build_final_snapshot(competition, actor) -> ResultSnapshot``: stages combined by their
  weights, the funding line per category;
* ``latest_snapshot(stage) -> ResultSnapshot | None``, ``latest_final_snapshot(competition)``;
* ``shortlist(stage) -> list[int]``: application ids advanced by the stage's latest snapshot;
* ``export_sheets_csv(stage) -> str``: the stage's submitted sheets in the ``venture rank``
  format, with the tie-break chain's columns (anyone can recompute the published ranking
  from it); ``sheets_file_name(stage)`` its file name; ``rank_command(snapshot)`` and
  ``stage_rank_command(stage)`` the ``venture rank`` command line that does it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from venture.audit.services import record
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import Competition, Stage
from venture.db import service
from venture.errors import Conflict, NotFound, ValidationError
from venture.extensions import db
from venture.jobs.models import Job, JobStatus
from venture.jobs.services import JobRunner, NotClaimed, retry_job, start_job
from venture.judging.models import ScoreSheet, SheetStatus
from venture.notices import kinds
from venture.notices.services import notify
from venture.rankings import queries
from venture.rankings.compute import compute_stage_snapshot, no_sheets_message
from venture.rankings.export import command_line, reproduce_command, sheets_csv
from venture.rankings.models import ResultSnapshot, SnapshotKind

kinds.register("scores_computed", _l("Scores computed"))

JOB_KIND = "compute_stage"


# --- reading ---------------------------------------------------------------------------------


# Read by other domains under these names; the queries live in rankings.queries.
latest_snapshot = queries.latest_stage_snapshot
latest_final_snapshot = queries.latest_final_snapshot
shortlist = queries.shortlist


def previous_snapshot(snapshot: ResultSnapshot) -> ResultSnapshot | None:
    """The snapshot of the same stage (or FINAL of the competition) made just before."""
    query = sa.select(ResultSnapshot).where(
        ResultSnapshot.kind == snapshot.kind,
        ResultSnapshot.competition_id == snapshot.competition_id,
        ResultSnapshot.id < snapshot.id,
    )
    if snapshot.stage_id is not None:
        query = query.where(ResultSnapshot.stage_id == snapshot.stage_id)
    return db.session.scalar(query.order_by(ResultSnapshot.id.desc()).limit(1))


def snapshot_history(stage: Stage | None, competition: Competition) -> list[ResultSnapshot]:
    query = sa.select(ResultSnapshot).options(selectinload(ResultSnapshot.created_by))
    if stage is not None:
        query = query.where(
            ResultSnapshot.stage_id == stage.id, ResultSnapshot.kind == SnapshotKind.STAGE
        )
    else:
        query = query.where(
            ResultSnapshot.competition_id == competition.id,
            ResultSnapshot.kind == SnapshotKind.FINAL,
        )
    return list(db.session.scalars(query.order_by(ResultSnapshot.id.desc())))


def submitted_sheet_count(stage: Stage) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(ScoreSheet.id)).where(
                ScoreSheet.stage_id == stage.id, ScoreSheet.status == SheetStatus.SUBMITTED
            )
        )
        or 0
    )


def stage_jobs(competition: Competition, limit: int = 30) -> dict[int, Job]:
    """The latest computation job of each stage of the competition (one query)."""
    jobs = db.session.scalars(
        sa.select(Job)
        .where(Job.kind == JOB_KIND, Job.competition_id == competition.id)
        .order_by(Job.id.desc())
        .limit(limit)
    )
    latest: dict[int, Job] = {}
    for job in jobs:
        stage_id = (job.params or {}).get("stage_id")
        if stage_id is not None and stage_id not in latest:
            latest[stage_id] = job
    return latest


# --- computing -------------------------------------------------------------------------------


def is_computing(job: Job | None) -> bool:
    """The stage's latest job waits for a worker or runs on a live one (a lost one does not
    block: its worker stopped beating, see venture.jobs)."""
    return job is not None and job.active


def can_request_computation(stage: Stage, job: Job | None, sheet_count: int) -> bool:
    """What request_computation accepts, for the page to offer the button only then."""
    return (
        not stage.competition.is_locked
        and stage.is_scoring
        and sheet_count > 0
        and not is_computing(job)
    )


@service
def request_computation(stage: Stage, actor) -> Job:
    """Start computing the stage in a worker; the job reports its progress."""
    competition = stage.competition
    ensure_unlocked(
        competition, action="rankings.compute", object_type="stage", object_id=stage.id, actor=actor
    )
    if not stage.is_scoring:
        raise ValidationError(
            _("Only a scoring stage (online review, roadshow, evaluations) can be computed.")
        )
    if not submitted_sheet_count(stage):
        raise ValidationError(no_sheets_message())
    if is_computing(stage_jobs(competition).get(stage.id)):
        raise Conflict(
            _("This stage is being computed already; wait for that computation to finish.")
        )
    from workers.tasks.scores import compute_stage

    job = start_job(
        JOB_KIND,
        compute_stage,
        params={"stage_id": stage.id},
        user=actor,
        competition_id=competition.id,
    )
    record("rankings.compute_requested", stage, actor=actor, changes={"job": [None, job.id]})
    return job


@service
def retry_computation(job: Job, actor) -> Job:
    """The organizer retries a failed or lost computation: the same job is queued again."""
    stage_id = (job.params or {}).get("stage_id")
    stage = db.session.get(Stage, stage_id) if isinstance(stage_id, int) else None
    if job.kind != JOB_KIND or stage is None:
        raise NotFound()
    ensure_unlocked(
        stage.competition,
        action="rankings.compute",
        object_type="stage",
        object_id=stage.id,
        actor=actor,
    )
    if is_computing(stage_jobs(stage.competition).get(stage.id)):
        raise Conflict(
            _("This stage is being computed already; wait for that computation to finish.")
        )
    return retry_job(job, actor)


def run_computation_job(job_id: int) -> str:
    """The task's work: compute the job's stage, reporting progress on the job row."""
    from venture.accounts.models import User

    job = db.session.get(Job, job_id)
    if job is None or job.status == JobStatus.DONE:
        return "done"  # a re-delivered task: the work is there already
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    locale = actor.locale if actor is not None else current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        with force_locale(locale), JobRunner(job_id) as runner:

            def progress(percent, message):
                runner.progress(percent, str(message))

            snapshot_id = compute_stage_snapshot(
                runner.params["stage_id"],
                actor_id=job.created_by_id,
                job_id=job_id,
                progress=progress,
            )
            runner.done(result={"snapshot_id": snapshot_id})
    except NotClaimed:
        return "skipped"  # a duplicate task: another worker runs (or ran) this job
    return "done"


@service
def build_final_snapshot(competition: Competition, actor) -> ResultSnapshot:
    """The FINAL snapshot: stages combined by their weights, the funding line per category."""
    from venture.rankings.compute import write_snapshot
    from venture.rankings.final import compute_final

    ensure_unlocked(
        competition,
        action="rankings.final",
        object_type="competition",
        object_id=competition.id,
        actor=actor,
    )
    computed = compute_final(competition)
    snapshot_id = write_snapshot(competition, None, SnapshotKind.FINAL, computed, actor=actor)
    return db.session.get(ResultSnapshot, snapshot_id)


def snapshot_ready(user, snapshot: ResultSnapshot) -> None:
    """Tell the organizer who asked that the snapshot is there (in the same transaction)."""
    from venture.competitions.labels import STAGE_KIND
    from venture.rankings.labels import METHODS

    link = current_app.config["BASE_URL"] + _path("rankings.snapshot", snapshot_id=snapshot.id)
    # Lazy labels: the notice is written in the recipient's language.
    stage = (
        STAGE_KIND.get(snapshot.stage.kind) if snapshot.stage is not None else _l("Final ranking")
    )
    notify(
        user,
        "scores_computed",
        link=link,
        competition_id=snapshot.competition_id,
        competition=snapshot.competition.name,
        stage=stage,
        method=METHODS.get(snapshot.method, snapshot.method),
    )


def _path(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


# --- export ----------------------------------------------------------------------------------


def export_sheets_csv(stage: Stage) -> str:
    """The stage's submitted sheets as ``venture rank`` reads them (judges as J01, J02...)."""
    return sheets_csv(stage)


def sheets_file_name(stage: Stage) -> str:
    return f"{stage.competition.code_prefix}-{stage.kind}-sheets.csv"


def rank_command(snapshot: ResultSnapshot) -> str:
    """``venture rank FILE --method … --tie-break … --format csv`` for a stage snapshot."""
    return command_line(snapshot, sheets_file_name(snapshot.stage))


def stage_rank_command(stage: Stage) -> str | None:
    """The same for the stage's latest snapshot; None before the first."""
    return reproduce_command(stage, sheets_file_name(stage))
