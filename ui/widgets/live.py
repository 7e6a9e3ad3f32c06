"""Live views: a widget follows the workspace's change announcements and refreshes what it shows.

`follow(ws, widget, ("member", "branch"), widget.refresh)` calls `refresh` after any committed
write that touched those kinds of records (table names), on the GUI thread even when the write
ran in a worker. A hidden widget is only marked stale and refreshes when it is shown again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from services.changes import Changes
from services.watch import EVERYTHING

# Every kind of record (table name) the views show: what a restore changes.
ALL_KINDS = EVERYTHING


class ChangeFollower(QObject):
    """Bridges the workspace's listener (any thread) to a Qt signal handled on the widget's thread."""

    changed = Signal(object)

    def __init__(self, ws: Any, widget: QWidget, kinds: Iterable[str],
                 refresh: Callable[[], None]) -> None:
        super().__init__(widget)
        self.ws = ws
        self.widget = widget
        self.kinds = tuple(kinds)
        self.refresh = refresh
        self.stale = False
        self.changed.connect(self._on_changed)
        ws.subscribe(self._listener)
        widget.installEventFilter(self)
        listener = self._listener
        widget.destroyed.connect(lambda *_: ws.unsubscribe(listener))

    def _listener(self, changes: Changes) -> None:  # runs on the writing thread
        if changes.touches(*self.kinds):
            self.changed.emit(changes)

    def _on_changed(self, _changes: Changes) -> None:
        if self.widget.isVisible():
            self.stale = False
            self.refresh()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.widget and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self.refresh()
        return False


def follow(ws: Any, widget: QWidget, kinds: Iterable[str], refresh: Callable[[], None]) -> ChangeFollower:
    """Refresh `widget` (by calling `refresh`) whenever a write touches any of `kinds`."""
    return ChangeFollower(ws, widget, kinds, refresh)
