"""The import preview dialog on every sample, the cancel path, the preview models and the export actions."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import Branch, Member
from services.demo.demo import seed_demo
from services.safety.storage import Database, open_database
from tests.helpers.paths import SAMPLES as SAMPLES_DIR
from tests.helpers.ui_workspace import workspace
from ui.roll.export_actions import export_roll, export_template
from ui.roll.import_dialog import ImportDialog

SAMPLES = SAMPLES_DIR
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample files not found at {SAMPLES}")


class SyncRunner:
    """Runs a job at once on the calling thread; can cancel write jobs as a clerk pressing 取消 would."""

    def __init__(self, cancel_writes: bool = False) -> None:
        self.cancel_writes = cancel_writes
        self.titles: list[str] = []

    def __call__(self, parent: Any, title: str, fn: Callable[..., Any], *, on_finished: Callable[[Any], None] | None = None,
                 on_failed: Callable[[BaseException], None] | None = None, write: bool = True) -> None:
        self.titles.append(title)
        cancel = threading.Event()
        if write and self.cancel_writes:
            cancel.set()
        try:
            result = fn(lambda _p, _t: None, cancel)
        except BaseException as exc:  # handed to the dialog exactly as the real job runner does
            if on_failed is None:
                raise
            on_failed(exc)
            return
        if on_finished is not None:
            on_finished(result)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "ui.sqlite3")
    yield database
    database.dispose()


def members(db: Database) -> int:
    with db.session_factory() as s:
        return s.scalar(select(func.count()).select_from(Member)) or 0


def open_dialog(qtbot: Any, db: Database, path: Path, runner: Any = None) -> ImportDialog:
    dialog = ImportDialog(workspace(db, "tester"), path, runner=runner or SyncRunner())
    qtbot.addWidget(dialog)
    return dialog


@needs_samples
@pytest.mark.parametrize(("name", "expected", "ignored"), [
    ("roll_clean.xlsx", 30, []), ("roll_messy.xlsx", 40, ["籍贯"]), ("roll_messy.xls", 40, []), ("roll_gbk.csv", 25, []),
])
def test_each_sample_previews_and_imports(qtbot: Any, db: Database, name: str, expected: int, ignored: list[str]) -> None:
    dialog = open_dialog(qtbot, db, SAMPLES / name)
    assert dialog.plan is not None
    assert len(dialog.plan.added) == expected and dialog.plan.ignored_columns == ignored
    assert dialog.counts_label.text().startswith(f"新增 {expected} 名")
    assert dialog.refused_model.rowCount() == 0
    # New branches are created only once the clerk ticks the box.
    assert not dialog.confirm_button.isEnabled()
    assert dialog.create_branches_check.isVisibleTo(dialog)
    dialog.create_branches_check.setChecked(True)
    assert dialog.confirm_button.isEnabled()
    dialog.confirm_button.click()
    assert dialog.import_result is not None and dialog.import_result.added == expected
    assert members(db) == expected
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Branch)) == len(dialog.import_result.branches_created) > 0


@needs_samples
def test_bad_sample_shows_reasons_and_saves_them(qtbot: Any, db: Database, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, db, SAMPLES / "roll_bad.xlsx")
    model = dialog.refused_model
    assert [model.row_values(r)[0] for r in range(model.rowCount())] == [5, 8, 12, 15, 18, 20, 22]
    assert model.row_values(0)[1] == "公民身份号码" and "文本" in model.row_values(0)[2]
    assert "有问题 7 行" in dialog.counts_label.text()
    dialog.create_branches_check.setChecked(True)
    assert not dialog.confirm_button.isEnabled()
    assert dialog.save_errors_button.isEnabled()
    out = dialog.save_refused_rows(str(tmp_path / "errors.xlsx"))
    assert out is not None and load_workbook(out).active.max_row == 8
    assert members(db) == 0


@needs_samples
def test_duplicates_choice_and_field_changes(qtbot: Any, db: Database, tmp_path: Path) -> None:
    first = open_dialog(qtbot, db, SAMPLES / "roll_clean.xlsx")
    first.create_branches_check.setChecked(True)
    first.confirm_button.click()
    wb = load_workbook(SAMPLES / "roll_clean.xlsx")
    ws = wb.active
    ws["O2"] = "13900000000"  # 谢艳凤's phone
    ws["L3"] = "支部书记"  # 邱雪's party post
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)

    dialog = open_dialog(qtbot, db, changed)
    assert dialog.on_duplicate == "refuse"
    assert [dialog.refused_model.row_values(r)[0] for r in range(dialog.refused_model.rowCount())] == [2, 3]
    assert not dialog.confirm_button.isEnabled()
    dialog.duplicate_buttons["update"].click()
    assert dialog.plan is not None and dialog.plan.on_duplicate == "update"
    rows = [dialog.updated_model.row_values(r) for r in range(dialog.updated_model.rowCount())]
    assert rows == [(2, "谢艳凤", "联系电话", "13973699356", "13900000000"), (3, "邱雪", "党内职务", "组织委员", "支部书记")]
    assert "未变 28 名" in dialog.counts_label.text()
    dialog.confirm_button.click()
    assert dialog.import_result is not None and dialog.import_result.updated == 2
    dialog2 = open_dialog(qtbot, db, changed)
    dialog2.duplicate_buttons["skip"].click()
    assert dialog2.plan is not None and len(dialog2.plan.unchanged) == 30


@needs_samples
def test_cancel_leaves_database_unchanged(qtbot: Any, db: Database) -> None:
    dialog = open_dialog(qtbot, db, SAMPLES / "roll_clean.xlsx", SyncRunner(cancel_writes=True))
    dialog.create_branches_check.setChecked(True)
    dialog.confirm_button.click()
    assert dialog.import_result is None and "取消" in dialog.message_label.text()
    assert members(db) == 0
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Branch)) == 0


def test_unreadable_file_message(qtbot: Any, db: Database, tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(os.urandom(2000))
    dialog = open_dialog(qtbot, db, junk)
    assert dialog.plan is None and "已损坏" in dialog.message_label.text()
    assert not dialog.confirm_button.isEnabled()


@needs_samples
def test_real_job_runner(qtbot: Any, db: Database) -> None:
    """The default runner (ui.widgets.jobs) plans and writes off the GUI thread."""
    dialog = ImportDialog(workspace(db, "tester"), SAMPLES / "roll_gbk.csv")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    dialog.create_branches_check.setChecked(True)
    with qtbot.waitSignal(dialog.import_finished, timeout=20000):
        dialog.confirm_button.click()
    assert members(db) == 25


@needs_samples
def test_preview_models_pass_qtmodeltester(qtbot: Any, qtmodeltester: Any, db: Database, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, db, SAMPLES / "roll_bad.xlsx")
    qtmodeltester.check(dialog.refused_model)
    dialog.refused_model.set_plan(None)
    qtmodeltester.check(dialog.refused_model)
    dialog.updated_model.set_plan(dialog.plan)
    qtmodeltester.check(dialog.updated_model)


@needs_samples
def test_dialog_screenshot(qtbot: Any, db: Database, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, db, SAMPLES / "roll_bad.xlsx")
    dialog.resize(900, 620)
    out = tmp_path / "import_dialog.png"
    assert dialog.grab().save(str(out))
    target = os.environ.get("DANGXUN_SCREENSHOTS")
    if target:
        dialog.grab().save(str(Path(target) / "import_dialog.png"))


def test_export_actions(qtbot: Any, db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        seed_demo(s, members=15, branches=2, seed=3, actor="tester")
    runner = SyncRunner()
    done: list[Any] = []
    path = export_roll(None, workspace(db), ask_path=lambda *_a: str(tmp_path / "all.xlsx"), runner=runner,
                       on_done=done.append)
    assert path and Path(path).exists() and done[0].count == 15
    from services.roll.members import list_members

    with db.session_factory() as s:
        some = list_members(s)[:4]
        branch = some[0].branch
    export_roll(None, workspace(db), records=some, ask_path=lambda *_a: str(tmp_path / "f.xlsx"),
                runner=runner, on_done=done.append)
    assert done[1].count == 4
    export_roll(None, workspace(db), branch=branch, ask_path=lambda *_a: str(tmp_path / "b.xlsx"),
                runner=runner, on_done=done.append)
    assert done[2].count == sum(1 for r in list_members(db.session_factory(), branch=branch))
    template = export_template(None, workspace(db), ask_path=lambda *_a: str(tmp_path / "t.xlsx"), runner=runner)
    assert template and Path(template).exists()
    assert export_roll(None, workspace(db), ask_path=lambda *_a: None, runner=runner) is None


def _two_sheet_roll(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本表第二、三页是名单"])
    for title, rows in (("一支部", [["张三", "110101199003071233", "一支部"]]),
                        ("二支部", [["李娜", "110101198501020020", "二支部"], ["王五", "110101198501020039", "二支部"]])):
        ws = wb.create_sheet(title)
        ws.append(["姓名", "公民身份号码", "所在党支部"])
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_sheet_choice(qtbot: Any, db: Database, tmp_path: Path) -> None:
    path = _two_sheet_roll(tmp_path / "two.xlsx")
    dialog = open_dialog(qtbot, db, path)
    assert dialog.plan is not None and dialog.plan.sheet == "一支部" and len(dialog.plan.added) == 1
    assert dialog.sheet_combo.count() == 4 and dialog.form.isRowVisible(dialog.sheet_combo)
    assert dialog.source_label.text() == "Excel 工作簿（.xlsx）；工作表：说明、一支部（已选用）、二支部"
    dialog.sheet_combo.setCurrentIndex(dialog.sheet_combo.findData("二支部"))
    assert dialog.plan.sheet == "二支部" and len(dialog.plan.added) == 2
    assert dialog.source_label.text().endswith("二支部（已选用）")
    dialog.create_branches_check.setChecked(True)
    dialog.confirm_button.click()
    assert members(db) == 2


@pytest.mark.parametrize(("name", "form"), [("roll_web_html.xls", "网页表格（HTML）另存的 .xls"),
                                            ("roll_web_xml.xls", "Excel 2003 XML 表格另存的 .xls")])
def test_preview_names_the_form(qtbot: Any, db: Database, name: str, form: str) -> None:
    from tests.helpers.paths import REPO

    dialog = open_dialog(qtbot, db, REPO / "tests" / "data" / name)
    assert dialog.plan is not None and len(dialog.plan.added) == 6
    assert dialog.source_label.text().startswith(form)
    unreadable = open_dialog(qtbot, db, REPO / "tests" / "data")
    assert unreadable.plan is None and unreadable.source_label.text() == ""


def test_cli_sheet_option(tmp_path: Path, capsys: Any) -> None:
    import json

    from ui.cli.main import run

    path = _two_sheet_roll(tmp_path / "two.xlsx")
    argv = ["--db", str(tmp_path / "c.sqlite3"), "import-members", str(path), "--create-branches", "--json"]
    assert run([*argv, "--sheet", "二支部"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 2
    assert run([*argv, "--sheet", "没有"]) == 2


def test_connect_members_tab(qtbot: Any, db: Database, monkeypatch: Any) -> None:
    from ui.roll import import_dialog
    from ui.roll.members_tab import MembersTab

    tab = MembersTab(workspace(db, "tester"))
    qtbot.addWidget(tab)
    calls: list[Any] = []
    monkeypatch.setattr(import_dialog, "start_roll_import", lambda *a, **k: calls.append(a) or None)
    import_dialog.connect_members_tab(tab, tab.ws)
    assert tab.can_import() and tab.import_roll_button.isEnabled()
    tab.import_data()
    assert len(calls) == 1


@needs_samples
def test_preview_lists_the_rows_to_add_and_says_why_confirm_is_off(qtbot: Any, db: Database) -> None:
    dialog = open_dialog(qtbot, db, SAMPLES / "roll_clean.xlsx")
    assert dialog.plan is not None
    model = dialog.added_model
    assert model.rowCount() == len(dialog.plan.added) == 30
    first = model.row_values(0)
    assert first[0] == dialog.plan.added[0]["_row"] and first[1] == dialog.plan.added[0]["name"]
    assert "*" in first[3]  # ID numbers masked, as in the roll list
    assert dialog.tabs.currentWidget() is dialog.added_view
    assert dialog.tabs.tabText(1) == "将新增的党员（30）"
    # Off, and saying why; on once the reason is gone, saying what it will do.
    assert not dialog.confirm_button.isEnabled()
    assert "新建以上党支部" in dialog.reason_label.text() == dialog.confirm_button.toolTip()
    dialog.create_branches_check.setChecked(True)
    assert dialog.confirm_button.isEnabled() and "将新增30名" in dialog.reason_label.text()


@needs_samples
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_result_is_shown_at_the_end(qtbot: Any, db: Database) -> None:
    dialog = open_dialog(qtbot, db, SAMPLES / "roll_clean.xlsx")
    dialog.show()
    dialog.create_branches_check.setChecked(True)
    dialog.confirm_button.click()
    assert dialog.isVisible()  # stays open with the result
    assert dialog.counts_label.text().startswith("导入完成：新增30名")
    assert "已新建党支部" in dialog.message_label.text()
    assert not dialog.confirm_button.isVisible() and dialog.close_button.text() == "关闭"
    dialog.close_button.click()
    assert not dialog.isVisible() and dialog.import_result is not None


@needs_samples
def test_confirm_off_for_a_file_with_problems_says_so(qtbot: Any, db: Database) -> None:
    dialog = open_dialog(qtbot, db, SAMPLES / "roll_bad.xlsx")
    assert not dialog.confirm_button.isEnabled()
    assert "有7行有问题" in dialog.reason_label.text() and "保存有问题的行" in dialog.confirm_button.toolTip()


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_an_import_shows_in_the_members_tab_without_f5(qtbot: Any, db: Database, tmp_path: Path) -> None:
    """New members into branches the roll already has, and changed fields of members it has: the 党员 tab
    (following the workspace) shows both once the import commits; nobody calls refresh()."""
    from openpyxl import load_workbook as load

    from tests.helpers.roll_factory import write_roll_xlsx
    from ui.roll.members_tab import MembersTab

    ws = workspace(db, "tester")
    tab = MembersTab(ws)
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()

    def run(path: Path, on_duplicate: str = "refuse") -> None:
        dialog = ImportDialog(ws, path, runner=SyncRunner())
        qtbot.addWidget(dialog)
        if on_duplicate != "refuse":
            dialog.duplicate_buttons[on_duplicate].click()
        dialog.create_branches_check.setChecked(True)
        dialog.confirm_button.click()
        assert dialog.import_result is not None

    first = write_roll_xlsx(tmp_path / "first.xlsx", 5, seed=1)
    run(first)
    assert tab.model.total_count() == 5
    run(write_roll_xlsx(tmp_path / "second.xlsx", 5, seed=2))  # the same five branches: no new branch
    assert tab.model.total_count() == 10
    book = load(first)
    book.active["M2"] = "处长"  # 工作岗位 of the first member
    book.save(tmp_path / "changed.xlsx")
    run(tmp_path / "changed.xlsx", "update")
    assert "处长" in [tab.model.record_at(r).job for r in range(tab.model.rowCount())]


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_a_long_reason_is_read_whole_under_the_list(qtbot: Any, db: Database, tmp_path: Path) -> None:
    """有问题的行: a reason longer than its cell (cut with “…”) is shown whole under the list for the selected row,
    the first row's at once, the next one's as the clerk moves down; another check clears it."""
    import csv

    from PySide6.QtCore import Qt

    from tests.helpers.roll_factory import HEADERS, roll_rows, write_roll_csv

    first = open_dialog(qtbot, db, write_roll_csv(tmp_path / "roll.csv", 3))
    first.create_branches_check.setChecked(True)
    first.confirm_button.click()
    assert members(db) == 3
    rows = roll_rows(3)
    for row in rows:  # the same members, many fields changed: refused, naming every field that differs
        row[3], row[6], row[12], row[13], row[14], row[18] = "回族", "研究生", "处长（借调）", "离退休", "13900000000", "２０２１年起"
    changed = tmp_path / "changed.csv"
    with changed.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADERS, *rows])

    dialog = open_dialog(qtbot, db, changed)
    dialog.resize(900, 620)
    dialog.show()
    model, view, detail = dialog.refused_model, dialog.refused_view, dialog.refused_detail
    assert model.rowCount() == 3
    reasons = [model.row_values(r)[2] for r in range(3)]
    assert "已在库中" in reasons[0] and "或选择“跳过”" in reasons[0]
    assert detail.isReadOnly() and detail.isVisible()
    assert detail.toPlainText() == f"第2行，公民身份号码：{reasons[0]}"
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert detail.toPlainText() == f"第3行，公民身份号码：{reasons[1]}"
    model.set_plan(None)
    assert detail.toPlainText() == ""
