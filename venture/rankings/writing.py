"""Writing a snapshot in bulk, inside the caller's transaction.

Entries are made as :class:`EntryRow` tuples with their JSON already encoded (compact,
once), and go in as one COPY on PostgreSQL and one executemany on SQLite, on the
session's own connection, so they commit, or roll back, with the snapshot row: no
partial snapshot is ever visible.
"""

from __future__ import annotations

import json
from collections import namedtuple

from venture.extensions import db
from venture.rankings.models import SnapshotEntry

COLUMNS = ("snapshot_id", "application_id", "category_id", "position", "rank", "overall_rank", "score",
           "exact_score", "sheets", "flags", "details", "advanced", "funding", "funded_fen")

# One entry as stored: score as text ("81.17"), flags and details as JSON text.
EntryRow = namedtuple("EntryRow", COLUMNS[1:])

to_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_flag_texts: dict[tuple, str] = {}


def flags_json(flags) -> str:
    """Few distinct flag sets exist: each is encoded once."""
    key = tuple(flags)
    text = _flag_texts.get(key)
    if text is None:
        text = _flag_texts[key] = to_json(list(key))
    return text


def encode_many(objects: list[dict]) -> list[str]:
    """The JSON of each dict, in one encoder call: the list's text split between items.

    A split is exact when it yields one part per dict (a "},{" inside a string would
    add parts); otherwise each dict is encoded alone.
    """
    if not objects:
        return []
    text = to_json(objects)
    parts = text[2:-2].split("},{")
    if len(parts) != len(objects) or any(not o for o in objects):
        return [to_json(o) for o in objects]
    return ["{" + part + "}" for part in parts]


def entry(*, application_id: int, category_id: int | None, position: int, rank: int | None,
          overall_rank: int | None, score, exact_score: str = "", sheets: int = 0, flags=(),
          details: dict | None = None, advanced: bool = False, funding=None,
          funded_fen: int | None = None) -> EntryRow:
    return EntryRow(application_id, category_id, position, rank, overall_rank,
                    None if score is None else str(score), exact_score, sheets, flags_json(flags),
                    to_json(details or {}), bool(advanced), None if funding is None else str(funding),
                    funded_fen)


def insert_entries(snapshot_id: int, rows: list[EntryRow]) -> None:
    if not rows:
        return
    connection = db.session.connection()
    dbapi = connection.connection.dbapi_connection
    table = SnapshotEntry.__tablename__
    names = ", ".join(COLUMNS)
    if connection.dialect.name == "postgresql":
        with dbapi.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((snapshot_id, *row))
        return
    marks = ", ".join("?" for _ in COLUMNS)
    cursor = dbapi.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                           [(snapshot_id, *row) for row in rows])
    finally:
        cursor.close()
