"""Who may see and do what in the follow-up.

- organizers: everything;
- the organization's members: their own projects (reports, agreement, spending, self-assessment);
- a community liaison: the projects placed in their communities, read-only, and the
  confirmation of the activities held in their communities;
- an evaluator (a judge with an active assignment): the evaluation they score.
"""

from __future__ import annotations

import sqlalchemy as sa

from venture.extensions import db
from venture.followup.integration import communities_of_liaison
from venture.followup.models import (
    Activity,
    ActivityDispute,
    ActivityPhoto,
    DisputeEntry,
    DisputeEvidence,
    Expense,
    ProgressReport,
)
from venture.orgs.policies import is_member


def _organizer(user) -> bool:
    return bool(getattr(user, "is_organizer", False))


def host_community_ids(project) -> set[int]:
    return {c.id for c in project.application.communities}


def is_project_member(user, project) -> bool:
    return bool(getattr(user, "is_applicant", False)) and is_member(user, project.organization_id)


def is_project_liaison(user, project) -> bool:
    return bool(getattr(user, "is_liaison", False)) and bool(
        host_community_ids(project) & communities_of_liaison(user)
    )


def can_view_project(user, project) -> bool:
    return _organizer(user) or is_project_member(user, project) or is_project_liaison(user, project)


def can_work_on_project(user, project) -> bool:
    """File reports, upload the agreement, record spending, self-assess."""
    return is_project_member(user, project)


def can_manage_project(user, project) -> bool:
    """Confirm the agreement, release money, terminate, extend deadlines."""
    return _organizer(user)


def can_change_agreement_dates(user, project) -> bool:
    """Change the agreement's dates (and so the schedule) with a reason: those who run
    the competition, while the project is still running."""
    from venture.followup.models import ProjectStatus

    return _organizer(user) and project.status in (
        ProjectStatus.AGREEMENT,
        ProjectStatus.ACTIVE,
        ProjectStatus.SUSPENDED,
    )


def project_file_ids(project) -> set[int]:
    """Every stored file that belongs to this project (agreement, evidence, vouchers, photos,
    the evidence answering a dispute): those its page may hand out."""
    ids = {project.agreement.signed_copy_id} if project.agreement else set()
    ids |= {m.evidence_file_id for m in project.milestones}
    ids |= set(
        db.session.scalars(sa.select(Expense.voucher_id).where(Expense.project_id == project.id))
    )
    ids |= set(
        db.session.scalars(
            sa.select(ActivityPhoto.stored_file_id)
            .join(Activity, Activity.id == ActivityPhoto.activity_id)
            .join(ProgressReport, ProgressReport.id == Activity.report_id)
            .where(ProgressReport.project_id == project.id)
        )
    )
    ids |= set(
        db.session.scalars(
            sa.select(DisputeEvidence.stored_file_id)
            .join(DisputeEntry, DisputeEntry.id == DisputeEvidence.entry_id)
            .join(ActivityDispute, ActivityDispute.id == DisputeEntry.dispute_id)
            .join(Activity, Activity.id == ActivityDispute.activity_id)
            .join(ProgressReport, ProgressReport.id == Activity.report_id)
            .where(ProgressReport.project_id == project.id)
        )
    )
    ids.discard(None)
    return ids


def is_project_file(project, file_id: int) -> bool:
    """A stored file is served from a project's page only when it belongs to the project."""
    return file_id in project_file_ids(project)


def can_review_activity(user, activity) -> bool:
    return bool(
        getattr(user, "is_liaison", False)
    ) and activity.community_id in communities_of_liaison(user)


def is_evaluator(user, evaluation) -> bool:
    from venture.judging.models import Assignment, AssignmentStatus

    if not getattr(user, "is_judge", False) or evaluation.stage_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(Assignment.id).where(
                Assignment.stage_id == evaluation.stage_id,
                Assignment.application_id == evaluation.project.application_id,
                Assignment.judge_id == user.id,
                Assignment.status == AssignmentStatus.ACTIVE,
            )
        )
        is not None
    )


def can_view_evaluation(user, evaluation) -> bool:
    return (
        _organizer(user)
        or is_project_member(user, evaluation.project)
        or is_evaluator(user, evaluation)
    )


# --- disputes of activity records -----------------------------------------------------


def can_view_dispute(user, dispute) -> bool:
    """The two sides (the organization, the community's liaison) and those who decide."""
    activity = dispute.activity
    return (
        can_decide_dispute(user, dispute)
        or is_project_member(user, activity.report.project)
        or can_review_activity(user, activity)
    )


def can_answer_dispute(user, dispute) -> bool:
    return is_project_member(user, dispute.activity.report.project)


def can_respond_to_dispute(user, dispute) -> bool:
    """Confirm the activity after the answer, or keep the dispute."""
    return can_review_activity(user, dispute.activity)


def can_decide_dispute(user, dispute) -> bool:
    """Decide when the two sides cannot agree: those who run the competition. One place,
    so the bureaus' roles can narrow it to the competition's operator."""
    return _organizer(user)
