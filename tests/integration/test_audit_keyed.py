"""The audit chain is keyed (HMAC-SHA256 with a key outside the database), and chain
heads published earlier catch a rewrite made by someone who has the key too.

Each attack here is the one an outside check ran: change an amount in the database,
re-link the chain from there on, and ask `venture audit verify`."""

from __future__ import annotations

import contextlib
import hashlib
import hmac

import sqlalchemy as sa

from tests.factories import org_form
from venture.audit.models import AuditEntry, AuditHead, canonical_bytes
from venture.audit.services import current_head, record
from venture.extensions import db


def _verify(app, *args) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify", *args])
    text = result.output
    with contextlib.suppress(ValueError):  # older Click: stderr is mixed into output already
        text += result.stderr
    return result.exit_code, text


def _history_with_an_amount(make, login) -> int:
    """Real entries, then a payment of ¥12,000.00; returns the payment's seq."""
    client = login(make.applicant())
    assert client.post("/orgs/new", data=org_form()).status_code == 302
    record(
        "followup.release_tranche",
        object_type="tranche",
        object_id=7,
        changes={"amount_fen": [None, 1_200_000], "status": ["pending", "released"]},
    )
    db.session.commit()
    payment = db.session.scalar(
        sa.select(AuditEntry.seq).where(AuditEntry.action == "followup.release_tranche")
    )
    record("account.login", object_type="user", object_id=1)  # one more entry after it
    db.session.commit()
    return payment


def _plain_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac_with(key: str):
    return lambda data: hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


def _raise_amount_and_relink(seq: int, link) -> None:
    """The attack: change the amount, then recompute every link from that entry on."""
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)
    ).all()
    entries[0].changes = {"amount_fen": [None, 12_000_000], "status": ["pending", "released"]}
    prev_hash = db.session.scalar(sa.select(AuditEntry.hash).where(AuditEntry.seq == seq - 1))
    for entry in entries:
        entry.prev_hash = prev_hash
        entry.hash = link(canonical_bytes(entry.content()))
        prev_hash = entry.hash
    db.session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash))
    db.session.commit()


def test_the_links_are_keyed_and_the_key_is_not_in_the_database(app_ctx, make, login):
    _history_with_an_amount(make, login)
    key = app_ctx.config["AUDIT_KEY"]
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.seq).limit(1))
    assert entry.hash == _hmac_with(key)(canonical_bytes(entry.content()))
    assert entry.hash != _plain_sha256(canonical_bytes(entry.content()))
    dump = "\n".join(
        str(row)
        for table in db.metadata.sorted_tables
        for row in db.session.execute(sa.select(table)).all()
    )
    assert key not in dump
    assert _verify(app_ctx)[0] == 0


def test_an_amount_changed_and_relinked_with_plain_sha256_fails(app_ctx, make, login):
    payment = _history_with_an_amount(make, login)
    _raise_amount_and_relink(payment, _plain_sha256)
    code, text = _verify(app_ctx)
    assert code == 1
    assert f"FAILED at entry {payment}" in text and "content does not match" in text


def test_an_amount_changed_and_relinked_with_a_guessed_key_fails(app_ctx, make, login):
    payment = _history_with_an_amount(make, login)
    _raise_amount_and_relink(payment, _hmac_with("test-secret"))  # e.g. the SECRET_KEY
    code, text = _verify(app_ctx)
    assert code == 1 and f"FAILED at entry {payment}" in text


def test_verify_with_the_wrong_key_says_the_chain_does_not_verify_with_this_key(
    app_ctx, make, login, monkeypatch
):
    _history_with_an_amount(make, login)
    monkeypatch.setitem(
        app_ctx.config, "AUDIT_KEY", "not-the-key"
    )  # as read from VENTURE_AUDIT_KEY
    monkeypatch.setitem(app_ctx.config, "AUDIT_KEY_SOURCE", "VENTURE_AUDIT_KEY")
    code, text = _verify(app_ctx)
    assert code == 1
    assert "does not verify with this key" in text and "VENTURE_AUDIT_KEY" in text


def test_verify_without_any_key_file_says_a_new_key_was_made(
    app_ctx, make, login, tmp_path, monkeypatch
):
    _history_with_an_amount(make, login)
    from venture.config import from_environment

    monkeypatch.delenv("VENTURE_AUDIT_KEY", raising=False)
    monkeypatch.setenv("VENTURE_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    settings = from_environment()
    monkeypatch.setitem(app_ctx.config, "AUDIT_KEY", settings["AUDIT_KEY"])
    monkeypatch.setitem(app_ctx.config, "AUDIT_KEY_SOURCE", settings["AUDIT_KEY_SOURCE"])
    code, text = _verify(app_ctx)
    assert code == 1
    assert "does not verify with this key" in text and "a new key was made" in text


def test_a_rewrite_with_the_key_itself_contradicts_the_published_head(app_ctx, make, login):
    payment = _history_with_an_amount(make, login)
    published_seq, published_hash = current_head()  # what a public notice showed
    _raise_amount_and_relink(
        payment, _hmac_with(app_ctx.config["AUDIT_KEY"])
    )  # an insider with the key
    assert _verify(app_ctx)[0] == 0  # the chain alone cannot tell
    code, text = _verify(app_ctx, "--against", f"{published_seq}:{published_hash}")
    assert code == 1
    assert (
        f"FAILED at entry {published_seq}" in text
        and "rewritten after that head was published" in text
    )


def test_a_published_head_that_still_holds_verifies(app_ctx, make, login):
    _history_with_an_amount(make, login)
    seq, digest = current_head()
    record("account.login", object_type="user", object_id=1)  # the chain goes on after publication
    db.session.commit()
    code, text = _verify(app_ctx, "--against", f"{seq}:{digest.upper()}")
    assert code == 0 and "Published heads match" in text


def test_a_published_head_beyond_a_truncated_chain_fails(app_ctx, make, login):
    _history_with_an_amount(make, login)
    seq, digest = current_head()
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == seq))
    db.session.execute(
        sa.update(AuditHead).values(
            seq=seq - 1,
            hash=db.session.scalar(sa.select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)),
        )
    )
    db.session.commit()
    code, text = _verify(app_ctx, "--against", f"{seq}:{digest}")
    assert code == 1 and f"published entry {seq} is not in the chain" in text


def test_a_malformed_published_head_is_a_usage_error(app_ctx):
    for bad in ("12", "x:" + "a" * 64, "3:abc", "0:" + "a" * 64, "4:" + "g" * 64):
        code, text = _verify(app_ctx, "--against", bad)
        assert code == 2 and "is not SEQ:HASH" in text


def test_check_says_where_the_key_comes_from_and_never_shows_it(app_ctx):
    result = app_ctx.test_cli_runner().invoke(args=["check"])
    assert "audit key" in result.output
    assert app_ctx.config["AUDIT_KEY"] not in result.output
