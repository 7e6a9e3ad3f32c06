"""File dialogs that remember the last folder, one per kind of file (QSettings `folders/<kind>`).

An office imports rolls from one folder and saves PDFs into another: each kind starts where that
kind was last opened or saved; the first time, in the user's documents folder (their home folder if
there is none), never in the folder the program was started from (the install folder, often).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from services.version import APP_ID


def settings() -> QSettings:
    """The user's settings (tests replace this with a file of their own)."""
    return QSettings(APP_ID, APP_ID)


def last_folder(kind: str) -> str:
    folder = settings().value(f"folders/{kind}", "")
    return str(folder) if folder and Path(str(folder)).is_dir() else ""


def first_folder() -> str:
    """Where a kind never used before starts: the documents folder, else the home folder."""
    for location in (QStandardPaths.StandardLocation.DocumentsLocation, QStandardPaths.StandardLocation.HomeLocation):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return folder
    return ""


def remember(kind: str, path: str) -> None:
    if path:
        store = settings()
        store.setValue(f"folders/{kind}", str(Path(path).parent))
        store.sync()


def open_file(parent: QWidget | None, kind: str, title: str, pattern: str, start: str = "") -> tuple[str, str]:
    """QFileDialog.getOpenFileName starting in the last folder of `kind` (else `start`, else first_folder)."""
    path, chosen = QFileDialog.getOpenFileName(parent, title, last_folder(kind) or start or first_folder(), pattern)
    remember(kind, path)
    return path, chosen


# Signs a file name may not hold (Windows forbids them all; "/" is a folder anywhere), as the
# full-width signs a Chinese title would use anyway: 《2024/2025学年》 stays readable.
_NAME_SIGNS = str.maketrans({"/": "／", "\\": "＼", ":": "：", "*": "＊", "?": "？", '"': "＂", "<": "＜",
                             ">": "＞", "|": "｜", **{chr(c): " " for c in range(32)}})
NAME_MOST = 120


def file_name(text: str) -> str:
    """`text` (a name made from a title the clerk typed) as one file name: no folder signs, no signs
    Windows refuses, no trailing dots or blanks, at most NAME_MOST characters before its suffix."""
    name = text.translate(_NAME_SIGNS).strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot or not suffix.isalnum() or len(suffix) > 5:
        stem, suffix = name, ""
    stem = stem[:NAME_MOST].rstrip(". ") or "未命名"
    return f"{stem}.{suffix}" if suffix else stem


def save_file(parent: QWidget | None, kind: str, title: str, suggested: str, pattern: str) -> tuple[str, str]:
    """QFileDialog.getSaveFileName proposing `suggested`: a full path as it is; anything else is a file
    name (made one by file_name, whatever title it came from) in the last folder of `kind`."""
    folder = last_folder(kind) or first_folder()
    if not Path(suggested).is_absolute():
        suggested = file_name(suggested)
        if folder:
            suggested = str(Path(folder) / suggested)
    path, chosen = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
    remember(kind, path)
    return path, chosen
