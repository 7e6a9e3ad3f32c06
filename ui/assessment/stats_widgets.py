"""Small widgets the 考核与统计 pages share: a read-only table, the drill-down dialog, an eliding message line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.assessment.stats_table_model import RowsTableModel
from ui.dialog_sizes import keep_size
from ui.widgets.list_helpers import activate_on_enter
from ui.widgets.typed_text import as_typed, plain, window_title

ACCENT = "#B71C1C"


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def make_table(parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    # Room for a branch name or a date even when the column's cells are short.
    view.horizontalHeader().setMinimumSectionSize(view.fontMetrics().horizontalAdvance("中") * 5)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    # Columns sized from the rows in view and 200 others, not 1000: a list of 20 000 members below target
    # sized its columns in a third of a second each time it was filled.
    view.horizontalHeader().setResizeContentsPrecision(200)
    return view


def fit_columns(view: QTableView, most: int = 28) -> None:
    """Size the columns to their contents, but no column wider than `most` characters (long titles).

    A last column of figures keeps its own width: stretched, its right-aligned numbers stood at the window's
    far edge, a screen's width away from their header and their row (年度学时's 未达标人数). A last column of
    text (备注, 理由, 说明) still takes the rest of the row.
    """
    model = view.model()
    columns = model.columnCount() if model else 0
    last = columns - 1
    figures = bool(model and model.rowCount() and last >= 0 and int(
        model.index(0, last).data(Qt.ItemDataRole.TextAlignmentRole) or 0) & Qt.AlignmentFlag.AlignRight)
    view.horizontalHeader().setStretchLastSection(not figures)
    view.resizeColumnsToContents()
    limit = view.fontMetrics().horizontalAdvance("中") * most
    for column in range(columns):
        if view.columnWidth(column) > limit:
            view.setColumnWidth(column, limit)


class MessageLine(QLabel):
    """One line of result text that never widens its layout: a long message is elided, whole in the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(1)
        self.setFixedHeight(self.fontMetrics().height() + 6)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote typed titles and names

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        self._full = text
        self.setToolTip(as_typed(text) if text else "")
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(1, self.contentsRect().width())
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, width))


class DrillDownDialog(QDialog):
    """The records behind a figure, as a table; double-clicking a row may open the next level."""

    def __init__(self, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                 payloads: Sequence[Any] | None = None, on_open: Callable[[Any], object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(title))
        self.model = RowsTableModel(headers, self)
        self.model.set_rows(rows, payloads)
        layout = QVBoxLayout(self)
        head = plain(QLabel(self.tr("%1：共 %2 条").replace("%1", title).replace("%2", str(len(rows)))))
        layout.addWidget(head)
        self.view = make_table(self)
        self.view.setModel(self.model)
        fit_columns(self.view, most=16)  # long titles elide (whole in the tooltip); 学时 stays in sight
        layout.addWidget(self.view)
        if on_open is not None:
            self.view.doubleClicked.connect(lambda index: on_open(self.model.payload(index.row())))
            activate_on_enter(self.view)
            layout.addWidget(QLabel(self.tr("双击一行查看其学时明细")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 500)  # fits a 1024×768 screen
        keep_size(self, "drill-down")
