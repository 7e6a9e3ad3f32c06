"""Damaged and unusual files the tests make on the fly."""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any


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


def folder_not_writable(monkeypatch: Any, folder: Path) -> None:
    """No file may be made, replaced or linked in `folder`, as far as the program's writers go (Python's
    open/io.open, os.open for writing, os.replace, os.link): a read-only folder even when the tests run as root."""
    import builtins
    import errno
    import io

    inside = folder.resolve()
    real_open, real_os_open, real_replace, real_link = io.open, os.open, os.replace, os.link

    def refused(path: Any) -> bool:
        try:
            return Path(os.fspath(path)).resolve().parent == inside
        except TypeError:  # a file descriptor
            return False

    def denied(path: Any) -> PermissionError:
        return PermissionError(errno.EACCES, "Permission denied", os.fspath(path))

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+") and refused(file):
            raise denied(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and refused(path):
            raise denied(path)
        return real_os_open(path, flags, *args, **kwargs)

    def fake_replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if refused(dst):
            raise denied(dst)
        real_replace(src, dst, *args, **kwargs)

    def fake_link(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if refused(dst):
            raise denied(dst)
        real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(os, "replace", fake_replace)
    monkeypatch.setattr(os, "link", fake_link)


def file_locked(monkeypatch: Any, target: Path, winerror: int | None = None) -> None:
    """`target` cannot be opened, as a workbook open in Excel on Windows (a sharing violation) or a file
    without read permission: Python's open, io.open and os.open raise PermissionError for it."""
    import builtins
    import errno
    import io

    locked = target.resolve()
    real_open, real_os_open = io.open, os.open

    def refused(path: Any) -> bool:
        try:
            return Path(os.fspath(path)).resolve() == locked
        except TypeError:  # a file descriptor
            return False

    def denied(path: Any) -> PermissionError:
        exc = PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        if winerror is not None:
            exc.winerror = winerror  # type: ignore[attr-defined]
        return exc

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if refused(file):
            raise denied(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if refused(path):
            raise denied(path)
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
