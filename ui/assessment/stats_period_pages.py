"""The pages filled from the statistics of the period: 概况 (figures and charts), 年度学时, 未达标党员."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.assessment.stats_chart import BarChart
from ui.assessment.stats_presenter import (
    MEMBER_HEADERS,
    YEAR_HEADERS,
    DrillDown,
    Page,
    StatsPresenter,
)
from ui.assessment.stats_table_model import RowsTableModel
from ui.assessment.stats_widgets import fit_columns, make_table
from ui.widgets.list_helpers import activate_on_enter
from ui.widgets.year_picker import YearPicker

# Where a drill-down goes: the tab opens a dialog for records, or switches to a page.
Opener = Callable[[DrillDown | Page | None], Any]


class OverviewPage(QWidget):
    """The figures of the period (double-click one for the records behind it) and two charts."""

    def __init__(self, presenter: StatsPresenter, opener: Opener, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.opener = opener
        self.figures_model = RowsTableModel((self.tr("项目"), self.tr("数值")), self)
        self.figures_view = make_table()
        self.figures_view.setModel(self.figures_model)
        self.figures_view.doubleClicked.connect(self._on_figure_activated)
        activate_on_enter(self.figures_view)
        self.figures_view.setToolTip(self.tr("双击一项，查看其背后的记录"))
        # Few rows: the items as wide as they need, the values the rest (right-aligned numbers stay whole).
        header = self.figures_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("overview_split")
        split.setChildrenCollapsible(False)
        split.addWidget(self.figures_view)
        charts = QWidget()
        box = QVBoxLayout(charts)
        box.setContentsMargins(0, 0, 0, 0)
        self.chart_types = BarChart()
        self.chart_types.bar_activated.connect(lambda n: self.opener(self.presenter.type_drilldown(n)))
        self.chart_distribution = BarChart()
        self.chart_distribution.bar_activated.connect(
            lambda n: self.opener(self.presenter.distribution_drilldown(n)))
        box.addWidget(self.chart_types)
        box.addWidget(self.chart_distribution)
        split.addWidget(charts)
        split.setSizes([360, 520])
        self.empty_label = QLabel(self.tr("选择统计区间后点“统计”；还没有活动时，先在培训活动中登记或导入学时记录。"))
        self.empty_label.setWordWrap(True)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.empty_label)
        v.addWidget(split)

    def show_stats(self) -> None:
        p = self.presenter
        rows, payloads = p.figure_rows()
        self.figures_model.set_rows(rows, payloads)
        self.empty_label.setVisible(not p.has_activities())
        title, data, unit = p.type_chart()
        self.chart_types.set_data(self.tr(title), data, self.tr(unit))
        distribution = p.distribution_chart()
        if distribution is not None:
            self.chart_distribution.set_data(self.tr(distribution[0]), distribution[1])

    def open_figure(self, row: int) -> Any:
        return self.opener(self.presenter.figure_drilldown(self.figures_model.payload(row)))

    def _on_figure_activated(self, index: QModelIndex) -> None:
        self.open_figure(index.row())


class YearsPage(QWidget):
    """One row per year of the period; double-click a number for the members behind it."""

    def __init__(self, presenter: StatsPresenter, opener: Opener, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.opener = opener
        self.years_model = RowsTableModel([self.tr(h) for h in YEAR_HEADERS], self)
        self.years_view = make_table()
        self.years_view.setModel(self.years_model)
        self.years_view.doubleClicked.connect(lambda i: self.open_year_cell(i.row(), i.column()))
        activate_on_enter(self.years_view)
        self.years_view.setToolTip(self.tr("双击一个数字，查看其背后的党员"))
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.years_view)

    def show_stats(self) -> None:
        rows, years = self.presenter.year_rows()
        self.years_model.set_rows(rows, years)
        fit_columns(self.years_view)

    def open_year_cell(self, row: int, column: int) -> Any:
        return self.opener(self.presenter.year_drilldown(self.years_model.payload(row), column))


class BelowPage(QWidget):
    """Members below their target in a year: branches on the left, their members (and which target) on the right."""

    def __init__(self, presenter: StatsPresenter, opener: Opener, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.opener = opener
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度")))
        self.year = YearPicker(exact=True)  # the years of the statistics period, no others
        self.year.year_changed.connect(lambda _y: self.fill())
        row.addWidget(self.year)
        row.addWidget(QLabel(self.tr("左侧选一个党支部只看该支部；双击党员查看学时明细。")), 1)
        v.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("below_split")
        split.setChildrenCollapsible(False)
        self.branch_model = RowsTableModel((self.tr("党支部"), self.tr("在册党员"), self.tr("未达标")), self)
        self.branch_view = make_table()
        self.branch_view.setModel(self.branch_model)
        self.branch_view.clicked.connect(lambda _i: self.fill_members())
        self.below_model = RowsTableModel([self.tr(h) for h in MEMBER_HEADERS], self)
        self.below_view = make_table()
        self.below_view.setModel(self.below_model)
        self.below_view.doubleClicked.connect(
            lambda index: self.opener(self.presenter.member_hours(self.below_model.payload(index.row()))))
        activate_on_enter(self.below_view)
        split.addWidget(self.branch_view)
        split.addWidget(self.below_view)
        split.setSizes([300, 620])
        v.addWidget(split, 1)

    def show_stats(self) -> None:
        self.year.set_known_years(self.presenter.below_years())  # the year kept if still in the period
        self.fill()

    def fill(self) -> None:
        rows, ids = self.presenter.branch_rows(self.year.currentData())
        self.branch_model.set_rows(rows, ids)
        fit_columns(self.branch_view)
        self.fill_members()

    def fill_members(self) -> None:
        selection = self.branch_view.selectionModel()
        selected = selection.selectedRows() if selection is not None else []
        branch_id = self.branch_model.payload(selected[0].row()) if selected else None
        rows, payloads = self.presenter.below_member_rows(self.year.currentData(), branch_id)
        self.below_model.set_rows(rows, payloads)
        fit_columns(self.below_view)
