"""考核与统计 tab: the 学时目标 page, the 考试成绩 grid and editing/deleting spending, through the widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from models import ChangeLog, ExamScore, Spending, TargetExcludedType, TargetRule
from services.assessment import stats as stats_service
from services.assessment import targets
from services.plan import periods
from services.safety.storage import Database
from services.workspace import Workspace
from tests.helpers.stats_dataset import Dataset, open_dataset
from ui.assessment.stats_exam_table_model import SCORE_COLUMN
from ui.assessment.stats_presenter import Page
from ui.assessment.stats_tab import StatsTab
from ui.assessment.stats_targets_table_model import CLASS_COLUMN, ENABLED_COLUMN, HOURS_COLUMN

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
D = dt.date


@pytest.fixture
def data(tmp_path: Path) -> Iterator[tuple[Database, Dataset]]:
    yield from open_dataset(tmp_path / "targets.sqlite3")


@pytest.fixture
def tab(qtbot: Any, data: tuple[Database, Dataset]) -> StatsTab:
    widget = StatsTab(Workspace.over(data[0], "tester"))
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    with qtbot.waitSignal(widget.stats_finished, timeout=10000):
        widget.set_period(D(2024, 1, 1), D(2024, 12, 31))
    return widget


def _below_2024(db: Database) -> int:
    with db.session_factory() as s:
        return stats_service.compute_stats(s, D(2024, 1, 1), D(2024, 12, 31))["years"]["2024"]["below_target"]


def _type_cell(view: Any, index: Any, text: str, qtbot: Any) -> None:
    """Type `text` into a cell from the keyboard as a clerk would: select it, type, press Enter."""
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, text[0])  # any key starts editing (AnyKeyPressed) and lands in the editor
    editor = view.indexWidget(index) or QApplication.focusWidget()
    assert editor is not None and editor is not view, "typing did not open an editor"
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits an Enter through a queued call: let the event loop run it.
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState, timeout=2000)


def _show(qtbot: Any, tab: StatsTab) -> None:
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()


# ---------------------------------------------------------------- 学时目标


def test_target_edit_through_widget_changes_below_target(tab: StatsTab, data: tuple[Database, Dataset],
                                                          qtbot: Any, qtmodeltester: Any) -> None:
    db, _ds = data
    _show(qtbot, tab)
    assert _below_2024(db) == 3  # 甲一 44/56, 丙三 10/32, 戊五 0/26.67
    tab.show_page(Page.TARGETS)
    page = tab.targets_page
    assert page.year.year() == 2024
    model = page.model
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(3)] == ["全体党员", "支部书记和支委委员", "本局自定目标"]
    assert [model.index(r, HOURS_COLUMN).data() for r in range(3)] == ["32", "56", "未设置"]
    assert model.index(0, 4).data() == "默认"
    assert not page.btn_save.isEnabled()

    # 全体党员 32 → 50 typed from the keyboard: 乙二 (46 h) falls below as well.
    _type_cell(page.view, model.index(0, HOURS_COLUMN), "50", qtbot)
    assert model.index(0, HOURS_COLUMN).data() == "50"
    assert page.btn_save.isEnabled()
    with qtbot.waitSignal(tab.stats_finished, timeout=10000):
        qtbot.mouseClick(page.btn_save, Qt.MouseButton.LeftButton)
    with db.session_factory() as s:
        rule = s.scalar(select(TargetRule).where(TargetRule.year == 2024, TargetRule.group == "all"))
        assert rule is not None and (rule.hours, rule.enabled) == (50.0, True)
        assert s.scalar(select(ChangeLog).where(ChangeLog.entity == "target_rule")) is not None
    assert _below_2024(db) == 4
    assert tab.years_page.years_model.index(0, 6).data() == "4"  # the tab recomputed with the new target
    assert model.index(0, 4).data() == "本年度设置"
    assert "已保存" in page.message.text()

    # Switch both groups off (no fixed number that year): nobody is below a target.
    for row in (0, 1):
        assert model.setData(model.index(row, ENABLED_COLUMN), Qt.CheckState.Unchecked.value,
                             Qt.ItemDataRole.CheckStateRole)
    assert model.index(1, CLASS_COLUMN).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert page.save()
    assert _below_2024(db) == 0
    qtmodeltester.check(model)


def test_a_plan_target_set_elsewhere_moves_the_figures_and_the_targets_page(
        tab: StatsTab, data: tuple[Database, Dataset], qtbot: Any) -> None:
    """规划与资料's 设置目标 (the plan's yearly target, which a year without its own rule follows) shows
    in 考核与统计 at once: its figures recompute and its 学时目标 page reloads, without F5."""
    db, _ds = data
    _show(qtbot, tab)
    tab.show_page(Page.TARGETS)
    assert tab.years_page.years_model.index(0, 6).data() == "3"
    assert tab.targets_page.model.index(0, HOURS_COLUMN).data() == "32"
    with qtbot.waitSignal(tab.stats_finished, timeout=10000), tab.ws.write("plan-target") as uow:
        periods.set_plan_target(uow.session, uow.actor, "2024—2028年全国党员教育培训工作规划", "all", 50, None)
    assert _below_2024(db) == 4
    assert tab.years_page.years_model.index(0, 6).data() == "4"
    qtbot.waitUntil(lambda: tab.targets_page.model.index(0, HOURS_COLUMN).data() == "50", timeout=3000)


def test_target_hours_refused_with_message(tab: StatsTab, data: tuple[Database, Dataset], qtbot: Any) -> None:
    db, _ds = data
    _show(qtbot, tab)
    tab.show_page(Page.TARGETS)
    page = tab.targets_page
    _type_cell(page.view, page.model.index(0, HOURS_COLUMN), "abc", qtbot)
    assert "不是数字" in page.message.text()
    _type_cell(page.view, page.model.index(0, HOURS_COLUMN), "2000", qtbot)
    assert "0～1000" in page.message.text()
    assert page.model.index(0, HOURS_COLUMN).data() == "32"
    assert not page.btn_save.isEnabled()
    # An enabled bureau target without a number is refused as a whole.
    page.model.setData(page.model.index(2, ENABLED_COLUMN), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert not page.save() and "请填写目标学时" in page.message.text()
    with db.session_factory() as s:
        assert s.scalars(select(TargetRule)).all() == []


def test_excluded_types_and_extra_posts(tab: StatsTab, data: tuple[Database, Dataset], qtbot: Any) -> None:
    db, _ds = data
    _show(qtbot, tab)  # a hidden tab recomputes when next shown, a shown one at once
    tab.show_page(Page.TARGETS)
    page = tab.targets_page
    names = [page.types.item(n).data(Qt.ItemDataRole.UserRole) for n in range(page.types.count())]
    item = page.types.item(names.index("自学"))
    item.setCheckState(Qt.CheckState.Checked)
    page.extra_posts.setText("青年委员、保密委员")
    page.extra_posts.textEdited.emit(page.extra_posts.text())
    assert page.btn_save.isEnabled()
    with qtbot.waitSignal(tab.stats_finished, timeout=10000):
        assert page.save()
    with db.session_factory() as s:
        assert len(s.scalars(select(TargetExcludedType).where(TargetExcludedType.year == 2024)).all()) == 1
        assert targets.extra_committee_posts(s) == ("青年委员", "保密委员")
    # Without 自学 (40 h) only 丁四 … no: 丁四's 40 h were 自学 too; everyone on the roll is short.
    assert _below_2024(db) == 5
    page.load()
    assert page.types.item(names.index("自学")).checkState() == Qt.CheckState.Checked
    assert page.extra_posts.text() == "青年委员、保密委员"
    # Other years keep their own exclusions.
    page.year.set_year(2023)
    assert page.types.item(names.index("自学")).checkState() == Qt.CheckState.Unchecked


# ---------------------------------------------------------------- 考试成绩


def _exam_page(tab: StatsTab, ds: Dataset) -> Any:
    tab.grades_page.year.set_year(2023)
    tab.show_page(Page.EXAMS)
    page = tab.exams_page
    assert page.year.year() == 2023
    assert page.select_activity(ds.activities["a2"])
    return page


def test_exam_scores_typed_by_keys(tab: StatsTab, data: tuple[Database, Dataset], qtbot: Any,
                                   qtmodeltester: Any) -> None:
    db, ds = data
    _show(qtbot, tab)
    page = _exam_page(tab, ds)
    model = page.model
    qtmodeltester.check(model)
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == ["甲一", "乙二", "丙三"]
    _type_cell(page.view, model.index(0, SCORE_COLUMN), "95", qtbot)
    # Enter moved on to the next member: keep typing.
    assert page.view.currentIndex().row() == 1
    _type_cell(page.view, page.view.currentIndex(), "88.5", qtbot)
    assert page.btn_save.isEnabled()
    qtbot.mouseClick(page.btn_save, Qt.MouseButton.LeftButton)
    with db.session_factory() as s:
        scores = {mid: sc for mid, sc in s.execute(select(ExamScore.member_id, ExamScore.score))}
    assert scores == {ds.members["m1"]: 95.0, ds.members["m2"]: 88.5}
    assert "已保存2条" in page.message.text()
    assert model.index(0, SCORE_COLUMN).data() == "95"
    qtmodeltester.check(model)


def test_invalid_exam_score_shows_message_and_writes_nothing(tab: StatsTab, data: tuple[Database, Dataset],
                                                             qtbot: Any) -> None:
    db, ds = data
    _show(qtbot, tab)
    page = _exam_page(tab, ds)
    _type_cell(page.view, page.model.index(2, SCORE_COLUMN), "120", qtbot)
    assert "丙三" in page.message.text() and "0～100" in page.message.text()
    _type_cell(page.view, page.model.index(2, SCORE_COLUMN), "abc", qtbot)
    assert "不是数字" in page.message.text()
    assert page.model.index(2, SCORE_COLUMN).data() == ""
    assert not page.btn_save.isEnabled()
    page.save()
    with db.session_factory() as s:
        assert s.scalars(select(ExamScore)).all() == []


def test_exam_scores_import(tab: StatsTab, data: tuple[Database, Dataset], tmp_path: Path, qtbot: Any) -> None:
    from tests.helpers.ui_jobs import wait_job

    db, ds = data
    page = _exam_page(tab, ds)
    bad = tmp_path / "bad.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "成绩"])
    ws.append([1, "甲一", 90])
    ws.append([2, "乙二", 101])
    wb.save(bad)
    wait_job(qtbot, page.import_scores(str(bad)), page.btn_import.isEnabled)
    assert "第3行" in page.message.text() and "0～100" in page.message.text()
    with db.session_factory() as s:
        assert s.scalars(select(ExamScore)).all() == []
    good = tmp_path / "good.xlsx"
    ws.cell(3, 3).value = "86分"
    wb.save(good)
    wait_job(qtbot, page.import_scores(str(good)), page.btn_import.isEnabled)
    assert page.message.text() == "已导入，2条成绩有变化。"
    assert [page.model.index(r, SCORE_COLUMN).data() for r in range(3)] == ["90", "86", ""]


# ---------------------------------------------------------------- 经费开支


def test_spending_edit_and_delete(tab: StatsTab, data: tuple[Database, Dataset], qtbot: Any,
                                  monkeypatch: pytest.MonkeyPatch, qtmodeltester: Any) -> None:
    db, _ds = data
    tab.show_page(Page.SPENDING)
    tab.spending_page.date.setDate(tab.date_from.date().addDays(40))
    tab.spending_page.amount.setText("300")
    tab.spending_page.purpose.setCurrentText("订阅")
    assert tab.spending_page.add()
    tab.spending_page.amount.setText("1000")
    tab.spending_page.purpose.setCurrentText("培训班")
    assert tab.spending_page.add()
    assert tab.spending_page.model.rowCount() == 2

    # Edit: select the row, 修改所选 fills the form, 保存修改 writes.
    tab.spending_page.view.selectRow(0)
    assert tab.spending_page.btn_edit.isEnabled() and tab.spending_page.btn_delete.isEnabled()
    qtbot.mouseClick(tab.spending_page.btn_edit, Qt.MouseButton.LeftButton)
    assert tab.spending_page.btn_add.text() == "保存修改" and tab.spending_page.amount.text() == "300.00"
    tab.spending_page.amount.setText("0")
    assert not tab.spending_page.add() and "未修改" in tab.spending_page.message.text()
    tab.spending_page.amount.setText("350")
    tab.spending_page.remarks.setText("更正金额")
    qtbot.mouseClick(tab.spending_page.btn_add, Qt.MouseButton.LeftButton)
    assert tab.spending_page.btn_add.text() == "登记"
    with db.session_factory() as s:
        amounts = sorted((sp.amount, sp.remarks) for sp in s.scalars(select(Spending)))
        assert amounts == [(350.0, "更正金额"), (1000.0, None)]
        log = s.scalar(select(ChangeLog).where(ChangeLog.entity == "spending", ChangeLog.action == "update"))
        assert log is not None and "300" in log.changes
    assert "合计 1350 元" in tab.spending_page.message.text()

    # Delete: a "No" keeps it, a "Yes" removes it.
    tab.spending_page.view.selectRow(1)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(tab.spending_page.btn_delete, Qt.MouseButton.LeftButton)
    assert tab.spending_page.model.rowCount() == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.spending_page.view.selectRow(1)
    qtbot.mouseClick(tab.spending_page.btn_delete, Qt.MouseButton.LeftButton)
    assert tab.spending_page.model.rowCount() == 1
    with db.session_factory() as s:
        assert [sp.amount for sp in s.scalars(select(Spending))] == [350.0]
        assert s.scalar(select(ChangeLog).where(ChangeLog.entity == "spending", ChangeLog.action == "delete"))
    assert "已删除" in tab.spending_page.message.text()
    qtmodeltester.check(tab.spending_page.model)
