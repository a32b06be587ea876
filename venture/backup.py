"""`venture backup` and `venture restore`: the whole database and the uploaded files in one
archive, portable between SQLite and PostgreSQL.

The archive (tar.gz) holds ``manifest.json`` (format, migration revision, row counts),
one JSON-lines file per table, and ``uploads/``. Rows are written with their ids, so a
restored database is the same data: the audit chain verifies there as it did here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import io
import json
import tarfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

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
    column_type = column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
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
    try:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() or ""
    except sa.exc.DBAPIError:
        return ""


def backup(target: Path) -> dict:
    """Write the archive; returns the manifest."""
    tables = list(db.metadata.sorted_tables)
    counts = {}
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with tarfile.open(target, "w:gz") as archive, db.engine.connect() as conn:
        # One repeatable-read snapshot on PostgreSQL, so the tables agree with each other.
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        revision = _current_revision(conn)
        for table in tables:
            buffer = io.BytesIO()
            count = 0
            result = conn.execution_options(yield_per=BATCH).execute(
                sa.select(table).order_by(*table.primary_key.columns))
            for row in result.mappings():
                buffer.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False).encode())
                buffer.write(b"\n")
                count += 1
            counts[table.name] = count
            _add_bytes(archive, f"tables/{table.name}.jsonl", buffer.getvalue())
        manifest = {"format": FORMAT, "revision": revision, "created_at": dt.datetime.now(dt.UTC).isoformat(),
                    "tables": [t.name for t in tables], "counts": counts}
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
        known = {t.name: t for t in db.metadata.sorted_tables}
        unknown = [name for name in manifest["tables"] if name not in known]
        if unknown:
            raise BackupError(f"the backup has tables this version does not know: {', '.join(unknown)}")
        with db.engine.begin() as conn:
            revision = _current_revision(conn)
            if manifest["revision"] and revision and manifest["revision"] != revision:
                raise BackupError(f"the backup is at migration {manifest['revision']}, this database at {revision}: "
                                  "upgrade both to the same version first")
            for name in manifest["tables"]:
                if conn.execute(sa.select(sa.func.count()).select_from(known[name])).scalar():
                    raise BackupError(f"the database is not empty (table {name} has rows): restore needs an empty one")
            for table in db.metadata.sorted_tables:
                if table.name in manifest["tables"]:
                    _load_table(conn, table, _read(archive, f"tables/{table.name}.jsonl"))
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
        _restore_uploads(archive)
    return manifest


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"the archive has no {name}") from None
    return archive.extractfile(member).read()


def _load_table(conn, table: sa.Table, data: bytes) -> None:
    decoders = {c.name: _decoder(c) for c in table.columns}
    batch = []
    for line in data.splitlines():
        if line.strip():
            raw = json.loads(line)
            batch.append({k: decoders[k](v) for k, v in raw.items() if k in decoders})
        if len(batch) >= BATCH:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)


def _reset_sequences(conn) -> None:
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, sa.Integer) and pk[0].autoincrement in (True, "auto"):
            conn.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{pk[0].name}'), "
                f"COALESCE((SELECT MAX(\"{pk[0].name}\") FROM \"{table.name}\"), 0) + 1, false)"))


def _restore_uploads(archive: tarfile.TarFile) -> None:
    target = Path(current_app.config["UPLOAD_FOLDER"])
    target.mkdir(parents=True, exist_ok=True)
    for member in archive.getmembers():
        if member.isfile() and member.name.startswith("uploads/"):
            name = Path(member.name).name
            if not name or name.startswith("."):
                continue  # never write outside the uploads folder
            (target / name).write_bytes(archive.extractfile(member).read())
