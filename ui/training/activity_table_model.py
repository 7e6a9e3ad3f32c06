"""The activities list of the training tab: rows are `ActivityInfo`s, filtered in SQL by the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from services.normalize import CLOSED_ACTIVITY_STATUSES
from services.training.activities import ActivityInfo
from ui.widgets.typed_text import as_typed

Index = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, Callable[[ActivityInfo], str]], ...] = (
    ("日期", lambda a: a.start_date.isoformat() + (f" 至 {a.end_date.isoformat()}" if a.end_date and a.end_date != a.start_date else "")),
    ("活动名称", lambda a: a.title),
    ("类别", lambda a: a.type_name),
    ("学时", lambda a: f"{a.hours:g}"),
    ("状态", lambda a: a.status),
    ("报名", lambda a: str(a.enrolled)),
    ("参加", lambda a: str(a.attended)),
)
_GREY = QColor("#8a8a8a")


class ActivityTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ActivityInfo] = []

    def set_activities(self, rows: list[ActivityInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def activity_at(self, row: int) -> ActivityInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, activity_id: int) -> int:
        for i, a in enumerate(self._rows):
            if a.id == activity_id:
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        a = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][1](a)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (0, 1, 2):
            # The columns beside the title are narrow: the whole date range, title and type on hover.
            return as_typed(COLUMNS[index.column()][1](a))
        if role == Qt.ItemDataRole.ForegroundRole and a.status in CLOSED_ACTIVITY_STATUSES:
            return QBrush(_GREY)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 3:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return a.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        return super().headerData(section, orientation, role)
