"""Recording notices (in the caller's transaction) and delivering them (in a worker).

Delivery is idempotent: a worker first *claims* the row with a conditional UPDATE,
so of two copies of the same task only one sends; the row records every attempt.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from venture.db import service, utcnow
from venture.errors import DomainError, NotFound
from venture.extensions import db
from venture.notices import kinds
from venture.notices.channels import build_message, send_email
from venture.notices.models import EmailStatus, Notice, NoticePreference
from venture.tasks import after_commit

log = logging.getLogger("venture.notices")


# --- recording -----------------------------------------------------------------------


def render_notice(kind: str, locale: str, context: dict) -> tuple[str, str]:
    """Render a kind's template in the recipient's language: (subject, body)."""
    kinds.get(kind)
    template = current_app.jinja_env.get_template(f"notices/email/{kind}.txt")
    with force_locale(locale):
        ctx = template.new_context({**context, "base_url": current_app.config["BASE_URL"]})
        subject = "".join(template.blocks["subject"](ctx)).strip()
        body = "".join(template.blocks["body"](ctx)).strip()
    return " ".join(subject.split())[:300], body


def email_wanted(user, kind: str) -> bool:
    if kinds.get(kind).security:
        return True
    pref = db.session.scalar(
        sa.select(NoticePreference.email_enabled).where(
            NoticePreference.user_id == user.id, NoticePreference.kind == kind
        )
    )
    return pref is None or pref


def notify(
    user,
    kind: str,
    *,
    link: str = "",
    dedupe_key: str | None = None,
    competition_id: int | None = None,
    **context,
) -> Notice | None:
    """Record a notice for a user in the current transaction.

    Returns None when ``dedupe_key`` was used before (the notice already exists).
    """
    if dedupe_key and _dedupe_key_exists(dedupe_key):
        return None
    subject, body = render_notice(kind, user.locale, {"user": user, "link": link, **context})
    wants_email = email_wanted(user, kind)
    notice = Notice(
        user=user,
        user_id=user.id,
        email=user.email,
        locale=user.locale,
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        dedupe_key=dedupe_key,
        competition_id=competition_id,
        email_status=EmailStatus.QUEUED if wants_email else EmailStatus.SKIPPED,
        next_attempt_at=utcnow() if wants_email else None,
    )
    return _queue(notice)


def notify_address(
    email: str,
    locale: str,
    kind: str,
    *,
    link: str = "",
    dedupe_key: str | None = None,
    competition_id: int | None = None,
    **context,
) -> Notice | None:
    """Record an email notice for someone without an account (e.g. an objector)."""
    if dedupe_key and _dedupe_key_exists(dedupe_key):
        return None
    subject, body = render_notice(kind, locale, {"user": None, "link": link, **context})
    notice = Notice(
        user_id=None,
        email=email,
        locale=locale,
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        dedupe_key=dedupe_key,
        competition_id=competition_id,
        email_status=EmailStatus.QUEUED,
        next_attempt_at=utcnow(),
    )
    return _queue(notice)


def _dedupe_key_exists(key: str) -> bool:
    return db.session.scalar(sa.select(Notice.id).where(Notice.dedupe_key == key)) is not None


def _queue(notice: Notice) -> Notice | None:
    if notice.dedupe_key:
        # Two writers (two beat processes) may both have passed the check above: the
        # unique key lets one insert win; the other's SAVEPOINT rolls back alone, and
        # its notice counts as already sent. The caller's transaction goes on.
        db.session.flush()  # the caller's changes first: only the notice is in the savepoint
        try:
            with db.session.begin_nested():
                db.session.add(notice)
        except IntegrityError:
            if not _dedupe_key_exists(notice.dedupe_key):
                raise
            log.info("notice %s was written by another process", notice.dedupe_key)
            return None
    else:
        db.session.add(notice)
    if notice.email_status == EmailStatus.QUEUED:
        notice.enqueued_at = utcnow()
        db.session.flush()
        from workers.tasks.notices import deliver_notice

        after_commit(deliver_notice, notice.id)
    return notice


# --- delivery (runs in a worker, in its own session) ---------------------------------


def _claim(session: Session, notice_id: int) -> bool:
    """Take the row for this attempt; False if another attempt has it or it is done."""
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["NOTICE_CLAIM_TIMEOUT_SECONDS"])
    claimed = session.execute(
        sa.update(Notice)
        .where(
            Notice.id == notice_id,
            sa.or_(
                Notice.email_status == EmailStatus.QUEUED,
                sa.and_(Notice.email_status == EmailStatus.SENDING, Notice.claimed_at < stale),
            ),
        )
        .values(email_status=EmailStatus.SENDING, claimed_at=now, attempts=Notice.attempts + 1)
    ).rowcount
    session.commit()
    return bool(claimed)


def backoff_seconds(attempts: int, base: int = 30) -> int:
    return min(base * 2 ** max(attempts - 1, 0), 3600)


def deliver(notice_id: int) -> str:
    """Send one notice by email. Returns the resulting status.

    Raises :class:`DeliveryFailed` with a retry delay when the attempt failed and
    another one is allowed.
    """
    config = current_app.config
    with Session(db.engine) as session:
        if not _claim(session, notice_id):
            status = session.scalar(sa.select(Notice.email_status).where(Notice.id == notice_id))
            return str(status or "missing")
        notice = session.get(Notice, notice_id)
        msg = build_message(
            config,
            to=notice.email,
            subject=notice.subject,
            body=notice.body,
            message_key=f"notice-{notice.id}",
        )
        try:
            send_email(config, msg)
        except Exception as exc:
            return _record_failure(session, notice, exc)
        notice.email_status = EmailStatus.SENT
        notice.sent_at = utcnow()
        notice.last_error = ""
        session.commit()
        return EmailStatus.SENT.value


class DeliveryFailed(Exception):
    def __init__(self, notice_id: int, countdown: int, error: str):
        super().__init__(f"notice {notice_id}: {error}")
        self.countdown = countdown


def _record_failure(session: Session, notice: Notice, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    notice.last_error = error
    if notice.attempts >= current_app.config["NOTICE_MAX_ATTEMPTS"]:
        notice.email_status = EmailStatus.FAILED
        notice.next_attempt_at = None
        session.commit()
        log.error("notice %s failed for good: %s", notice.id, error)
        return EmailStatus.FAILED.value
    delay = backoff_seconds(notice.attempts, current_app.config["NOTICE_RETRY_BASE_SECONDS"])
    notice.email_status = EmailStatus.QUEUED
    notice.next_attempt_at = utcnow() + timedelta(seconds=delay)
    notice.enqueued_at = utcnow()
    session.commit()
    log.warning(
        "notice %s attempt %s failed, retry in %ss: %s", notice.id, notice.attempts, delay, error
    )
    raise DeliveryFailed(notice.id, delay, error)


def due_for_sweep(session: Session, limit: int = 500) -> list[int]:
    """Notices that should be in the broker but may not be: queued and due, and not
    handed to the broker recently; or claimed by a worker that died."""
    now = utcnow()
    age = timedelta(seconds=current_app.config["NOTICE_SWEEP_AGE_SECONDS"])
    stale = now - timedelta(seconds=current_app.config["NOTICE_CLAIM_TIMEOUT_SECONDS"])
    return list(
        session.scalars(
            sa.select(Notice.id)
            .where(
                sa.or_(
                    sa.and_(
                        Notice.email_status == EmailStatus.QUEUED,
                        Notice.next_attempt_at <= now,
                        sa.or_(Notice.enqueued_at.is_(None), Notice.enqueued_at <= now - age),
                    ),
                    sa.and_(Notice.email_status == EmailStatus.SENDING, Notice.claimed_at < stale),
                )
            )
            .order_by(Notice.id)
            .limit(limit)
        )
    )


def mark_enqueued(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(sa.update(Notice).where(Notice.id.in_(ids)).values(enqueued_at=utcnow()))
        session.commit()


# --- the inbox and the organizer's delivery log --------------------------------------


def unread_count(user) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notice.id)).where(
                Notice.user_id == user.id, Notice.read_at.is_(None)
            )
        )
        or 0
    )


def inbox_page(user, page: int, per_page: int = 20):
    query = sa.select(Notice).where(Notice.user_id == user.id).order_by(Notice.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_own_notice(user, notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        raise NotFound()
    return notice


@service
def mark_read(user, notice_id: int) -> Notice:
    notice = get_own_notice(user, notice_id)
    if notice.read_at is None:
        notice.read_at = utcnow()
    return notice


@service
def mark_all_read(user) -> int:
    return db.session.execute(
        sa.update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount


@service
def set_preferences(user, enabled_kinds: set[str]) -> None:
    """Switch email on for ``enabled_kinds`` and off for every other optional kind."""
    from venture.accounts.models import User
    from venture.audit.services import record

    # One save at a time per person: a double click's second save waits, then finds the
    # rows the first one added (instead of adding them again and failing on the key).
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    existing = {
        p.kind: p
        for p in db.session.scalars(
            sa.select(NoticePreference).where(NoticePreference.user_id == user.id)
        )
    }
    changed = {}
    for kind in kinds.KINDS.values():
        if kind.security:
            continue
        wanted = kind.name in enabled_kinds
        pref = existing.get(kind.name)
        before = True if pref is None else pref.email_enabled
        if pref is None:
            pref = NoticePreference(user_id=user.id, kind=kind.name)
            db.session.add(pref)
        pref.email_enabled = wanted
        if before != wanted:
            changed[kind.name] = [before, wanted]
    if changed:
        record("notices.preferences", user, changes=changed)


def email_preferences(user) -> dict[str, bool]:
    stored = dict(
        db.session.execute(
            sa.select(NoticePreference.kind, NoticePreference.email_enabled).where(
                NoticePreference.user_id == user.id
            )
        ).all()
    )
    return {k.name: stored.get(k.name, True) for k in kinds.KINDS.values() if not k.security}


@service
def resend(notice_id: int, actor) -> Notice:
    """An organizer re-sends a failed (or skipped) notice."""
    from venture.audit.services import record

    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound()
    if notice.email_status not in (EmailStatus.FAILED, EmailStatus.SKIPPED) or not notice.email:
        raise DomainError(_("Only a failed notice with an email address can be re-sent."))
    notice.email_status = EmailStatus.QUEUED
    notice.attempts = 0
    notice.next_attempt_at = utcnow()
    notice.enqueued_at = utcnow()
    record("notices.resend", notice, actor=actor)
    from workers.tasks.notices import deliver_notice

    after_commit(deliver_notice, notice.id)
    return notice


def delivery_log(
    *,
    status: str | None,
    kind: str | None,
    q: str | None,
    page: int,
    per_page: int = 50,
    competition_id: int | None = None,
):
    query = sa.select(Notice).order_by(Notice.id.desc())
    if competition_id:
        query = query.where(Notice.competition_id == competition_id)
    if status:
        query = query.where(Notice.email_status == status)
    if kind:
        query = query.where(Notice.kind == kind)
    if q:
        query = query.where(Notice.email.ilike(f"%{q}%"))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def log_competitions() -> list[tuple[int, str]]:
    """(id, name) of the competitions that have notices, for the delivery log's filter."""
    from venture.competitions.models import Competition

    return [
        tuple(r)
        for r in db.session.execute(
            sa.select(Competition.id, Competition.name)
            .where(
                Competition.id.in_(
                    sa.select(Notice.competition_id).where(Notice.competition_id.is_not(None))
                )
            )
            .order_by(Competition.id.desc())
        ).all()
    ]
