"""The branch tree: 全部党支部 at the top, each branch under it, with the count of members on the roll."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:  # services.roll.branches imports SQLAlchemy; the window paints before that
    from services.roll.branches import BranchInfo

Index = QModelIndex | QPersistentModelIndex

# internalId of the top item; a branch row r has internalId r + 1.
_TOP = 0
BRANCH_ID_ROLE = Qt.ItemDataRole.UserRole


class BranchTreeModel(QAbstractItemModel):
    """Two columns (name, members on the roll); the top row stands for every branch."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._branches: list[BranchInfo] = []
        self._all_title = self.tr("全部党支部")

    def set_branches(self, branches: Iterable[BranchInfo]) -> None:
        self.beginResetModel()
        self._branches = list(branches)
        self.endResetModel()

    def branches(self) -> list[BranchInfo]:
        return self._branches

    def top_index(self) -> QModelIndex:
        return self.createIndex(0, 0, _TOP)

    def branch_index(self, branch_id: int) -> QModelIndex:
        for row, b in enumerate(self._branches):
            if b.id == branch_id:
                return self.createIndex(row, 0, row + 1)
        return QModelIndex()

    def branch_at(self, index: Index) -> BranchInfo | None:
        """The branch of an index, or None for the top row (all branches) and invalid indexes."""
        if not index.isValid() or index.internalId() == _TOP:
            return None
        return self._branches[index.internalId() - 1]

    # ------------------------------------------------------------ Qt model interface

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        if parent.internalId() == _TOP:
            return self.createIndex(row, column, row + 1)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(0, 0, _TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return 1
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._branches)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        branch = self.branch_at(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return self._all_title if branch is None else branch.name
            count = sum(b.active_members for b in self._branches) if branch is None else branch.active_members
            return str(count)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and branch is not None:
            return self.tr("在册党员 {0} 名，含已转出等共 {1} 条记录").format(
                branch.active_members, branch.all_members)
        if role == BRANCH_ID_ROLE:
            return None if branch is None else branch.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("党支部"), self.tr("在册"))[section] if 0 <= section < 2 else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
