"""Read-side queries of the results pages (a fixed number of SQL queries each)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from venture.applications.models import Application
from venture.competitions.models import Competition, CompetitionStatus
from venture.extensions import db
from venture.notices.models import Notice
from venture.rankings.models import ResultSnapshot, SnapshotKind
from venture.results.models import (
    Objection,
    ObjectionFile,
    ObjectionStatus,
    Publication,
    PublicationStatus,
)

PUBLIC_STATUSES = (PublicationStatus.PUBLICITY, PublicationStatus.FINAL)


def public_publications() -> list[Publication]:
    """Competitions with results on public notice or final, newest first."""
    return list(
        db.session.scalars(
            sa.select(Publication)
            .where(Publication.status.in_(PUBLIC_STATUSES))
            # the competition's stages: its phase and current stage (API)
            .options(joinedload(Publication.competition).selectinload(Competition.stages))
            .order_by(Publication.approved_at.desc(), Publication.id.desc())
        )
    )


def public_publication(competition_id: int) -> Publication | None:
    return db.session.scalar(
        sa.select(Publication)
        .where(
            Publication.competition_id == competition_id, Publication.status.in_(PUBLIC_STATUSES)
        )
        .options(joinedload(Publication.competition))
    )


@dataclass
class ManagedCompetition:
    competition: Competition
    publication: Publication | None
    open_objections: int
    has_final_snapshot: bool


def managed_competitions() -> list[ManagedCompetition]:
    competitions = list(
        db.session.scalars(
            sa.select(Competition)
            .where(Competition.status != CompetitionStatus.DRAFT)
            .order_by(Competition.year.desc(), Competition.id.desc())
        )
    )
    ids = [c.id for c in competitions]
    publications = (
        {
            p.competition_id: p
            for p in db.session.scalars(
                sa.select(Publication).where(Publication.competition_id.in_(ids))
            )
        }
        if ids
        else {}
    )
    open_counts = (
        dict(
            db.session.execute(
                sa.select(Objection.competition_id, sa.func.count(Objection.id))
                .where(Objection.competition_id.in_(ids), Objection.status == ObjectionStatus.OPEN)
                .group_by(Objection.competition_id)
            ).all()
        )
        if ids
        else {}
    )
    with_snapshot = (
        set(
            db.session.scalars(
                sa.select(ResultSnapshot.competition_id)
                .where(
                    ResultSnapshot.competition_id.in_(ids),
                    ResultSnapshot.kind == SnapshotKind.FINAL,
                )
                .distinct()
            )
        )
        if ids
        else set()
    )
    return [
        ManagedCompetition(
            c, publications.get(c.id), open_counts.get(c.id, 0), c.id in with_snapshot
        )
        for c in competitions
    ]


def objections_page(competition, *, status: str | None, page: int, per_page: int = 20):
    query = (
        sa.select(Objection)
        .where(Objection.competition_id == competition.id)
        .options(
            joinedload(Objection.application).joinedload(Application.organization),
            selectinload(Objection.files).joinedload(ObjectionFile.file),
        )
        # open ones first: they need an answer
        .order_by(
            sa.case((Objection.status == ObjectionStatus.OPEN, 0), else_=1), Objection.id.desc()
        )
    )
    if status:
        query = query.where(Objection.status == status)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def objection_counts(competition) -> dict[str, int]:
    rows = dict(
        db.session.execute(
            sa.select(Objection.status, sa.func.count(Objection.id))
            .where(Objection.competition_id == competition.id)
            .group_by(Objection.status)
        ).all()
    )
    return {s.value: rows.get(s, 0) for s in ObjectionStatus}


def member_results(user) -> list[tuple]:
    """(application, decision, publication) for the user's organizations' published results."""
    from venture.orgs.models import Membership
    from venture.results.models import Decision

    rows = db.session.execute(
        sa.select(Application, Decision, Publication)
        .join(Decision, Decision.application_id == Application.id)
        .join(Publication, Publication.competition_id == Decision.competition_id)
        .join(Membership, Membership.organization_id == Application.organization_id)
        .where(Membership.user_id == user.id, Publication.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Application.competition), joinedload(Application.organization))
        .order_by(Publication.approved_at.desc(), Application.id)
    ).all()
    return [tuple(r) for r in rows]


def open_objections_by_competition() -> list[tuple[Competition, int]]:
    rows = db.session.execute(
        sa.select(Competition, sa.func.count(Objection.id))
        .join(Objection, Objection.competition_id == Competition.id)
        .where(Objection.status == ObjectionStatus.OPEN)
        .group_by(Competition.id)
        .order_by(Competition.id)
    ).all()
    return [tuple(r) for r in rows]


def publications_in_progress() -> list[Publication]:
    return list(
        db.session.scalars(
            sa.select(Publication)
            .where(Publication.status != PublicationStatus.FINAL)
            .options(joinedload(Publication.competition))
            .order_by(Publication.id)
        )
    )


def reply_notice(objection: Objection) -> Notice | None:
    """The email that carried an answered objection's reply (with its delivery status), if any."""
    from venture.results.services.objections import reply_dedupe_key

    return db.session.scalar(
        sa.select(Notice).where(Notice.dedupe_key == reply_dedupe_key(objection))
    )


def unranked_notes(decisions) -> tuple[dict[int, int], list[str]]:
    """Why the decisions without a rank carry no rank or score, as footnotes.

    Returns ({decision id: note number}, [note text, ...]): one note per distinct reason
    (the stages an application was not scored in), read from the final snapshot's entry
    the decision came from (one query).
    """
    from flask_babel import gettext as _

    from venture.competitions.labels import stage_label
    from venture.rankings.models import SnapshotEntry
    from venture.scoring import INCOMPLETE_STAGES

    unranked = [d for d in decisions if d.rank is None]
    if not unranked:
        return {}, []
    entries = {
        (e.snapshot_id, e.application_id): e
        for e in db.session.scalars(
            sa.select(SnapshotEntry).where(
                SnapshotEntry.snapshot_id.in_({d.snapshot_id for d in unranked}),
                SnapshotEntry.application_id.in_({d.application_id for d in unranked}),
            )
        )
    }
    numbers: dict[int, int] = {}
    notes: list[str] = []
    for decision in unranked:
        entry = entries.get((decision.snapshot_id, decision.application_id))
        details = (entry.details or {}) if entry is not None else {}
        missing = [
            stage for stage in details.get("weights", {}) if stage not in details.get("stages", {})
        ]
        if entry is not None and INCOMPLETE_STAGES in (entry.flags or []) and missing:
            note = _(
                "Not scored in the %(stages)s (not shortlisted for it): only the projects scored in "
                "every stage get a final rank and score.",
                stages=_(", ").join(stage_label(s) for s in missing),
            )
        else:
            note = _(
                "No final score: no judge's sheet gave this project a total, so it has no rank."
            )
        if note not in notes:
            notes.append(note)
        numbers[decision.id] = notes.index(note) + 1
    return numbers, notes
