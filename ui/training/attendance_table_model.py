"""The attendance grid: enrolled members × sessions; cells hold the five statuses, the last column the hours.

The model never touches the database: a writer callable (given by the tab) records a status and
returns the credited cell, so the grid, the counts and the hours follow every keystroke.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from services.training.attendance import STATUSES, Cell, Grid
from ui.widgets.typed_text import as_typed

Index = QModelIndex | QPersistentModelIndex
Writer = Callable[[int, int, str | None], Cell | None]  # (session_id, member_id, status) → cell

FIXED = ("姓名", "所在党支部")
STATUS_COLOURS = {"出席": "#E8F5E9", "迟到": "#FFF8E1", "早退": "#FFF8E1", "请假": "#E3F2FD", "缺席": "#FFEBEE"}


class AttendanceTableModel(QAbstractTableModel):
    totals_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._grid: Grid | None = None
        self._cells: dict[tuple[int, int], Cell] = {}
        self._writer: Writer | None = None
        self._read_only = False

    # -------------------------------------------------------------- loading

    def set_grid(self, grid: Grid | None, writer: Writer | None, read_only: bool = False) -> None:
        self.beginResetModel()
        self._grid = grid
        self._cells = dict(grid.cells) if grid else {}
        self._writer = writer
        self._read_only = read_only
        self.endResetModel()
        self.totals_changed.emit()

    def shows(self, grid: Grid) -> bool:
        """Whether this model already shows exactly `grid` (same members, sessions and cells)."""
        return (self._grid is not None and self._grid.members == grid.members
                and self._grid.sessions == grid.sessions and self._cells == grid.cells)

    @property
    def session_count(self) -> int:
        return len(self._grid.sessions) if self._grid else 0

    def session_id_of_column(self, column: int) -> int | None:
        i = column - len(FIXED)
        if self._grid and 0 <= i < len(self._grid.sessions):
            return int(self._grid.sessions[i][0])
        return None

    def member_id_of_row(self, row: int) -> int | None:
        if self._grid and 0 <= row < len(self._grid.members):
            return self._grid.members[row].member_id
        return None

    def hours_column(self) -> int:
        return len(FIXED) + self.session_count

    # -------------------------------------------------------------- figures

    def member_hours(self, member_id: int) -> float:
        """The hours of the member's cells (as edited here), one per session: asked per painted row."""
        if self._grid is None:
            return 0.0
        get = self._cells.get
        return round(sum(c.hours for sid, *_ in self._grid.sessions if (c := get((member_id, sid))) is not None), 2)

    def counts(self, session_id: int | None = None) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for (_, s), c in self._cells.items():
            if session_id is None or s == session_id:
                out[c.status] += 1
        return out

    def status_at(self, row: int, column: int) -> str | None:
        sid, mid = self.session_id_of_column(column), self.member_id_of_row(row)
        if sid is None or mid is None:
            return None
        cell = self._cells.get((mid, sid))
        return cell.status if cell else None

    # -------------------------------------------------------------- editing

    def set_status(self, row: int, column: int, status: str | None) -> bool:
        """Record a status through the writer; the cell, the member's hours and the totals follow."""
        sid, mid = self.session_id_of_column(column), self.member_id_of_row(row)
        if sid is None or mid is None or self._writer is None or self._read_only:
            return False
        cell = self._writer(sid, mid, status)
        if cell is None:
            self._cells.pop((mid, sid), None)
        else:
            self._cells[(mid, sid)] = cell
        self.dataChanged.emit(self.index(row, column), self.index(row, column))
        hours = self.index(row, self.hours_column())
        self.dataChanged.emit(hours, hours)
        self.totals_changed.emit()
        return True

    def cycle(self, row: int, column: int) -> bool:
        current = self.status_at(row, column)
        nxt = STATUSES[0] if current is None else STATUSES[(STATUSES.index(current) + 1) % len(STATUSES)]
        return self.set_status(row, column, nxt)

    # -------------------------------------------------------------- Qt

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._grid is None else len(self._grid.members)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._grid is None else len(FIXED) + self.session_count + 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._grid is None or not 0 <= index.row() < len(self._grid.members):
            return None
        p = self._grid.members[index.row()]
        col = index.column()
        sid = self.session_id_of_column(col)
        cell = self._cells.get((p.member_id, sid)) if sid is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return p.name
            if col == 1:
                return p.branch
            if sid is not None:
                return cell.status if cell else ""
            if col == self.hours_column():
                return f"{self.member_hours(p.member_id):g}"
            return None
        if role == Qt.ItemDataRole.ToolTipRole and cell is not None and cell.reason:
            return as_typed(cell.reason)
        if role == Qt.ItemDataRole.BackgroundRole and cell is not None:
            return QBrush(QColor(STATUS_COLOURS[cell.status]))
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= len(FIXED):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal or self._grid is None:
            return super().headerData(section, orientation, role)
        if section < len(FIXED):
            return FIXED[section]
        if section == self.hours_column():
            return "学时"
        if 0 <= section - len(FIXED) < self.session_count:
            _sid, seq, day, hours = self._grid.sessions[section - len(FIXED)]
            return f"第{seq}课次\n{day.month}月{day.day}日 {hours:g}学时"
        return None
