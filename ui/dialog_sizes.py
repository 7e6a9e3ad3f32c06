"""Dialogs open at the size the clerk last gave them (QSettings `dialogs/<key>`), never beyond the screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtWidgets import QWidget

from ui.widgets import file_dialogs

# Room left on the screen for the dialog's title bar and frame, which the window manager adds.
FRAME_WIDTH, FRAME_HEIGHT = 16, 40


def fit_on_screen(dialog: QWidget) -> None:
    """Shrink `dialog` to the screen it opens on (a 1366×768 laptop at 125 % is 1093×614), so that its
    buttons are never below the taskbar; never below what its layout needs."""
    screen = dialog.screen()
    if screen is None:
        return
    room = screen.availableGeometry().size() - QSize(FRAME_WIDTH, FRAME_HEIGHT)
    least = dialog.minimumSizeHint()
    width = max(min(dialog.width(), room.width()), least.width())
    height = max(min(dialog.height(), room.height()), least.height())
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(width, height)


class _SizeKeeper(QObject):
    """Writes the dialog's size when it is hidden (closed, accepted, rejected)."""

    def __init__(self, dialog: QWidget, key: str) -> None:
        super().__init__(dialog)
        self.key = key

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Hide and isinstance(watched, QWidget) and not watched.isMinimized():
            store = file_dialogs.settings()
            store.setValue(f"dialogs/{self.key}", watched.size())
            store.sync()
        return False


def keep_size(dialog: QWidget, key: str) -> None:
    """Call at the end of the dialog's constructor, after its default `resize`: the size saved under `key`
    replaces the default, both fitted to the screen; the size it has when closed is saved for next time."""
    saved = file_dialogs.settings().value(f"dialogs/{key}")
    if isinstance(saved, QSize) and saved.isValid():
        dialog.resize(saved)
    fit_on_screen(dialog)
    dialog.installEventFilter(_SizeKeeper(dialog, key))
