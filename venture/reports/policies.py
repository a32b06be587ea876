"""Who may see the reports and take the files out."""

from __future__ import annotations


def can_view_reports(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_organizer)


def can_download_export(user, job) -> bool:
    """Any organizer may download an export prepared for a colleague: organizers share the
    competitions' data anyway, and the audit log says who asked for each file."""
    return can_view_reports(user) and job.kind == "export"


def can_retry_export(user, job) -> bool:
    """Whoever may download an export may ask for it again when its run failed."""
    return can_download_export(user, job)
