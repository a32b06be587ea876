"""Writing and verifying the audit log.

Services call :func:`record` while they change rows. Entries wait in the session and
are chained in one step just before the transaction commits, so the chain's lock (the
``audit_head`` row) is held only for the last moments of a transaction and every
transaction takes its locks in the same order: its own rows first, the head last.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from venture.audit.models import GENESIS_HASH, AuditEntry, AuditHead, content_hash, entry_content
from venture.db import utcnow
from venture.extensions import db

PENDING_KEY = "venture_audit_pending"


def jsonable(value: Any) -> Any:
    """Make a value fit for the JSON column and stable across databases."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal | float):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if hasattr(value, "id"):
        return value.id
    return str(value)


def snapshot(obj, fields) -> dict:
    """The current values of some fields, to compare with later."""
    return {f: jsonable(getattr(obj, f)) for f in fields}


def changes_between(before: dict, after: dict) -> dict:
    """Only the fields that changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


@dataclass
class _Pending:
    action: str
    obj: Any
    object_type: str
    object_id: str
    changes: dict
    actor_id: int | None
    actor_label: str
    ip: str
    created_at: dt.datetime


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, ""


def _unproxy(value):
    """current_user is a proxy; the log wants the user behind it."""
    unwrap = getattr(value, "_get_current_object", None)
    return unwrap() if unwrap is not None else value


def record(
    action: str,
    obj=None,
    *,
    changes: dict | None = None,
    actor=None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    session: Session | None = None,
) -> None:
    """Queue an audit entry in the current transaction.

    ``obj`` may be a new row without an id yet; the id is read when the entry is
    written at commit. ``actor`` defaults to the signed-in user (none for the system).
    """
    session = session or db.session
    obj, actor = _unproxy(obj), _unproxy(actor)
    if actor is not None:
        actor_id, actor_label = actor.id, actor.email
    else:
        actor_id, actor_label = _current_actor()
    ip = (request.remote_addr or "") if has_request_context() else ""
    pending = session.info.setdefault(PENDING_KEY, [])
    pending.append(
        _Pending(
            action=action,
            obj=obj,
            object_type=object_type or (type(obj).__tablename__ if obj is not None else ""),
            object_id="" if object_id is None else str(object_id),
            changes=jsonable(changes or {}),
            actor_id=actor_id,
            actor_label=actor_label or "",
            ip=ip,
            created_at=utcnow(),
        )
    )


def _advance_head(session: Session, count: int) -> tuple[int, str]:
    """Reserve ``count`` sequence numbers; returns the previous seq and hash.

    The UPDATE comes first so that it takes the lock (a row lock on PostgreSQL, the
    write lock on SQLite) before anything is read.
    """
    bump = (
        sa.update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + count)
        .returning(AuditHead.seq, AuditHead.hash)
    )
    head = session.execute(bump).one_or_none()
    if head is None:
        # The first entry ever: create the head if no concurrent first entry did, then bump.
        session.execute(_insert_head_if_absent(session))
        head = session.execute(bump).one()
    seq, last_hash = head
    return seq - count, last_hash


def _insert_head_if_absent(session: Session):
    values = {"id": 1, "seq": 0, "hash": GENESIS_HASH}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(AuditHead).values(**values).on_conflict_do_nothing(index_elements=["id"])


def _write_pending(session: Session) -> None:
    pending: list[_Pending] = session.info.pop(PENDING_KEY, [])
    if not pending:
        return
    session.flush()  # new objects get their ids
    key = chain_key()
    seq, prev_hash = _advance_head(session, len(pending))
    for item in pending:
        seq += 1
        object_id = item.object_id or (str(item.obj.id) if item.obj is not None else "")
        fields = {
            "seq": seq,
            "created_at": item.created_at,
            "actor_id": item.actor_id,
            "actor_label": item.actor_label,
            "action": item.action,
            "object_type": item.object_type,
            "object_id": object_id,
            "changes": item.changes,
            "ip": item.ip,
            "prev_hash": prev_hash,
        }
        entry_hash = content_hash(entry_content(**fields), key)
        session.execute(sa.insert(AuditEntry).values(**fields, hash=entry_hash))
        prev_hash = entry_hash
    session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT "commits": the entries wait for the real commit
    if session.info.get(PENDING_KEY):
        _write_pending(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a SAVEPOINT rolled back: the transaction and its entries go on
    session.info.pop(PENDING_KEY, None)


def record_refusal(action: str, *, object_type: str, object_id, reason: str, actor=None) -> None:
    """Audit a refused attempt in a transaction of its own.

    The refused intention is rolled back, but the attempt itself must stay on record.
    """
    with Session(db.engine) as own:
        record(
            action,
            object_type=object_type,
            object_id=object_id,
            changes={"refused": str(reason)},
            actor=actor,
            session=own,
        )
        own.commit()


def chain_key() -> str:
    """The key of the chain's links: from the environment or the instance folder, never the database."""
    return current_app.config["AUDIT_KEY"]


def current_head() -> tuple[int, str]:
    """The chain's last sequence number and hash, as committed (what the public pages publish)."""
    head = db.session.get(AuditHead, 1)
    return (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)


@dataclass(frozen=True)
class PublishedHead:
    """The chain head printed on public notices and served by the results API.

    Outsiders keep copies of those pages; a chain rewritten afterwards (even by someone
    holding the key) no longer has this hash at this entry: ``venture audit verify
    --against SEQ:HASH`` says so.
    """

    seq: int
    hash: str

    @property
    def token(self) -> str:
        return f"{self.seq}:{self.hash}"

    @property
    def command(self) -> str:
        return f"venture audit verify --against {self.token}"


def published_head() -> PublishedHead:
    return PublishedHead(*current_head())


@dataclass
class VerifyResult:
    ok: bool
    count: int
    bad_seq: int | None = None
    reason: str = ""
    wrong_key: bool = False  # not one entry checked matches: the key is not the chain's


def verify_chain(
    batch: int = 2000, *, key: str | bytes | None = None, against: dict[int, str] | None = None
) -> VerifyResult:
    """Walk the chain in order and report the first entry that does not match.

    ``against`` maps sequence numbers to hashes published earlier: each such entry must
    still be in the chain with that very hash (a chain re-linked with the key after it
    was published contradicts what outsiders copied).
    """
    key = key if key is not None else chain_key()
    published = {int(seq): value.lower() for seq, value in (against or {}).items()}
    prev_hash = GENESIS_HASH
    count = 0
    with Session(db.engine) as own:
        entries = own.scalars(
            sa.select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
        )
        for entry in entries:
            expected = count + 1
            if entry.seq != expected:
                return VerifyResult(False, count, expected, f"entry {expected} is missing")
            if entry.prev_hash != prev_hash:
                return VerifyResult(
                    False, count, entry.seq, "its link to the previous entry does not match"
                )
            if entry.computed_hash(key) != entry.hash:
                return VerifyResult(
                    False,
                    count,
                    entry.seq,
                    "its content does not match its hash",
                    wrong_key=entry.seq == 1 and _last_entry_fails(own, key),
                )
            if entry.seq in published and published[entry.seq] != entry.hash:
                return VerifyResult(
                    False,
                    count,
                    entry.seq,
                    f"its hash is not the published {published[entry.seq]}: the chain was "
                    "rewritten after that head was published",
                )
            prev_hash = entry.hash
            count += 1
        head = own.get(AuditHead, 1)
    if head is not None and (head.seq != count or head.hash != prev_hash):
        return VerifyResult(
            False, count, count + 1, "the chain ends early: entries after it were removed"
        )
    beyond = sorted(seq for seq in published if seq > count or seq < 1)
    if beyond:
        return VerifyResult(
            False,
            count,
            beyond[0],
            f"the published entry {beyond[0]} is not in the chain: entries were removed",
        )
    return VerifyResult(True, count)


def _last_entry_fails(session: Session, key) -> bool:
    """Whether a newer entry than the first one fails under ``key`` too.

    When the first entry fails, this tells a wrong key (both fail) from an edited first
    entry (the newest still matches). A chain of one entry cannot tell them apart.
    """
    last = session.scalar(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    return last is not None and last.seq > 1 and last.computed_hash(key) != last.hash
