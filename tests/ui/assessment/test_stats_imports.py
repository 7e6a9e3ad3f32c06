"""The 民主评议 and 考试成绩 imports of the window run as jobs: the page stays usable, 取消 writes nothing.

(A refused file on both pages: tests/ui/test_bad_input.py, through the same jobs.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.files import spreadsheet
from services.safety.storage import Database
from services.workspace import Workspace
from tests.helpers.db_dump import dump_tables
from tests.helpers.sheets import write_sheet
from tests.helpers.stats_dataset import Dataset, build_dataset
from tests.helpers.ui_jobs import cancel_before_reading, wait_job
from ui.assessment.stats_exam_table_model import SCORE_COLUMN
from ui.assessment.stats_exams_page import ExamsPage
from ui.assessment.stats_grades_pages import GradesPage

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def office(db: Database, tmp_path: Path) -> Iterator[tuple[Workspace, Dataset]]:
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    yield Workspace(db, actor="测试员", backup_dir=tmp_path / "backups"), ds


def _state(ws: Workspace) -> tuple[dict[str, Any], list[str]]:
    """Every table, and the backups taken."""
    folder = ws.backup_dir
    assert folder is not None
    return dump_tables(ws.db), sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


_sheet = write_sheet


def _grades_page(qtbot: Any, ws: Workspace) -> GradesPage:
    page = GradesPage(ws)
    qtbot.addWidget(page)
    page.year.set_year(2024)
    page.load()
    return page


def test_imported_grades_show_on_the_page(qtbot: Any, office: tuple[Workspace, Dataset], tmp_path: Path) -> None:
    ws, _ds = office
    page = _grades_page(qtbot, ws)
    path = _sheet(tmp_path / "评议.xlsx", ["姓名", "评议等次"], ["甲一", "优秀"], ["乙二", "合格党员"])
    job = page.import_grades(str(path))
    assert not page.btn_import.isEnabled() and not page.year.isEnabled()  # while it runs
    wait_job(qtbot, job, page.btn_import.isEnabled)
    assert page.message.text().startswith("已导入，2条有变化。提醒：第一支部评为优秀的1人")
    grades = {r.name: r.grade for r in page.model.rows}
    assert (grades["甲一"], grades["乙二"]) == ("优秀", "合格")
    assert page.year.isEnabled()


def test_cancelled_grades_import_writes_nothing(qtbot: Any, office: tuple[Workspace, Dataset], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ws, _ds = office
    page = _grades_page(qtbot, ws)
    path = _sheet(tmp_path / "评议.xlsx", ["姓名", "评议等次"], ["甲一", "优秀"])
    before = _state(ws)
    job = cancel_before_reading(monkeypatch, spreadsheet, "read_table", lambda: page.import_grades(str(path)))
    wait_job(qtbot, job, page.btn_import.isEnabled)
    assert page.message.text() == "已取消，未导入。"
    assert _state(ws) == before
    assert all(r.grade is None for r in page.model.rows)


def _exams_page(qtbot: Any, ws: Workspace, ds: Dataset) -> ExamsPage:
    page = ExamsPage(ws)
    qtbot.addWidget(page)
    page.classes_only.setChecked(False)
    page.year.set_year(2023)
    assert page.select_activity(ds.activities["a2"])
    return page


def test_imported_scores_show_on_the_page(qtbot: Any, office: tuple[Workspace, Dataset], tmp_path: Path) -> None:
    ws, ds = office
    page = _exams_page(qtbot, ws, ds)
    saved: list[bool] = []
    page.saved.connect(lambda: saved.append(True))
    path = _sheet(tmp_path / "成绩.xlsx", ["姓名", "成绩"], ["甲一", 90], ["丙三", "75分"])
    job = page.import_scores(str(path))
    assert not page.btn_import.isEnabled() and not page.activity.isEnabled()  # while it runs
    wait_job(qtbot, job, page.btn_import.isEnabled)
    assert page.message.text() == "已导入，2条成绩有变化。"
    names = [page.model.index(r, 1).data() for r in range(page.model.rowCount())]
    scores = [page.model.index(r, SCORE_COLUMN).data() for r in range(page.model.rowCount())]
    assert dict(zip(names, scores, strict=True)) == {"甲一": "90", "乙二": "", "丙三": "75"}
    assert saved == [True] and page.activity.isEnabled()


def test_cancelled_scores_import_writes_nothing(qtbot: Any, office: tuple[Workspace, Dataset], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ws, ds = office
    page = _exams_page(qtbot, ws, ds)
    path = _sheet(tmp_path / "成绩.xlsx", ["姓名", "成绩"], ["甲一", 90])
    before = _state(ws)
    job = cancel_before_reading(monkeypatch, spreadsheet, "read_table", lambda: page.import_scores(str(path)))
    wait_job(qtbot, job, page.btn_import.isEnabled)
    assert page.message.text() == "已取消，未导入。"
    assert _state(ws) == before
    assert all(page.model.index(r, SCORE_COLUMN).data() == "" for r in range(page.model.rowCount()))
