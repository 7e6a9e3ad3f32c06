"""考核与统计 tab on the hand-built bureau: figures, drill-downs, grades grid, exports, models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from python_calamine import CalamineWorkbook

from services.safety.storage import Database, open_database
from services.workspace import Workspace
from tests.helpers.stats_dataset import build_dataset
from ui.assessment.stats_presenter import Page
from ui.assessment.stats_tab import StatsTab

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
D = dt.date


@pytest.fixture
def data_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "tab.sqlite3")
    with db.session_factory.begin() as s:
        build_dataset(s)
    yield db
    db.dispose()


@pytest.fixture
def tab(qtbot: Any, data_db: Database) -> StatsTab:
    widget = StatsTab(Workspace.over(data_db, "tester"))
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    with qtbot.waitSignal(widget.stats_finished, timeout=10000):
        widget.set_period(D(2023, 1, 1), D(2024, 12, 31))
    return widget


def _cells(model: Any) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_figures_years_and_below(tab: StatsTab) -> None:
    figures = dict((r[0], r[1]) for r in _cells(tab.overview_page.figures_model))
    assert figures["现有党员（名）"] == "4"
    assert figures["党支部（个）"] == "2"
    assert figures["中心组学习（次 / 人次）"] == "2 / 5"
    assert figures["党员年均培训学时"] == "24.11"
    assert figures["参训覆盖率"] == "75%"
    assert _cells(tab.years_page.years_model) == [["2023", "4", "77", "19.25", "8", "100%", "3"],
                                       ["2024", "5", "140", "28", "0", "80%", "3"]]
    assert tab.below_page.year.currentData() == 2024
    assert [r[0] for r in _cells(tab.below_page.below_model)] == ["甲一", "丙三", "戊五"]
    assert _cells(tab.below_page.branch_model) == [["第一支部", "2", "1"], ["第二支部", "2", "2"], ["第三支部", "1", "0"]]


def test_a_last_column_of_figures_stays_beside_its_row(tab: StatsTab, qtbot: Any) -> None:
    tab.show()
    tab.show_page(Page.YEARS)
    view = tab.years_page.years_view
    qtbot.waitUntil(lambda: view.model().rowCount() == 2)
    last = view.model().columnCount() - 1
    # 未达标人数 was stretched over the rest of the window, its figures at the far right edge.
    assert view.columnWidth(last) >= view.horizontalHeader().sectionSizeHint(last)  # the header whole
    assert view.columnWidth(last) < view.viewport().width() // 4
    tab.show_page(Page.GRADES)  # a last column of text (备注) still takes the rest of the row
    grades = tab.grades_page.view
    assert grades.horizontalHeader().length() >= grades.viewport().width() - 2


def test_every_figure_leads_to_records(tab: StatsTab, qtbot: Any) -> None:
    rows = _cells(tab.overview_page.figures_model)
    labels = [r[0] for r in rows]
    members = tab.open_figure(labels.index("现有党员（名）"))
    assert members is not None and members.model.rowCount() == 4
    acts = tab.open_figure(labels.index("中心组学习（次 / 人次）"))
    assert acts is not None and [r[1] for r in _cells(acts.model)] == ["活动a1", "活动a4"]
    assert [r[5] for r in _cells(acts.model)] == ["3", "2"]
    hours = tab.open_activity_hours(acts.model.payload(0))
    assert hours is not None and hours.model.rowCount() == 3
    gaps = tab.open_figure(labels.index("参训覆盖率"))
    assert gaps is not None and [r[0] for r in _cells(gaps.model)] == ["戊五"]
    below = tab.open_year_cell(1, 6)
    assert below is not None and [r[0] for r in _cells(below.model)] == ["甲一", "丙三", "戊五"]
    detail = tab.open_member_hours(below.model.payload(0))
    assert detail is not None and sum(float(r[6]) for r in _cells(detail.model)) == 44.0
    for dialog in (members, acts, hours, gaps, below, detail):
        dialog.close()


def test_models_pass_the_model_tester(qtmodeltester: Any, tab: StatsTab) -> None:
    tab.show_page(Page.GRADES)
    for model in (tab.overview_page.figures_model, tab.years_page.years_model, tab.below_page.below_model, tab.below_page.branch_model, tab.grades_page.model):
        qtmodeltester.check(model)


def test_grades_grid(tab: StatsTab) -> None:
    assert tab.grades_page.model.rowCount() == 0  # loaded only when the page is shown
    tab.show_page(Page.GRADES)
    model = tab.grades_page.model
    # The page says how to grade, as 支部考核 does (its 评议等次 column was empty without a word).
    assert "双击“评议等次”选择：优秀、合格、基本合格、不合格" in tab.grades_page.hint.text()
    assert tab.grades_page.hint.isVisibleTo(tab.grades_page)
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    probationary = names.index("戊五")
    assert model.index(probationary, 3).data() == "不定等次"
    assert not model.flags(model.index(probationary, 3)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(names.index("甲一"), 3), "良好")
    assert model.setData(model.index(names.index("甲一"), 3), "优秀")
    assert model.setData(model.index(names.index("乙二"), 3), "合格")
    assert tab.grades_page.btn_save.isEnabled()
    assert tab.grades_page.save()
    assert "第一支部评为优秀的1人" in tab.grades_page.message.text()
    assert model.index(names.index("甲一"), 3).data() == "优秀"
    assert not model.has_pending()


def test_exports(tab: StatsTab, qtbot: Any, tmp_path: Path) -> None:
    ledger_path = tmp_path / "台账.xlsx"
    tab.export_ledger(str(ledger_path))
    qtbot.waitUntil(lambda: "已导出台账" in tab.status.text(), timeout=10000)
    rows = CalamineWorkbook.from_path(str(ledger_path)).get_sheet_by_name("学时台账").to_python()
    assert len(rows) == 7
    report_path = tmp_path / "报告.docx"
    tab.export_report(str(report_path))
    qtbot.waitUntil(lambda: "已生成报告" in tab.status.text(), timeout=10000)
    assert report_path.exists() and report_path.with_suffix(".xlsx").exists()


def test_screenshot(tab: StatsTab, tmp_path: Path) -> None:
    tab.show()
    image = tab.grab()
    assert not image.isNull()
    image.save(str(tmp_path / "stats_tab.png"))


def test_awards_and_branch_assessment(tab: StatsTab, qtmodeltester: Any, qtbot: Any) -> None:
    tab.show_page(Page.GRADES)
    model = tab.grades_page.model
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    model.setData(model.index(names.index("乙二"), 3), "优秀")
    assert tab.grades_page.save()
    with qtbot.waitSignal(tab.awards_loaded, timeout=10000):
        tab.show_page(Page.AWARDS)
    rows = {r[1]: r for r in _cells(tab.awards_page.model)}
    assert rows["乙二"][2] == "符合" and rows["乙二"][3] == "学时达标（46/32学时）；民主评议等次为优秀；全年无缺席"
    assert rows["甲一"][2] == "不符合"
    assert "5名党员中1名符合" in tab.awards_page.summary.text()  # m4 is on the roll in 2024 too
    qtmodeltester.check(tab.awards_page.model)
    tab.show_page(Page.BRANCH)
    assert tab.branch_page.set_assessment(0, "好", "较好")
    assert _cells(tab.branch_page.model)[0][:3] == ["第一支部", "好", "较好"]
    qtmodeltester.check(tab.branch_page.model)


def test_refresh_does_not_block(qtbot: Any, data_db: Database) -> None:
    widget = StatsTab(Workspace.over(data_db, "tester"))
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.stats_finished, timeout=10000):
        widget.refresh()
        # The result arrives through the event loop, never inside refresh() itself.
        assert widget.detail is None and widget.status.text().startswith("正在统计")


def test_spending_page(tab: StatsTab, qtmodeltester: Any) -> None:
    tab.show_page(Page.SPENDING)
    assert "还没有登记开支" in tab.spending_page.message.text()
    tab.spending_page.date.setDate(tab.date_from.date().addDays(10))
    tab.spending_page.amount.setText("abc")
    assert not tab.spending_page.add() and "金额" in tab.spending_page.message.text()
    tab.spending_page.amount.setText("1200.5")
    tab.spending_page.purpose.setCurrentText("书籍")
    assert tab.spending_page.add()
    assert _cells(tab.spending_page.model)[0][1:4] == ["1200.50", "书籍", "党费"]
    assert "合计 1200.5 元" in tab.spending_page.message.text()
    qtmodeltester.check(tab.spending_page.model)


# ---------------------------------------------------------------- live view, layout, roles


def _settle(qtbot: Any) -> None:
    """Let background reads (statistics, awards) end before the database goes away."""
    from ui.widgets.jobs import default_runner

    qtbot.waitUntil(lambda: default_runner().active_jobs() == 0, timeout=10000)


def _shown(qtbot: Any, data_db: Database, **ws_args: Any) -> tuple[StatsTab, Workspace]:
    ws = Workspace.over(data_db, **ws_args)
    widget = StatsTab(ws)
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.stats_finished, timeout=10000):
        widget.set_period(D(2023, 1, 1), D(2024, 12, 31))
    return widget, ws


def test_a_write_elsewhere_refreshes_the_shown_tab(qtbot: Any, data_db: Database) -> None:
    tab, ws = _shown(qtbot, data_db, actor="tester")
    assert _cells(tab.years_page.years_model)[1][6] == "3"
    from models import HoursAdjustment, Member

    # 戊五 gets 30 hours in 2024 (another tab, another door): no longer below 26.67.
    with qtbot.waitSignal(tab.stats_finished, timeout=10000), ws.write("adjust-hours") as uow:
        member = uow.session.query(Member).filter_by(name="戊五").one()
        uow.session.add(HoursAdjustment(member_id=member.id, date=D(2024, 6, 1), hours=30.0, reason="补录",
                                        author="tester"))
    assert _cells(tab.years_page.years_model)[1][6] == "2"
    assert "戊五" not in [r[0] for r in _cells(tab.below_page.below_model)]

    # A page that is shown reloads at once; one that is not, when it is next shown.
    from services.assessment import spending

    tab.show_page(Page.SPENDING)
    with ws.write("add-spending") as uow:
        spending.add_spending(uow.session, uow.actor, D(2024, 3, 1), "200", "书籍", "党费")
    assert tab.spending_page.model.rowCount() == 1
    tab.show_page(Page.OVERVIEW)
    with ws.write("add-spending") as uow:
        spending.add_spending(uow.session, uow.actor, D(2024, 4, 1), "300", "书籍", "党费")
    assert tab.spending_page.model.rowCount() == 1
    tab.show_page(Page.SPENDING)
    assert tab.spending_page.model.rowCount() == 2
    _settle(qtbot)


def test_unsaved_grades_survive_a_live_reload(qtbot: Any, data_db: Database) -> None:
    tab, ws = _shown(qtbot, data_db, actor="tester")
    tab.show_page(Page.GRADES)
    model = tab.grades_page.model
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert model.setData(model.index(names.index("乙二"), 3), "优秀")
    from services.assessment import assessments

    with ws.write("save-grades") as uow:  # someone else grades 甲一 meanwhile
        member = next(r.member_id for r in assessments.list_grades(uow.session, 2024) if r.name == "甲一")
        assessments.save_grades(uow.session, uow.actor, 2024, [(member, "合格", None)])
    assert model.has_pending() and model.index(names.index("乙二"), 3).data() == "优秀"
    assert tab.grades_page.save()
    assert model.index(names.index("甲一"), 3).data() == "合格"  # the save reloaded the page
    _settle(qtbot)


def test_toolbar_stays_put_and_the_tab_fits_1024(qtbot: Any, data_db: Database) -> None:
    tab, _ws = _shown(qtbot, data_db, actor="tester")
    before = (tab.btn_report.geometry(), tab.btn_compute.geometry(), tab.pages.geometry())
    tab.status.setText("已生成报告：" + "/很长的文件夹" * 40 + "/贯彻落实情况报告.docx")
    qtbot.wait(50)
    assert (tab.btn_report.geometry(), tab.btn_compute.geometry(), tab.pages.geometry()) == before
    assert tab.status.geometry().top() > tab.btn_report.geometry().bottom()  # its own line, under the toolbar
    assert tab.status.text().endswith("报告.docx") and tab.status.toolTip() == tab.status.text()
    # Every page fits a 1024-pixel window (issue 12: the tab held it at 1096).
    for page in Page:
        tab.show_page(page)
        assert tab.minimumSizeHint().width() <= 1000, page
    _settle(qtbot)


def test_read_only_account_sees_but_does_not_enter(qtbot: Any, data_db: Database) -> None:
    from services.access import VIEWER

    tab, _ws = _shown(qtbot, data_db, actor="reader", role=VIEWER)
    assert not tab.btn_add_spending.isEnabled() and not tab.btn_import_grades.isEnabled()
    assert not tab.exams_page.isEnabled() and not tab.targets_page.isEnabled()
    tab.show_page(Page.SPENDING)
    tab.spending_page.amount.setText("100")
    assert not tab.spending_page.add() and "无权" in tab.spending_page.message.text()
    assert tab.spending_page.model.rowCount() == 0
    tab.show_page(Page.GRADES)
    assert tab.grades_page.model.rowCount() == 5  # shown all the same
    _settle(qtbot)


def test_enter_on_a_figure_opens_what_a_double_click_opens(tab: StatsTab, qtbot: Any) -> None:
    """考核与统计's tables opened a figure's records on a double-click only: Enter on the current cell did nothing, and
    in a records dialog it closed the dialog. Enter now opens what a double-click opens, and the dialog stays."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    tab.show()
    tab.show_page(Page.YEARS)
    view = tab.years_page.years_view
    qtbot.waitUntil(lambda: view.model().rowCount() == 2)
    view.setCurrentIndex(view.model().index(1, 6))
    QTest.keyClick(view, Qt.Key.Key_Return)
    below = tab._open_dialogs[-1]
    assert [r[0] for r in _cells(below.model)] == ["甲一", "丙三", "戊五"]
    below.view.setCurrentIndex(below.model.index(0, 0))
    QTest.keyClick(below.view, Qt.Key.Key_Return)
    detail = tab._open_dialogs[-1]
    assert detail is not below and below.isVisible()
    assert sum(float(r[6]) for r in _cells(detail.model)) == 44.0
    for dialog in (below, detail):
        dialog.close()
