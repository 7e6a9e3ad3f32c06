"""A pane dragged wider (问卷调查's list, 考核与统计's figures and branches) is as wide at the next start."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QSplitter

from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def open_window(qtbot, ws, path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ws, settings=QSettings(str(path), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    return window


def splitters(window: MainWindow, tab: str) -> dict[str, QSplitter]:
    built = window.tab(tab)
    assert built is not None
    window.select_tab(tab)
    found = {s.objectName() or f"#{i}": s for i, s in enumerate(built.findChildren(QSplitter))}
    assert found
    return found


@pytest.mark.parametrize("tab", ["问卷调查", "考核与统计"])
def test_splitters_come_back_as_left(qtbot, ws, tmp_path, tab):  # type: ignore[no-untyped-def]
    path = tmp_path / "settings.ini"
    first = open_window(qtbot, ws, path)
    moved = {}
    for name, split in splitters(first, tab).items():
        total = sum(split.sizes())
        split.setSizes([total - 150, 150])  # the first pane dragged wide
        moved[name] = split.sizes()
    first.close()  # saves the settings, as at the end of a day's work

    again = open_window(qtbot, ws, path)
    assert {name: split.sizes() for name, split in splitters(again, tab).items()} == moved
