"""The order `venture restore` loads tables and rows in: every foreign key points at rows
already loaded, or is nullable and filled in afterwards (cycles)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from venture.backup import BackupError, _parents_first, load_plan


def _table(metadata, name, *foreign_keys):
    """A table with an id and one foreign key column per (column, target, nullable)."""
    columns = [
        sa.Column(column, sa.ForeignKey(f"{target}.id"), nullable=nullable)
        for column, target, nullable in foreign_keys
    ]
    return sa.Table(name, metadata, sa.Column("id", sa.Integer, primary_key=True), *columns)


def _deferred(plan) -> set[tuple[str, str]]:
    return {
        (table, next(iter(fkc.columns)).name)
        for table, fkcs in plan.deferred.items()
        for fkc in fkcs
    }


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


def test_rows_pointing_into_their_own_table_are_loaded_parents_first():
    metadata = sa.MetaData()
    area = _table(metadata, "area", ("parent_id", "area", True))
    assert _deferred(load_plan(metadata)) == set()  # NULL parents would collide on district names
    rows = [
        {"id": 1, "parent_id": 3},
        {"id": 2, "parent_id": None},
        {"id": 3, "parent_id": 2},
        {"id": 4, "parent_id": None},
    ]
    ordered, looped = _parents_first(area, rows)
    assert [r["id"] for r in ordered] == [2, 3, 1, 4]
    assert looped == set()


def test_rows_pointing_at_each_other_in_a_loop_come_last_to_be_filled_in():
    area = _table(sa.MetaData(), "area", ("parent_id", "area", True))
    rows = [{"id": 1, "parent_id": 2}, {"id": 2, "parent_id": 1}, {"id": 3, "parent_id": None}]
    ordered, looped = _parents_first(area, rows)
    assert [r["id"] for r in ordered] == [3, 1, 2]
    assert looped == {id(rows[0]), id(rows[1])}


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
            elif fkc.referred_table is table:
                continue  # rows loaded parents first
            else:
                assert position[fkc.referred_table] < position[table], fkc.name
    assert ("roadshow_session", "current_slot_id") in _deferred(plan)
