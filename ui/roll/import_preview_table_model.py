"""Table models of the import preview: refused rows with reasons, and the field changes of updated members."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from services.normalize import mask_id_number
from services.roll.members import LABELS
from services.roll.roll_import import ImportPlan
from ui.widgets.typed_text import as_typed

AnyIndex = QModelIndex | QPersistentModelIndex


def _show(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class ImportPreviewTableModel(QAbstractTableModel):
    """Rows of plain text tuples; `kind` is 'refused' (行, 列, 原因), 'added' (the members to be added)
    or 'updated' (行, 姓名, 项目, 原值 → 新值)."""

    HEADERS = {
        "refused": ("行号", "列", "原因"),
        "added": ("行号", "姓名", "性别", "公民身份号码", "所在党支部", "党员类别"),
        "updated": ("行号", "姓名", "项目", "原值", "新值"),
    }

    def __init__(self, kind: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._rows: list[tuple[Any, ...]] = []

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self._rows = []
        if plan is not None and self.kind == "refused":
            self._rows = [(p.row, p.column, p.message) for p in sorted(plan.refused, key=lambda p: p.row)]
        elif plan is not None and self.kind == "added":
            # The list shows ID numbers masked, as the roll does; the file holds them in full.
            self._rows = [(a.get("_row", ""), a.get("name") or "", a.get("sex") or "",
                           mask_id_number(a.get("id_number") or ""), a.get("branch") or "",
                           a.get("membership") or "") for a in plan.added]
        elif plan is not None:
            for item in plan.updated:
                for key, (old, new) in item.changes.items():
                    self._rows.append((item.row, item.name, LABELS.get(key, key), _show(old), _show(new)))
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default argument
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS[self.kind])

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return as_typed(str(value))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self.kind == "refused" and index.column() == 2:
            return QColor("#B71C1C")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            headers = self.HEADERS[self.kind]
            return headers[section] if 0 <= section < len(headers) else None
        return section + 1

    def row_values(self, row: int) -> tuple[Any, ...]:
        return self._rows[row]
