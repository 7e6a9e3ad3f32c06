"""Dialogs open at the size the clerk last gave them, and never larger than the screen they open on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

from services.training import activities
from ui.dialog_sizes import FRAME_HEIGHT, fit_on_screen
from ui.training.activity_dialog import ActivityDialog
from ui.widgets import file_dialogs
from ui.widgets.guide_dialog import GuideDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_the_guide_opens_at_the_size_it_was_closed_at(qtbot):
    first = GuideDialog([])
    qtbot.addWidget(first)
    first.show()
    default = first.size()
    first.resize(default.width() + 90, default.height() - 70)
    first.reject()  # 关闭
    again = GuideDialog([])
    qtbot.addWidget(again)
    assert again.size() == QSize(default.width() + 90, default.height() - 70)


def test_the_material_issue_list_keeps_the_height_it_was_given(qtbot):
    from ui.plan.plan_tab import IssueDialog

    people = [(f"1101011990010{i:05d}", f"党员{i}", "第一党支部") for i in range(200)]
    first = IssueDialog(people)
    qtbot.addWidget(first)
    first.show()
    first.resize(first.width() + 40, first.height() + 200)
    wanted = first.size()
    first.reject()
    again = IssueDialog(people)
    qtbot.addWidget(again)
    assert again.size() == wanted


def test_the_activity_dialog_keeps_its_size_within_the_screen(qtbot, demo_db):
    with demo_db.session_factory.begin() as s:
        types = activities.list_types(s)
    first = ActivityDialog(types, lambda raw, sessions: None)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 540)
    first.reject()
    again = ActivityDialog(types, lambda raw, sessions: None)
    qtbot.addWidget(again)
    assert again.size() == QSize(700, 540)
    # A size kept from a larger screen (the office's 1920×1080) is cut to this one, 保存 in view.
    store = file_dialogs.settings()
    store.setValue("dialogs/activity", QSize(1900, 1050))
    store.sync()
    big = ActivityDialog(types, lambda raw, sessions: None)
    qtbot.addWidget(big)
    room = big.screen().availableGeometry()
    assert big.width() <= room.width() and big.height() + FRAME_HEIGHT <= room.height()


def test_fit_on_screen_shrinks_a_tall_dialog_but_not_below_what_it_needs(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    layout.addWidget(buttons)
    room = dialog.screen().availableGeometry()
    dialog.resize(room.width() + 300, room.height() + 300)  # a 720×680 dialog on a 1093×614 laptop, scaled
    fit_on_screen(dialog)
    assert dialog.height() + FRAME_HEIGHT <= room.height() and dialog.width() < room.width()
    dialog.setMinimumSize(room.width() + 50, 100)  # a layout that needs more than the screen keeps it
    fit_on_screen(dialog)
    assert dialog.width() >= room.width() + 50
