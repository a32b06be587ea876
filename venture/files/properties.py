"""Document properties blanked out of a file served to a blind reviewer.

An applicant marks an attachment "does not identify us", but the program that made it
wrote the organization into the document's properties: a PDF's Author and Title, an
Office file's creator and company, a photo's EXIF artist. A judge in a blind stage gets
a copy without them; the stored file is never changed.

What is blanked:
- PDF: the strings of the document information dictionary (Author, Title, Subject,
  Keywords, Creator, Producer) and every uncompressed XMP packet, overwritten in place
  with the same number of bytes, so the cross-reference offsets stay valid. Properties
  kept in a compressed object stream cannot be reached this way and stay.
- Word and Excel (OOXML): docProps/core.xml, app.xml and custom.xml are replaced by empty
  property sets; the document itself is copied unchanged.
- JPEG: the EXIF/XMP (APP1), IPTC (APP13) and comment segments are dropped; PNG: the text
  and EXIF chunks.
Legacy .doc/.xls files are served as stored (their property streams are not parsed).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

PDF_INFO_KEYS = rb"/(?:Author|Title|Subject|Keywords|Creator|Producer)\s*"
XMP_PACKET = re.compile(rb"<x:xmpmeta\b.*?</x:xmpmeta\s*>", re.DOTALL)
EMPTY_XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'

OOXML_PROPERTIES = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    ),
}

JPEG_DROPPED = {0xE1, 0xED, 0xFE}  # APP1 (EXIF, XMP), APP13 (IPTC), COM
PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf"}


def without_properties(data: bytes, kind: str, content_type: str) -> bytes:
    """``data`` with its document properties blanked (see the module's docstring)."""
    if kind == "pdf":
        return _pdf(data)
    if content_type.startswith("application/vnd.openxmlformats"):
        return _ooxml(data)
    if content_type == "image/jpeg":
        return _jpeg(data)
    if content_type == "image/png":
        return _png(data)
    return data


# --- PDF ---------------------------------------------------------------------------


def _pdf(data: bytes) -> bytes:
    out = bytearray(data)
    for key in re.finditer(PDF_INFO_KEYS, data):
        start = key.end()
        if start < len(data) and data[start : start + 1] == b"(":
            end = _literal_end(data, start)
            out[start + 1 : end] = b" " * (end - start - 1)
        elif (
            start < len(data)
            and data[start : start + 1] == b"<"
            and data[start + 1 : start + 2] != b"<"
        ):
            end = data.find(b">", start)
            if end > start:
                out[start + 1 : end] = (b"20" * (end - start))[: end - start - 1]
    for packet in XMP_PACKET.finditer(data):
        length = packet.end() - packet.start()
        blank = EMPTY_XMP if length >= len(EMPTY_XMP) else b""
        out[packet.start() : packet.end()] = blank + b" " * (length - len(blank))
    return bytes(out)


def _literal_end(data: bytes, start: int) -> int:
    """The index of the ``)`` closing the literal string opened at ``start``."""
    depth, i = 0, start
    while i < len(data):
        ch = data[i]
        if ch == 0x5C:  # backslash: the next byte is escaped
            i += 2
            continue
        if ch == 0x28:
            depth += 1
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(data) - 1


# --- Office (OOXML) ------------------------------------------------------------------


def _ooxml(data: bytes) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return data
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = OOXML_PROPERTIES.get(item.filename)
            target.writestr(item, content if content is not None else source.read(item))
    return out.getvalue()


# --- images --------------------------------------------------------------------------


def _jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        return data
    out, i = bytearray(data[:2]), 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the image data follows, no more metadata
            break
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker not in JPEG_DROPPED:
            out += data[i : i + 2 + length]
        i += 2 + length
    out += data[i:]
    return bytes(out)


def _png(data: bytes) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        return data
    out, i = bytearray(signature), len(signature)
    while i + 8 <= len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind = data[i + 4 : i + 8]
        chunk = data[i : i + 12 + length]
        if kind not in PNG_DROPPED:
            out += chunk
        i += 12 + length
    out += data[i:]
    return bytes(out)
