"""What cannot be undone asks first, and the safe answer is the default: Enter (or Esc) keeps everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget

from services.roll import branches as branch_service
from services.safety.storage import Database
from services.survey import surveys
from services.survey import tally as t
from services.training import activities
from tests.helpers.members_support import OFFSCREEN_NOISE, on_next_dialog
from tests.helpers.ui_workspace import workspace
from ui.roll.members_tab import MembersTab
from ui.safety.backup_dialog import BackupDialog
from ui.survey.survey_tab import SurveyTab
from ui.training.training_tab import TrainingTab

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def press(key: Qt.Key, asked: list[str]) -> Any:
    """Note the question and press `key` on it (an assertion here would be lost in the timer: the test checks)."""
    def handle(box: QWidget) -> None:
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            QTest.keyClick(box, key)
    return handle


def yes(box: QWidget) -> None:
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Escape])
def test_enter_on_delete_activity_keeps_it(qtbot: Any, db: Database, key: Qt.Key) -> None:
    with db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "专题党课", "type": "专题党课", "start_date": "2024-05-08"}, "t",
                                          sessions=[{"date": "2024-05-08", "hours": 2}])
    tab = TrainingTab(workspace(db, "测试员"))
    qtbot.addWidget(tab)
    tab.show()
    tab.reload_activities(info.id)
    asked: list[str] = []
    on_next_dialog(press(key, asked))
    tab.on_delete_action_triggered()
    assert asked and "专题党课" in asked[0]
    with db.session_factory() as s:
        assert [a.id for a in activities.list_activities(s)] == [info.id]
    on_next_dialog(yes)
    tab.on_delete_action_triggered()
    with db.session_factory() as s:
        assert activities.list_activities(s) == []


def test_enter_on_delete_survey_keeps_it(qtbot: Any, db: Database) -> None:
    ws = workspace(db, "测试员")
    with ws.write("survey-new") as uow:
        surveys.create_paper(uow.session, "培训班评估", [surveys.QuestionDraft("意见建议", t.TEXT)], uow.actor)
    tab = SurveyTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    asked: list[str] = []
    on_next_dialog(press(Qt.Key.Key_Return, asked))
    tab.delete_selected()
    assert asked and "培训班评估" in asked[0]
    assert tab.model.rowCount() == 1


def test_enter_on_delete_branch_keeps_it(qtbot: Any, db: Database) -> None:
    with db.session_factory.begin() as s:
        branch_service.create_branch(s, "新设党支部", "t")
    tab = MembersTab(workspace(db, "测试员"))
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    names = [b.name for b in tab.tree_model.branches()]
    tab.tree.setCurrentIndex(tab.tree_model.index(names.index("新设党支部"), 0, tab.tree_model.top_index()))
    asked: list[str] = []
    on_next_dialog(press(Qt.Key.Key_Return, asked))
    tab.delete_branch()
    assert asked and "新设党支部" in asked[0]
    assert "新设党支部" in [b.name for b in tab.tree_model.branches()]


def test_enter_on_restore_does_not_restore(qtbot: Any, db: Database, tmp_path: Path) -> None:
    dialog = BackupDialog(workspace(db, "测试员"), folder=tmp_path)
    qtbot.addWidget(dialog)
    asked: list[str] = []
    on_next_dialog(press(Qt.Key.Key_Return, asked))
    assert dialog.confirm_restore(tmp_path / "备份.sqlite3") is False
    assert asked and "备份.sqlite3" in asked[0]
