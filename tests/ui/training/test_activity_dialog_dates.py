"""The activity dialog: moving the start date moves the sessions (and says so); Esc asks before discarding."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from services.training import activities
from tests.helpers.members_support import on_next_dialog
from ui.training.activity_dialog import ActivityDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def klass(demo_db):
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                              "start_date": "2023-05-08", "end_date": "2023-05-09"}, "t",
                                          sessions=[{"date": "2023-05-08", "hours": 6},
                                                    {"date": "2023-05-09", "hours": 4}])
        types = activities.list_types(s)
    return info, types


def test_moving_the_start_moves_the_sessions_and_saves_them(qtbot, demo_db, klass):
    info, types = klass
    saved = []

    def save(raw, sessions):
        with demo_db.session_factory.begin() as s:
            saved.append(activities.update_activity(s, info.id, raw, "t", sessions=sessions))
        return saved[-1]

    dialog = ActivityDialog(types, save, info)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.moved_label.isVisible()
    dialog.start_edit.setDate(QDate(2023, 6, 12))  # five weeks later
    assert [dialog.sessions.item(r, 0).text() for r in range(2)] == ["2023-06-12", "2023-06-13"]
    assert dialog.end_edit.date() == QDate(2023, 6, 13)
    assert dialog.moved_label.isVisible() and "2个课次" in dialog.moved_label.text() and "推后35天" in dialog.moved_label.text()
    dialog.on_buttons_accepted()
    a = saved[-1]
    assert a.start_date == dt.date(2023, 6, 12) and a.end_date == dt.date(2023, 6, 13)
    assert [s.date for s in a.sessions] == [dt.date(2023, 6, 12), dt.date(2023, 6, 13)]
    assert [s.id for s in a.sessions] == [s.id for s in info.sessions]  # the same sessions, moved


def test_esc_with_changes_asks_before_discarding(qtbot, klass):
    info, types = klass
    dialog = ActivityDialog(types, lambda raw, sessions: None, info)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.setText("党性教育培训班（改）")
    asked = []

    def keep(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        [b for b in box.buttons() if b.text() == "继续编辑"][0].click()

    on_next_dialog(keep)
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()
    dialog.title_edit.setText(info.title)
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)  # back as it was: closes without a question
    assert not dialog.isVisible() and len(asked) == 1


def test_a_refusal_puts_the_cursor_on_its_field(qtbot, demo_db, klass):
    _info, types = klass

    def save(raw, sessions):
        with demo_db.session_factory.begin() as s:
            return activities.create_activity(s, raw, "t", sessions=sessions)

    dialog = ActivityDialog(types, save)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        dialog.title_edit.setText("　 ")  # only spaces (one full-width): no title
        dialog.place_edit.setFocus()
        dialog.on_buttons_accepted()
        assert dialog.isVisible() and "活动名称" in dialog.error_label.text()
        assert dialog.focusWidget() is dialog.title_edit
        dialog.title_edit.setText("专题党课")
        dialog.sessions.item(0, 0).setText("2024-02-30")  # no such day
        dialog.place_edit.setFocus()
        dialog.on_buttons_accepted()
        assert dialog.isVisible() and "第1课次" in dialog.error_label.text()
        assert dialog.focusWidget() is dialog.sessions
        assert (dialog.sessions.currentRow(), dialog.sessions.currentColumn()) == (0, 0)
    finally:
        QDialog.done(dialog, QDialog.DialogCode.Rejected)  # no question about the edits left
