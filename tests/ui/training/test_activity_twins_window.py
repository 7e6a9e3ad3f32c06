"""The activity dialog asks before saving a twin of an existing activity (same title by fold_key, same start)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget
from sqlalchemy import func, select

from models import Activity
from services.normalize import fold_key
from services.training import activities, attendance, enrolment
from tests.helpers.members_support import on_next_dialog
from tests.helpers.ui_workspace import workspace
from ui.training.activity_dialog import ActivityDialog
from ui.training.training_tab import TrainingTab

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

TITLE = "党性教育培训班（2023年第一期）"


@pytest.fixture
def klass(demo_db):
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": TITLE, "type": "党性教育培训班", "start_date": "2023-05-08",
                                              "place": "西柏坡", "organiser": "局党委"}, "t",
                                          sessions=[{"date": "2023-05-08", "hours": 6}])
        other = activities.create_activity(s, {"title": "中心组学习", "type": "中心组学习",
                                               "start_date": "2023-06-01", "hours": 2}, "t")
        ids = enrolment.select_members(s)[:4]
        enrolment.enrol(s, info.id, ids, "t")
        for m in ids:
            attendance.set_attendance(s, info.sessions[0].id, m, "出席", None, "t")
    return info, other


@pytest.fixture
def tab(qtbot, demo_db, klass):
    widget = TrainingTab(workspace(demo_db, "tester"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _titled(demo_db, title: str) -> list[str]:
    """The stored titles that are `title` by fold_key."""
    with demo_db.session_factory() as s:
        return [t for t in s.scalars(select(Activity.title)) if fold_key(t) == fold_key(title)]


def _save_button(dialog: ActivityDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_a_new_twin_asks_cancel_keeps_the_dialog_then_save_anyway(qtbot, demo_db, tab, klass):
    typed = "党性教育培训班 (2023年第一期)"  # half-width brackets and a space: the same title by fold_key
    seen: dict[str, object] = {}

    def answer(label: str):
        def click(box: QWidget) -> None:
            assert isinstance(box, QMessageBox) and box.objectName() == "confirm_twin"
            seen.setdefault("text", box.text())
            seen.setdefault("default", box.defaultButton().text())
            [b for b in box.buttons() if b.text() == label][0].click()
        return click

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, ActivityDialog)
        dialog.title_edit.setText(typed)
        dialog.type_combo.setCurrentIndex(dialog.type_combo.findText("专题培训"))
        dialog.organiser_edit.setCurrentText("机关党委")
        dialog.start_edit.setDate(QDate(2023, 5, 8))
        on_next_dialog(answer("取消"))
        _save_button(dialog).click()  # no events processed before a question shows
        assert dialog.isVisible() and dialog.title_edit.text() == typed  # 取消: nothing lost, nothing written
        assert dialog.organiser_edit.currentText() == "机关党委"
        assert len(_titled(demo_db, TITLE)) == 1
        seen["after_cancel"] = True
        on_next_dialog(answer("仍然保存"))
        _save_button(dialog).click()  # no events processed before a question shows

    on_next_dialog(fill)
    tab.on_new_action_triggered()
    assert seen["after_cancel"] and seen["default"] == "取消"
    text = str(seen["text"])
    assert TITLE in text and "2023年5月8日" in text and "局党委主办" in text and "已有4条考勤记录" in text
    assert sorted(_titled(demo_db, TITLE)) == sorted([TITLE, typed])  # kept as typed


def test_a_new_activity_without_twin_saves_without_asking(qtbot, demo_db, tab, klass, monkeypatch):
    monkeypatch.setattr(ActivityDialog, "confirm_twin", lambda self, twin: pytest.fail(f"asked: {twin}"))

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, ActivityDialog)
        dialog.title_edit.setText(TITLE)
        dialog.start_edit.setDate(QDate(2023, 5, 9))  # another day
        _save_button(dialog).click()  # no events processed before a question shows
        assert not dialog.isVisible()

    on_next_dialog(fill)
    tab.on_new_action_triggered()
    with demo_db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id)).where(Activity.title == TITLE)) == 2


def test_editing_into_a_twin_asks_and_cancel_changes_nothing(qtbot, demo_db, tab, klass):
    info, other = klass
    tab.reload_activities(other.id)
    tab.show_activity(other.id)
    asked = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, ActivityDialog)
        dialog.title_edit.setText(TITLE)
        dialog.start_edit.setDate(QDate(2023, 5, 8))

        def cancel(box: QWidget) -> None:
            assert isinstance(box, QMessageBox)
            asked.append(box.text())
            box.defaultButton().click()  # 取消

        on_next_dialog(cancel)
        _save_button(dialog).click()  # no events processed before a question shows
        assert dialog.isVisible() and dialog.title_edit.text() == TITLE

    on_next_dialog(fill)
    tab.on_edit_action_triggered()
    assert asked and "改后将与已有的活动同名" in asked[0] and TITLE in asked[0]
    with demo_db.session_factory() as s:
        assert activities.get_activity(s, other.id).title == "中心组学习"
