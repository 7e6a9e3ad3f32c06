"""Small behaviours every list shares: Esc clears a search box; Enter opens a row; an empty list says why in its own area."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit


class _EscapeClears(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and isinstance(watched, QLineEdit) and watched.text()):
            if event.type() == QEvent.Type.KeyPress:
                watched.clear()
            event.accept()
            return True
        return False


def clear_on_escape(edit: QLineEdit) -> None:
    """Esc empties the search box (and only that: an empty box lets Esc through, e.g. to close a dialog)."""
    keeper = _EscapeClears(edit)
    edit.installEventFilter(keeper)


class _EnterOpens(QObject):
    def __init__(self, view: QAbstractItemView, open_row: Callable[[], object]) -> None:
        super().__init__(view)
        self.view = view
        self.open_row = open_row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.view.state() != QAbstractItemView.State.EditingState and self.view.currentIndex().isValid()):
            self.open_row()
            return True
        return False


def open_on_enter(view: QAbstractItemView, open_row: Callable[[], object]) -> None:
    """Enter on the list's current row does what a double-click does (as in the member list: Enter edits)."""
    view.installEventFilter(_EnterOpens(view, open_row))


def activate_on_enter(view: QAbstractItemView) -> None:
    """Enter on the current cell does what a double-click on it does, whatever is connected to `doubleClicked`."""
    open_on_enter(view, lambda: view.doubleClicked.emit(view.currentIndex()))


class EmptyNotice(QLabel):
    """A line in the middle of a list's area while the list shows no row (“没有符合条件的……”).

    `text()` of the notice comes from `say()`, asked each time the list becomes empty, so it can tell
    a search that found nothing from a list that has nothing yet ("" shows nothing).
    The notice goes onto the list's viewport the first time it has something to say, after the
    list is built: a list that opens with rows never touches the viewport from Python (wrapping it
    costs PySide a look through every widget class, ~20 ms of start-up).
    """

    def __init__(self, view: QAbstractItemView, say: Callable[[], str]) -> None:
        super().__init__()
        self.view = view
        self.say = say
        self._placed = False
        self.setObjectName("empty_notice")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the search as typed
        self.setStyleSheet("color: palette(mid); padding: 24px;")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()
        model = view.model()
        if model is not None:
            for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
                signal.connect(self.update_notice)
        # Once the list's builder has filled it (the same turn of the event loop, before it is painted).
        QTimer.singleShot(0, self, self.update_notice)

    def _place(self) -> None:
        if not self._placed:
            viewport = self.view.viewport()
            self.setParent(viewport)
            viewport.installEventFilter(self)
            self._placed = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.view.viewport().rect())
        return False

    def update_notice(self, *_args: object) -> None:
        model = self.view.model()
        text = self.say() if model is not None and model.rowCount() == 0 else ""
        self.setText(text)
        if text:
            self._place()
        if self._placed:
            self.setGeometry(self.view.viewport().rect())
        self.setVisible(bool(text))
