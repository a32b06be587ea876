"""Conflicts of interest (回避): detected from memberships, employers and declared ties,
declared by the judge before opening an application, or recorded by an organizer.

A conflict removes the judge's assignment on that application and a replacement is
assigned automatically with the same constraints (panel, no conflict, maximum load)."""

from __future__ import annotations

import random
from collections import defaultdict

import sqlalchemy as sa
from flask_babel import gettext as _

from venture.accounts.models import Role, User
from venture.applications.models import Application
from venture.audit.services import record
from venture.competitions.locks import ensure_unlocked
from venture.competitions.models import StageKind
from venture.db import service, utcnow
from venture.errors import Conflict as ConflictError
from venture.errors import ValidationError
from venture.extensions import db
from venture.judging.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictSource,
    JudgeProfile,
    JudgeTie,
    ScoreSheet,
    SheetStatus,
)
from venture.judging.services.common import external, organizers_for
from venture.labels import label
from venture.notices.services import notify
from venture.orgs.models import Membership, Organization


def detect(judge_ids, applications) -> dict[tuple[int, int], str]:
    """Every (application id, judge id) with a conflict, and why, in four queries (one per
    source; the first source that finds a pair gives its reason)."""
    judge_ids = set(judge_ids)
    apps = list(applications)
    if not judge_ids or not apps:
        return {}
    org_apps: dict[int, list[int]] = defaultdict(list)
    for app in apps:
        org_apps[app.organization_id].append(app.id)
    found: dict[tuple[int, int], str] = {}
    for source in (_recorded, _members, _employees, _declared_ties):
        for pair, reason in source(judge_ids, apps, org_apps):
            found.setdefault(pair, reason)
    return found


def _recorded(judge_ids, apps, _org_apps):
    """Conflicts on record (declared, recorded by an organizer, detected before)."""
    for judge_id, app_id, source, reason in db.session.execute(
        sa.select(
            Conflict.judge_id, Conflict.application_id, Conflict.source, Conflict.reason
        ).where(Conflict.application_id.in_([a.id for a in apps]), Conflict.judge_id.in_(judge_ids))
    ):
        yield (app_id, judge_id), reason or str(source)


def _members(judge_ids, _apps, org_apps):
    for user_id, org_id in db.session.execute(
        sa.select(Membership.user_id, Membership.organization_id).where(
            Membership.user_id.in_(judge_ids), Membership.organization_id.in_(org_apps)
        )
    ):
        for app_id in org_apps[org_id]:
            yield (app_id, user_id), _("member of the applicant organization")


def _employees(judge_ids, _apps, org_apps):
    """Judges whose employer's 统一社会信用代码 is the applicant's (one query, joined)."""
    for user_id, org_id in db.session.execute(
        sa.select(JudgeProfile.user_id, Organization.id)
        .join(Organization, Organization.uscc == JudgeProfile.employer_uscc)
        .where(
            JudgeProfile.user_id.in_(judge_ids),
            Organization.id.in_(org_apps),
            JudgeProfile.employer_uscc != "",
        )
    ):
        for app_id in org_apps[org_id]:
            yield (app_id, user_id), _("employed by the applicant organization")


def _declared_ties(judge_ids, _apps, org_apps):
    for user_id, org_id, kind in db.session.execute(
        sa.select(JudgeTie.judge_id, JudgeTie.organization_id, JudgeTie.kind).where(
            JudgeTie.judge_id.in_(judge_ids), JudgeTie.organization_id.in_(org_apps)
        )
    ):
        for app_id in org_apps[org_id]:
            yield (
                (app_id, user_id),
                _("declared tie to the applicant organization (%(kind)s)", kind=label(kind)),
            )


def is_conflicted(judge_id: int, application: Application) -> bool:
    """Whether :func:`detect` finds a conflict for this one pair."""
    return bool(detect([judge_id], [application]))


def record_detected(found: dict[tuple[int, int], str]) -> int:
    """Store detected conflicts that are not on record yet (so organizers see them)."""
    if not found:
        return 0
    app_ids = {a for a, _j in found}
    existing = set(
        db.session.execute(
            sa.select(Conflict.application_id, Conflict.judge_id).where(
                Conflict.application_id.in_(app_ids)
            )
        ).all()
    )
    added = 0
    for (app_id, judge_id), reason in sorted(found.items()):
        if (app_id, judge_id) not in existing:
            db.session.add(
                Conflict(
                    judge_id=judge_id,
                    application_id=app_id,
                    source=ConflictSource.DETECTED,
                    reason=reason,
                )
            )
            added += 1
    return added


def _stage_open_for_changes(stage) -> bool:
    return not stage.has_ended(utcnow())


@service
def confirm_no_conflict(judge: User, assignment: Assignment) -> None:
    if assignment.no_conflict_confirmed_at is None:
        assignment.no_conflict_confirmed_at = utcnow()
        record(
            "judging.confirm_no_conflict",
            assignment,
            actor=judge,
            changes={"application_id": assignment.application_id, "stage_id": assignment.stage_id},
        )


@service
def declare_conflict(judge: User, assignment: Assignment, reason: str) -> Assignment | None:
    """The judge declares a conflict: the assignment goes, a replacement comes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say briefly why you have a conflict of interest."), field="reason")
    stage = assignment.stage
    ensure_unlocked(
        stage.competition,
        action="judging.declare_conflict",
        object_type="assignment",
        object_id=assignment.id,
        actor=judge,
        stage_kind=stage.kind,
    )
    if _has_submitted(assignment):
        raise ConflictError(
            _("You have already submitted this sheet; ask the organizer to record the conflict.")
        )
    _add_conflict(
        assignment.judge_id, assignment.application_id, ConflictSource.DECLARED, reason, judge
    )
    return remove_and_replace(
        assignment,
        reason=_("Conflict of interest declared: %(reason)s", reason=reason),
        actor=judge,
    )


@service
def record_conflict(
    organizer: User,
    judge: User,
    application: Application,
    reason: str,
    stage_kind: StageKind | None = None,
) -> list[Assignment]:
    """An organizer records a conflict by hand (from ``stage_kind``'s page); open
    assignments of the pair are replaced, once the results are final only in the
    mid-term and final evaluations."""
    reason = (reason or "").strip()
    if judge.role != Role.JUDGE:
        raise ValidationError(_("Choose a judge."), field="judge_id")
    if not reason:
        raise ValidationError(_("Give the reason for the conflict."), field="reason")
    competition = application.competition
    ensure_unlocked(
        competition,
        action="judging.record_conflict",
        object_type="application",
        object_id=application.id,
        actor=organizer,
        stage_kind=stage_kind,
    )
    existing = db.session.scalar(
        sa.select(Conflict).where(
            Conflict.judge_id == judge.id, Conflict.application_id == application.id
        )
    )
    if existing is not None and existing.source != ConflictSource.DETECTED:
        raise ConflictError(_("This conflict is on record already."))
    if existing is not None:
        existing.source, existing.reason, existing.created_by_id = (
            ConflictSource.ORGANIZER,
            reason,
            organizer.id,
        )
        record(
            "judging.conflict",
            existing,
            actor=organizer,
            changes={"source": ["detected", "organizer"], "reason": reason},
        )
    else:
        _add_conflict(judge.id, application.id, ConflictSource.ORGANIZER, reason, organizer)
    replaced = []
    for assignment in _open_assignments(judge.id, application.id):
        if competition.is_locked_for(assignment.stage.kind):
            continue
        replaced.append(
            remove_and_replace(
                assignment,
                reason=_(
                    "Conflict of interest recorded by the organizer: %(reason)s", reason=reason
                ),
                actor=organizer,
            )
        )
    return replaced


def apply_new_conflicts(judge: User) -> int:
    """After a profile or tie change: replace the judge where a conflict appears now."""
    assignments = list(
        db.session.scalars(
            sa.select(Assignment).where(
                Assignment.judge_id == judge.id, Assignment.status == AssignmentStatus.ACTIVE
            )
        )
    )
    if not assignments:
        return 0
    found = detect({judge.id}, [a.application for a in assignments])
    count = 0
    for assignment in assignments:
        reason = found.get((assignment.application_id, judge.id))
        if (
            reason is None
            or not _stage_open_for_changes(assignment.stage)
            or _has_submitted(assignment)
            or assignment.stage.competition.is_locked_for(assignment.stage.kind)
        ):
            continue
        record_detected({(assignment.application_id, judge.id): reason})
        remove_and_replace(assignment, reason=reason, actor=judge)
        count += 1
    return count


def _open_assignments(judge_id: int, application_id: int) -> list[Assignment]:
    rows = db.session.scalars(
        sa.select(Assignment).where(
            Assignment.judge_id == judge_id,
            Assignment.application_id == application_id,
            Assignment.status == AssignmentStatus.ACTIVE,
        )
    )
    return [a for a in rows if _stage_open_for_changes(a.stage) and not _has_submitted(a)]


def _has_submitted(assignment: Assignment) -> bool:
    return (
        db.session.scalar(
            sa.select(ScoreSheet.id).where(
                ScoreSheet.stage_id == assignment.stage_id,
                ScoreSheet.application_id == assignment.application_id,
                ScoreSheet.judge_id == assignment.judge_id,
                ScoreSheet.status == SheetStatus.SUBMITTED,
            )
        )
        is not None
    )


def _add_conflict(
    judge_id: int, application_id: int, source: ConflictSource, reason: str, actor: User
) -> None:
    existing = db.session.scalar(
        sa.select(Conflict).where(
            Conflict.judge_id == judge_id, Conflict.application_id == application_id
        )
    )
    if existing is None:
        existing = Conflict(
            judge_id=judge_id,
            application_id=application_id,
            source=source,
            reason=reason,
            created_by_id=actor.id,
        )
        db.session.add(existing)
    else:
        existing.source, existing.reason = source, reason
    record(
        "judging.conflict",
        existing,
        actor=actor,
        changes={
            "judge_id": judge_id,
            "application_id": application_id,
            "source": source,
            "reason": reason,
        },
    )


def remove_and_replace(assignment: Assignment, *, reason: str, actor: User) -> Assignment | None:
    """Remove an assignment and give the application another judge (same constraints)."""
    from venture.judging.services.assignment import (
        find_replacement,
        notify_judge_assigned,
        place,
        stage_loads,
    )

    stage, application = assignment.stage, assignment.application
    assignment.status = AssignmentStatus.REMOVED
    assignment.removed_reason = reason
    db.session.execute(
        sa.delete(ScoreSheet).where(
            ScoreSheet.stage_id == stage.id,
            ScoreSheet.application_id == application.id,
            ScoreSheet.judge_id == assignment.judge_id,
            ScoreSheet.status == SheetStatus.DRAFT,
        )
    )
    record(
        "judging.assignment_removed",
        assignment,
        actor=actor,
        changes={
            "status": ["active", "removed"],
            "reason": reason,
            "judge_id": assignment.judge_id,
            "application_id": application.id,
        },
    )
    db.session.flush()
    replacement = find_replacement(
        stage,
        application,
        rng=random.Random(f"{stage.assignment_seed}:{application.id}:{assignment.judge_id}"),
    )
    new = None
    if replacement is not None:
        new = place(stage, application, replacement)
        record(
            "judging.assignment_replacement",
            new,
            actor=actor,
            changes={
                "judge_id": replacement.id,
                "application_id": application.id,
                "replaces": assignment.judge_id,
            },
        )
        # count: every application the replacement now scores in this stage, not just this one
        notify_judge_assigned(replacement, stage, added=1, count=stage_loads(stage)[replacement.id])
    for organizer in organizers_for(stage.competition):
        notify(
            organizer,
            "assignment_replaced",
            link=external("judging.assignments", stage_id=stage.id),
            competition_id=stage.competition_id,
            application=application.display_code,
            old=assignment.judge.display_name,
            new=replacement.display_name if replacement else "",
            reason=reason,
            stage=stage,
            competition=stage.competition,
        )
    return new
