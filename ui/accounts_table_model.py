"""Table model of accounts (services.accounts.AccountInfo) for the accounts dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from services.accounts import AccountInfo

Index = QModelIndex | QPersistentModelIndex


def account_state(a: AccountInfo) -> str:
    if not a.active:
        return QCoreApplication.translate("AccountsTableModel", "停用")
    if a.is_locked():
        return QCoreApplication.translate("AccountsTableModel", "锁定至{0}").format(
            a.locked_until.strftime("%H:%M") if a.locked_until else "")
    return QCoreApplication.translate("AccountsTableModel", "正常")


class AccountsTableModel(QAbstractTableModel):
    COLUMNS = ("用户名", "姓名", "角色", "状态", "创建时间")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AccountInfo] = []

    def set_rows(self, rows: list[AccountInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def account_at(self, row: int) -> AccountInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, username: str) -> int:
        return next((i for i, a in enumerate(self._rows) if a.username == username), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        a = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return a.username
            if col == 1:
                return a.display_name
            if col == 2:
                return a.role
            if col == 3:
                return account_state(a)
            if col == 4:
                return a.created_at.strftime("%Y-%m-%d %H:%M") if a.created_at else ""
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.COLUMNS):
            return QCoreApplication.translate("AccountsTableModel", self.COLUMNS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
