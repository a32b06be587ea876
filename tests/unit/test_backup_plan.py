"""The order `venture restore` loads tables in: every foreign key points at rows already
loaded, or is nullable and filled in afterwards (cycles, self-references)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from venture.backup import BackupError, load_plan


def _table(metadata, name, *foreign_keys):
    """A table with an id and one foreign key column per (column, target, nullable)."""
    columns = [sa.Column(column, sa.ForeignKey(f"{target}.id"), nullable=nullable)
               for column, target, nullable in foreign_keys]
    return sa.Table(name, metadata, sa.Column("id", sa.Integer, primary_key=True), *columns)


def _deferred(plan) -> set[tuple[str, str]]:
    return {(table, next(iter(fkc.columns)).name) for table, fkcs in plan.deferred.items() for fkc in fkcs}


def test_a_cycle_is_broken_at_its_nullable_key():
    metadata = sa.MetaData()
    _table(metadata, "session", ("current_slot_id", "slot", True))
    _table(metadata, "slot", ("session_id", "session", False))
    plan = load_plan(metadata)
    names = [t.name for t in plan.tables]
    assert names.index("session") < names.index("slot")
    assert _deferred(plan) == {("session", "current_slot_id")}


def test_a_cycle_of_three_is_broken_whichever_key_is_nullable():
    metadata = sa.MetaData()
    _table(metadata, "a", ("b_id", "b", False))
    _table(metadata, "b", ("c_id", "c", False))
    _table(metadata, "c", ("a_id", "a", True))
    plan = load_plan(metadata)
    names = [t.name for t in plan.tables]
    assert names == ["c", "b", "a"]
    assert _deferred(plan) == {("c", "a_id")}


def test_a_table_pointing_at_itself_is_filled_in_afterwards():
    metadata = sa.MetaData()
    _table(metadata, "area", ("parent_id", "area", True))
    assert _deferred(load_plan(metadata)) == {("area", "parent_id")}


def test_a_cycle_of_not_null_keys_is_refused_with_a_message():
    metadata = sa.MetaData()
    _table(metadata, "a", ("b_id", "b", False))
    _table(metadata, "b", ("a_id", "a", False))
    with pytest.raises(BackupError, match="NOT NULL"):
        load_plan(metadata)


def test_every_key_of_the_platform_points_backwards_or_is_filled_in(tmp_path, monkeypatch):
    """Whatever table is added later: a restore can load it."""
    monkeypatch.setenv("VENTURE_INSTANCE_PATH", str(tmp_path))
    from venture import create_app
    from venture.extensions import db

    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    plan = load_plan(db.metadata)
    assert set(plan.tables) == set(db.metadata.tables.values())
    position = {table: i for i, table in enumerate(plan.tables)}
    deferred = {fkc for fkcs in plan.deferred.values() for fkc in fkcs}
    for table in plan.tables:
        for fkc in table.foreign_key_constraints:
            if fkc in deferred:
                assert all(c.nullable for c in fkc.columns), fkc.name
            else:
                assert position[fkc.referred_table] < position[table], fkc.name
    assert ("roadshow_session", "current_slot_id") in _deferred(plan)
