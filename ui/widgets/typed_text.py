"""Text a clerk typed or a file brought, shown exactly as written.

Qt takes the text of a label, a message box, a tooltip, an input or progress dialog for rich text as
soon as its first line looks like markup (`Qt.mightBeRichText`): a title written `<b>党课</b>` would
show bold, `&lt;` as `<`, and an unknown tag would vanish. Labels filled with such text are made plain
(`plain`); where Qt gives no say in the format (tooltips, the static message boxes, QInputDialog) the
text goes through `as_typed`. The message-box helpers call QMessageBox's own static functions, so they
return what those return (and a test that replaces QMessageBox.question still answers them).
"""

from __future__ import annotations

import html
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

L = TypeVar("L", bound=QLabel)


def plain(label: L) -> L:
    """`label`, told that its text is plain text (whatever it looks like); returned for building in place."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def as_typed(text: str) -> str:
    """`text` for a widget that guesses its format: unchanged when Qt reads it as plain text, else escaped in
    a paragraph that keeps its spaces and line breaks, so that it shows exactly as written."""
    if not GuiQt.mightBeRichText(text):
        return text
    return '<p style="white-space:pre-wrap">' + html.escape(text, quote=False) + "</p>"


def information(parent: QWidget | None, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
    return QMessageBox.information(parent, title, as_typed(text), *args)


def question(parent: QWidget | None, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
    return QMessageBox.question(parent, title, as_typed(text), *args)


def warning(parent: QWidget | None, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
    return QMessageBox.warning(parent, title, as_typed(text), *args)


def critical(parent: QWidget | None, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
    return QMessageBox.critical(parent, title, as_typed(text), *args)


def window_title(text: str) -> str:
    """`text` for setWindowTitle: Qt takes “[*]” there for the place of the unsaved-changes mark and drops it;
    “[*][*]” shows one “[*]”, as typed (a survey titled 问卷[*] kept its name)."""
    return text.replace("[*]", "[*][*]")
