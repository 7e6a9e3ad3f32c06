"""Read-only table model over rows of the audit log (services.safety.audit.LogRow)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from services.safety.audit import LogRow, action_label, entity_label
from ui.widgets.typed_text import as_typed

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("LogTableModel", text)


class LogTableModel(QAbstractTableModel):
    """Columns: 时间, 操作人, 操作, 对象, 内容. Nothing is editable: the log is append-only.

    内容 is the entry as one Chinese sentence, as `log` prints it (`导入学时记录：新增2666条。`);
    its tooltip lists the details one by one (`新增：2666；文件：学时.xlsx`).
    """

    COLUMNS = ("时间", "操作人", "操作", "对象", "内容")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[LogRow] = []
        # Per-column accessors built once (calibre's BooksModel): data() only indexes.
        self._getters = (
            lambda r: r.at.strftime("%Y-%m-%d %H:%M:%S"),
            lambda r: r.actor,
            lambda r: action_label(r.action),
            lambda r: entity_label(r.entity) + (f" #{r.entity_id}" if r.entity_id is not None else ""),
            lambda r: r.text,
        )

    def set_rows(self, rows: list[LogRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> LogRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._getters[index.column()](row)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            # The whole sentence (a long one is cut in the column), then each detail on its own.
            details = row.changes_text
            return as_typed(row.text + (f"\n\n{details}" if details else ""))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return _tr(self.COLUMNS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(self._rows[section].id)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
