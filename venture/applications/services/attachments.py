"""Attachments of an application: uploads checked by content within the competition's
size limits, removal, and the mark that hides identifying files in a blind review."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from venture.applications import policies
from venture.applications.models import Application, ApplicationStatus, Attachment, AttachmentKind
from venture.applications.services.drafting import ensure_editable
from venture.audit.services import record
from venture.db import service, utcnow
from venture.errors import Forbidden, ValidationError
from venture.extensions import db
from venture.files.services import MB, UploadTooLarge, store_upload
from venture.followup.rules import local_date

# The organization's own documents: the same for all its applications while they are valid.
ORG_DOCUMENT_KINDS = (AttachmentKind.REGISTRATION, AttachmentKind.CHARTER)


@service
def add_attachment(
    application: Application,
    upload,
    *,
    kind,
    identifying: bool = True,
    valid_until: date | None = None,
    actor,
    now: datetime | None = None,
) -> Attachment:
    """Store an uploaded file (type checked by content) within the competition's limits."""
    if not policies.can_edit(actor, application):
        raise Forbidden()
    ensure_editable(application, now)
    try:
        kind = AttachmentKind(kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of attachment."), field="kind") from None
    if valid_until is not None and valid_until < local_date(now or utcnow()):
        raise ValidationError(
            _(
                "This document expired on %(day)s: upload a current one.",
                day=valid_until.isoformat(),
            ),
            field="valid_until",
        )
    comp = application.competition
    stored = store_upload(upload, user=actor, max_bytes=comp.max_file_mb * MB)
    used = sum(a.file.size for a in application.attachments)
    if used + stored.size > comp.max_total_mb * MB:
        used_mb = f"{used / MB:.1f}"
        raise UploadTooLarge(
            _(
                "The attachments of an application may take at most %(mb)d MB together; "
                "%(used)s MB are used.",
                mb=comp.max_total_mb,
                used=used_mb,
            )
        )
    attachment = Attachment(
        kind=kind, identifying=bool(identifying), file=stored, valid_until=valid_until
    )
    application.attachments.append(attachment)
    db.session.flush()
    record(
        "application.attachment_added",
        application,
        actor=actor,
        changes={
            "attachment": [None, stored.original_name],
            "kind": [None, kind.value],
            "valid_until": [None, valid_until.isoformat() if valid_until else None],
        },
    )
    return attachment


def documents_on_file(application: Application, now: datetime | None = None) -> list[Attachment]:
    """The organization's documents (登记证书, 章程) it gave with its other submitted
    applications, still valid, the latest of each kind, that this application lacks."""
    today = local_date(now or utcnow())
    held = {a.kind for a in application.attachments if not a.expired(today)}
    candidates = db.session.scalars(
        sa.select(Attachment)
        .join(Application, Application.id == Attachment.application_id)
        .where(
            Application.organization_id == application.organization_id,
            Application.id != application.id,
            Application.status != ApplicationStatus.DRAFT,
            Attachment.kind.in_(ORG_DOCUMENT_KINDS),
            sa.or_(Attachment.valid_until.is_(None), Attachment.valid_until >= today),
        )
        .options(joinedload(Attachment.file), joinedload(Attachment.application))
        .order_by(Attachment.created_at.desc(), Attachment.id.desc())
    )
    latest: dict[AttachmentKind, Attachment] = {}
    for attachment in candidates:
        if attachment.kind not in held:
            latest.setdefault(attachment.kind, attachment)
    return [latest[k] for k in ORG_DOCUMENT_KINDS if k in latest]


@service
def reuse_documents(
    application: Application, *, actor, now: datetime | None = None
) -> list[Attachment]:
    """Give this application the organization's documents on file instead of asking for
    them again (the same stored file, not a copy); returns the attachments added."""
    if not policies.can_edit(actor, application):
        raise Forbidden()
    ensure_editable(application, now)
    limit = application.competition.max_total_mb * MB
    used = sum(a.file.size for a in application.attachments)
    added = []
    for source in documents_on_file(application, now):
        if used + source.file.size > limit:
            continue  # the applicant uploads it then, within the limit
        used += source.file.size
        attachment = Attachment(
            kind=source.kind,
            identifying=source.identifying,
            file=source.file,
            valid_until=source.valid_until,
            reused_from=source,
        )
        application.attachments.append(attachment)
        added.append(attachment)
    if added:
        db.session.flush()
        record(
            "application.documents_reused",
            application,
            actor=actor,
            changes={
                "documents": [[a.kind.value, a.reused_from.application.display_code] for a in added]
            },
        )
    return added


@service
def remove_attachment(attachment: Attachment, *, actor, now: datetime | None = None) -> None:
    """Detach a file; the stored file stays, since earlier revisions may refer to it."""
    application = attachment.application
    if not policies.can_edit(actor, application):
        raise Forbidden()
    ensure_editable(application, now)
    record(
        "application.attachment_removed",
        application,
        actor=actor,
        changes={"attachment": [attachment.file.original_name, None]},
    )
    application.attachments.remove(attachment)


@service
def set_attachment_identifying(attachment: Attachment, identifying: bool, *, actor) -> None:
    application = attachment.application
    if not policies.can_edit(actor, application):
        raise Forbidden()
    ensure_editable(application)
    if attachment.identifying != identifying:
        record(
            "application.attachment_marked",
            application,
            actor=actor,
            changes={"identifying": [attachment.identifying, identifying]},
        )
        attachment.identifying = identifying
