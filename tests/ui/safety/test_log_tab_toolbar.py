"""The 日志 tab's buttons look and sit as the other tabs' do: a toolbar of icons with text, the search at its end."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QToolButton

from services.safety.storage import Database
from tests.helpers.members_support import OFFSCREEN_NOISE
from tests.helpers.ui_workspace import workspace
from ui.safety.log_tab import LogTab
from ui.training.training_tab import TrainingTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_log_buttons_are_a_toolbar_like_the_training_tabs(qtbot: Any, db: Database) -> None:
    ws = workspace(db)
    log, training = LogTab(ws), TrainingTab(ws)
    for tab in (log, training):
        qtbot.addWidget(tab)
        tab.resize(1024, 700)
        tab.show()
    buttons = [log.toolbar.widgetForAction(a) for a in (log.refresh_action, log.export_action)]
    # Refresh, then the export (it asks for a file name: “…”), each an icon with its text beside it.
    assert [b.text() for b in buttons] == ["刷新", "导出Excel…"]
    new_activity = training.toolbar.widgetForAction(training.new_action)
    for button in buttons:
        assert isinstance(button, QToolButton) and not button.icon().isNull()
        assert button.toolButtonStyle() == new_activity.toolButtonStyle()
        assert button.height() == new_activity.height()  # the two QPushButtons were shorter and framed
    assert buttons[0].x() < buttons[1].x()
    assert log.toolbar.geometry().top() == training.toolbar.geometry().top()
    # The search at the toolbar's right end, as on 培训 and 党员; Ctrl+F (查找) reaches it.
    search = log.search_edit
    assert search.parent() is log.toolbar and search.geometry().right() > log.toolbar.width() - 20
    training.close()
    log.activateWindow()
    qtbot.waitUntil(log.isActiveWindow)
    log.focus_search()
    qtbot.waitUntil(search.hasFocus)
