"""Every change to applications: drafting, attachments, submission, withdrawal and
eligibility screening. Other domains call these functions (see the names below)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from venture.applications import labels as _labels  # noqa: F401  (enum labels)
from venture.applications.services.attachments import (
    ORG_DOCUMENT_KINDS,
    add_attachment,
    documents_on_file,
    remove_attachment,
    reuse_documents,
    set_attachment_identifying,
)
from venture.applications.services.drafting import (
    StaleEdit,
    accepting_applications,
    edit_deadline,
    ensure_editable,
    my_organizations,
    save_section,
    start_application,
    submission_problems,
)
from venture.applications.services.screening import (
    BulkResult,
    bulk_pass,
    checklist,
    load_for_checks,
    pass_application,
    reject_application,
    return_application,
)
from venture.applications.services.submission import (
    SubmissionRefused,
    allocate_code,
    member_users,
    notify_members,
    submit_application,
    withdraw_application,
    withdraw_deadline,
)
from venture.applications.snapshot import blind_copy, build_snapshot, diff_snapshots
from venture.notices import kinds

kinds.register("application_submitted", _l("Application submitted"))
kinds.register("application_returned", _l("Application returned for amendment"))
kinds.register("screening_result", _l("Result of the eligibility screening"))


def revision_data(application, number: int | None = None, *, blind: bool = False) -> dict | None:
    """The frozen data of a revision (the latest by default); ``blind`` hides the applicant."""
    revisions = application.revisions
    if not revisions:
        return None
    chosen = (
        revisions[-1]
        if number is None
        else next((r for r in revisions if r.number == number), None)
    )
    if chosen is None:
        return None
    return blind_copy(chosen.data) if blind else chosen.data


__all__ = [
    "ORG_DOCUMENT_KINDS",
    "documents_on_file",
    "reuse_documents",
    "BulkResult",
    "StaleEdit",
    "SubmissionRefused",
    "accepting_applications",
    "add_attachment",
    "allocate_code",
    "blind_copy",
    "build_snapshot",
    "bulk_pass",
    "checklist",
    "diff_snapshots",
    "edit_deadline",
    "ensure_editable",
    "load_for_checks",
    "member_users",
    "my_organizations",
    "notify_members",
    "pass_application",
    "reject_application",
    "remove_attachment",
    "return_application",
    "revision_data",
    "save_section",
    "set_attachment_identifying",
    "start_application",
    "submission_problems",
    "submit_application",
    "withdraw_application",
    "withdraw_deadline",
]
