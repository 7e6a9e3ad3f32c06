"""参训人员: the members enrolled in an activity, their hours and whether they completed it.

A view over a model (not a table of items): a class of the whole bureau (20 000 members) is shown
at once, its rows drawn as they scroll into view.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.widgets.list_table_model import ListTableModel

Index = QModelIndex | QPersistentModelIndex


class ParticipantRow(NamedTuple):
    member_id: int
    name: str
    branch: str
    duty: str
    hours: str
    completed: str


class ParticipantsModel(ListTableModel[ParticipantRow]):
    COLUMNS = ("姓名", "所在党支部", "职务", "学时", "结业")

    def display(self, item: ParticipantRow, column: int) -> Any:
        return item[column + 1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.UserRole:
            row = self.item_at(index.row()) if index.isValid() else None
            return row.member_id if row is not None else None
        return super().data(index, role)


class ParticipantsView(QTableView):
    """Rows selected whole; the duty column takes the room the short columns leave."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.participants = ParticipantsModel(self)
        self.setModel(self.participants)
        header = self.horizontalHeader()
        for column in range(len(ParticipantsModel.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 2
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()

    def set_rows(self, rows: list[ParticipantRow]) -> None:
        self.participants.set_rows(rows)

    def rowCount(self) -> int:  # noqa: N802 (as a table widget says it)
        return self.participants.rowCount()

    def text(self, row: int, column: int) -> str:
        item = self.participants.item_at(row)
        return "" if item is None else str(item[column + 1])

    def member_id(self, row: int) -> int | None:
        item = self.participants.item_at(row)
        return None if item is None else item.member_id

    def header_text(self, column: int) -> str:
        return str(self.participants.headerData(column, Qt.Orientation.Horizontal))

    def selected_member_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [mid for mid in (self.member_id(r) for r in rows) if mid is not None]

    def current_member(self) -> ParticipantRow | None:
        index = self.currentIndex()
        return self.participants.item_at(index.row()) if index.isValid() else None

    def set_current_row(self, row: int) -> None:
        self.setCurrentIndex(self.participants.index(row, 0))
