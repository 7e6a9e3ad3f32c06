"""经费开支 page of 考核与统计: enter, correct and delete spending; the totals of the period by year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.access import EDITOR
from services.assessment import spending
from services.errors import DangxunError
from ui.assessment.stats_table_model import RowsTableModel
from ui.assessment.stats_widgets import fit_columns, make_table, pydate, qdate
from ui.widgets.list_helpers import activate_on_enter
from ui.widgets.typed_text import plain


class SpendingPage(QWidget):
    """The spending of the tab's period; 登记 adds an entry, or saves the one being corrected."""

    def __init__(self, ws: Any, period: Callable[[], tuple[dt.date, dt.date]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.period = period
        self.editing: int | None = None
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 4, 0, 0)
        form = QHBoxLayout()
        self.date = QDateEdit(qdate(dt.date.today()))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("金额（元）"))
        self.amount.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 12)
        self.purpose = QComboBox()
        self.purpose.addItems(list(spending.PURPOSES))
        self.source = QComboBox()
        self.source.addItems(list(spending.SOURCES))
        self.remarks = QLineEdit()
        self.remarks.setPlaceholderText(self.tr("备注"))
        self.btn_add = QPushButton(self.tr("登记"))
        self.btn_add.clicked.connect(lambda: self.add())
        self.btn_cancel_edit = QPushButton(self.tr("取消修改"))
        self.btn_cancel_edit.setVisible(False)
        self.btn_cancel_edit.clicked.connect(lambda: self.cancel_edit())
        for label, widget in ((self.tr("日期"), self.date), (self.tr("金额"), self.amount),
                              (self.tr("用途"), self.purpose), (self.tr("来源"), self.source)):
            form.addWidget(QLabel(label))
            form.addWidget(widget)
        form.addWidget(self.remarks, 1)
        form.addWidget(self.btn_add)
        form.addWidget(self.btn_cancel_edit)
        v.addLayout(form)
        self.model = RowsTableModel((self.tr("日期"), self.tr("金额（元）"), self.tr("用途"), self.tr("来源"),
                                     self.tr("备注")), self)
        self.view = make_table()
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setModel(self.model)
        self.view.doubleClicked.connect(lambda index: self.edit(index.row()))
        activate_on_enter(self.view)
        self.view.setToolTip(self.tr("双击一笔开支修改"))
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        v.addWidget(self.view)
        actions = QHBoxLayout()
        self.btn_edit = QPushButton(self.tr("修改所选"))
        self.btn_edit.clicked.connect(lambda: self.edit(self.selected_row()))
        self.btn_delete = QPushButton(self.tr("删除所选"))
        self.btn_delete.clicked.connect(lambda: self.delete(self.selected_row()))
        for b in (self.btn_edit, self.btn_delete):
            b.setEnabled(False)
            actions.addWidget(b)
        actions.addStretch(1)
        v.addLayout(actions)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(lambda: self.delete(self.selected_row()))
        self.message = plain(QLabel())
        self.message.setWordWrap(True)
        v.addWidget(self.message)
        self.read_only = False

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for widget in (self.btn_add, self.date, self.amount, self.purpose, self.source, self.remarks):
            widget.setEnabled(not read_only)
        self._selection_changed()

    def load(self) -> None:
        date_from, date_to = self.period()
        with self.ws.read() as session:
            rows = spending.list_spending(session, date_from, date_to)
            totals = spending.spending_totals(session, date_from, date_to)
        self.model.set_rows([(r.date.isoformat(), f"{r.amount:.2f}", r.purpose, r.source, r.remarks)
                             for r in rows], rows)
        self._selection_changed()
        fit_columns(self.view)
        parts = [f"{year}年 " + "，".join(f"{p}{a:g}元" for p, a in per.items()) for year, per in totals.by_year.items()]
        self.message.setText(
            self.tr("区间内合计 %1 元。").replace("%1", f"{totals.total:g}") + ("；".join(parts) if parts else
                                                                        self.tr("还没有登记开支：在上方填写后点“登记”。")))

    def add(self) -> bool:
        """登记 a new entry, or, while an entry is being edited, save the corrections to it."""
        editing = self.editing
        values = (pydate(self.date.date()), self.amount.text(), self.purpose.currentText(),
                  self.source.currentText(), self.remarks.text())
        try:
            with self.ws.write("add-spending" if editing is None else "update-spending", needs=EDITOR) as uow:
                if editing is None:
                    spending.add_spending(uow.session, uow.actor, *values)
                else:
                    spending.update_spending(uow.session, uow.actor, editing, *values)
        except DangxunError as exc:
            self.message.setText((self.tr("未登记：") if editing is None else self.tr("未修改：")) + exc.message)
            return False
        self.cancel_edit()
        self.load()
        if editing is not None:
            self.message.setText(self.tr("已修改。") + self.message.text())
        return True

    def selected_row(self) -> int:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _selection_changed(self) -> None:
        selected = self.selected_row() >= 0 and not self.read_only
        self.btn_edit.setEnabled(selected)
        self.btn_delete.setEnabled(selected)

    def edit(self, row: int) -> bool:
        """Put the entry of `row` into the form above; “保存修改” then writes the corrections."""
        entry = self.model.payload(row) if row >= 0 else None
        if not isinstance(entry, spending.SpendingRow) or self.read_only:
            return False
        self.editing = entry.id
        self.date.setDate(qdate(entry.date))
        self.amount.setText(f"{entry.amount:.2f}")
        self.purpose.setCurrentText(entry.purpose)
        self.source.setCurrentText(entry.source)
        self.remarks.setText(entry.remarks)
        self.btn_add.setText(self.tr("保存修改"))
        self.btn_cancel_edit.setVisible(True)
        self.message.setText(self.tr("正在修改 %1 的一笔开支：改好后点“保存修改”。").replace(
            "%1", entry.date.isoformat()))
        self.amount.setFocus()
        return True

    def cancel_edit(self) -> None:
        self.editing = None
        self.amount.clear()
        self.remarks.clear()
        self.btn_add.setText(self.tr("登记"))
        self.btn_cancel_edit.setVisible(False)

    def delete(self, row: int, confirm: bool = True) -> bool:
        entry = self.model.payload(row) if row >= 0 else None
        if not isinstance(entry, spending.SpendingRow) or self.read_only:
            return False
        if confirm:
            answer = QMessageBox.question(
                self, self.tr("删除经费开支"),
                self.tr("删除 %1 %2 %3 元（%4）这笔开支？删除记入操作日志。").replace("%1", entry.date.isoformat())
                .replace("%2", entry.purpose).replace("%3", f"{entry.amount:.2f}").replace("%4", entry.source),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            with self.ws.write("delete-spending", needs=EDITOR) as uow:
                spending.delete_spending(uow.session, uow.actor, entry.id)
        except DangxunError as exc:
            self.message.setText(self.tr("未删除：") + exc.message)
            return False
        if self.editing == entry.id:
            self.cancel_edit()
        self.load()
        self.message.setText(self.tr("已删除。") + self.message.text())
        return True
