"""Table model of accounts (services.safety.accounts.AccountInfo) for the accounts dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from services.safety.accounts import AccountInfo
from ui.widgets.list_table_model import ListTableModel


def account_state(a: AccountInfo) -> str:
    if not a.active:
        return QCoreApplication.translate("AccountsTableModel", "停用")
    if a.is_locked():
        return QCoreApplication.translate("AccountsTableModel", "锁定至{0}").format(
            a.locked_until.strftime("%H:%M") if a.locked_until else "")
    return QCoreApplication.translate("AccountsTableModel", "正常")


class AccountsTableModel(ListTableModel[AccountInfo]):
    COLUMNS = ("用户名", "姓名", "角色", "状态", "创建时间", "党支部")

    def account_at(self, row: int) -> AccountInfo | None:
        return self.item_at(row)

    def row_of(self, username: str) -> int:
        return next((i for i, a in enumerate(self._rows) if a.username == username), -1)

    def display(self, a: AccountInfo, column: int) -> Any:
        if column == 0:
            return a.username
        if column == 1:
            return a.display_name
        if column == 2:
            return a.role
        if column == 3:
            return account_state(a)
        if column == 4:
            return a.created_at.strftime("%Y-%m-%d %H:%M") if a.created_at else ""
        if column == 5:  # a branch account's branches; an office account sees the whole bureau
            return "、".join(a.branches) or QCoreApplication.translate("AccountsTableModel", "全局")
        return None
