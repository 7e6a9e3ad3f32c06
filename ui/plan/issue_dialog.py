"""登记资料发放: the material, the day, and the members who received it, ticked in a list of the whole roll.

A view over a model (not a list of items): a bureau of 20 000 members opens at once, its rows drawn as
they scroll into view; typing filters by name, branch or ID number, and the ticks outlast the filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QWidget,
)

from services.plan import materials
from ui.dialog_sizes import keep_size
from ui.widgets.list_helpers import EmptyNotice, clear_on_escape

Index = QModelIndex | QPersistentModelIndex


def _is_checked(value: Any) -> bool:
    """A check state as the view sends it (an int) or as Python code does (Qt.CheckState)."""
    return int(getattr(value, "value", value)) == Qt.CheckState.Checked.value


class PeopleModel(QAbstractListModel):
    """The roll to tick: (ID number, name, branch) each; the rows shown are those the filter finds."""

    ticked_changed = Signal()

    def __init__(self, people: Sequence[tuple[str, str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self._people = list(people)
        self._labels = [f"{name}（{branch}）" for _number, name, branch in self._people]
        self._search = [f"{name}\n{branch}\n{number}".casefold() for number, name, branch in self._people]
        self._shown: list[int] = list(range(len(self._people)))
        self._ticked: set[int] = set()
        self.filter_text = ""

    # ------------------------------------------------------------ Qt
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        person = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._labels[person]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if person in self._ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return self._people[person][0]
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or not 0 <= index.row() < len(self._shown):
            return False
        self.tick_rows([index.row()], _is_checked(value))
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable

    # ------------------------------------------------------------ the dialog's
    def set_filter(self, text: str) -> None:
        """Show the members whose name, branch or ID number contains `text` (all for none)."""
        self.filter_text = text
        needle = text.strip().casefold()
        self.beginResetModel()
        self._shown = ([i for i, hay in enumerate(self._search) if needle in hay] if needle
                       else list(range(len(self._people))))
        self.endResetModel()

    def tick_rows(self, rows: Iterable[int], on: bool) -> None:
        """Tick (or untick) the rows shown at `rows`."""
        rows = [r for r in rows if 0 <= r < len(self._shown)]
        if not rows:
            return
        people = [self._shown[r] for r in rows]
        if on:
            self._ticked.update(people)
        else:
            self._ticked.difference_update(people)
        lo, hi = min(rows), max(rows)
        self.dataChanged.emit(self.index(lo), self.index(hi), [Qt.ItemDataRole.CheckStateRole])
        self.ticked_changed.emit()

    def tick_shown(self, on: bool = True) -> None:
        """Tick (or untick) every member the filter shows, and only those."""
        self.tick_rows(range(len(self._shown)), on)

    def is_ticked(self, row: int) -> bool:
        return 0 <= row < len(self._shown) and self._shown[row] in self._ticked

    def ticked_numbers(self) -> list[str]:
        """The ID numbers ticked, in the roll's order, whatever the filter shows."""
        return [self._people[i][0] for i in sorted(self._ticked)]

    def ticked_count(self) -> int:
        return len(self._ticked)

    def total(self) -> int:
        return len(self._people)


class PeopleView(QListView):
    """Rows selected as in any list (Shift, Ctrl, Ctrl+A); Space ticks the selected rows, or unticks them when
    all are ticked already."""

    def __init__(self, model: PeopleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setUniformItemSizes(True)  # 20 000 rows: no row is measured on its own
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def people(self) -> PeopleModel:
        return self.model()  # type: ignore[return-value]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()})
            if not rows and self.currentIndex().isValid():
                rows = [self.currentIndex().row()]
            if rows:
                model = self.people()
                model.tick_rows(rows, not all(model.is_ticked(r) for r in rows))
                event.accept()
                return
        super().keyPressEvent(event)


class _FilterEdit(QLineEdit):
    """↓ (or Page Down) goes from the filter to the list, onto its first row."""

    def __init__(self, view: PeopleView) -> None:
        super().__init__()
        self.view = view

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.view.model().rowCount():
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.view.model().index(0, 0))
            event.accept()
            return
        super().keyPressEvent(event)


class IssueDialog(QDialog):
    """登记发放: the material, the day, and the members who received it (tick them, filter by typing)."""

    def __init__(self, people: Sequence[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        """`people`: (ID number, name, branch) of each member, in the roll's order."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("登记资料发放"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("如 入党教材（可带或不带《》）"))
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.model = PeopleModel(people, self)
        self.people = PeopleView(self.model)
        self.filter = _FilterEdit(self.people)
        self.filter.setPlaceholderText(self.tr("输入姓名、支部或身份证号筛选"))
        self.filter.setClearButtonEnabled(True)
        clear_on_escape(self.filter)
        self.filter.textChanged.connect(self.model.set_filter)
        self.tick_all_button = QPushButton(self.tr("全选"))
        self.tick_all_button.setToolTip(self.tr("勾选列出的全部党员（筛选时只勾选筛选出的党员）"))
        self.tick_all_button.clicked.connect(lambda: self.model.tick_shown(True))
        self.untick_all_button = QPushButton(self.tr("全不选"))
        self.untick_all_button.setToolTip(self.tr("取消勾选列出的党员（筛选时只取消筛选出的党员）"))
        self.untick_all_button.clicked.connect(lambda: self.model.tick_shown(False))
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.model.ticked_changed.connect(self._show_count)
        self.model.modelReset.connect(self._show_count)
        self.notice = EmptyNotice(self.people, lambda: self.tr("没有符合“%1”的党员").replace("%1", self.model.filter_text)
                                  if self.model.filter_text.strip() else self.tr("名册中还没有党员"))
        form = QFormLayout(self)
        form.addRow(self.tr("资料名称"), self.title)
        form.addRow(self.tr("发放日期"), self.day)
        form.addRow(self.tr("领取党员"), self.filter)
        form.addRow(self.people)
        row = QHBoxLayout()
        row.addWidget(self.tick_all_button)
        row.addWidget(self.untick_all_button)
        row.addWidget(self.count_label, 1)
        form.addRow(row)
        # Wide enough for its hint and a book's title, tall enough to tick names: Qt made it 280 × 320 pixels,
        # the hint cut off and a dozen names in view.
        metrics = self.fontMetrics()
        self.title.setMinimumWidth(metrics.horizontalAdvance(self.title.placeholderText()) + metrics.height() * 2)
        self.people.setMinimumHeight(metrics.height() * 16)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._show_count()
        keep_size(self, "material-issue")  # a bureau's whole roll to tick: a clerk makes it taller

    def _show_count(self) -> None:
        text = self.tr("已勾选{0}人").format(self.model.ticked_count())
        if self.model.filter_text.strip():
            text += self.tr("　筛选出{0}人（共{1}人）").format(self.model.rowCount(), self.model.total())
        else:
            text += self.tr("　共{0}人").format(self.model.total())
        self.count_label.setText(text)

    def checked(self) -> list[str]:
        return self.model.ticked_numbers()

    def _accept(self) -> None:
        if not materials.bare_title(self.title.text()):
            QMessageBox.information(self, self.windowTitle(), self.tr("请填写资料名称。"))
            self.title.setFocus()
            return
        if not self.model.ticked_count():
            QMessageBox.information(self, self.windowTitle(), self.tr("请勾选至少一名领取党员。"))
            self.people.setFocus()
            return
        self.accept()

    def values(self) -> tuple[str, str, list[str]]:
        q = self.day.date()
        return self.title.text(), dt.date(q.year(), q.month(), q.day()).isoformat(), self.checked()
