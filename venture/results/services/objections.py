"""Objections to the public notice: filed by anyone in the window, answered by the
organizer (upheld with the change it leads to, or dismissed), looked up by receipt."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from venture.applications.models import Application
from venture.audit.services import record
from venture.competitions.locks import ensure_unlocked
from venture.db import service, utcnow
from venture.errors import Conflict, DeadlinePassed, NotFound, ValidationError
from venture.extensions import db
from venture.files.services import MB, store_upload
from venture.notices.services import notify, notify_address
from venture.results.links import external_url
from venture.results.models import (
    Decision,
    Objection,
    ObjectionFile,
    ObjectionStatus,
    ObjectorKind,
    PublicationStatus,
)
from venture.results.phone import normalize_phone
from venture.results.services.decisions import apply_change, publication_of
from venture.results.services.recipients import organizers

MIN_CONTENT_LENGTH = 20
MAX_CONTENT_LENGTH = 5000
MIN_REPLY_LENGTH = 10
MIN_PHONE_NOTE_LENGTH = 10
MAX_PHONE_NOTE_LENGTH = 1000
PHONE_CLOCK_SLACK = timedelta(minutes=5)
MAX_EVIDENCE_FILES = 5
MAX_EVIDENCE_BYTES = 10 * MB
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read out on the phone


def new_receipt_code() -> str:
    while True:
        raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        if db.session.scalar(sa.select(Objection.id).where(Objection.receipt_code == code)) is None:
            return code


def normalize_receipt(code: str) -> str:
    raw = re.sub(r"[^0-9A-Za-z]", "", code or "").upper()
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == 10 else raw


def _check_window(competition, now: datetime):
    from venture.templating import format_local

    publication = publication_of(competition)
    if publication is None or not publication.is_public:
        raise NotFound()
    state = publication.window_state(now)
    if state == "before":
        raise DeadlinePassed(
            _(
                "The public notice has not started yet: objections can be filed from %(start)s.",
                start=format_local(publication.publicity_starts_at),
            )
        )
    if state == "closed":
        raise DeadlinePassed(
            _(
                "The objection period ended on %(end)s; objections can no longer be filed.",
                end=format_local(publication.publicity_ends_at),
            )
        )
    return publication


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def _validated(
    competition,
    *,
    application_id,
    objector_kind,
    real_name,
    phone,
    email,
    organization_name,
    content,
) -> dict:
    decision_app = db.session.scalar(
        sa.select(Decision.application_id).where(
            Decision.competition_id == competition.id, Decision.application_id == application_id
        )
    )
    if decision_app is None:
        raise ValidationError(
            _("Choose a project from the published list."), field="application_id"
        )
    try:
        kind = ObjectorKind(objector_kind)
    except ValueError:
        raise ValidationError(
            _("Say whether you object as a person or for an organization."), field="objector_kind"
        ) from None
    real_name = _clean_text(real_name)
    if not 2 <= len(real_name) <= 100:
        raise ValidationError(_("Give your real name (2 to 100 characters)."), field="real_name")
    normalized_phone = normalize_phone(phone)
    if normalized_phone is None:
        raise ValidationError(
            _(
                "Enter a mainland China mobile number (11 digits, e.g. 13812345678) or a "
                "landline number with its area code (e.g. 0736-7123456)."
            ),
            field="phone",
        )
    email = _checked_email(email)
    organization_name = _checked_organization_name(kind, organization_name)
    content = _checked_content(content)
    return {
        "application_id": application_id,
        "objector_kind": kind,
        "real_name": real_name,
        "phone": normalized_phone,
        "email": email,
        "organization_name": organization_name,
        "content": content,
    }


def _checked_email(email: str | None) -> str:
    """The email address normalized; empty when none is given (it is optional)."""
    email = _clean_text(email).lower()
    if not email:
        return email
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationError(
            _("Enter a valid email address, or leave it empty."), field="email"
        ) from None


def _checked_organization_name(kind: ObjectorKind, name: str | None) -> str:
    """The organization objecting; empty for a person objecting."""
    name = _clean_text(name)
    if kind == ObjectorKind.ORGANIZATION and not 2 <= len(name) <= 200:
        raise ValidationError(
            _("Give the name of the organization you object for."), field="organization_name"
        )
    return "" if kind == ObjectorKind.PERSON else name


def _checked_content(content: str | None) -> str:
    content = _clean_text(content)
    if len(content) < MIN_CONTENT_LENGTH:
        raise ValidationError(
            _(
                "Describe the objection and its grounds in at least %(n)d characters.",
                n=MIN_CONTENT_LENGTH,
            ),
            field="content",
        )
    if len(content) > MAX_CONTENT_LENGTH:
        raise ValidationError(
            _("The objection is too long (at most %(n)d characters).", n=MAX_CONTENT_LENGTH),
            field="content",
        )
    return content


@service
def file_objection(
    competition,
    *,
    application_id: int,
    objector_kind: str,
    real_name: str,
    phone: str,
    content: str,
    email: str = "",
    organization_name: str = "",
    files=(),
    ip: str = "",
    locale: str = "zh_CN",
    now: datetime | None = None,
) -> Objection:
    """Anyone files a written, signed objection during the public notice window."""
    now = now or utcnow()
    _check_window(competition, now)
    data = _validated(
        competition,
        application_id=application_id,
        objector_kind=objector_kind,
        real_name=real_name,
        phone=phone,
        email=email,
        organization_name=organization_name,
        content=content,
    )
    files = [f for f in files if f is not None and getattr(f, "filename", "")]
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            _("Attach at most %(n)d files.", n=MAX_EVIDENCE_FILES), field="evidence"
        )
    objection = Objection(
        competition_id=competition.id,
        locale=locale if locale in ("zh_CN", "en") else "zh_CN",
        ip=(ip or "")[:64],
        receipt_code=new_receipt_code(),
        status=ObjectionStatus.OPEN,
        created_at=now,
        updated_at=now,
        **data,
    )
    db.session.add(objection)
    for upload in files:
        stored = store_upload(upload, allowed_kinds=("pdf", "image"), max_bytes=MAX_EVIDENCE_BYTES)
        objection.files.append(ObjectionFile(file=stored))
    db.session.flush()
    record(
        "results.objection_filed",
        objection,
        actor=None,
        changes={
            "application_id": data["application_id"],
            "objector_kind": data["objector_kind"],
            "files": len(files),
        },
    )
    app = db.session.get(Application, application_id)
    link = external_url(
        "results.objection_detail", competition_id=competition.id, objection_id=objection.id
    )
    for organizer in organizers():
        notify(
            organizer,
            "objection_received",
            link=link,
            competition_id=competition.id,
            competition=competition,
            project=app.project_name,
            code=app.display_code,
            objector=data["real_name"],
            organization_name=data["organization_name"],
            receipt_code=objection.receipt_code,
        )
    return objection


def _decision_id(competition, application_id: int) -> int:
    return db.session.scalar(
        sa.select(Decision.id).where(
            Decision.competition_id == competition.id, Decision.application_id == application_id
        )
    )


def get_objection(competition, objection_id: int) -> Objection:
    objection = db.session.scalar(
        sa.select(Objection)
        .where(Objection.id == objection_id, Objection.competition_id == competition.id)
        .options(selectinload(Objection.files).joinedload(ObjectionFile.file))
    )
    if objection is None:
        raise NotFound()
    return objection


def _phone_delivery(
    objection: Objection, note: str | None, replied_at: datetime | None, now: datetime
) -> tuple[str, datetime | None]:
    """How the reply reached an objector who gave no email: required then, optional otherwise."""
    note = _clean_text(note)
    if objection.email and not note and replied_at is None:
        return "", None
    if len(note) < MIN_PHONE_NOTE_LENGTH:
        raise ValidationError(
            _(
                "The objector gave no email: tell them the answer by phone, then record who "
                "called and what came of the call (at least %(n)d characters).",
                n=MIN_PHONE_NOTE_LENGTH,
            ),
            field="phone_note",
        )
    if len(note) > MAX_PHONE_NOTE_LENGTH:
        raise ValidationError(
            _("At most %(n)d characters.", n=MAX_PHONE_NOTE_LENGTH), field="phone_note"
        )
    if replied_at is None:
        raise ValidationError(_("Give the date and time of the call."), field="phone_replied_at")
    filed_minute = objection.created_at.replace(second=0, microsecond=0)  # the form gives minutes
    if replied_at > now + PHONE_CLOCK_SLACK or replied_at < filed_minute:
        raise ValidationError(
            _("The call must be after the objection was filed and not in the future."),
            field="phone_replied_at",
        )
    return note, replied_at


@service
def answer_objection(
    objection: Objection,
    *,
    upheld: bool,
    reply: str,
    actor,
    change: bool = False,
    outcome: str | None = None,
    approved_fen: int | None = None,
    change_reason: str = "",
    no_change_reason: str = "",
    phone_note: str = "",
    phone_replied_at: datetime | None = None,
    now: datetime | None = None,
) -> Objection:
    """Uphold (changing the objected decision through the audited path in this same
    transaction, or saying why no decision changes) or dismiss, with a reply that reaches the
    objector: by email when they gave one, otherwise by phone, recorded here."""
    competition = objection.application.competition
    ensure_unlocked(
        competition,
        action="results.objection_answer",
        object_type="objection",
        object_id=objection.id,
        actor=actor,
    )
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(_("This objection has been answered already."))
    publication = publication_of(competition)
    if publication is None or publication.status != PublicationStatus.PUBLICITY:
        raise Conflict(_("These results are not on public notice."))
    reply = _clean_text(reply)
    if len(reply) < MIN_REPLY_LENGTH:
        raise ValidationError(
            _("Write a reply to the objector (at least %(n)d characters).", n=MIN_REPLY_LENGTH),
            field="reply",
        )
    now = now or utcnow()
    if change and not upheld:
        raise ValidationError(_("Only an upheld objection changes a decision."), field="change")
    no_change_reason = _clean_text(no_change_reason) if upheld and not change else ""
    if upheld and not change and len(no_change_reason) < MIN_REPLY_LENGTH:
        raise ValidationError(
            _(
                "An upheld objection changes the decision, or says why no decision changes: "
                "explain it (at least %(n)d characters).",
                n=MIN_REPLY_LENGTH,
            ),
            field="no_change_reason",
        )
    phone_note, phone_replied_at = _phone_delivery(objection, phone_note, phone_replied_at, now)
    changed = None
    if change:
        decision = db.session.get(Decision, _decision_id(competition, objection.application_id))
        changed = apply_change(
            decision,
            outcome=outcome or decision.outcome,
            approved_fen=approved_fen,
            reason=change_reason or reply,
            actor=actor,
            objection=objection,
            reason_field="change_reason",
        )
    new_status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    record(
        "results.objection_answer",
        objection,
        actor=actor,
        changes={
            "status": [objection.status, new_status],
            "reply": reply,
            "changed_decision_id": changed.id if changed else None,
            "no_change_reason": no_change_reason or None,
            "reply_by": "email" if objection.email else "phone",
            "phone_reply_note": phone_note or None,
            "phone_replied_at": phone_replied_at,
        },
    )
    objection.status = new_status
    objection.reply = reply
    objection.answered_at = now
    objection.answered_by_id = actor.id
    objection.changed_decision_id = changed.id if changed else None
    objection.no_change_reason = no_change_reason
    objection.phone_reply_note = phone_note
    objection.phone_replied_at = phone_replied_at
    if objection.email:
        notify_address(
            objection.email,
            objection.locale,
            "objection_answered",
            link=external_url("results.objection_lookup"),
            competition_id=competition.id,
            dedupe_key=reply_dedupe_key(objection),
            competition=competition,
            project=objection.application.project_name,
            receipt_code=objection.receipt_code,
            status=new_status.value,
            reply=reply,
            real_name=objection.real_name,
        )
    return objection


def reply_dedupe_key(objection: Objection) -> str:
    return f"objection_answered:{objection.id}"


def lookup_objection(receipt_code: str, phone: str) -> Objection | None:
    """The objection with this receipt code, if the phone matches the one given at filing."""
    code = normalize_receipt(receipt_code)
    normalized = normalize_phone(phone)
    if not code or normalized is None:
        return None
    return db.session.scalar(
        sa.select(Objection).where(Objection.receipt_code == code, Objection.phone == normalized)
    )
