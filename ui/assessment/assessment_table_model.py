"""The 民主评议 grid: one row per member on the roll in the year; 等次 and 备注 are editable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from services.assessment.assessments import GRADES, GradeRow
from ui.widgets.table_headers import numbered_header

ModelIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("党支部", "姓名", "党员类别", "评议等次", "备注")
GRADE_COLUMN, REMARKS_COLUMN = 3, 4
NO_GRADE_TEXT = "不定等次"


class GradeTableModel(QAbstractTableModel):
    """Rows of `GradeRow`; edits are kept as pending until `pending_entries()` is saved."""

    edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[GradeRow] = []
        self._pending: dict[int, tuple[str | None, str]] = {}

    def set_rows(self, rows: list[GradeRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._pending = {}
        self.endResetModel()

    def discard_pending(self) -> None:
        """Forget the edits not saved: the cells show again what was read."""
        self.set_rows(self.rows)

    def pending_entries(self) -> list[tuple[int, str | None, str | None]]:
        return [(mid, grade, remarks or None) for mid, (grade, remarks) in self._pending.items()]

    def has_pending(self) -> bool:
        return bool(self._pending)

    def _values(self, row: GradeRow) -> tuple[str | None, str]:
        return self._pending.get(row.member_id, (row.grade, row.remarks))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self.rows[index.row()]
        if index.column() == REMARKS_COLUMN or (index.column() == GRADE_COLUMN and not row.probationary):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        grade, remarks = self._values(row)
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return row.branch
            if col == 1:
                return row.name
            if col == 2:
                return row.membership
            if col == GRADE_COLUMN:
                if row.probationary:
                    return NO_GRADE_TEXT if role == Qt.ItemDataRole.DisplayRole else ""
                return grade or ""
            return remarks
        if role == Qt.ItemDataRole.ForegroundRole and col == GRADE_COLUMN and row.probationary:
            return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.ToolTipRole and col == GRADE_COLUMN and row.probationary:
            return self.tr("预备党员参加民主评议，但不评定等次")
        if role == Qt.ItemDataRole.FontRole and row.member_id in self._pending:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row = self.rows[index.row()]
        grade, remarks = self._values(row)
        text = str(value or "").strip()
        if index.column() == GRADE_COLUMN:
            if row.probationary or (text and text not in GRADES):
                return False
            grade = text or None
        elif index.column() == REMARKS_COLUMN:
            remarks = text
        else:
            return False
        if (grade, remarks) == (row.grade, row.remarks):
            self._pending.pop(row.member_id, None)
        else:
            self._pending[row.member_id] = (grade, remarks)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return numbered_header(HEADERS, section, orientation, role)


class GradeDelegate(QStyledItemDelegate):
    """A drop-down of the four grades (and empty) for the 评议等次 column."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex) -> QWidget:
        if index.column() != GRADE_COLUMN:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItems(["", *GRADES])
        return combo

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: ModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
