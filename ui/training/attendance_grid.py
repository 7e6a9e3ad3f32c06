"""The attendance grid view: arrows move, 1–5 (or Ctrl+1–5) set 出席/迟到/早退/请假/缺席, Space or Enter cycles,
Delete clears."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QMenu,
    QTableView,
    QWidget,
)

from services.training.attendance import STATUSES
from ui.training.attendance_table_model import FIXED, AttendanceTableModel

OWN_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
STATUS_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3, Qt.Key.Key_5: 4}


def _status_modifiers(event: QKeyEvent) -> bool:
    """A digit alone, on the keypad, or with Ctrl sets a status; with Alt or Shift it is left to others."""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier)


class AttendanceGridView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self.on_self_context_menu)
        self.setToolTip(self.tr("方向键移动；1 出席　2 迟到　3 早退　4 请假　5 缺席（也可按 Ctrl+数字）；"
                                "空格或回车依次切换；Delete 清除"))

    def attendance_model(self) -> AttendanceTableModel | None:
        model = self.model()
        return model if isinstance(model, AttendanceTableModel) else None

    def _targets(self) -> list[tuple[int, int]]:
        cells = {(i.row(), i.column()) for i in self.selectedIndexes() if i.column() >= len(FIXED)}
        current = self.currentIndex()
        if not cells and current.isValid() and current.column() >= len(FIXED):
            cells = {(current.row(), current.column())}
        model = self.attendance_model()
        if model is None:
            return []
        return sorted((r, c) for r, c in cells if model.session_id_of_column(c) is not None)

    def apply(self, status: str | None, *, advance: bool = False) -> bool:
        model = self.attendance_model()
        targets = self._targets()
        if model is None or not targets:
            return False
        for row, column in targets:
            model.set_status(row, column, status)
        if advance and len(targets) == 1:
            row, column = targets[0]
            if row + 1 < model.rowCount():
                # Explicitly: with Ctrl held (Ctrl+1–5) a plain setCurrentIndex would leave the selection on
                # the cell just written, and the next key would rewrite that cell.
                self.selectionModel().setCurrentIndex(
                    model.index(row + 1, column), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return True

    def event(self, event: QEvent) -> bool:
        # The grid's own keys win over window shortcuts (Delete would otherwise delete the activity).
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            key = Qt.Key(event.key())
            # Ctrl+1–5 too: in the grid they set statuses rather than switch the window's tabs.
            if (key in STATUS_KEYS and _status_modifiers(event)) or key in OWN_KEYS:
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = Qt.Key(event.key())
        model = self.attendance_model()
        if key in STATUS_KEYS and _status_modifiers(event) and self.apply(STATUSES[STATUS_KEYS[key]], advance=True):
            event.accept()
            return
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and model is not None:
            targets = self._targets()
            if targets:
                for row, column in targets:
                    model.cycle(row, column)
                event.accept()
                return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.apply(None):
            event.accept()
            return
        super().keyPressEvent(event)

    def on_self_context_menu(self, pos: QPoint) -> None:
        if not self._targets():
            return
        menu = QMenu(self)
        for n, status in enumerate(STATUSES, start=1):
            action = menu.addAction(f"{status}\t{n}")
            action.triggered.connect(lambda _=False, s=status: self.apply(s))
        leave = menu.addAction(self.tr("请假（填写原因）…"))
        leave.triggered.connect(self.ask_leave_reason)
        menu.addSeparator()
        menu.addAction(self.tr("清除\tDelete")).triggered.connect(lambda: self.apply(None))
        menu.exec(self.viewport().mapToGlobal(pos))

    def ask_leave_reason(self) -> None:
        reason, ok = QInputDialog.getItem(self, self.tr("请假原因"), self.tr("原因："), ["病假", "事假", "公假"], 0, True)
        if ok:
            self.leave_reason_given(reason)

    def leave_reason_given(self, reason: str) -> None:
        """Overridden by the tab's writer through `pending_reason`."""
        self.pending_reason = reason
        try:
            self.apply("请假")
        finally:
            self.pending_reason = None

    pending_reason: Any = None
