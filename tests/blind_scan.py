"""What a response tells its reader, for the blind-review scans: the body as text, every
header (a Content-Disposition's RFC 5987 ``filename*`` decoded), and the text inside the
files it carries: a PDF's strings (its document information, UTF-16 or not, literal or
hex) and XMP packet, every XML part of an Office file (document properties included),
and the text chunks of a PNG or the EXIF of a JPEG.

Also the files that carry such properties, made here so the tests can upload them.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from urllib.parse import unquote

LITERAL = re.compile(rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)", re.DOTALL)
HEX = re.compile(rb"<([0-9A-Fa-f\s]+)>")
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def readable_texts(response) -> list[str]:
    """Everything a reader of ``response`` (a Flask test response) can see, as text."""
    texts = [f"{name}: {value}" for name, value in response.headers.items()]
    texts += [
        unquote(m)
        for m in re.findall(
            r"filename\*=UTF-8''([^;]+)", response.headers.get("Content-Disposition", "")
        )
    ]
    data = response.get_data()
    texts.append(data.decode("utf-8", "replace"))
    texts += file_texts(data)
    return texts


def file_texts(data: bytes) -> list[str]:
    if data.startswith(b"%PDF-"):
        return pdf_strings(data)
    if data.startswith(b"PK\x03\x04"):
        return _zip_texts(data)
    if data.startswith(b"\x89PNG"):
        return _png_texts(data)
    if data.startswith(b"\xff\xd8"):
        return [data.decode("utf-8", "replace"), data.decode("latin-1")]
    return []


def pdf_strings(data: bytes) -> list[str]:
    strings = [_decode(_unescape(m.group()[1:-1])) for m in LITERAL.finditer(data)]
    strings += [
        _decode(bytes.fromhex(re.sub(rb"\s", b"", m.group(1)).decode().ljust(2, "0")))
        for m in HEX.finditer(data)
        if len(re.sub(rb"\s", b"", m.group(1))) % 2 == 0
    ]
    return strings


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        ch = raw[i : i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i += 1 + len(octal.group())
        else:
            out += ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    return raw.decode("utf-8", "replace")


def _zip_texts(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [
                archive.read(n).decode("utf-8", "replace")
                for n in archive.namelist()
                if n.endswith((".xml", ".rels"))
            ]
    except zipfile.BadZipFile:
        return []


def _png_texts(data: bytes) -> list[str]:
    texts, i = [], 8
    while i + 8 <= len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind, body = data[i + 4 : i + 8], data[i + 8 : i + 8 + length]
        if kind == b"zTXt":
            key, _, rest = body.partition(b"\x00")
            body = key + b" " + zlib.decompress(rest[1:])
        if kind in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
            texts.append(body.decode("utf-8", "replace"))
        i += 12 + length
    return texts


# --- files whose properties name someone --------------------------------------------


def _pdf_literal(text: str) -> bytes:
    raw = b"\xfe\xff" + text.encode("utf-16-be")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_naming(who: str) -> bytes:
    """A PDF whose Author (hex), Title (literal, UTF-16) and XMP dc:creator are ``who``,
    as a word processor writes them."""
    xmp = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
        f"{who}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()
    author = b"<FEFF" + who.encode("utf-16-be").hex().upper().encode() + b">"
    return (
        b"%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R/Metadata 4 0 R>> endobj\n"
        b"2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\n"
        b"3 0 obj <</Author "
        + author
        + b" /Title "
        + _pdf_literal(who + "项目计划书")
        + b" /Producer (Microsoft\\256 Word)>> endobj\n"
        b"4 0 obj <</Type/Metadata/Subtype/XML/Length "
        + str(len(xmp)).encode()
        + b">> stream\n"
        + xmp
        + b"\nendstream endobj\ntrailer <</Root 1 0 R/Info 3 0 R>>\n%%EOF\n"
    )


def xlsx_naming(who: str) -> bytes:
    """An Excel workbook whose creator, title and company are ``who``."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "预算"
    book.properties.creator = who
    book.properties.title = who
    book.properties.lastModifiedBy = who
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    # openpyxl writes no company: add one to app.xml, as Office does.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "docProps/app.xml":
                content = content.replace(
                    b"</Properties>", f"<Company>{who}</Company></Properties>".encode()
                )
            target.writestr(item, content)
    return out.getvalue()


def png_naming(who: str) -> bytes:
    """A 1×1 PNG with an Author text chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"iTXt", b"Author\x00\x00\x00\x00\x00" + who.encode())
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg_naming(who: str) -> bytes:
    """A JPEG header with an EXIF segment and a comment naming ``who`` (enough for detection)."""
    exif = b"Exif\x00\x00" + who.encode()
    comment = who.encode()
    return (
        b"\xff\xd8\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xe1"
        + struct.pack(">H", len(exif) + 2)
        + exif
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
        + b"\x00" * 16
        + b"\xff\xd9"
    )
