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


TITLE = "“学思想、强党性”专题党课（上半年）"
FILE_TITLE = "“学思想、强党性”专题党课 (上半年)"


def _typed_in_the_window(roll_db, tmp_path, file_type: str, status: str | None = None):
    """An activity the clerk typed (网络培训), and a file naming it as FILE_TITLE of `file_type`."""
    from models import Member
    from services.training import activities

    with roll_db.session_factory.begin() as s:
        a = activities.create_activity(s, {"title": TITLE, "type": "网络培训", "start_date": "2024-05-08",
                                           "hours": 3, "place": "党员活动室（三楼）"}, "clerk")
        if status:
            activities.set_status(s, a.id, status, "clerk")
        rows = [f"{n},{i},{FILE_TITLE},{file_type},2024-05-08,3,党员活动室 (三楼)" for n, i in s.execute(
            select(Member.name, Member.id_number).order_by(Member.id).limit(2))]
    path = tmp_path / "records.csv"
    path.write_text("\n".join(["姓名,身份证号码,培训名称,培训类别,开始日期,学时,地点", *rows]) + "\n", encoding="utf-8")
    return a.id, path


def _check(qtbot, roll_db, path):
    dialog = RecordsImportDialog(workspace(roll_db, "tester"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.file_edit.setText(str(path))
    dialog.on_check_clicked()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    return dialog


def _import(qtbot, dialog):
    with qtbot.waitSignal(dialog.imported, timeout=20000):
        dialog.on_import_clicked()
    default_runner().wait_for_done(10000)


@pytest.mark.parametrize("status", ["已取消", "已归档"])
def test_rows_of_a_closed_activity_are_listed_under_the_title(qtbot, roll_db, tmp_path, status):
    _a_id, path = _typed_in_the_window(roll_db, tmp_path, "网络培训", status)
    dialog = _check(qtbot, roll_db, path)
    cells = [[dialog.problems.item(r, c).text() for c in range(3)] for r in range(dialog.problems.rowCount())]
    assert cells == [[str(row), "培训名称", f"活动“{TITLE}”{status}，不能再记录学时"] for row in (2, 3)]
    assert not dialog.import_button.isEnabled() and "有2处错误" in dialog.summary_label.text()


def test_an_activity_typed_in_the_window_keeps_its_place_and_title(qtbot, roll_db, tmp_path):
    a_id, path = _typed_in_the_window(roll_db, tmp_path, "网络培训")
    dialog = _check(qtbot, roll_db, path)
    assert dialog.plan.restored == {} and dialog.twins_label.isHidden()
    _import(qtbot, dialog)
    with roll_db.session_factory() as s:
        a = s.get(Activity, a_id)
        assert (a.title, a.place) == (TITLE, "党员活动室（三楼）")
        assert s.scalar(select(func.count(Attendance.id))) == 2


def test_a_twin_of_another_type_is_named_in_the_check_result(qtbot, roll_db, tmp_path):
    _a_id, path = _typed_in_the_window(roll_db, tmp_path, "专题培训")
    dialog = _check(qtbot, roll_db, path)
    assert dialog.plan.ok and dialog.import_button.isEnabled() and not dialog.twins_label.isHidden()
    assert dialog.twins_label.text().splitlines() == [
        f"注意：第2行：将新建“{FILE_TITLE}”（专题培训），库中已有同名同日的“{TITLE}”（网络培训）",
        "如是同一活动，请改正文件中的“培训类别”后再检查。"]
    _import(qtbot, dialog)
    assert dialog.twins_label.text().startswith("注意：第2行：已新建")
    with roll_db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id))) == 2
    dialog.file_edit.setText(str(tmp_path / "missing.csv"))
    dialog.on_check_clicked()
    qtbot.waitUntil(lambda: "missing.csv" in dialog.summary_label.text(), timeout=20000)
    assert dialog.twins_label.isHidden()  # an earlier file's warning is not this one's


def test_a_restore_alone_can_be_imported(qtbot, roll_db, tmp_path):
    """A file whose records were all there already: 导入 stayed off though the check said texts would be restored."""
    _a_id, path = _typed_in_the_window(roll_db, tmp_path, "专题培训")  # makes an imported 专题培训 twin
    _import(qtbot, _check(qtbot, roll_db, path))
    with roll_db.session_factory.begin() as s:  # as an older version stored the imported one's place: folded
        imported = s.scalars(select(Activity).where(Activity.place == "党员活动室 (三楼)")).one()
        imported.place, a_id = "党员活动室（三楼）", imported.id
    dialog = _check(qtbot, roll_db, path)
    assert "1项活动的名称等将按文件原文恢复" in dialog.summary_label.text()
    assert dialog.import_button.isEnabled()
    _import(qtbot, dialog)
    assert "1项活动的名称等已按文件原文恢复" in dialog.summary_label.text()
    with roll_db.session_factory() as s:
        assert s.get(Activity, a_id).place == "党员活动室 (三楼)"
