"""The hash-chained audit log.

Each entry stores the HMAC-SHA256 of its own canonical content, which includes the hash
of the entry before it; editing, inserting or deleting any row breaks the chain from
there on, and ``venture audit verify`` names the first entry that does not match.

The HMAC key (``VENTURE_AUDIT_KEY``, or ``instance/audit_key``) is never in the database:
someone who can write the database but not read the key cannot re-link a chain they
edited. Someone who has both is caught by the chain heads published on the public
notices and in the results API (``venture audit verify --against SEQ:HASH``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from venture.db import UTCDateTime
from venture.extensions import db

GENESIS_HASH = "0" * 64


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    action: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    object_type: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    object_id: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    changes: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    ip: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)

    actor = db.relationship("User")

    def content(self) -> dict:
        return entry_content(
            seq=self.seq,
            created_at=self.created_at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            changes=self.changes,
            ip=self.ip,
            prev_hash=self.prev_hash,
        )

    def computed_hash(self, key: str | bytes) -> str:
        return content_hash(self.content(), key)


class AuditHead(db.Model):
    """One row: the last sequence number and hash. Updating it first serializes appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(nullable=False, default=0)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, default=GENESIS_HASH)


def entry_content(**fields) -> dict:
    created_at: datetime = fields["created_at"]
    return {**fields, "created_at": created_at.isoformat(timespec="microseconds")}


def canonical_bytes(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def key_bytes(key: str | bytes) -> bytes:
    if not key:
        raise ValueError("the audit chain needs a key (VENTURE_AUDIT_KEY)")
    return key if isinstance(key, bytes) else key.encode("utf-8")


def content_hash(content: dict, key: str | bytes) -> str:
    """The entry's link: HMAC-SHA256 of its canonical content (the previous hash included)."""
    return hmac.new(key_bytes(key), canonical_bytes(content), hashlib.sha256).hexdigest()
