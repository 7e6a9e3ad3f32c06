"""Table model of the backups (services.safety.backup.BackupInfo): date, kind, size, member count, file."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from services.safety.backup import BackupInfo
from ui.widgets.list_table_model import ListTableModel
from ui.widgets.typed_text import as_typed

Index = QModelIndex | QPersistentModelIndex


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


class BackupsTableModel(ListTableModel[BackupInfo]):
    COLUMNS = ("时间", "类型", "大小", "党员人数", "文件")

    def backup_at(self, row: int) -> BackupInfo | None:
        return self.item_at(row)

    def display(self, b: BackupInfo, column: int) -> Any:
        if column == 0:
            return b.created.strftime("%Y-%m-%d %H:%M:%S")
        if column == 1:
            return QCoreApplication.translate("BackupsTableModel", b.reason_label)
        if column == 2:
            return format_size(b.size)
        if column == 3:
            return "" if b.members is None else str(b.members)
        if column == 4:
            return b.path.name
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        b = self.item_at(index.row()) if index.isValid() else None
        if b is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and col == 4:
            return as_typed(str(b.path))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)
