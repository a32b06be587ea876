"""Demo data: the follow-up of GY2025's funded projects."""

from __future__ import annotations

import struct
import zlib


def tiny_png(rgb: tuple[int, int, int] = (60, 130, 90), size: int = 8) -> bytes:
    """A small valid PNG of one colour, made in memory (no binary files in the repository)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * size
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b""))


def seed() -> bool:
    return False
