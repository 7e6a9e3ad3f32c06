"""Helpers for the window tests: a demo database and driving modal dialogs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from services.demo.demo import seed_demo
from services.normalize import id_check_digit
from services.safety.storage import Database, open_database

# The offscreen platform says it cannot resize native windows; that is no fault of ours.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def make_db(path: Path, members: int | None = 100) -> Database:
    db = open_database(path)
    if members is not None:
        with db.session_factory.begin() as session:
            seed_demo(session, members=members)
    return db


def db_fixture(tmp_path: Path, members: int | None = 100) -> Iterator[Database]:
    db = make_db(tmp_path / "test.sqlite3", members)
    try:
        yield db
    finally:
        db.dispose()


def valid_id(body17: str) -> str:
    return body17 + id_check_digit(body17)


def on_next_dialog(handler: Callable[[QWidget], None]) -> None:
    """Run `handler(dialog)` on the next modal dialog; a dialog left open is closed, so no test hangs."""

    def poll(tries: int = 0) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if tries < 200:
                QTimer.singleShot(10, lambda: poll(tries + 1))
            return
        try:
            handler(dialog)
        finally:
            if dialog.isVisible() and getattr(dialog, "_keep_open", False) is False:
                if isinstance(dialog, QDialog):
                    # done(), not reject(): an edit dialog would ask before discarding (and wait for an answer).
                    QDialog.done(dialog, QDialog.DialogCode.Rejected)
                else:
                    dialog.reject()  # type: ignore[attr-defined]

    QTimer.singleShot(0, poll)


def close_without_asking(dialog: QWidget) -> None:
    """For qtbot.addWidget(dialog, before_close_func=...): an edit dialog left with ticks or typing closes at the
    end of the test without its question (which would wait for an answer)."""
    if isinstance(dialog, QDialog) and dialog.isVisible():
        QDialog.done(dialog, QDialog.DialogCode.Rejected)


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` key by key (QTest.keyClicks only knows ASCII; Chinese goes in as key events with text)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def find(widget: QWidget, cls: type, name: str) -> Any:
    child = widget.findChild(cls, name)
    assert child is not None, f"{name} not found"
    return child


def check_esc_asks_before_discarding(qtbot: Any, dialog: QDialog, type_something: Callable[[], None]) -> None:
    """Esc on an untouched edit dialog closes it; after `type_something()` it asks (继续编辑 keeps it open,
    放弃修改 closes it)."""
    dialog.show()
    asked: list[str] = []

    def keep_editing(box: QWidget) -> None:
        assert isinstance(box, QMessageBox) and box.objectName() == "confirm_discard"
        asked.append(box.text())
        [b for b in box.buttons() if b.text() == "继续编辑"][0].click()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not asked
    dialog.show()
    type_something()
    on_next_dialog(keep_editing)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == ["所做的修改还没有保存。放弃这些修改吗？"] and dialog.isVisible()

    def discard(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        [b for b in box.buttons() if b.text() == "放弃修改"][0].click()

    on_next_dialog(discard)
    dialog.reject()
    assert not dialog.isVisible()



def open_window(qtbot: Any, ws: Any) -> Any:
    """The main window over the workspace `ws`, shown at 1200×760 with its current tab loaded, as a clerk opens it."""
    from ui.main_window import MainWindow

    window = MainWindow(ws, db_label="test.sqlite3")
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    window.load_current()
    return window
