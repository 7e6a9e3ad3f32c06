"""The user guide: a page for every tab, every shortcut a page names exists, F1 opens the current tab's page."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from services.workspace import Workspace
from ui.main_window import TAB_SPECS, MainWindow
from ui.widgets.guide_dialog import GuideDialog, guide_pages, named_keys

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _portable(text: str) -> str:
    return QKeySequence(text).toString(QKeySequence.SequenceFormat.PortableText)


def _window_keys(window: QWidget) -> set[str]:
    keys: set[str] = set()
    for action in window.findChildren(QAction):
        keys.update(k.toString(QKeySequence.SequenceFormat.PortableText) for k in action.shortcuts())
    for shortcut in window.findChildren(QShortcut):
        keys.add(shortcut.key().toString(QKeySequence.SequenceFormat.PortableText))
    return keys - {""}


def test_every_tab_has_a_page_with_purpose_steps_and_shortcuts() -> None:
    pages = guide_pages()
    for title, _factory in TAB_SPECS:
        assert title in pages, f"resources/guide 中没有“{title}”页"
        text = pages[title]
        for heading in ("## 做什么用", "## 常用步骤", "## 快捷键", "## 通用快捷键"):
            assert heading in text, (title, heading)
        assert "F1" in text


def test_every_shortcut_a_page_names_exists(demo_ws: Workspace, qtbot: Any) -> None:
    window = MainWindow(demo_ws)
    qtbot.addWidget(window)
    for title, _factory in TAB_SPECS:
        assert window.tab(title) is not None  # built, with its own actions and shortcuts
    keys = _window_keys(window)
    pages = guide_pages()
    named = {title: named_keys(text) for title, text in pages.items()}
    assert all(named.values()) and "Ctrl+Shift+L" in named["党员"]
    missing = {title: [k for k in ks if _portable(k) not in keys] for title, ks in named.items()}
    assert not any(missing.values()), missing
    # The check can fail: a key nobody defined is caught.
    assert _portable("Ctrl+Alt+F9") not in keys


def test_f1_opens_the_page_of_the_current_tab(demo_ws: Workspace, qtbot: Any) -> None:
    window = MainWindow(demo_ws)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    assert window.act_guide.shortcut().toString() == "F1"
    window.select_tab("考核与统计")
    window.act_guide.trigger()
    dialog = window.findChild(GuideDialog)
    assert dialog is not None and dialog.isVisible() and dialog.current_title() == "考核与统计"
    assert "学时目标" in dialog.browser.toPlainText() and "`" not in dialog.browser.toPlainText()
    window.select_tab("日志")
    window.act_guide.trigger()
    assert window.findChildren(GuideDialog) == [dialog] and dialog.current_title() == "日志"
    dialog.list.setCurrentRow(0)
    assert dialog.browser.toPlainText().startswith("党员")
