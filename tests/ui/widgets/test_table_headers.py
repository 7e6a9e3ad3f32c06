"""The steady header: the sizes Qt's own header gives, measured once until the titles or the look change."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from ui.widgets.table_headers import SteadyHeader

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class Titles(QAbstractTableModel):
    def __init__(self, titles: list[str]) -> None:
        super().__init__()
        self.titles = titles
        self.asked = 0

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: N802, B008
        return 3

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.titles)

    def data(self, index: Any, role: int = 0) -> Any:
        return f"{index.row()}" if role == Qt.ItemDataRole.DisplayRole else None

    def headerData(self, section: int, orientation: Any, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            self.asked += 1
            return self.titles[section]
        return None

    def retitle(self, section: int, title: str) -> None:
        self.titles[section] = title
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, section, section)

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()


def _table(qtbot: Any, steady: bool) -> tuple[QTableView, Titles]:
    model = Titles(["姓名", "公民身份号码", "所在党支部", "备注"])
    view = QTableView()
    if steady:
        view.setHorizontalHeader(SteadyHeader(Qt.Orientation.Horizontal, view))
    view.setModel(model)
    view.setSortingEnabled(True)
    qtbot.addWidget(view)
    view.show()
    return view, model


def test_sizes_are_qts_own_and_measured_once(qtbot: Any) -> None:
    plain, _ = _table(qtbot, steady=False)
    steady, model = _table(qtbot, steady=True)
    header = steady.horizontalHeader()
    assert isinstance(header, SteadyHeader) and header.sectionsClickable()
    sizes = [header.sectionSizeHint(i) for i in range(4)]
    assert sizes == [plain.horizontalHeader().sectionSizeHint(i) for i in range(4)]
    assert header.sizeHint() == plain.horizontalHeader().sizeHint()
    asked = model.asked
    for _ in range(3):
        model.reset()  # Qt forgets its header size after every reset
        assert header.sizeHint().height() == plain.horizontalHeader().sizeHint().height()
        assert [header.sectionSizeHint(i) for i in range(4)] == sizes
    assert model.asked == asked  # the titles were not asked for again


def test_a_new_title_or_font_is_measured_again(qtbot: Any) -> None:
    steady, model = _table(qtbot, steady=True)
    header = steady.horizontalHeader()
    before = header.sectionSizeHint(0)
    model.retitle(0, "姓名（曾用名）及其他很长的说明")
    assert header.sectionSizeHint(0) > before
    wider = header.sectionSizeHint(0)
    font = header.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    header.setFont(font)
    assert header.sectionSizeHint(0) > wider
    steady.setSortingEnabled(False)  # no room for the sort arrow any more
    plain = QHeaderView(Qt.Orientation.Horizontal)
    plain.setModel(model)
    plain.setFont(font)
    qtbot.addWidget(plain)
    assert [header.sectionSizeHint(i) for i in range(4)] == [plain.sectionSizeHint(i) for i in range(4)]


def test_a_short_title_leaves_the_other_columns_whole(qtbot) -> None:
    """A list of short titles (2024年专题讲座第10期) keeps no more room for them than they need: the 报名 and 参加
    counts of a class of the whole bureau (20000) show whole, not as “20…”."""
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ui.widgets.table_headers import ColumnFitter

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(QStandardItemModel(3, 3))
    em = view.fontMetrics().horizontalAdvance("党")
    count = view.fontMetrics().horizontalAdvance("20000")
    view.resize(em * 24 + 2 * count + em * 2, 300)
    view.show()
    fitter = ColumnFitter(view, 0, {1: em * 2, 2: em * 2}, least=em * 24)
    fitter.set_texts({1: ["20000"], 2: ["18000"]})
    header = view.horizontalHeader()
    assert header.sectionSize(1) < count  # titles unknown: the title keeps its 24 characters
    fitter.set_texts({0: ["2024年专题讲座第10期"], 1: ["20000"], 2: ["18000"]})
    assert header.sectionSize(1) >= count and header.sectionSize(2) >= count
    fitter.set_texts({0: ["关于开展“学习贯彻习近平新时代中国特色社会主义思想”主题教育专题培训班"], 1: ["20000"], 2: ["18000"]})
    assert header.sectionSize(1) < count  # a long title keeps its room
