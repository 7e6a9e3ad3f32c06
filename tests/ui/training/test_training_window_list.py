"""Issue 12's window list on the 培训 tab: Ctrl+digits in the grid, the certificate guards, the title column."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from services.training import activities, attendance, certificates, enrolment
from tests.helpers.members_support import on_next_dialog
from tests.helpers.ui_workspace import workspace
from ui.training.training_tab import TrainingTab

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def klass(demo_db):
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                              "start_date": "2023-05-08", "place": "西柏坡"}, "t",
                                          sessions=[{"date": "2023-05-08", "hours": 6}])
        ids = enrolment.select_members(s)[:3]
        enrolment.enrol(s, info.id, ids, "t")
    return info, ids


@pytest.fixture
def tab(qtbot, demo_db, klass):
    widget = TrainingTab(workspace(demo_db, "tester"))
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    widget.reload_activities(klass[0].id)
    return widget


def _certify(demo_db, info):
    with demo_db.session_factory.begin() as s:
        attendance.mark_all_present(s, info.sessions[0].id, "t")
        return certificates.issue_certificates(s, info.id, "t")


def test_ctrl_digits_set_statuses_in_the_grid(qtbot, tab):
    view, model = tab.grid_view, tab.attendance_model
    view.setFocus()
    view.setCurrentIndex(model.index(0, 2))
    qtbot.keyClick(view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert model.status_at(0, 2) == "迟到"
    # The cursor moved down: the next Ctrl+digit writes the next member, not the cell just written.
    qtbot.keyClick(view, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert model.status_at(1, 2) == "请假" and model.status_at(0, 2) == "迟到"


def test_ctrl_digit_wins_over_the_windows_tab_shortcut(qtbot, tab):
    from PySide6.QtGui import QAction, QKeySequence

    switched = []
    action = QAction(tab)
    action.setShortcut(QKeySequence("Ctrl+1"))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda: switched.append(1))
    tab.addAction(action)
    tab.grid_view.setFocus()
    tab.grid_view.setCurrentIndex(tab.attendance_model.index(0, 2))
    qtbot.keyClick(tab.grid_view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert tab.attendance_model.status_at(0, 2) == "出席" and not switched


def test_changing_certified_attendance_asks_then_revokes(qtbot, demo_db, tab, klass):
    info, _ = klass
    certs = _certify(demo_db, info)
    tab.reload_activities(info.id)
    view, model = tab.grid_view, tab.attendance_model
    view.setFocus()
    view.setCurrentIndex(model.index(0, 2))
    asked: list[str] = []

    def decline(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox) and dialog.objectName() == "confirm_revoke"
        asked.append(dialog.text())
        [b for b in dialog.buttons() if b.text() == "不更改"][0].click()

    on_next_dialog(decline)
    qtbot.keyClick(view, Qt.Key.Key_5)
    assert asked and "作废" in asked[0]
    assert model.status_at(0, 2) == "出席"
    with demo_db.session_factory() as s:
        assert all(c.status == "有效" for c in certificates.list_certificates(s, activity_id=info.id))

    def accept(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox)
        [b for b in dialog.buttons() if b.text() == "更改并作废证书"][0].click()

    view.setCurrentIndex(model.index(0, 2))
    on_next_dialog(accept)
    qtbot.keyClick(view, Qt.Key.Key_5)
    assert model.status_at(0, 2) == "缺席"
    member = model.member_id_of_row(0)
    with demo_db.session_factory() as s:
        mine = [c for c in certificates.list_certificates(s, activity_id=info.id) if c.member_id == member]
        others = [c for c in certificates.list_certificates(s, activity_id=info.id) if c.member_id != member]
    assert len(certs) == 3
    assert [c.status for c in mine] == [attendance.REVOKED] and mine[0].revoked_on is not None
    assert all(c.status == "有效" for c in others)


def test_issuing_asks_first_and_refuses_a_class_yet_to_come(qtbot, demo_db, tab, klass, monkeypatch):
    info, _ = klass
    _certify(demo_db, info)  # attendance complete
    with demo_db.session_factory.begin() as s:
        for c in certificates.list_certificates(s, activity_id=info.id):
            certificates.revoke_certificate(s, c.number, "测试", "t")
    shown: list[str] = []
    monkeypatch.setattr(tab, "_preview", lambda path, title: shown.append(title))

    def no(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox) and "颁发结业证书" in dialog.text()
        dialog.button(QMessageBox.StandardButton.No).click()

    on_next_dialog(no)
    tab.on_certificates_action_triggered()
    with demo_db.session_factory() as s:
        assert all(c.status != "有效" for c in certificates.list_certificates(s, activity_id=info.id))
    assert not shown

    with demo_db.session_factory.begin() as s:
        future = activities.create_activity(s, {"title": "明年的班", "type": "党性教育培训班",
                                                "start_date": "2099-05-08"}, "t",
                                            sessions=[{"date": "2099-05-08", "hours": 6}])
    tab.reload_activities(future.id)
    said: list[str] = []

    def tell(dialog: QWidget) -> None:
        said.append(dialog.text())  # type: ignore[attr-defined]

    on_next_dialog(tell)
    tab.on_certificates_action_triggered()
    assert said and "颁发结业证书？" not in said[0]


def test_activity_titles_are_not_squeezed_at_1024(qtbot, demo_db):
    from ui.main_window import MainWindow

    window = MainWindow(workspace(demo_db), db_label="t")
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    window.select_tab("培训")
    window.load_current()
    qtbot.waitUntil(lambda: window.current_tab() is not None)
    tab = window.current_tab()
    assert isinstance(tab, TrainingTab)
    qtbot.wait(50)
    em = tab.fontMetrics().horizontalAdvance("党")
    assert tab.activity_view.horizontalHeader().sectionSize(1) >= em * 9


def test_enrolment_tabs_all_fit_without_scroll_arrows(qtbot, demo_db, klass):
    from ui.training.enrol_dialog import EnrolDialog

    dialog = EnrolDialog(workspace(demo_db), klass[0].id)
    qtbot.addWidget(dialog)
    dialog.show()
    bar = dialog.tabs.tabBar()
    assert dialog.width() <= 1000
    assert bar.width() >= bar.sizeHint().width()
    last = bar.tabRect(bar.count() - 1)
    assert last.right() <= bar.width() and bar.tabText(bar.count() - 1) == "按培训对象"


def test_participants_columns_are_not_squeezed_at_1024(qtbot, demo_db):
    from ui.main_window import MainWindow

    window = MainWindow(workspace(demo_db), db_label="t")
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    window.select_tab("培训")
    window.load_current()
    tab = window.current_tab()
    tab.detail_tabs.setCurrentIndex(1)
    qtbot.wait(50)
    header = tab.participants_table.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(header.count()):
        title = tab.participants_table.header_text(column)
        assert header.sectionSize(column) >= metrics.horizontalAdvance(title), title
