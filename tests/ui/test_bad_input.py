"""Every import of the window facing bad input: a Chinese message naming the file, the window usable again,
the database (every table) and the backup folder exactly as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.safety.storage import Database
from services.workspace import Workspace
from tests.helpers.db_dump import dump_tables
from tests.helpers.members_support import close_without_asking
from tests.helpers.paths import SAMPLES
from tests.helpers.sheets import write_sheet
from tests.helpers.ui_jobs import wait_job

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def office(demo_db: Database, tmp_path: Path) -> Workspace:
    """The demo bureau, with a backup folder of the test's own."""
    return Workspace(demo_db, actor="测试员", backup_dir=tmp_path / "backups")


def _state(ws: Workspace) -> tuple[dict[str, Any], list[str]]:
    folder = ws.backup_dir
    assert folder is not None
    files = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return dump_tables(ws.db), files


_sheet = write_sheet


def test_a_refused_grades_import_leaves_no_backup_and_no_log_entry(qtbot: Any, office: Workspace,
                                                                   tmp_path: Path) -> None:
    from ui.assessment.stats_grades_pages import GradesPage

    page = GradesPage(office)
    qtbot.addWidget(page)
    bad = _sheet(tmp_path / "评议.xlsx", ["姓名", "评议等次"], ["合计", "优秀"])
    before = _state(office)
    wait_job(qtbot, page.import_grades(str(bad)), page.btn_import.isEnabled)
    assert page.message.text().startswith("未导入：")
    assert "评议.xlsx" in page.message.text() and "第2行" in page.message.text()
    assert _state(office) == before
    assert page.btn_import.isEnabled()


def test_a_cancelled_roll_import_leaves_no_backup_and_no_log_entry(qtbot: Any, office: Workspace) -> None:
    from tests.ui.roll.test_import_dialog import SyncRunner
    from ui.roll.import_dialog import ImportDialog

    before = _state(office)
    dialog = ImportDialog(office, SAMPLES / "roll_clean.xlsx", runner=SyncRunner(cancel_writes=True))
    qtbot.addWidget(dialog)
    dialog.create_branches_check.setChecked(True)
    dialog.confirm_button.click()
    assert "导入已取消，数据库未作改动" in dialog.message_label.text()
    assert _state(office) == before
    assert dialog.confirm_button.isEnabled()  # the clerk may try again


@pytest.mark.parametrize(("name", "winerror"), [("名册.csv", None), ("名册.xlsx", 32)])
def test_a_locked_file_is_named_with_a_chinese_reason(qtbot: Any, office: Workspace, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, name: str,
                                                      winerror: int | None) -> None:
    from tests.helpers.bad_files import file_locked
    from tests.ui.roll.test_import_dialog import SyncRunner
    from ui.roll.import_dialog import ImportDialog

    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("姓名,公民身份号码\n张三,110101199001011237\n", encoding="utf-8")
    else:
        _sheet(path, ["姓名", "公民身份号码"], ["张三", "110101199001011237"])
    file_locked(monkeypatch, path, winerror)
    before = _state(office)
    dialog = ImportDialog(office, path, runner=SyncRunner())
    qtbot.addWidget(dialog)
    text = dialog.message_label.text()
    assert text.startswith(f"无法打开文件 {name}：") and "Excel、WPS 中打开，请先关闭" in text
    assert "Permission" not in text
    assert not dialog.confirm_button.isEnabled() and dialog.close_button.isEnabled()
    assert _state(office) == before


@pytest.fixture
def trained(db: Database, tmp_path: Path) -> Workspace:
    """The sample roll and its training records (four activities of 2023), with a backup folder of the test's own."""
    from services.training import records_import
    from tests.helpers.training_helpers import load_roll

    with db.session_factory.begin() as s:
        load_roll(s, SAMPLES / "roll_clean.xlsx")
    with db.session_factory.begin() as s:
        records_import.apply_records(s, records_import.plan_records(s, SAMPLES / "records.xlsx", "update"), "测试员")
    return Workspace(db, actor="测试员", backup_dir=tmp_path / "backups")


def test_refused_exam_scores_name_the_file_row_and_column(qtbot: Any, trained: Workspace, tmp_path: Path) -> None:
    from ui.assessment.stats_exams_page import ExamsPage

    page = ExamsPage(trained)
    qtbot.addWidget(page)
    page.classes_only.setChecked(False)
    page.year.set_year(2023)
    assert page.activity.currentData() is not None
    bad = _sheet(tmp_path / "成绩.xlsx", ["姓名", "考试成绩"], ["谢艳凤", "九十"], ["合计", 90])
    before = _state(trained)
    wait_job(qtbot, page.import_scores(str(bad)), page.btn_import.isEnabled)
    text = page.message.text()
    assert "成绩.xlsx" in text
    assert "第2行“考试成绩”列：考试成绩“九十”不是数字" in text and "第3行“姓名”列：姓名“合计”" in text
    assert _state(trained) == before and page.btn_import.isEnabled()


def test_refused_grades_name_the_column(qtbot: Any, trained: Workspace, tmp_path: Path) -> None:
    from ui.assessment.stats_grades_pages import GradesPage

    page = GradesPage(trained)
    qtbot.addWidget(page)
    page.year.set_year(2023)
    bad = _sheet(tmp_path / "评议.xlsx", ["身份证号", "评议结果"], ["130102197412238832", "很好"],
                 ["130102197412238831", "优秀"])
    before = _state(trained)
    wait_job(qtbot, page.import_grades(str(bad)), page.btn_import.isEnabled)
    text = page.message.text()
    assert "评议.xlsx" in text and "第2行“评议结果”列：评议等次“很好”" in text and "第3行“身份证号”列：" in text
    assert _state(trained) == before


def test_a_huge_cell_is_quoted_short(qtbot: Any, trained: Workspace, tmp_path: Path) -> None:
    """A cell pasted full of text (Excel keeps 32 767 characters) is named by its start and length, not printed whole."""
    from ui.training.records_import_dialog import RecordsImportDialog

    huge = "长" * 32767
    path = _sheet(tmp_path / "学时.xlsx", ["姓名", "培训名称", "培训类别", "开始日期", "学时"],
                  ["谢艳凤", "测试培训", "专题党课", "2023-05-01", huge])
    dialog = RecordsImportDialog(trained)
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(path))
    dialog.on_check_clicked()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    assert dialog.problems.rowCount() == 1 and dialog.problems.item(0, 1).text() == "学时"
    reason = dialog.problems.item(0, 2).text()
    assert reason.startswith("学时“" + "长" * 20 + "……”（共32,767个字符）") and len(reason) < 100
    assert not dialog.import_button.isEnabled()


@pytest.mark.parametrize(("rows", "words"), [
    ([["姓名"]], "名单文件 名单.xlsx 中没有姓名或身份证号码"),
    ([["姓名"], ["查无此人"]], "文件 名单.xlsx："),
])
def test_an_enrolment_list_without_anyone_on_the_roll_says_so_and_stays_open(
        qtbot: Any, trained: Workspace, tmp_path: Path, rows: list[list[Any]], words: str) -> None:
    from sqlalchemy import select

    from models import Activity
    from ui.training.enrol_dialog import EnrolDialog

    with trained.read() as s:
        activity_id = s.scalars(select(Activity.id)).first()
    dialog = EnrolDialog(trained, activity_id)
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    dialog.show()
    dialog.tabs.setCurrentIndex(5)
    dialog.file_edit.setText(str(_sheet(tmp_path / "名单.xlsx", *rows)))
    before = _state(trained)
    dialog.on_buttons_accepted()
    wait_job(qtbot, dialog.enrol_job, dialog.buttons.isEnabled)
    assert words in dialog.error_label.text()
    assert dialog.isVisible() and dialog.result_value is None
    assert _state(trained) == before
