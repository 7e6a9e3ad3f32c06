"""Damaged and unusual files the tests make on the fly."""

from __future__ import annotations

import os
import struct
from pathlib import Path


def make_encrypted_ole(path: Path) -> Path:
    """A minimal OLE compound file whose directory names EncryptionInfo/EncryptedPackage streams."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)
    sector = bytearray(512)
    for i, name in enumerate(("Root Entry", "EncryptionInfo", "EncryptedPackage")):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        sector[i * 128: i * 128 + len(raw)] = raw
    path.write_bytes(bytes(header) + bytes(sector) + os.urandom(2048))
    return path
