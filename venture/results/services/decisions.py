"""Decisions from the final snapshot, changes with reasons, approval (the public notice
opens) and finalization (results become final and locked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from venture.applications.models import Application
from venture.audit.services import record
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import MAX_PUBLICITY_DAYS, StageKind
from venture.db import service, utcnow
from venture.errors import Conflict, NotFound, ValidationError
from venture.extensions import db
from venture.rankings.models import FundingOutcome
from venture.rankings.queries import latest_final_snapshot
from venture.results.models import (
    Decision,
    Objection,
    ObjectionStatus,
    Publication,
    PublicationStatus,
)
from venture.results.services.recipients import notify_members

MIN_REASON_LENGTH = 4
MAX_INSTRUCTIONS_LENGTH = 4000


def publication_of(competition) -> Publication | None:
    return db.session.scalar(
        sa.select(Publication).where(Publication.competition_id == competition.id)
    )


def decisions_of(competition) -> list[Decision]:
    """Every decision of the competition, in category and rank order, with what the pages show."""
    from venture.orgs.models import Area

    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.competition_id == competition.id)
            .options(
                joinedload(Decision.category),
                joinedload(Decision.changed_by),
                joinedload(Decision.application).joinedload(Application.organization),
                joinedload(Decision.application)
                .selectinload(Application.communities)
                .joinedload(Area.parent)
                .joinedload(Area.parent),
            )
            .order_by(
                Decision.category_id,
                Decision.rank.is_(None),
                Decision.rank,
                Decision.application_id,
            )
        ).unique()
    )


def _lock(competition, action: str, obj_type: str, obj_id, actor) -> None:
    ensure_unlocked(competition, action=action, object_type=obj_type, object_id=obj_id, actor=actor)


def proposal_from_entry(entry, requested_fen: int) -> tuple[FundingOutcome, int]:
    """The snapshot's funding line as a proposal: funded amounts never exceed the request."""
    outcome = entry.funding or FundingOutcome.NOT_FUNDED
    if outcome != FundingOutcome.FUNDED:
        return outcome, 0
    amount = requested_fen if entry.funded_fen is None else min(entry.funded_fen, requested_fen)
    return outcome, max(amount, 0)


@service
def generate_decisions(competition, actor) -> Publication:
    """Proposed decisions for every application of the latest FINAL snapshot.

    Run again while the results are still proposed, it starts over from the latest
    snapshot (earlier changes are discarded, and the audit log says so).
    """
    _lock(competition, "results.generate", "competition", competition.id, actor)
    snapshot = latest_final_snapshot(competition)
    if snapshot is None:
        raise Conflict(
            _(
                "There is no final ranking for this competition yet. Compute the final "
                "results (stages combined, with the funding line) first."
            )
        )
    publication = publication_of(competition)
    if publication is not None and publication.status != PublicationStatus.PROPOSED:
        raise Conflict(
            _(
                "The results are already on public notice; decisions can no longer be generated again."
            )
        )
    entries = snapshot.entries  # ordered by position
    requested = dict(
        db.session.execute(
            sa.select(Application.id, Application.requested_fen).where(
                Application.id.in_([e.application_id for e in entries])
            )
        ).all()
    )
    existing = {
        d.application_id: d
        for d in db.session.scalars(
            sa.select(Decision).where(Decision.competition_id == competition.id)
        )
    }
    old_snapshot = publication.snapshot_id if publication else None
    if publication is None:
        publication = Publication(
            competition_id=competition.id,
            snapshot_id=snapshot.id,
            status=PublicationStatus.PROPOSED,
            version=1,
        )
        db.session.add(publication)
    else:
        publication.snapshot_id = snapshot.id
        publication.version += 1
    discarded = 0
    seen = set()
    for entry in entries:
        outcome, amount = proposal_from_entry(entry, requested.get(entry.application_id, 0))
        decision = existing.get(entry.application_id)
        if decision is None:
            decision = Decision(competition_id=competition.id, application_id=entry.application_id)
            db.session.add(decision)
        elif decision.differs_from_line:
            discarded += 1
        decision.snapshot_id = snapshot.id
        decision.category_id = entry.category_id
        decision.rank = entry.rank
        decision.score = entry.score
        decision.proposed_outcome = decision.outcome = outcome
        decision.proposed_fen = decision.approved_fen = amount
        decision.reason = ""
        decision.changed_by_id = None
        seen.add(entry.application_id)
    for application_id, decision in existing.items():
        if application_id not in seen:
            db.session.delete(decision)
    record(
        "results.generate",
        publication,
        actor=actor,
        changes={
            "snapshot_id": [old_snapshot, snapshot.id],
            "decisions": len(seen),
            "discarded_changes": discarded,
        },
    )
    return publication


def _validate_change(
    decision: Decision,
    outcome: FundingOutcome,
    approved_fen: int,
    reason: str,
    reason_field: str = "reason",
) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            _("Give the reason for this change (at least %(n)d characters).", n=MIN_REASON_LENGTH),
            field=reason_field,
        )
    if outcome == FundingOutcome.FUNDED:
        requested = decision.application.requested_fen
        if approved_fen is None or approved_fen <= 0:
            raise ValidationError(
                _("A funded project needs an approved amount above zero."), field="amount"
            )
        if approved_fen > requested:
            from venture.templating import format_money

            raise ValidationError(
                _(
                    "The approved amount cannot exceed the requested amount (%(amount)s).",
                    amount=format_money(requested),
                ),
                field="amount",
            )
    elif approved_fen:
        raise ValidationError(_("Only a funded project has an approved amount."), field="amount")
    if outcome == decision.outcome and (approved_fen or 0) == decision.approved_fen:
        raise ValidationError(
            _("Nothing changed: choose another outcome or amount."), field="outcome"
        )
    return reason


def apply_change(
    decision: Decision,
    *,
    outcome: FundingOutcome,
    approved_fen: int | None,
    reason: str,
    actor,
    objection: Objection | None = None,
    reason_field: str = "reason",
) -> Decision:
    """The one audited path for changing a decision (used directly and by upheld objections).
    ``reason_field`` is the caller's name for the reason, named by its refusal.

    Runs inside the caller's transaction."""
    competition = decision.application.competition
    _lock(competition, "results.decision_change", "decision", decision.id, actor)
    publication = publication_of(competition)
    if publication is None or publication.status == PublicationStatus.FINAL:
        raise Conflict(_("These results can no longer change."))
    try:
        outcome = FundingOutcome(outcome)
    except ValueError:
        raise ValidationError(
            _("Choose funded, waiting list or not funded."), field="outcome"
        ) from None
    approved_fen = approved_fen or 0
    reason = _validate_change(decision, outcome, approved_fen, reason, reason_field)
    changes = {
        "outcome": [decision.outcome, outcome],
        "approved_fen": [decision.approved_fen, approved_fen],
        "reason": [decision.reason, reason],
    }
    if objection is not None:
        changes["objection_id"] = objection.id
    decision.outcome = outcome
    decision.approved_fen = approved_fen
    decision.reason = reason
    decision.changed_by_id = actor.id if actor is not None else None
    publication.version += 1
    record("results.decision_change", decision, actor=actor, changes=changes)
    return decision


@service
def change_decision(
    decision: Decision, *, outcome, approved_fen: int | None, reason: str, actor
) -> Decision:
    """The organizer changes one proposal (outcome, amount), always with a reason."""
    return apply_change(
        decision, outcome=outcome, approved_fen=approved_fen, reason=reason, actor=actor
    )


@dataclass
class CategoryBudget:
    category_id: int | None
    name: str
    budget_fen: int
    used_fen: int
    funded: int
    line_used_fen: int  # what the snapshot's funding line used

    @property
    def over(self) -> bool:
        return self.used_fen > self.budget_fen

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.used_fen


def budget_summary(competition, decisions: list[Decision]) -> list[CategoryBudget]:
    """Per category: the budget, what the decisions use, and what the funding line used."""
    rows = {
        c.id: CategoryBudget(c.id, c.name, c.budget_fen, 0, 0, 0) for c in competition.categories
    }
    for d in decisions:
        row = rows.get(d.category_id)
        if row is None:
            continue
        if d.outcome == FundingOutcome.FUNDED:
            row.used_fen += d.approved_fen
            row.funded += 1
        if d.proposed_outcome == FundingOutcome.FUNDED:
            row.line_used_fen += d.proposed_fen
    return list(rows.values())


def planned_publicity(competition, now: datetime):
    """The 公示 stage when its planned window is still ahead (None otherwise)."""
    stage = competition.stage(StageKind.PUBLICITY)
    if (
        stage is not None
        and stage.starts_at is not None
        and stage.ends_at is not None
        and now < stage.starts_at
    ):
        return stage
    return None


def publicity_window(
    competition, now: datetime, days: int, *, open_now: bool = False
) -> tuple[datetime, datetime]:
    """The public notice's window: the one set up for the 公示 stage when the results are
    approved before it starts (unless the organizer opens it now), otherwise from the
    approval for ``days`` days."""
    stage = competition.stage(StageKind.PUBLICITY)
    if (
        not open_now
        and stage is not None
        and stage.starts_at is not None
        and stage.ends_at is not None
        and now < stage.starts_at
    ):
        return stage.starts_at, stage.ends_at
    return now, now + timedelta(days=days)


@service
def approve(
    competition,
    actor,
    *,
    days: int | None = None,
    instructions: str = "",
    now: datetime | None = None,
    open_now: bool = False,
) -> Publication:
    """Approve the proposals: the public notice opens for ``days`` days from now, or in the
    window set up for it when that is still ahead (``publicity_window``)."""
    _lock(competition, "results.approve", "competition", competition.id, actor)
    now = now or utcnow()
    publication = publication_of(competition)
    if publication is None:
        raise Conflict(_("Generate the proposed decisions first."))
    if publication.status != PublicationStatus.PROPOSED:
        raise Conflict(_("The results are already on public notice."))
    days = competition.publicity_days if days is None else days
    if not isinstance(days, int) or not 1 <= days <= MAX_PUBLICITY_DAYS:
        raise ValidationError(_("The public notice lasts between 1 and 60 days."), field="days")
    instructions = (instructions or "").strip()
    if len(instructions) > MAX_INSTRUCTIONS_LENGTH:
        raise ValidationError(
            _(
                "The instructions are too long (at most %(n)d characters).",
                n=MAX_INSTRUCTIONS_LENGTH,
            ),
            field="instructions",
        )
    decisions = decisions_of(competition)
    if not decisions:
        raise Conflict(_("There are no decisions to publish."))
    over = [b.name for b in budget_summary(competition, decisions) if b.over]
    if over:
        raise Conflict(
            _(
                "The funded amounts exceed the budget of: %(names)s. Change the decisions first.",
                names="、".join(over),
            )
        )
    starts, ends = publicity_window(competition, now, days, open_now=open_now)
    publication.status = PublicationStatus.PUBLICITY
    publication.approved_at = now
    publication.approved_by_id = actor.id
    publication.publicity_starts_at, publication.publicity_ends_at = starts, ends
    stage = competition.stage(StageKind.PUBLICITY)
    if stage is not None:
        # the stage's reality is the window: schedules, gates and "current stage" read it
        stage.actual_opens_at, stage.actual_closes_at = starts, ends
    publication.objection_instructions = instructions
    publication.version += 1
    record(
        "results.approve",
        publication,
        actor=actor,
        changes={
            "status": [PublicationStatus.PROPOSED, PublicationStatus.PUBLICITY],
            "publicity_starts_at": [None, publication.publicity_starts_at],
            "publicity_ends_at": [None, publication.publicity_ends_at],
        },
    )
    notify_members(decisions, "results_published", publication)
    return publication


def open_objection_count(competition) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Objection.id)).where(
                Objection.competition_id == competition.id, Objection.status == ObjectionStatus.OPEN
            )
        )
        or 0
    )


def finalize_blockers(competition, publication: Publication | None, now: datetime) -> list[str]:
    """Why the results cannot be finalized yet (empty when they can)."""
    if publication is None or publication.status == PublicationStatus.PROPOSED:
        return [_("The results have not been on public notice yet.")]
    if publication.status == PublicationStatus.FINAL:
        return [_("The results are final already.")]
    problems = []
    if publication.publicity_ends_at and now < publication.publicity_ends_at:
        from venture.templating import format_local

        problems.append(
            _(
                "The public notice runs until %(end)s.",
                end=format_local(publication.publicity_ends_at),
            )
        )
    open_count = open_objection_count(competition)
    if open_count:
        problems.append(_("%(n)d objection(s) have not been answered yet.", n=open_count))
    return problems


@service
def finalize(competition, actor, *, now: datetime | None = None) -> Publication:
    """Make the results final and lock the competition: no sheet, snapshot, decision or
    rubric of it can change afterwards. The members of every applicant organization get
    their final outcome. Every funded application becomes a project to follow up."""
    _lock(competition, "results.finalize", "competition", competition.id, actor)
    now = now or utcnow()
    publication = publication_of(competition)
    problems = finalize_blockers(competition, publication, now)
    if problems:
        raise Conflict(" ".join(str(p) for p in problems))
    publication.status = PublicationStatus.FINAL
    publication.finalized_at = now
    publication.finalized_by_id = actor.id
    publication.version += 1
    competition.results_final_at = now
    competition.results_finalized_by_id = actor.id
    stage = competition.stage(StageKind.PUBLICITY)
    if stage is not None and publication.publicity_ends_at is not None:
        stage.actual_closes_at = (
            publication.publicity_ends_at
        )  # the schedule shows when the 公示 really ended
    record(
        "results.finalize",
        competition,
        actor=actor,
        changes={
            "results_final_at": [None, now],
            "publication_status": [PublicationStatus.PUBLICITY, PublicationStatus.FINAL],
        },
    )
    notify_members(decisions_of(competition), "results_final", publication)
    from venture.followup.services import create_projects_from_results

    create_projects_from_results(competition, actor=actor)  # funded applications become projects
    return publication


def get_decision(competition, decision_id: int) -> Decision:
    decision = db.session.scalar(
        sa.select(Decision)
        .where(Decision.id == decision_id, Decision.competition_id == competition.id)
        .options(selectinload(Decision.application))
    )
    if decision is None:
        raise NotFound()
    return decision


def decision_for(application) -> Decision | None:
    return db.session.scalar(
        sa.select(Decision)
        .where(Decision.application_id == application.id)
        .options(joinedload(Decision.category))
    )
