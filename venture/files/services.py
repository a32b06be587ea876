"""Storing and serving uploads.

The type is decided by the file's content (magic bytes, via ``filetype`` and a check of
the container for Office files), never by its name. Files are stored under random names
outside the web root and only ever served as downloads (attachment, nosniff).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from venture.errors import DomainError
from venture.extensions import db
from venture.files.models import StoredFile
from venture.files.properties import without_properties

MB = 1024 * 1024


class UploadRejected(DomainError):
    status = 415


class UploadTooLarge(DomainError):
    status = 413


@dataclass(frozen=True)
class Detected:
    kind: str
    content_type: str
    extension: str


IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
OFFICE_ZIP = {
    "word/": Detected(
        "word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
    ),
    "xl/": Detected(
        "excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    ),
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls


def detect(head: bytes, path: Path | None = None, name: str = "") -> Detected | None:
    """What the bytes are, or None when they are not an accepted type."""
    if head.startswith(b"%PDF-"):
        return Detected("pdf", "application/pdf", "pdf")
    if head.startswith(OLE_MAGIC):
        # Legacy Office: the container is proven by content; which program, by name.
        if name.lower().endswith((".xls", ".xlt")):
            return Detected("excel", "application/vnd.ms-excel", "xls")
        return Detected("word", "application/msword", "doc")
    guess = filetype.guess(head)
    if guess is not None and guess.mime in IMAGE_TYPES:
        return Detected("image", guess.mime, IMAGE_TYPES[guess.mime])
    if head.startswith(b"PK\x03\x04") and path is not None:
        return _detect_office(path)
    return None


def _detect_office(path: Path) -> Detected | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            # A zip bomb or a huge archive is not an office document we accept.
            if len(names) > 5000 or sum(i.file_size for i in archive.infolist()) > 200 * MB:
                return None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, detected in OFFICE_ZIP.items():
        if any(n.startswith(prefix) for n in names):
            return detected
    return None


def upload_root() -> Path:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def store_upload(
    upload, *, user=None, allowed_kinds=("pdf", "image", "word", "excel"), max_bytes: int = 20 * MB
) -> StoredFile:
    """Check and store one uploaded file (a werkzeug FileStorage); adds a StoredFile row.

    Raises UploadRejected/UploadTooLarge with a message naming the file.
    """
    name = (upload.filename or "").strip() or _("unnamed file")
    stored_name = secrets.token_hex(20)
    target = upload_root() / stored_name
    size, digest = _copy_limited(upload.stream, target, max_bytes, name)
    if size == 0:
        target.unlink(missing_ok=True)
        raise UploadRejected(_("The file %(name)s is empty.", name=name))
    with target.open("rb") as f:
        head = f.read(8192)
    detected = detect(head, target, name)
    if detected is None or detected.kind not in allowed_kinds:
        target.unlink(missing_ok=True)
        raise UploadRejected(
            _(
                "%(name)s is not an accepted file type. Accepted: %(kinds)s.",
                name=name,
                kinds=", ".join(_kind_label(k) for k in allowed_kinds),
            )
        )
    row = StoredFile(
        original_name=_clean_name(name),
        stored_name=stored_name,
        content_type=detected.content_type,
        kind=detected.kind,
        size=size,
        sha256=digest,
        uploaded_by_id=user.id if user is not None else None,
    )
    db.session.add(row)
    _remove_on_rollback(target)
    return row


def _copy_limited(stream, target: Path, max_bytes: int, name: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while chunk := stream.read(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                target.unlink(missing_ok=True)
                raise UploadTooLarge(
                    _("%(name)s is larger than %(mb)d MB.", name=name, mb=max_bytes // MB)
                )
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _clean_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:255] or "file"


def _kind_label(kind: str) -> str:
    return {
        "pdf": "PDF",
        "image": _("images (JPEG, PNG, GIF, WebP)"),
        "word": "Word",
        "excel": "Excel",
    }.get(kind, kind)


UPLOADS_KEY = "venture_new_uploads"


def _remove_on_rollback(path: Path) -> None:
    """A rolled-back intention leaves no orphan file on disk (see the listeners below)."""
    db.session.info.setdefault(UPLOADS_KEY, []).append(path)


@event.listens_for(Session, "after_commit")
def _uploads_kept(session: Session) -> None:
    session.info.pop(UPLOADS_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _uploads_abandoned(session: Session, previous_transaction) -> None:
    # A savepoint rolled back inside the transaction does not abandon its uploads.
    if previous_transaction.nested:
        return
    for path in session.info.pop(UPLOADS_KEY, []):
        path.unlink(missing_ok=True)


def path_of(stored: StoredFile) -> Path:
    return upload_root() / stored.stored_name


# The extension a download is saved under, from the type detected at upload (never the
# name the client sent: a PDF uploaded as "x.html" downloads as "x.pdf").
EXTENSIONS = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    **{mime: extension for mime, extension in IMAGE_TYPES.items()},
    **{d.content_type: d.extension for d in OFFICE_ZIP.values()},
}


def served_name(stored: StoredFile, stem: str | None = None) -> str:
    """The name a download is saved under: ``stem`` (by default the uploader's name without
    its extension) and the extension of the type the content was detected as."""
    extension = EXTENSIONS.get(stored.content_type, "bin")
    if stem is None:
        name = stored.original_name
        stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{stem or 'file'}.{extension}"


def download(stored: StoredFile, *, name: str | None = None, blind: bool = False):
    """Serve a stored file as a download, never inline, saved as ``served_name``.

    ``blind``: for a reviewer who must not learn who applied. The caller gives a neutral
    ``name``, and the copy sent has its document properties blanked (files/properties.py).
    """
    download_name = name or served_name(stored)
    if blind:
        data = without_properties(path_of(stored).read_bytes(), stored.kind, stored.content_type)
        response = send_file(
            io.BytesIO(data),
            mimetype=stored.content_type,
            as_attachment=True,
            download_name=download_name,
            max_age=0,
            etag=False,
            last_modified=None,
        )
    else:
        response = send_file(
            path_of(stored),
            mimetype=stored.content_type,
            as_attachment=True,
            download_name=download_name,
            max_age=0,
        )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
