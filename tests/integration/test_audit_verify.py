"""`venture audit verify` proves the log intact, and names the first entry that was
edited or removed directly in the database (on SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from tests.factories import org_form
from venture.audit.models import AuditEntry
from venture.extensions import db


def _verify(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    text = result.output
    with contextlib.suppress(ValueError):  # older Click: stderr is mixed into output already
        text += result.stderr
    return result.exit_code, text


def _some_history(make, login) -> int:
    """Real changes through the services: registration (two entries) and an edit."""
    client = login(make.applicant())
    data = org_form()
    assert client.post("/orgs/new", data=data).status_code == 302
    org_id = int(
        db.session.scalar(
            sa.select(AuditEntry.object_id).where(AuditEntry.action == "orgs.register")
        )
    )
    assert (
        client.post(
            f"/orgs/{org_id}/edit", data={**data, "contact_phone": "13122223333"}
        ).status_code
        == 302
    )
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))


def test_an_untouched_log_passes_with_its_count(app_ctx, make, login):
    count = _some_history(make, login)
    assert count == 3
    code, text = _verify(app_ctx)
    assert code == 0
    assert "OK: 3 entries" in text


def test_an_entry_edited_in_the_database_is_named(app_ctx, make, login):
    _some_history(make, login)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.update"))
    edited_seq = entry.seq
    db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.seq == edited_seq)
        .values(changes={"contact_phone": ["13900000000", "13900000000"]})
    )
    db.session.commit()
    code, text = _verify(app_ctx)
    assert code != 0
    assert f"FAILED at entry {edited_seq}" in text
    assert "content does not match" in text


def test_an_actor_rewritten_in_the_first_entry_is_named(app_ctx, make, login):
    _some_history(make, login)
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.seq == 1).values(actor_label="someone@example.org")
    )
    db.session.commit()
    code, text = _verify(app_ctx)
    assert code != 0 and "FAILED at entry 1" in text


def test_deleting_the_last_entry_is_detected(app_ctx, make, login):
    count = _some_history(make, login)
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == count))
    db.session.commit()
    code, text = _verify(app_ctx)
    assert code != 0
    assert f"FAILED at entry {count}" in text


def test_deleting_an_entry_in_the_middle_is_detected(app_ctx, make, login):
    _some_history(make, login)
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.seq == 2))
    db.session.commit()
    code, text = _verify(app_ctx)
    assert code != 0 and "FAILED at entry 2" in text and "missing" in text


def test_every_org_service_records_actor_action_object_and_changes(app_ctx, make, login):
    owner = make.applicant()
    client = login(owner)
    data = org_form(name="澧阳市杏林社会工作服务中心")
    client.post("/orgs/new", data=data)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.register"))
    assert (entry.actor_id, entry.actor_label, entry.object_type) == (
        owner.id,
        owner.email,
        "organization",
    )
    assert entry.created_at is not None
    assert entry.changes["name"] == [None, "澧阳市杏林社会工作服务中心"]
    client.post(f"/orgs/{entry.object_id}/edit", data={**data, "legal_representative": "周平"})
    update = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "orgs.update"))
    assert update.changes == {"legal_representative": ["王强", "周平"]}  # only what changed
    code, _text = _verify(app_ctx)
    assert code == 0
