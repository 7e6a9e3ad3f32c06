"""A read-only table of plain rows (tuples), for figures and the records behind them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ui.widgets.typed_text import as_typed

ModelIndex = QModelIndex | QPersistentModelIndex

# A figure written as text (次 / 人次 "60 / 2079", a share "100%", "-3.5") aligns as a number does; a date,
# a name or a sentence does not.
_FIGURE_TEXT = re.compile(r"[+-]?\d[\d,.]*%?(?:\s*/\s*\d[\d,.]*%?)?")


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


class RowsTableModel(QAbstractTableModel):
    """Rows of values under fixed headers; numbers align right; `payload(row)` keeps what a row stands for."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[tuple[Any, ...]] = []
        self.payloads: list[Any] = []

    def set_rows(self, rows: Sequence[Sequence[Any]], payloads: Sequence[Any] | None = None) -> None:
        self.beginResetModel()
        self.rows = [tuple(r) for r in rows]
        self.payloads = list(payloads) if payloads is not None else [None] * len(self.rows)
        self.endResetModel()

    def payload(self, row: int) -> Any:
        return self.payloads[row] if 0 <= row < len(self.payloads) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        value = row[index.column()] if index.column() < len(row) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(value)
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str) and len(value) > 12:
            return as_typed(value)  # a long title may be elided in its column
        if role == Qt.ItemDataRole.TextAlignmentRole and (
                isinstance(value, (int, float)) or (isinstance(value, str) and _FIGURE_TEXT.fullmatch(value))):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return str(section + 1)
