"""民主评议, 考试成绩 and 学时目标: grades, scores or targets typed and not saved are never thrown away unasked.

Before an import (before its file chooser): 保存后导入 / 放弃修改并导入 / 取消. Before another year (or activity, or
只列培训班): 保存 / 放弃 / 取消. 取消 is the default and leaves the page and the database as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import select

from models import EvaluationGrade, ExamScore, TargetRule
from services.safety.storage import Database, open_database
from services.workspace import Workspace
from tests.helpers.db_dump import dump_tables
from tests.helpers.members_support import on_next_dialog
from tests.helpers.sheets import write_sheet
from tests.helpers.stats_dataset import Dataset, build_dataset
from tests.helpers.ui_jobs import wait_job
from ui.assessment import stats_exams_page, stats_grades_pages
from ui.assessment.stats_exam_table_model import SCORE_COLUMN
from ui.assessment.stats_presenter import Page
from ui.assessment.stats_tab import StatsTab
from ui.assessment.stats_targets_table_model import HOURS_COLUMN

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
D = dt.date
GRADE = 3


@pytest.fixture
def office(tmp_path: Path) -> Iterator[tuple[Database, Dataset, Workspace]]:
    db = open_database(tmp_path / "unsaved.sqlite3")
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    yield db, ds, Workspace(db, actor="测试员", backup_dir=tmp_path / "backups")
    db.dispose()


@pytest.fixture
def tab(qtbot: Any, office: tuple[Database, Dataset, Workspace]) -> StatsTab:
    widget = StatsTab(office[2])
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.stats_finished, timeout=10000):
        widget.set_period(D(2024, 1, 1), D(2024, 12, 31))
    return widget


def _sheet(path: Path, *rows: list[Any]) -> str:
    return str(write_sheet(path, *rows))


def answer(button: str, asked: list[dict[str, Any]]) -> None:
    """Answer the next question with `button`, noting what it asked and offered."""
    def click(box: QWidget) -> None:
        assert isinstance(box, QMessageBox) and box.objectName() == "confirm_unsaved"
        asked.append({"text": box.text(), "buttons": {b.text() for b in box.buttons()},
                      "default": box.defaultButton().text(), "escape": box.escapeButton().text()})
        [b for b in box.buttons() if b.text() == button][0].click()
    on_next_dialog(click)


def _chooser(monkeypatch: pytest.MonkeyPatch, module: Any, path: str) -> list[str]:
    """The file chooser of `module`, answering `path`; returns the list of the times it opened."""
    opened: list[str] = []

    def open_file(_parent: Any, _key: str, title: str, _pattern: str) -> tuple[str, str]:
        opened.append(title)
        return path, ""
    monkeypatch.setattr(module, "open_file", open_file)
    return opened


# ---------------------------------------------------------------- 民主评议


def _grades(db: Database) -> dict[tuple[int, int], str | None]:
    with db.session_factory() as s:
        return {(g.member_id, g.year): g.grade for g in s.scalars(select(EvaluationGrade))}


def _type_grade(tab: StatsTab, name: str, grade: str) -> None:
    model = tab.grades_page.model
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert model.setData(model.index(names.index(name), GRADE), grade)
    assert model.has_pending()


def _grade_of(tab: StatsTab, name: str) -> str:
    model = tab.grades_page.model
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    return str(model.index(names.index(name), GRADE).data())


@pytest.mark.parametrize("choice", ["取消", "保存后导入", "放弃修改并导入"])
def test_grades_import_asks_before_the_file_chooser(tab: StatsTab, office: tuple[Database, Dataset, Workspace],
                                                    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    choice: str) -> None:
    db, ds, _ws = office
    tab.show_page(Page.GRADES)
    page = tab.grades_page
    assert page.year.year() == 2024
    _type_grade(tab, "乙二", "不合格")  # typed, not saved
    opened = _chooser(monkeypatch, stats_grades_pages, _sheet(tmp_path / "评议.xlsx", ["姓名", "评议等次"],
                                                              ["甲一", "优秀"]))
    before = dump_tables(db)
    asked: list[dict[str, Any]] = []
    answer(choice, asked)
    job = page.import_grades()
    assert asked == [{"text": "2024年度有1名党员的评议等次或备注修改后还没有保存。导入后本页将重新读取，这些修改会丢失。",
                      "buttons": {"保存后导入", "放弃修改并导入", "取消"}, "default": "取消", "escape": "取消"}]
    if choice == "取消":  # no chooser, nothing written, the typed grade still there to save
        assert job is None and opened == [] and dump_tables(db) == before
        assert page.model.has_pending() and _grade_of(tab, "乙二") == "不合格" and page.btn_save.isEnabled()
        return
    assert opened == ["导入民主评议等次"]
    wait_job(qtbot, job, page.btn_import.isEnabled)
    m1, m2 = ds.members["m1"], ds.members["m2"]
    kept = choice == "保存后导入"
    assert _grades(db) == ({(m1, 2024): "优秀", (m2, 2024): "不合格"} if kept else {(m1, 2024): "优秀"})
    assert _grade_of(tab, "甲一") == "优秀" and _grade_of(tab, "乙二") == ("不合格" if kept else "")
    assert not page.model.has_pending() and page.message.text().startswith("已导入，1条有变化。")


def test_grades_import_without_edits_asks_nothing(tab: StatsTab, office: tuple[Database, Dataset, Workspace],
                                                  qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tab.show_page(Page.GRADES)
    opened = _chooser(monkeypatch, stats_grades_pages, "")  # the chooser closed: nothing more
    assert tab.grades_page.import_grades() is None and opened == ["导入民主评议等次"]


@pytest.mark.parametrize("choice", ["取消", "保存", "放弃"])
def test_another_year_asks_about_unsaved_grades(tab: StatsTab, office: tuple[Database, Dataset, Workspace],
                                                choice: str) -> None:
    db, ds, _ws = office
    tab.show_page(Page.GRADES)
    page = tab.grades_page
    _type_grade(tab, "乙二", "优秀")
    asked: list[dict[str, Any]] = []
    answer(choice, asked)
    page.year.set_year(2023)
    assert asked[0]["text"] == "2024年度有1名党员的评议等次或备注修改后还没有保存。换到2023年度之前，先保存吗？"
    assert asked[0]["buttons"] == {"保存", "放弃", "取消"} and asked[0]["default"] == "取消"
    if choice == "取消":  # the year as it was, the typed grade kept, nothing written
        assert page.year.year() == 2024 == page.shown_year and page.model.has_pending()
        assert _grade_of(tab, "乙二") == "优秀" and _grades(db) == {}
        return
    # The grade went to the year it was typed in (2024), never to the year chosen next.
    assert _grades(db) == ({(ds.members["m2"], 2024): "优秀"} if choice == "保存" else {})
    assert page.year.year() == 2023 == page.shown_year and not page.model.has_pending()
    assert _grade_of(tab, "乙二") == "" and "丁四" in [r.name for r in page.model.rows]  # 2023's roll
    if choice == "保存":
        assert page.message.text().startswith("已保存2024年度1条。")
    # The other assessment pages follow the year chosen.
    tab.show_page(Page.EXAMS)
    assert tab.exams_page.year.year() == 2023


def test_refresh_keeps_the_year_of_unsaved_grades(tab: StatsTab, office: tuple[Database, Dataset, Workspace],
                                                  qtbot: Any) -> None:
    """统计 over another period moved the year under grades typed and not saved: 保存 then wrote them to it."""
    db, ds, _ws = office
    tab.show_page(Page.GRADES)
    _type_grade(tab, "乙二", "优秀")
    with qtbot.waitSignal(tab.stats_finished, timeout=10000):
        tab.set_period(D(2023, 1, 1), D(2023, 12, 31))
    assert tab.grades_page.year.year() == 2024 and _grade_of(tab, "乙二") == "优秀"
    assert tab.grades_page.save()
    assert _grades(db) == {(ds.members["m2"], 2024): "优秀"}
    with qtbot.waitSignal(tab.stats_finished, timeout=10000):
        tab.refresh()  # nothing pending now: the year follows the period again
    assert tab.grades_page.year.year() == 2023 == tab.grades_page.shown_year


# ---------------------------------------------------------------- 考试成绩


def _scores(db: Database) -> dict[int, float]:
    with db.session_factory() as s:
        return {e.member_id: e.score for e in s.scalars(select(ExamScore))}


def _exams(tab: StatsTab, ds: Dataset) -> Any:
    tab.grades_page.year.set_year(2023)
    tab.show_page(Page.EXAMS)
    page = tab.exams_page
    page.classes_only.setChecked(False)
    assert page.select_activity(ds.activities["a2"])
    assert page.model.setData(page.model.index(0, SCORE_COLUMN), "95")  # 甲一, typed and not saved
    assert page.has_pending()
    return page


def _score_shown(page: Any) -> str:
    return str(page.model.index(0, SCORE_COLUMN).data())


@pytest.mark.parametrize("choice", ["取消", "保存后导入", "放弃修改并导入"])
def test_scores_import_asks_before_the_file_chooser(tab: StatsTab, office: tuple[Database, Dataset, Workspace],
                                                    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    choice: str) -> None:
    db, ds, _ws = office
    page = _exams(tab, ds)
    opened = _chooser(monkeypatch, stats_exams_page, _sheet(tmp_path / "成绩.xlsx", ["姓名", "成绩"], ["丙三", 80]))
    before = dump_tables(db)
    asked: list[dict[str, Any]] = []
    answer(choice, asked)
    job = page.import_scores()
    assert asked[0]["text"] == "“活动a2”有1名党员的成绩修改后还没有保存。导入后本页将重新读取，这些修改会丢失。"
    assert asked[0]["buttons"] == {"保存后导入", "放弃修改并导入", "取消"} and asked[0]["escape"] == "取消"
    if choice == "取消":
        assert job is None and opened == [] and dump_tables(db) == before
        assert page.has_pending() and _score_shown(page) == "95"
        return
    assert opened == ["导入考试成绩"]
    wait_job(qtbot, job, page.btn_import.isEnabled)
    m1, m3 = ds.members["m1"], ds.members["m3"]
    assert _scores(db) == ({m1: 95.0, m3: 80.0} if choice == "保存后导入" else {m3: 80.0})
    assert _score_shown(page) == ("95" if choice == "保存后导入" else "") and not page.has_pending()


@pytest.mark.parametrize("choice", ["取消", "保存", "放弃"])
def test_another_activity_asks_about_unsaved_scores(tab: StatsTab, office: tuple[Database, Dataset, Workspace],
                                                    choice: str) -> None:
    db, ds, _ws = office
    page = _exams(tab, ds)
    asked: list[dict[str, Any]] = []
    answer(choice, asked)
    assert page.select_activity(ds.activities["a1"]) == (choice != "取消")
    assert asked[0]["text"] == "“活动a2”有1名党员的成绩修改后还没有保存。换到另一个活动之前，先保存吗？"
    assert asked[0]["buttons"] == {"保存", "放弃", "取消"} and asked[0]["default"] == "取消"
    if choice == "取消":
        assert page.activity.currentData() == ds.activities["a2"] == page.shown_activity
        assert page.has_pending() and _score_shown(page) == "95" and _scores(db) == {}
        return
    # Saved to the activity it was typed for, not the one chosen next.
    assert _scores(db) == ({ds.members["m1"]: 95.0} if choice == "保存" else {})
    with db.session_factory() as s:
        assert set(s.scalars(select(ExamScore.activity_id))) <= {ds.activities["a2"]}
    assert page.shown_activity == ds.activities["a1"] and not page.has_pending()
    if choice == "保存":
        assert page.message.text().startswith("已保存1条成绩。")


@pytest.mark.parametrize("choice", ["取消", "保存", "放弃"])
def test_another_exam_year_asks_about_unsaved_scores(tab: StatsTab, office: tuple[Database, Dataset, Workspace],
                                                     choice: str) -> None:
    db, ds, _ws = office
    page = _exams(tab, ds)
    asked: list[dict[str, Any]] = []
    answer(choice, asked)
    page.year.set_year(2024)
    assert asked[0]["text"] == "“活动a2”有1名党员的成绩修改后还没有保存。换到2024年之前，先保存吗？"
    if choice == "取消":
        assert page.year.year() == 2023 and page.activity.currentData() == ds.activities["a2"]
        assert page.has_pending() and _score_shown(page) == "95" and _scores(db) == {}
        return
    assert _scores(db) == ({ds.members["m1"]: 95.0} if choice == "保存" else {})
    activities = [page.activity.itemData(i) for i in range(page.activity.count())]
    assert page.year.year() == 2024 and ds.activities["a3"] in activities and ds.activities["a2"] not in activities
    assert not page.has_pending()


def test_classes_only_asks_about_unsaved_scores(tab: StatsTab, office: tuple[Database, Dataset, Workspace]) -> None:
    _db, ds, _ws = office
    page = _exams(tab, ds)
    asked: list[dict[str, Any]] = []
    answer("取消", asked)
    page.classes_only.setChecked(True)
    assert asked[0]["text"].endswith("重新列出活动之前，先保存吗？")
    assert not page.classes_only.isChecked() and _score_shown(page) == "95"


# ---------------------------------------------------------------- 学时目标


@pytest.mark.parametrize("choice", ["取消", "保存", "放弃"])
def test_another_target_year_asks_about_unsaved_targets(tab: StatsTab, office: tuple[Database, Dataset, Workspace],
                                                        qtbot: Any, choice: str) -> None:
    db, _ds, _ws = office
    tab.show_page(Page.TARGETS)
    page = tab.targets_page
    assert page.year.year() == 2024
    assert page.model.setData(page.model.index(0, HOURS_COLUMN), "40")
    assert page.has_pending()
    asked: list[dict[str, Any]] = []
    answer(choice, asked)
    page.year.set_year(2025)
    assert asked[0]["text"] == "2024年度的学时目标修改后还没有保存。换到2025年度之前，先保存吗？"
    with db.session_factory() as s:
        hours = {(r.year, r.group): r.hours for r in s.scalars(select(TargetRule))}
    if choice == "取消":
        assert page.year.year() == 2024 == page.settings.year and page.has_pending()  # type: ignore[union-attr]
        assert (2024, "all") not in hours
        return
    assert page.year.year() == 2025 == page.settings.year and not page.has_pending()  # type: ignore[union-attr]
    assert (hours.get((2024, "all")) == 40) == (choice == "保存") and (2025, "all") not in hours


# ---------------------------------------------------------------- closing the window


@pytest.mark.parametrize("choice", ["取消", "保存", "放弃"])
def test_closing_the_window_asks_about_unsaved_grades(qtbot: Any, office: tuple[Database, Dataset, Workspace],
                                                      choice: str) -> None:
    from ui.main_window import MainWindow

    db, ds, ws = office
    window = MainWindow(ws, settings=None, db_label="unsaved.sqlite3")
    qtbot.addWidget(window)
    window.show()
    window.load_current()
    assert window.select_tab("考核与统计")
    tab = window.tab("考核与统计")
    assert isinstance(tab, StatsTab)
    with qtbot.waitSignal(tab.stats_finished, timeout=10000):
        tab.set_period(D(2024, 1, 1), D(2024, 12, 31))
    tab.show_page(Page.GRADES)
    _type_grade(tab, "乙二", "不合格")
    asked: list[dict[str, Any]] = []
    answer(choice, asked)
    closed = window.close()
    assert asked and asked[0]["text"] == "民主评议等次修改后还没有保存。关闭之前，先保存吗？"
    assert asked[0]["buttons"] == {"保存", "放弃", "取消"} and asked[0]["default"] == "取消"
    assert closed == (choice != "取消")
    saved = _grades(db).get((ds.members["m2"], 2024))
    assert saved == ("不合格" if choice == "保存" else None)
    if choice == "取消":
        assert tab.grades_page.model.has_pending()  # still there to save
        tab.grades_page.load()  # dropped here, so that the test's own closing asks nothing
        assert not tab.grades_page.model.has_pending()
