"""Upgrading a database whose audit chain was plain SHA-256: the migration re-links it
with the key, and records whether the old chain was intact (a break found at upgrade
stays on record). Downgrade links it with plain SHA-256 again. SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import test_config
from venture.audit.models import GENESIS_HASH, AuditEntry, AuditHead, canonical_bytes, entry_content
from venture.extensions import db

BEFORE = "bae8a81eda58"  # the last revision with plain SHA-256 links


@pytest.fixture(scope="module")
def migrated_app(db_url, tmp_path_factory):
    from venture import create_app

    application = create_app(test_config(tmp_path_factory.mktemp("instance"), db_url))
    yield application
    with application.app_context():
        db.engine.dispose()


def _plain_chain(count: int) -> None:
    """Entries as the code before the keyed chain wrote them."""
    prev_hash, start = GENESIS_HASH, datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=UTC)
    for seq in range(1, count + 1):
        fields = {
            "seq": seq,
            "created_at": start + timedelta(minutes=seq),
            "actor_id": None,
            "actor_label": "organizer@example.org",
            "action": "followup.release_tranche",
            "object_type": "tranche",
            "object_id": str(seq),
            "changes": {"amount_fen": [None, seq * 100_000]},
            "ip": "127.0.0.1",
            "prev_hash": prev_hash,
        }
        digest = hashlib.sha256(canonical_bytes(entry_content(**fields))).hexdigest()
        db.session.execute(sa.insert(AuditEntry).values(**fields, hash=digest))
        prev_hash = digest
    db.session.execute(sa.insert(AuditHead).values(id=1, seq=count, hash=prev_hash))
    db.session.commit()


def _plain_chain_holds() -> bool:
    prev_hash = GENESIS_HASH
    for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)):
        if (
            entry.prev_hash != prev_hash
            or hashlib.sha256(canonical_bytes(entry.content())).hexdigest() != entry.hash
        ):
            return False
        prev_hash = entry.hash
    return True


def test_upgrade_relinks_with_the_key_and_records_what_it_found(migrated_app):
    from flask_migrate import downgrade, upgrade

    from venture.audit.services import verify_chain

    with migrated_app.app_context():
        upgrade(revision=BEFORE)
        _plain_chain(3)
        db.session.remove()
        upgrade()
        result = verify_chain()
        assert result.ok and result.count == 4
        last = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.seq == 4))
        assert last.action == "audit.chain_keyed"
        assert last.changes == {"entries": 3, "plain_chain": "intact"}
        assert not _plain_chain_holds()

        db.session.commit()
        downgrade(revision=BEFORE)  # the older code verifies plain SHA-256 again
        db.session.expire_all()
        assert _plain_chain_holds()

        # A chain edited before the upgrade: the re-link keeps the break on record.
        db.session.execute(
            sa.update(AuditEntry)
            .where(AuditEntry.seq == 2)
            .values(changes={"amount_fen": [None, 99_900_000]})
        )
        db.session.commit()
        db.session.remove()
        upgrade()
        assert verify_chain().ok
        last = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        assert last.action == "audit.chain_keyed"
        assert last.changes["plain_chain"].startswith("broken at entry 2")
        db.session.remove()  # its open read would block the DROPs on PostgreSQL
        downgrade(revision="base")
