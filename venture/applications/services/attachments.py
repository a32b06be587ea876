"""Attachments of an application: uploads checked by content within the competition's
size limits, removal, and the mark that hides identifying files in a blind review."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from venture.applications import policies
from venture.applications.models import Application, Attachment, AttachmentKind
from venture.applications.services.drafting import ensure_editable
from venture.audit.services import record
from venture.db import service
from venture.errors import Forbidden, ValidationError
from venture.extensions import db
from venture.files.services import MB, UploadTooLarge, store_upload


@service
def add_attachment(application: Application, upload, *, kind, identifying: bool = True, actor,
                   now: datetime | None = None) -> Attachment:
    """Store an uploaded file (type checked by content) within the competition's limits."""
    if not policies.can_edit(actor, application):
        raise Forbidden()
    ensure_editable(application, now)
    try:
        kind = AttachmentKind(kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of attachment."), field="kind") from None
    comp = application.competition
    stored = store_upload(upload, user=actor, max_bytes=comp.max_file_mb * MB)
    used = sum(a.file.size for a in application.attachments)
    if used + stored.size > comp.max_total_mb * MB:
        used_mb = f"{used / MB:.1f}"
        raise UploadTooLarge(_("The attachments of an application may take at most %(mb)d MB together; "
                               "%(used)s MB are used.", mb=comp.max_total_mb, used=used_mb))
    attachment = Attachment(kind=kind, identifying=bool(identifying), file=stored)
    application.attachments.append(attachment)
    db.session.flush()
    record("application.attachment_added", application, actor=actor,
           changes={"attachment": [None, stored.original_name], "kind": [None, kind.value]})
    return attachment


@service
def remove_attachment(attachment: Attachment, *, actor, now: datetime | None = None) -> None:
    """Detach a file; the stored file stays, since earlier revisions may refer to it."""
    application = attachment.application
    if not policies.can_edit(actor, application):
        raise Forbidden()
    ensure_editable(application, now)
    record("application.attachment_removed", application, actor=actor,
           changes={"attachment": [attachment.file.original_name, None]})
    application.attachments.remove(attachment)


@service
def set_attachment_identifying(attachment: Attachment, identifying: bool, *, actor) -> None:
    application = attachment.application
    if not policies.can_edit(actor, application):
        raise Forbidden()
    ensure_editable(application)
    if attachment.identifying != identifying:
        record("application.attachment_marked", application, actor=actor,
               changes={"identifying": [attachment.identifying, identifying]})
        attachment.identifying = identifying


