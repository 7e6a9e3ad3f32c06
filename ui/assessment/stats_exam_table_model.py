"""The 考试成绩 grid: one row per member of a class; the score column is typed in from the keyboard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from services.assessment.assessments import ExamRow, parse_score
from services.errors import ValidationError
from ui.widgets.table_headers import numbered_header

ModelIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("党支部", "姓名", "考试成绩")
SCORE_COLUMN = 2


class ExamScoreTableModel(QAbstractTableModel):
    """Rows of `ExamRow`; typed scores are checked (0–100) and kept pending until saved."""

    edited = Signal()
    invalid = Signal(str)  # the Chinese message of a refused score

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ExamRow] = []
        self._pending: dict[int, float | None] = {}

    def set_rows(self, rows: list[ExamRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._pending = {}
        self.endResetModel()

    def discard_pending(self) -> None:
        """Forget the edits not saved: the cells show again what was read."""
        self.set_rows(self.rows)

    def has_pending(self) -> bool:
        return bool(self._pending)

    def pending_entries(self) -> list[tuple[int, float | None]]:
        return list(self._pending.items())

    def score(self, row: int) -> float | None:
        r = self.rows[row]
        return self._pending.get(r.member_id, r.score)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == SCORE_COLUMN else base

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return row.branch
            if col == 1:
                return row.name
            score = self.score(index.row())
            return "" if score is None else f"{score:g}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == SCORE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.member_id in self._pending:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() != SCORE_COLUMN:
            return False
        row = self.rows[index.row()]
        try:
            score = parse_score(value)
        except ValidationError as exc:
            self.invalid.emit(f"{row.name}：{exc.message}")
            return False
        if score == row.score:
            self._pending.pop(row.member_id, None)
        else:
            self._pending[row.member_id] = score
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return numbered_header(HEADERS, section, orientation, role)
