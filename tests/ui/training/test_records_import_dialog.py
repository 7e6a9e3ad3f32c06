"""The training-record import dialog: check shows the plan, import writes it, a refused file writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Activity, Attendance
from tests.helpers import backend
from tests.helpers.training_helpers import load_roll
from tests.helpers.ui_workspace import workspace
from ui.training.records_import_dialog import RecordsImportDialog
from ui.widgets.jobs import default_runner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def roll_db(db, samples):
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
    return db


def test_check_then_import(qtbot, roll_db, samples):
    dialog = RecordsImportDialog(workspace(roll_db, "tester"))
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(samples / "records.xlsx"))
    dialog.on_check_clicked()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    assert dialog.plan.ok and dialog.import_button.isEnabled()
    assert "将新建活动4项" in dialog.summary_label.text()
    assert dialog.source_label.text() == "读取为：Excel 工作簿（.xlsx）"
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        dialog.on_import_clicked()
    default_runner().wait_for_done(10000)
    with roll_db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id))) == 4
        assert s.scalar(select(func.count(Attendance.id))) == dialog.plan.total_rows
    assert not dialog.import_button.isEnabled()


def test_refused_rows_listed(qtbot, roll_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,培训名称,培训类别,开始日期,学时\n查无此人,学习,专题党课,2024-01-01,2\n", encoding="utf-8")
    dialog = RecordsImportDialog(workspace(roll_db, "tester"))
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(bad))
    dialog.on_check_clicked()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    assert dialog.problems.rowCount() == 1 and dialog.problems.item(0, 0).text() == "2"
    assert not dialog.import_button.isEnabled()


def _checked(qtbot, roll_db, samples):
    """The dialog over records.xlsx, shown and checked, with the list of plans it reports imported."""
    dialog = RecordsImportDialog(workspace(roll_db, "tester"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.file_edit.setText(str(samples / "records.xlsx"))
    dialog.on_check_clicked()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    imported = []
    dialog.imported.connect(imported.append)
    return dialog, imported


def _one_import_logged(roll_db) -> bool:
    """One import in the log, and one backup before it (a server takes no file backup before an import)."""
    from models import ChangeLog

    with roll_db.session_factory() as s:
        logged = s.scalars(select(ChangeLog.action).where(ChangeLog.summary.contains("导入学时记录"),
                                                          ChangeLog.action.in_(("backup", "import")))).all()
    return sorted(logged) == (["import"] if backend.on_server() else ["backup", "import"])


def test_a_second_click_on_import_writes_nothing_twice(qtbot, roll_db, samples):
    from PySide6.QtCore import Qt

    dialog, imported = _checked(qtbot, roll_db, samples)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)  # before the progress shows
    qtbot.waitUntil(lambda: bool(imported), timeout=20000)
    default_runner().wait_for_done(20000)
    qtbot.wait(50)  # a second job's end would arrive now
    assert _one_import_logged(roll_db)
    assert len(imported) == 1 and not dialog.import_button.isEnabled()


def test_choosing_a_file_while_the_import_runs_starts_no_second_import(qtbot, roll_db, samples, monkeypatch):
    import contextlib
    import threading

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton
    from pytestqt.exceptions import TimeoutError as WaitTimeout

    from services.training import records_import
    from ui.training import records_import_dialog

    monkeypatch.setattr(records_import_dialog, "open_file", lambda *a, **k: (str(samples / "records.xlsx"), ""))
    dialog, imported = _checked(qtbot, roll_db, samples)
    gate = threading.Event()  # the import writes only once the clerk's clicks are done
    apply_records = records_import.apply_records
    monkeypatch.setattr(records_import, "apply_records", lambda *a, **k: gate.wait(20) and apply_records(*a, **k))
    browse = next(b for b in dialog.findChildren(QPushButton) if b.text() == "选择文件…")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    # Before the progress shows, the clerk picks the file again: that check would enable 导入 once more.
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    with contextlib.suppress(WaitTimeout):  # (with the fix 导入 stays off)
        qtbot.waitUntil(dialog.import_button.isEnabled, timeout=3000)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: bool(imported), timeout=20000)
    default_runner().wait_for_done(20000)
    qtbot.wait(100)
    assert _one_import_logged(roll_db)
    assert len(imported) == 1
    assert browse.isEnabled() and dialog.check_button.isEnabled()  # usable again


def test_another_file_waits_for_a_new_check(qtbot, roll_db, samples, tmp_path):
    from PySide6.QtCore import Qt

    dialog = RecordsImportDialog(workspace(roll_db, "tester"))
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(samples / "records.xlsx"))
    dialog.on_check_clicked()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    assert dialog.import_button.isEnabled()
    dialog.file_edit.setFocus()
    qtbot.keyClick(dialog.file_edit, Qt.Key.Key_End)
    qtbot.keyClicks(dialog.file_edit, "x")  # now names a file nobody checked
    assert not dialog.import_button.isEnabled() and dialog.plan is None
    dialog.file_edit.clear()
    dialog.on_check_clicked()
    assert "请先" in dialog.summary_label.text() and "选择文件" in dialog.summary_label.text()
