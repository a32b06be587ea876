"""The audit chain's head is published where outsiders keep copies: on every public
notice (公示) page and in the results API. A chain rewritten afterwards, even with the
key, contradicts the copy: `venture audit verify --against SEQ:HASH` fails."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re

import pytest
import sqlalchemy as sa

from tests.integration.test_results_api import validate
from venture.audit.models import AuditEntry, AuditHead, canonical_bytes
from venture.audit.services import current_head, record
from venture.extensions import db
from venture.results import services

TOKEN = re.compile(r"(\d+):([0-9a-f]{64})")


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").get_json()


def _published(make):
    boss = make.organizer()
    comp, _apps, _snap = make.results_setup(organizer=boss)
    services.generate_decisions(comp, boss)
    services.approve(comp, boss)
    return comp


def _verify(app, *args) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify", *args])
    text = result.output
    with contextlib.suppress(ValueError):
        text += result.stderr
    return result.exit_code, text


def _rewrite_with_the_key(app, seq: int) -> None:
    """An insider who holds the key changes entry ``seq`` and re-links the chain."""
    key = app.config["AUDIT_KEY"].encode()
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)
    ).all()
    entries[0].changes = {**entries[0].changes, "rewritten": True}
    prev_hash = db.session.scalar(sa.select(AuditEntry.hash).where(AuditEntry.seq == seq - 1))
    for entry in entries:
        entry.prev_hash = prev_hash
        entry.hash = hmac.new(key, canonical_bytes(entry.content()), hashlib.sha256).hexdigest()
        prev_hash = entry.hash
    db.session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash))
    db.session.commit()


def test_every_public_notice_page_shows_the_current_head(make, client):
    comp = _published(make)
    seq, digest = current_head()
    assert seq > 0
    for url in ("/results", f"/results/{comp.id}"):
        page = client.get(url).get_data(as_text=True)
        assert f"{seq}:{digest}" in page, url
        assert f"venture audit verify --against {seq}:{digest}" in page


def test_the_results_api_publishes_the_head_in_its_schema(make, client, openapi):
    comp = _published(make)
    response = client.get(f"/api/v1/competitions/{comp.id}/results")
    body = response.get_json()
    validate(openapi, "CompetitionResults", body)
    seq, digest = current_head()
    assert body["audit_chain"] == {
        "seq": seq,
        "hash": digest,
        "verify": f"venture audit verify --against {seq}:{digest}",
    }

    # The ETag covers the head it publishes: unchanged chain → 304; a new entry → a new body.
    etag = response.headers["ETag"]
    assert (
        client.get(
            f"/api/v1/competitions/{comp.id}/results", headers={"If-None-Match": etag}
        ).status_code
        == 304
    )
    record("account.login", object_type="user", object_id=1)
    db.session.commit()
    again = client.get(f"/api/v1/competitions/{comp.id}/results", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.get_json()["audit_chain"]["seq"] == seq + 1


def test_a_rewrite_after_publication_contradicts_the_copy_of_the_notice(app_ctx, make, client):
    comp = _published(make)
    copy = client.get(f"/results/{comp.id}").get_data(as_text=True)  # what a reader saved
    api_copy = client.get(f"/api/v1/competitions/{comp.id}/results").get_json()["audit_chain"]
    seq, digest = TOKEN.search(copy).groups()
    assert _verify(app_ctx, "--against", f"{seq}:{digest}")[0] == 0

    approval = db.session.scalar(
        sa.select(AuditEntry.seq).where(AuditEntry.action == "results.approve")
    )
    _rewrite_with_the_key(app_ctx, approval)
    assert _verify(app_ctx)[0] == 0  # the chain alone is consistent again
    for token in (f"{seq}:{digest}", f"{api_copy['seq']}:{api_copy['hash']}"):
        code, text = _verify(app_ctx, "--against", token)
        assert code == 1 and "rewritten after that head was published" in text
