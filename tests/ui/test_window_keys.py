"""The window's keys: one action per key on every tab (two make both ambiguous, and the key does nothing)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE, on_next_dialog
from tests.helpers.ui_workspace import workspace
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _window(qtbot: Any, db: Database, tmp_path: Path) -> MainWindow:
    window = MainWindow(workspace(db), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        db_label="test.sqlite3")
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    window.load_current()
    return window


def _live_keys(window: MainWindow, page: QWidget) -> Counter[str]:
    """Keys of the enabled actions and shortcuts that answer on `page`: the window's own and the page's."""
    keys: Counter[str] = Counter()
    actions = [a for a in window.findChildren(QAction)
               if a.parent() is window or (isinstance(a.parent(), QWidget) and page.isAncestorOf(a.parent()))]
    for action in actions:
        if action.isEnabled() and action.shortcutContext() != Qt.ShortcutContext.WidgetShortcut:
            keys.update(k.toString() for k in action.shortcuts() if not k.isEmpty())
    for shortcut in page.findChildren(QShortcut):
        if shortcut.isEnabled() and shortcut.context() != Qt.ShortcutContext.WidgetShortcut:
            keys.update(k.toString() for k in shortcut.keys() if not k.isEmpty())  # noqa: SIM118 (a Qt method)
    return keys


def test_no_two_actions_of_a_tab_share_a_key(qtbot: Any, demo_db: Database, tmp_path: Path) -> None:
    window = _window(qtbot, demo_db, tmp_path)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        window.load_current()
        shared = {key: n for key, n in _live_keys(window, window.slots[index]).items() if n > 1}
        assert not shared, f"{window.tabs.tabText(index)}: {shared}"


def test_ctrl_n_in_the_survey_tab_opens_a_new_questionnaire(qtbot: Any, demo_db: Database, tmp_path: Path) -> None:
    window = _window(qtbot, demo_db, tmp_path)
    assert window.select_tab("问卷调查")
    window.load_current()
    tab = window.current_tab()
    assert tab is not None
    view = next(v for v in tab.findChildren(QAbstractItemView) if v.isVisible())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view.setFocus()
    opened: list[str] = []
    on_next_dialog(lambda dialog: opened.append(type(dialog).__name__))
    qtbot.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(opened), timeout=3000)
    assert opened == ["DesignDialog"]
    window.act_find.trigger()
    assert window.focusWidget() is tab.search  # type: ignore[attr-defined]
    assert QKeySequence("Ctrl+N") == window.act_new.shortcut()


def test_enter_on_an_activity_or_a_plan_opens_it_as_a_double_click_does(qtbot: Any, demo_db: Database,
                                                                        tmp_path: Path) -> None:
    """The member list edits the row on Enter; the activity list and the plans did nothing (mouse only)."""
    from services.training import activities

    with demo_db.session_factory.begin() as s:
        activities.create_activity(s, {"title": "专题培训班", "type": "专题培训", "start_date": "2025-03-01"}, "t")
    window = _window(qtbot, demo_db, tmp_path)
    opened: list[tuple[str, str]] = []
    for tab_name, view_name in (("培训", "activity_view"), ("规划与资料", "plans_view")):
        assert window.select_tab(tab_name)
        window.load_current()
        view = getattr(window.current_tab(), view_name)
        view.setFocus()
        view.setCurrentIndex(view.model().index(0, 0))
        before = len(opened)
        on_next_dialog(lambda dialog: opened.append((type(dialog).__name__, dialog.windowTitle())))
        qtbot.keyClick(view, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda before=before: len(opened) > before, timeout=3000)
    assert opened == [("ActivityDialog", "编辑活动"), ("TargetDialog", "设置规划目标")]
