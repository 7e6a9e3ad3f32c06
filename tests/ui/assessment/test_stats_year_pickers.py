"""考核与统计 picks its years with the window's one picker, and each picker's year drives its page.

The pages had spin boxes from 1990 to 2100 and a combo of their own (未达标党员: the years of the period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.safety.storage import Database
from services.workspace import Workspace
from tests.helpers.stats_dataset import Dataset, open_dataset
from ui.assessment.stats_presenter import Page
from ui.assessment.stats_tab import StatsTab
from ui.widgets.year_picker import YearPicker, offered_years

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
D = dt.date


@pytest.fixture
def data(tmp_path: Path) -> Iterator[tuple[Database, Dataset]]:
    yield from open_dataset(tmp_path / "years.sqlite3")


@pytest.fixture
def tab(qtbot: Any, data: tuple[Database, Dataset]) -> StatsTab:
    widget = StatsTab(Workspace.over(data[0], "tester"))
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.stats_finished, timeout=10000):
        widget.set_period(D(2023, 1, 1), D(2024, 12, 31))
    return widget


def _years(picker: YearPicker) -> list[int]:
    return [picker.itemData(i) for i in range(picker.count())]


def test_the_pages_use_the_window_year_picker(tab: StatsTab, data: tuple[Database, Dataset]) -> None:
    from ui.training.training_tab import TrainingTab

    training = TrainingTab(tab.ws)
    pickers = {"grades": tab.grades_page.year, "exams": tab.exams_page.year, "targets": tab.targets_page.year,
               "below": tab.below_page.year}
    assert all(isinstance(p, YearPicker) for p in pickers.values())
    width = training.year_combo.sizeHint().width()
    assert {name: p.sizeHint().width() for name, p in pickers.items()} == dict.fromkeys(pickers, width)
    # The assessment year follows the period's end; the pages read, once shown, offer the office's years
    # (records 2022–2024) by the window's rule, “2024年” as everywhere.
    for page in (Page.GRADES, Page.EXAMS, Page.TARGETS):
        tab.show_page(page)
    rule = offered_years(range(2022, 2025))
    for name in ("grades", "exams", "targets"):
        assert _years(pickers[name]) == rule and pickers[name].year() == 2024, name
    assert tab.grades_page.year.currentText() == "2024年"
    # 未达标党员 offers exactly the years of the period computed, no others (an empty list there reads “nobody”).
    assert _years(pickers["below"]) == [2024, 2023] and pickers["below"].currentText() == "2024年"
    training.deleteLater()


def test_the_assessment_year_drives_its_pages(tab: StatsTab, data: tuple[Database, Dataset], qtbot: Any) -> None:
    tab.show_page(Page.GRADES)
    page = tab.grades_page
    assert "戊五" in [r.name for r in page.model.rows]  # joined in 2024
    page.year.set_year(2023)
    assert page.shown_year == 2023 and "戊五" not in [r.name for r in page.model.rows]
    with qtbot.waitSignal(tab.awards_loaded, timeout=10000):
        tab.show_page(Page.AWARDS)
    assert tab.awards_page.summary.text().startswith("2023年度：")
    tab.show_page(Page.EXAMS)
    assert tab.exams_page.year.year() == 2023
    tab.show_page(Page.TARGETS)
    assert tab.targets_page.year.year() == 2023 and tab.targets_page.settings is not None
    assert tab.targets_page.settings.year == 2023
    # A year long before the records: offered, chosen, read.
    tab.show_page(Page.GRADES)
    page.year.set_year(2008)
    assert page.year.currentText() == "2008年" and page.shown_year == 2008
    assert [r.name for r in page.model.rows] == ["甲一", "丁四"]  # on the roll in 2008


def test_the_exam_and_target_years_drive_their_pages(tab: StatsTab, data: tuple[Database, Dataset]) -> None:
    _db, ds = data
    tab.show_page(Page.EXAMS)
    exams = tab.exams_page
    exams.classes_only.setChecked(False)
    listed = lambda: [exams.activity.itemData(i) for i in range(exams.activity.count())]  # noqa: E731
    assert listed() == [ds.activities["a4"], ds.activities["a3"]]  # 2024, the cancelled a6 left out
    exams.year.set_year(2023)
    assert listed() == [ds.activities["a2"], ds.activities["a1"]] and exams.shown_activity == ds.activities["a2"]
    tab.show_page(Page.TARGETS)
    targets = tab.targets_page
    targets.year.set_year(2026)
    assert targets.settings is not None and targets.settings.year == 2026


def test_the_below_year_drives_its_lists(tab: StatsTab) -> None:
    below = tab.below_page
    assert below.year.year() == 2024
    branches_2024 = [tuple(below.branch_model.index(r, c).data() for c in range(3))
                     for r in range(below.branch_model.rowCount())]
    below.year.set_year(2023)
    branches_2023 = [tuple(below.branch_model.index(r, c).data() for c in range(3))
                     for r in range(below.branch_model.rowCount())]
    assert below.year.year() == 2023 and branches_2023 != branches_2024
    below.year.set_year(2026)  # not in the period: not offered, the year stays
    assert below.year.year() == 2023 and _years(below.year) == [2024, 2023]
    tab.set_period(D(2024, 1, 1), D(2024, 12, 31), compute=False)
    tab.presenter.detail = None  # a new period, before its figures come: nothing to pick
    below.show_stats()
    assert _years(below.year) == [] and below.year.year() is None and below.branch_model.rowCount() == 0
