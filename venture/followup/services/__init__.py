"""Every state change of the follow-up, one function per user intention.

Split by subject: ``creation`` (final results → projects), ``money`` (agreement,
tranches, termination, recovery), ``reports`` (reports, activities, the community's
confirmation, milestones, spending, deadline extensions) and ``evaluations``.
"""

from venture.followup import notice_kinds  # noqa: F401  (registers the notice kinds)
from venture.followup.services.creation import (
    competitions_with_pending_projects,
    create_projects_from_results,
    tranche_plan,
)
from venture.followup.services.disputes import (
    answer_dispute,
    decide_dispute,
    dispute_hold_reason,
    held_tranche,
    holds_of,
    respond_to_answer,
)
from venture.followup.services.evaluations import (
    active_assignments,
    assign_evaluators,
    decide_evaluation,
    decide_if_complete,
    decide_ready_evaluations,
    evaluation_is_complete,
    expire_overdue_evaluations,
    score_from_sheets,
    submit_self_assessment,
    submitted_sheets,
)
from venture.followup.services.money import (
    close_if_finished,
    confirm_agreement,
    record_recovery,
    release_tranche,
    released_fen,
    submit_agreement,
    terminate_project,
    tranche_block_reason,
)
from venture.followup.services.reports import (
    add_activity,
    complete_milestone,
    extend_deadline,
    host_community_ids,
    record_expense,
    remove_activity,
    review_activity,
    save_report_summary,
    submit_report,
)
from venture.followup.services.schedule import (
    agreement_schedule,
    apply_schedule,
    change_agreement_dates,
    project_schedule,
)

__all__ = [
    "active_assignments",
    "add_activity",
    "agreement_schedule",
    "answer_dispute",
    "apply_schedule",
    "change_agreement_dates",
    "decide_dispute",
    "dispute_hold_reason",
    "held_tranche",
    "holds_of",
    "project_schedule",
    "respond_to_answer",
    "assign_evaluators",
    "close_if_finished",
    "competitions_with_pending_projects",
    "complete_milestone",
    "confirm_agreement",
    "create_projects_from_results",
    "decide_evaluation",
    "decide_if_complete",
    "decide_ready_evaluations",
    "evaluation_is_complete",
    "expire_overdue_evaluations",
    "extend_deadline",
    "host_community_ids",
    "record_expense",
    "record_recovery",
    "release_tranche",
    "released_fen",
    "remove_activity",
    "review_activity",
    "save_report_summary",
    "score_from_sheets",
    "submit_agreement",
    "submit_report",
    "submit_self_assessment",
    "submitted_sheets",
    "terminate_project",
    "tranche_block_reason",
    "tranche_plan",
]

from venture.followup.integration import connect_to_judging  # noqa: E402

connect_to_judging()
