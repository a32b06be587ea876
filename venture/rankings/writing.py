"""Writing a snapshot in bulk, inside the caller's transaction.

Entries are made as :class:`EntryRow` tuples with their JSON already encoded (compact,
once, by orjson), and go in as one COPY on PostgreSQL and one executemany on SQLite, on the
session's own connection, so they commit, or roll back, with the snapshot row: no
partial snapshot is ever visible.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable

import orjson

from venture.extensions import db
from venture.rankings.models import SnapshotEntry

COLUMNS = (
    "snapshot_id",
    "application_id",
    "category_id",
    "position",
    "rank",
    "overall_rank",
    "score",
    "exact_score",
    "sheets",
    "flags",
    "details",
    "advanced",
    "funding",
    "funded_fen",
)

# One entry as stored: score as text ("81.17"), flags and details as JSON text.
EntryRow = namedtuple("EntryRow", COLUMNS[1:])


def to_json(value) -> str:
    """Compact JSON text (orjson: ten times the standard library's speed on 10,000 entries)."""
    return orjson.dumps(value).decode()


_flag_texts: dict[tuple, str] = {}


def flags_json(flags) -> str:
    """Few distinct flag sets exist: each is encoded once."""
    key = tuple(flags)
    text = _flag_texts.get(key)
    if text is None:
        text = _flag_texts[key] = to_json(list(key))
    return text


def entry(
    *,
    application_id: int,
    category_id: int | None,
    position: int,
    rank: int | None,
    overall_rank: int | None,
    score,
    exact_score: str = "",
    sheets: int = 0,
    flags=(),
    details: dict | None = None,
    advanced: bool = False,
    funding=None,
    funded_fen: int | None = None,
) -> EntryRow:
    return EntryRow(
        application_id,
        category_id,
        position,
        rank,
        overall_rank,
        None if score is None else str(score),
        exact_score,
        sheets,
        flags_json(flags),
        to_json(details or {}),
        bool(advanced),
        None if funding is None else str(funding),
        funded_fen,
    )


def insert_entries(snapshot_id: int, rows: Iterable[EntryRow]) -> int:
    """Write the rows (any iterable, consumed once); returns how many were written."""
    connection = db.session.connection()
    dbapi = connection.connection.dbapi_connection
    table = SnapshotEntry.__tablename__
    names = ", ".join(COLUMNS)
    count = 0
    if connection.dialect.name == "postgresql":
        with dbapi.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((snapshot_id, *row))
                count += 1
        return count
    values = [(snapshot_id, *row) for row in rows]
    if values:
        marks = ", ".join("?" for _ in COLUMNS)
        cursor = dbapi.cursor()
        try:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
        finally:
            cursor.close()
    return len(values)
