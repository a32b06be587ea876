"""`venture backup` and `venture restore`: the whole database and the uploaded files in one
archive, portable between SQLite and PostgreSQL.

The archive (tar.gz) holds ``manifest.json`` (format, migration revision, row counts),
one JSON-lines file per table, and ``uploads/``. Rows are written with their ids, so a
restored database is the same data: the audit chain verifies there as it did here.

Tables are loaded in the order of their foreign keys, so any database the platform can
produce restores the same way on SQLite and PostgreSQL, whatever order its rows were
written in. Where that order has a cycle (a roadshow session points at its current slot,
which points back at the session), the nullable foreign key that closes it is loaded
empty and filled in once every table is in. Rows of a table that points at itself (an
area's parent) are loaded parents first; they are not loaded empty, because a NULL
parent means "a district" to the unique index on district names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import heapq
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from venture.db import missing_tables, not_migrated_message
from venture.extensions import db

FORMAT = "venture-backup-1"
BATCH = 1000


class BackupError(Exception):
    pass


def _encode(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        raise BackupError("binary columns are not supported")
    return value


def _decoder(column: sa.Column):
    """Turn a JSON value back into what the column type expects."""
    python_type = None
    column_type = (
        column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
    )
    with contextlib.suppress(NotImplementedError):
        python_type = column_type.python_type
    if isinstance(column.type, sa.JSON):
        return lambda v: v
    if python_type is dt.datetime:
        return lambda v: None if v is None else dt.datetime.fromisoformat(v)
    if python_type is dt.date:
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    if python_type is decimal.Decimal:
        return lambda v: None if v is None else decimal.Decimal(v)
    return lambda v: v


def _current_revision(conn) -> str:
    # Asked of the catalog first: a failed SELECT would abort a PostgreSQL transaction.
    if not sa.inspect(conn).has_table("alembic_version"):
        return ""
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() or ""


@dataclass(frozen=True)
class LoadPlan:
    """In which order to insert the tables, and which foreign keys to fill in afterwards."""

    tables: list[sa.Table]
    deferred: dict[str, list[sa.ForeignKeyConstraint]]


def _nullable(fkc: sa.ForeignKeyConstraint) -> bool:
    return all(column.nullable for column in fkc.columns)


def load_plan(metadata: sa.MetaData) -> LoadPlan:
    """Order the tables by their foreign keys; defer the nullable ones that close a cycle.

    A foreign key that cannot be NULL is always a hard dependency; a nullable one is
    deferred when the sort has to break a cycle through it. A cycle of NOT NULL keys
    cannot be loaded. (A key to its own table is no dependency: see _parents_first.)
    """
    tables = sorted(
        metadata.tables.values(), key=lambda t: t.key
    )  # a stable order, as sorted_tables

    def filter_fn(fkc):
        return False if not _nullable(fkc) else None  # False: insert after what it points at

    # use_alter keys skip the filter: state the NOT NULL ones as dependencies explicitly.
    hard_alter = [
        (fkc.referred_table, table)
        for table in tables
        for fkc in table.foreign_key_constraints
        if fkc.use_alter and not _nullable(fkc) and fkc.referred_table is not table
    ]
    try:
        ordered = sa.schema.sort_tables_and_constraints(
            tables, filter_fn=filter_fn, extra_dependencies=hard_alter
        )
    except sa.exc.CircularDependencyError as error:
        raise BackupError(
            f"tables that depend on each other through NOT NULL foreign keys: {error}"
        ) from None
    order = [table for table, _ in ordered if table is not None]
    position = {table: i for i, table in enumerate(order)}
    deferred: dict[str, list[sa.ForeignKeyConstraint]] = {}
    for fkc in ordered[-1][1]:
        if _nullable(fkc):
            deferred.setdefault(fkc.table.name, []).append(fkc)
        elif (
            position[fkc.referred_table] >= position[fkc.table]
            and fkc.referred_table is not fkc.table
        ):
            raise BackupError(
                f"cannot order {fkc.table.name} after {fkc.referred_table.name} "
                f"(foreign key {fkc.name} cannot be NULL)"
            )
    return LoadPlan(order, deferred)


def backup(target: Path) -> dict:
    """Write the archive; returns the manifest."""
    tables = load_plan(db.metadata).tables
    counts = {}
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with db.engine.connect() as conn:
        missing = missing_tables(conn)
    if missing:
        raise BackupError(not_migrated_message(missing))
    with tarfile.open(target, "w:gz") as archive, db.engine.connect() as conn:
        # One repeatable-read snapshot on PostgreSQL, so the tables agree with each other.
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        revision = _current_revision(conn)
        for table in tables:
            buffer = io.BytesIO()
            count = 0
            result = conn.execution_options(yield_per=BATCH).execute(
                sa.select(table).order_by(*table.primary_key.columns)
            )
            for row in result.mappings():
                buffer.write(
                    json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False).encode()
                )
                buffer.write(b"\n")
                count += 1
            counts[table.name] = count
            _add_bytes(archive, f"tables/{table.name}.jsonl", buffer.getvalue())
        manifest = {
            "format": FORMAT,
            "revision": revision,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "tables": [t.name for t in tables],
            "counts": counts,
        }
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        if uploads.exists():
            for path in sorted(uploads.iterdir()):
                if path.is_file():
                    archive.add(path, arcname=f"uploads/{path.name}")
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def restore(source: Path) -> dict:
    """Load an archive into an EMPTY, migrated database and put the uploads back."""
    with tarfile.open(source, "r:gz") as archive:
        manifest = json.loads(_read(archive, "manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"not a Venture backup (format {manifest.get('format')!r})")
        known = {t.name: t for t in db.metadata.tables.values()}
        unknown = [name for name in manifest["tables"] if name not in known]
        if unknown:
            raise BackupError(
                f"the backup has tables this version does not know: {', '.join(unknown)}"
            )
        plan = load_plan(db.metadata)
        with db.engine.begin() as conn:
            _check_target(conn, manifest, known)
            later = []
            for table in plan.tables:
                if table.name in manifest["tables"]:
                    data = _read(archive, f"tables/{table.name}.jsonl")
                    later += _load_table(conn, table, data, plan.deferred.get(table.name, []))
            for table, fkc, rows in later:
                _fill_in(conn, table, fkc, rows)
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
        _restore_uploads(archive)
    return manifest


def _check_target(conn, manifest: dict, known: dict) -> None:
    """Migrated, at the backup's revision, and empty: otherwise say so before writing anything."""
    missing = missing_tables(conn)
    if missing:
        raise BackupError(not_migrated_message(missing))
    revision = _current_revision(conn)
    if manifest["revision"] and revision and manifest["revision"] != revision:
        raise BackupError(
            f"the backup is at migration {manifest['revision']}, this database at {revision}: "
            "upgrade both to the same version first"
        )
    for name in manifest["tables"]:
        if conn.execute(sa.select(sa.func.count()).select_from(known[name])).scalar():
            raise BackupError(
                f"the database is not empty (table {name} has rows): restore needs an empty one"
            )


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"the archive has no {name}") from None
    return archive.extractfile(member).read()


def _load_table(
    conn, table: sa.Table, data: bytes, deferred: list[sa.ForeignKeyConstraint]
) -> list:
    """Insert the rows, parents first, with the deferred foreign keys left NULL; return what
    to fill in later as (table, constraint, [{pk_<column>: ..., fk_<column>: ...}])."""
    decoders = {c.name: _decoder(c) for c in table.columns}
    pk = [c.name for c in table.primary_key.columns]
    rows = [
        {k: decoders[k](v) for k, v in json.loads(line).items() if k in decoders}
        for line in data.splitlines()
        if line.strip()
    ]
    rows, looped = _parents_first(table, rows)
    held = {fkc: [] for fkc in deferred}
    if looped:
        for fkc in _own_keys(table):
            if not _nullable(fkc):
                raise BackupError(
                    f"rows of {table.name} point at each other in a loop through {fkc.name}, "
                    "which cannot be NULL"
                )
            held.setdefault(fkc, [])
    for row in rows:
        for fkc, later in held.items():
            if fkc.referred_table is table and id(row) not in looped:
                continue  # the row it points at is inserted before it
            values = {c.name: row.get(c.name) for c in fkc.columns}
            if any(v is not None for v in values.values()):
                later.append(
                    {**{f"pk_{k}": row[k] for k in pk}, **{f"fk_{k}": v for k, v in values.items()}}
                )
                row.update(dict.fromkeys(values))
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[start : start + BATCH])
    return [(table, fkc, later) for fkc, later in held.items() if later]


def _own_keys(table: sa.Table) -> list[sa.ForeignKeyConstraint]:
    return [fkc for fkc in table.foreign_key_constraints if fkc.referred_table is table]


def _parents_first(table: sa.Table, rows: list[dict]) -> tuple[list[dict], set[int]]:
    """The rows ordered so that a row pointing at another row of its table comes after it,
    otherwise in the archive's order.

    Also returns the ``id()`` of the rows caught in a loop of such pointers, which no order
    satisfies: they come last, and their pointers are filled in afterwards.
    """
    own = _own_keys(table)
    if not own:
        return rows, set()
    position = {}
    for i, row in enumerate(rows):
        for fkc in own:
            position[(fkc, tuple(row[element.column.name] for element in fkc.elements))] = i
    waiting_on = [0] * len(rows)  # parents not placed yet
    children: list[list[int]] = [[] for _ in rows]
    for i, row in enumerate(rows):
        for fkc in own:
            parent = position.get(
                (fkc, tuple(row.get(element.parent.name) for element in fkc.elements))
            )
            if parent is not None and parent != i:
                waiting_on[i] += 1
                children[parent].append(i)
    ready = [i for i, count in enumerate(waiting_on) if not count]
    heapq.heapify(ready)
    ordered = []
    while ready:
        i = heapq.heappop(ready)
        ordered.append(i)
        for child in children[i]:
            waiting_on[child] -= 1
            if not waiting_on[child]:
                heapq.heappush(ready, child)
    placed = set(ordered)
    looped = [i for i in range(len(rows)) if i not in placed]
    return [rows[i] for i in ordered + looped], {id(rows[i]) for i in looped}


def _fill_in(conn, table: sa.Table, fkc: sa.ForeignKeyConstraint, rows: list[dict]) -> None:
    """Set a deferred foreign key now that the rows it points at exist."""
    statement = (
        sa.update(table)
        .where(*[c == sa.bindparam(f"pk_{c.name}") for c in table.primary_key.columns])
        .values({c.name: sa.bindparam(f"fk_{c.name}") for c in fkc.columns})
    )
    for start in range(0, len(rows), BATCH):
        conn.execute(statement, rows[start : start + BATCH])


def _reset_sequences(conn) -> None:
    for table in db.metadata.tables.values():
        pk = list(table.primary_key.columns)
        if (
            len(pk) == 1
            and isinstance(pk[0].type, sa.Integer)
            and pk[0].autoincrement in (True, "auto")
        ):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "
                    f'COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'
                )
            )


def _restore_uploads(archive: tarfile.TarFile) -> None:
    target = Path(current_app.config["UPLOAD_FOLDER"])
    target.mkdir(parents=True, exist_ok=True)
    for member in archive.getmembers():
        if member.isfile() and member.name.startswith("uploads/"):
            name = Path(member.name).name
            if not name or name.startswith("."):
                continue  # never write outside the uploads folder
            (target / name).write_bytes(archive.extractfile(member).read())
