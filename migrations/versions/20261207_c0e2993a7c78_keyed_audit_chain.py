"""Key the audit chain: every link becomes HMAC-SHA256 with the audit key (not SHA-256).

The key is VENTURE_AUDIT_KEY, or instance/audit_key (generated once, like the secret
key): never the database. Existing entries are re-linked here, at upgrade, with that key,
after their plain SHA-256 chain is checked; a last entry ``audit.chain_keyed`` records
how many entries were re-linked and whether the old chain was intact (and if not, the
first entry that did not match), so a break found at upgrade stays on record instead of
being laundered by the re-link. Downgrade re-links the chain with plain SHA-256.

Revision ID: c0e2993a7c78
Revises: 5e1d2c3b4a60
Create Date: 2026-12-07 22:30:00.000000

"""
import hashlib
import hmac
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = 'c0e2993a7c78'
down_revision = '5e1d2c3b4a60'
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
BATCH = 1000

# The tables as they are at this revision (never the models, which move on).
entry = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("actor_id", sa.Integer),
    sa.column("actor_label", sa.String), sa.column("action", sa.String),
    sa.column("object_type", sa.String), sa.column("object_id", sa.String),
    sa.column("changes", sa.JSON), sa.column("ip", sa.String),
    sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
)
head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                sa.column("hash", sa.String))


def _canonical(row, prev_hash: str) -> bytes:
    created_at = row.created_at
    created_at = created_at.replace(tzinfo=UTC) if created_at.tzinfo is None else created_at.astimezone(UTC)
    content = {"seq": row.seq, "created_at": created_at.isoformat(timespec="microseconds"),
               "actor_id": row.actor_id, "actor_label": row.actor_label, "action": row.action,
               "object_type": row.object_type, "object_id": row.object_id, "changes": row.changes,
               "ip": row.ip, "prev_hash": prev_hash}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _plain(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keyed(data: bytes) -> str:
    key = current_app.config.get("AUDIT_KEY") or ""
    if not key:
        raise RuntimeError("Set VENTURE_AUDIT_KEY (or keep instance/audit_key) before upgrading: "
                           "the audit chain is re-linked with it.")
    return hmac.new(key.encode("utf-8"), data, hashlib.sha256).hexdigest()


def _relink(bind, old, new) -> tuple[int, str, str]:
    """Re-link every entry with ``new``; returns (count, last hash, what the old chain was)."""
    old_prev, new_prev, count, verdict = GENESIS_HASH, GENESIS_HASH, 0, "intact"
    while True:
        rows = bind.execute(sa.select(entry).where(entry.c.seq > count).order_by(entry.c.seq)
                            .limit(BATCH)).all()
        if not rows:
            break
        for row in rows:
            if verdict == "intact":
                if row.seq != count + 1:
                    verdict = f"broken: entry {count + 1} is missing"
                elif row.prev_hash != old_prev or old(_canonical(row, row.prev_hash)) != row.hash:
                    verdict = f"broken at entry {row.seq}: its content or link did not match"
            old_prev = row.hash
            new_hash = new(_canonical(row, new_prev))
            bind.execute(sa.update(entry).where(entry.c.id == row.id).values(prev_hash=new_prev, hash=new_hash))
            new_prev, count = new_hash, row.seq
    return count, new_prev, verdict


def upgrade():
    if op.get_context().as_sql:
        raise RuntimeError("This migration re-links the audit chain: run it online, not with --sql.")
    bind = op.get_bind()
    count, last_hash, verdict = _relink(bind, _plain, _keyed)
    if count == 0:
        return
    # The re-link itself goes on record, in the keyed chain.
    now = datetime.now(UTC)
    record = SimpleNamespace(seq=count + 1, created_at=now, actor_id=None, actor_label="",
                             action="audit.chain_keyed", object_type="", object_id="",
                             changes={"entries": count, "plain_chain": verdict}, ip="")
    entry_hash = _keyed(_canonical(record, last_hash))
    stored_at = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now  # as UTCDateTime does
    bind.execute(sa.insert(entry).values(**{**vars(record), "created_at": stored_at},
                                         prev_hash=last_hash, hash=entry_hash))
    bind.execute(sa.update(head).where(head.c.id == 1).values(seq=count + 1, hash=entry_hash))


def downgrade():
    if op.get_context().as_sql:
        raise RuntimeError("This migration re-links the audit chain: run it online, not with --sql.")
    bind = op.get_bind()
    count, last_hash, _verdict = _relink(bind, _keyed, _plain)
    if count:
        bind.execute(sa.update(head).where(head.c.id == 1).values(seq=count, hash=last_hash))
