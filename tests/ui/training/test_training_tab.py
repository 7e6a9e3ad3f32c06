"""The 培训 tab: the attendance grid driven by keys writes the database and the hours follow; models checked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from services.training import activities, attendance, certificates, enrolment
from tests.helpers.members_support import on_next_dialog
from tests.helpers.ui_workspace import workspace
from ui.training.attendance_table_model import AttendanceTableModel
from ui.training.certificate_verify_dialog import CertificateVerifyDialog
from ui.training.training_tab import TrainingTab

# The offscreen platform says so whenever a top-level widget is shown; it is not ours to fix.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def klass(demo_db):
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                              "start_date": "2023-05-08", "end_date": "2023-05-09",
                                              "place": "西柏坡", "organiser": "局党委"}, "t",
                                          sessions=[{"date": "2023-05-08", "hours": 6}, {"date": "2023-05-09", "hours": 4}])
        activities.create_activity(s, {"title": "中心组学习", "type": "中心组学习", "start_date": "2024-01-10",
                                       "hours": 2}, "t")
        ids = enrolment.select_members(s)[:5]
        enrolment.enrol(s, info.id, ids, "t")
    return info, ids


@pytest.fixture
def tab(qtbot, demo_db, klass):
    widget = TrainingTab(workspace(demo_db, "tester"))
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    info, _ = klass
    widget.reload_activities(info.id)
    return widget


def test_models(qtmodeltester, tab):
    qtmodeltester.check(tab.activity_model)
    qtmodeltester.check(tab.attendance_model)
    empty = AttendanceTableModel()
    qtmodeltester.check(empty)


def test_filters(qtbot, tab, klass):
    assert tab.activity_model.rowCount() == 2
    tab.year_combo.setCurrentIndex(tab.year_combo.findData(2024))
    assert tab.activity_model.rowCount() == 1
    tab.year_combo.setCurrentIndex(0)
    tab.type_combo.setCurrentIndex(tab.type_combo.findData("党性教育培训班"))
    assert [tab.activity_model.activity_at(0).title] == ["党性教育培训班"]
    tab.type_combo.setCurrentIndex(0)
    tab.search_edit.setText("中心组")
    qtbot.waitUntil(lambda: tab.activity_model.rowCount() == 1)
    tab.search_edit.setText("没有这个")
    qtbot.waitUntil(lambda: tab.list_stack.currentIndex() == 1)


def test_grid_keys_write_database(qtbot, demo_db, tab, klass):
    info, ids = klass
    view, model = tab.grid_view, tab.attendance_model
    assert model.rowCount() == 5 and model.columnCount() == 2 + 2 + 1
    view.setFocus()
    view.setCurrentIndex(model.index(0, 2))
    qtbot.keyClick(view, Qt.Key.Key_1)          # 出席, moves down
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_4)          # 请假
    qtbot.keyClick(view, Qt.Key.Key_5)          # 缺席
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_2)          # row 3, session 2: 迟到
    member0 = model.member_id_of_row(0)
    hours_col = model.hours_column()
    assert model.data(model.index(0, hours_col)) == "6"
    view.setCurrentIndex(model.index(0, 3))
    qtbot.keyClick(view, Qt.Key.Key_3)          # 早退 at session 2: 6 + 4
    assert model.data(model.index(0, hours_col)) == "10"
    view.setCurrentIndex(model.index(0, 3))
    qtbot.keyClick(view, Qt.Key.Key_Space)      # 早退 → 请假: back to 6
    assert model.status_at(0, 3) == "请假" and model.data(model.index(0, hours_col)) == "6"
    with demo_db.session_factory() as s:
        g = attendance.grid(s, info.id)
        hours = attendance.earned_hours(s, info.id)
    s1, s2 = info.sessions[0].id, info.sessions[1].id
    assert g.cells[(member0, s1)].status == "出席"
    assert g.cells[(model.member_id_of_row(1), s1)].status == "请假"
    assert g.cells[(model.member_id_of_row(2), s1)].status == "缺席"
    assert g.cells[(model.member_id_of_row(3), s2)].status == "迟到"
    assert hours[member0] == 6 and hours[model.member_id_of_row(3)] == 4
    assert "出席1" in tab.counts_label.text() and "请假2" in tab.counts_label.text()
    view.setCurrentIndex(model.index(2, 2))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert model.status_at(2, 2) is None


def test_all_present_then_certificates(qtbot, demo_db, tab, klass, monkeypatch):
    info, ids = klass
    view, model = tab.grid_view, tab.attendance_model
    for column in (2, 3):
        view.setCurrentIndex(model.index(0, column))
        qtbot.mouseClick(tab.all_present_button, Qt.MouseButton.LeftButton)
    assert all(model.data(model.index(r, model.hours_column())) == "10" for r in range(5))
    with demo_db.session_factory() as s:
        assert attendance.counts(s, info.id)["出席"] == 10
        assert all(c.completed for c in attendance.completion(s, info.id))
    shown = []
    monkeypatch.setattr(tab, "_preview", lambda path, title: shown.append((path, title)))
    tab.on_signin_action_triggered()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=20000)  # printed in the background
    tab.on_register_action_triggered()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=20000)
    assert [p.read_bytes()[:4] for p, _ in shown] == [b"%PDF", b"%PDF"]
    on_next_dialog(lambda box: box.button(QMessageBox.StandardButton.Yes).click())  # 颁发结业证书？
    tab.on_certificates_action_triggered()
    qtbot.waitUntil(lambda: len(shown) == 3, timeout=20000)
    with demo_db.session_factory() as s:
        number = certificates.list_certificates(s, activity_id=info.id)[0].number
    dialog = CertificateVerifyDialog(workspace(demo_db))
    qtbot.addWidget(dialog)
    dialog.text_edit.setText(number)
    checked = []
    real = certificates.verify_certificate
    monkeypatch.setattr(certificates, "verify_certificate", lambda s, text: checked.append(text) or real(s, text))
    dialog.show()
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    assert dialog.genuine is True and "真实有效" in dialog.result_label.text()
    assert checked == [number]  # once: Enter in the box and the default button 核验 each checked it


def test_cancelled_activity_grid_is_read_only(qtbot, demo_db, tab, klass):
    info, _ = klass
    tab.change_status("已取消")
    model = tab.attendance_model
    tab.grid_view.setCurrentIndex(model.index(0, 2))
    qtbot.keyClick(tab.grid_view, Qt.Key.Key_1)
    assert model.status_at(0, 2) is None
    assert not tab.all_present_button.isEnabled()


def test_leave_reason_and_adjustment(qtbot, demo_db, tab, klass, monkeypatch):
    info, _ = klass
    model = tab.attendance_model
    tab.grid_view.setCurrentIndex(model.index(1, 2))
    tab.grid_view.leave_reason_given("公假")
    member = model.member_id_of_row(1)
    with demo_db.session_factory() as s:
        cell = attendance.grid(s, info.id).cells[(member, info.sessions[0].id)]
    assert (cell.status, cell.reason, cell.hours) == ("请假", "公假", 0)
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (3.0, True))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("补学视频课程", True))
    tab.detail_tabs.setCurrentIndex(1)
    tab.participants_table.set_current_row(0)
    tab.on_adjust_clicked()
    first = tab.participants_table.member_id(0)
    with demo_db.session_factory() as s:
        adj = attendance.adjustments(s, member_id=first)
        assert [(a.hours, a.reason, a.author) for a in adj] == [(3.0, "补学视频课程", "tester")]
        assert attendance.earned_hours(s, info.id)[first] == 0  # kept apart from the earned hours


def test_details_keep_each_label_whole_and_typed_text_as_typed(qtbot, demo_db):
    """主办：局党委 was cut 主｜办 at the line's end: at any width, no line ends inside a label or right after it."""
    from PySide6.QtGui import QTextLayout, QTextOption

    from ui.training.training_tab import WORD_JOINER

    organiser, place = "机关党委办公室<b>", "第三会议室（一楼东侧，请提前十分钟签到入场）"
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "专题党课", "type": "专题党课", "start_date": "2024-05-08",
                                              "place": place, "organiser": organiser}, "t",
                                          sessions=[{"date": "2024-05-08", "hours": 2}])
    widget = TrainingTab(workspace(demo_db, "tester"))
    qtbot.addWidget(widget)
    widget.reload_activities(info.id)
    text = widget.detail_info.text()
    assert widget.detail_info.textFormat() == Qt.TextFormat.PlainText  # the <b> typed shows as typed
    assert WORD_JOINER.join("主办：") + WORD_JOINER + organiser + "　" in text  # no joiner inside typed text
    assert f"地点：{place}" in text.replace(WORD_JOINER, "")
    for width in range(60, 400, 7):
        layout = QTextLayout(text, widget.detail_info.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        ends = []
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            ends.append(text[:line.textStart() + line.textLength()].replace(WORD_JOINER, "").rstrip("　"))
        layout.endLayout()
        for end in ends[:-1]:
            for label in ("地点：", "主办：", "学时：", "状态：", "结业条件："):
                for cut in range(1, len(label) + 1):  # 主 | 办：… or 主办： | 机…
                    assert not end.endswith(label[:cut]), (width, end)


def test_after_a_save_or_delete_the_focus_is_back_on_the_activity_list(qtbot, tab, klass):
    """新增活动 from the search box, then 修改 and 删除: each time the keys go on in the activity list, on the row
    saved (or the one that took the deleted one's place)."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDialogButtonBox

    def save(dialog):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def new(dialog):
        dialog.title_edit.setText("新时代党的建设专题")
        dialog.start_edit.setDate(QDate(2024, 3, 1))
        save(dialog)

    tab.search_edit.setFocus()
    on_next_dialog(new)
    tab.on_new_action_triggered()
    assert tab.window().focusWidget() is tab.activity_view
    assert tab._current is not None and tab._current.title == "新时代党的建设专题"
    row = tab.activity_view.currentIndex().row()
    assert tab.activity_model.activity_at(row).id == tab._current.id

    tab.search_edit.setFocus()
    on_next_dialog(save)
    tab.on_edit_action_triggered()
    assert tab.window().focusWidget() is tab.activity_view

    tab.search_edit.setFocus()
    on_next_dialog(lambda box: [b for b in box.buttons() if b.text() == "删除活动"][0].click())
    tab.on_delete_action_triggered()
    assert tab.window().focusWidget() is tab.activity_view
    assert tab.activity_view.selectionModel().selectedRows()  # a row stays selected for the keys
