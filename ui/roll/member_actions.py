"""The members tab's actions on members: add, edit, leave, reinstate, print, and loading the demo bureau."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from services.errors import CancelledError, DangxunError
from services.roles import EDITOR, VIEWER
from ui.widgets import typed_text
from ui.widgets.errors import show_error

if TYPE_CHECKING:
    from services.roll.members import MemberRecord
    from services.workspace import Workspace
    from ui.roll.branch_tree_model import BranchTreeModel


class MemberActions:
    """Mixed into MembersTab. Every write is one unit of work (`_write`): the workspace checks the
    role, logs, commits and announces; the tab (and every other view) follows the announcement.
    """

    ws: Workspace
    table: QTableView
    tree_model: BranchTreeModel
    load_demo_button: QPushButton
    act_add: QAction
    act_edit: QAction
    act_transfer: QAction
    act_reinstate: QAction
    _out_dir: Path | None
    _printing = False  # a roll print is running: Ctrl+P again starts no second one
    selected_record: Callable[[], MemberRecord | None]
    select_member: Callable[[int], bool]
    visible_records: Callable[[], list[MemberRecord]]
    refresh: Callable[[], None]
    _current_branch: Callable[[], Any]

    def _parent(self) -> QWidget:
        return self  # type: ignore[return-value]

    def _write(self, key: str, fn: Callable[[Any, str], Any], *, backup: bool = False,
               member_id: int | None = None, keys_to: QAbstractItemView | None = None) -> bool:
        """Run `fn(session, actor)` as one unit of work; a refusal is shown and nothing is written.

        After it the keys go on in `keys_to` (the member list unless told: the branch tree's actions say so)."""
        try:
            with self.ws.write(key, needs=EDITOR, backup=backup) as uow:
                fn(uow.session, uow.actor)
        except DangxunError as exc:
            show_error(self._parent(), self._parent().tr("未能完成"), exc)
            return False
        self._after_write(member_id, keys_to)
        return True

    def _after_write(self, member_id: int | None = None, keys_to: QAbstractItemView | None = None) -> None:
        if not self._parent().isVisible():
            self.refresh()  # a hidden tab's follower only marks it stale; the caller wants it now
        if member_id is not None and not self.select_member(member_id):
            self.table.clearSelection()
        # The keys go on in the list, at the row just saved (not back in the search box the clerk left).
        (keys_to or self.table).setFocus(Qt.FocusReason.OtherFocusReason)

    def add_new(self) -> None:
        from ui.roll.member_dialog import MemberDialog

        if not self.act_add.isEnabled() and self.tree_model.branches():
            return  # off for an account that may not write
        tr = self._parent().tr
        names = [b.name for b in self.tree_model.branches()]
        if not names:
            QMessageBox.information(self._parent(), tr("新增党员"), tr("请先新建党支部，再添加党员。"))
            return
        current = self._current_branch()
        dialog = MemberDialog(self.ws, names, default_branch=current.name if current else None,
                              parent=self._parent())
        if dialog.exec() and dialog.saved is not None:
            self._after_write(dialog.saved.id)

    def edit_selected(self) -> None:
        from ui.roll.member_dialog import MemberDialog

        record = self.selected_record()
        if record is None or not self.act_edit.isEnabled():
            return
        # A 查阅 account opens the same record to read it (查看); the workspace would refuse a save anyway.
        dialog = MemberDialog(self.ws, [b.name for b in self.tree_model.branches()], record=record,
                              parent=self._parent(), read_only=self._read_only)
        if dialog.exec() and dialog.saved is not None:
            self._after_write(dialog.saved.id)

    def transfer_selected(self) -> None:
        from ui.roll.transfer_dialog import TransferDialog

        record = self.selected_record()
        if record is None or record.status != "在册" or not self.act_transfer.isEnabled():
            return
        dialog = TransferDialog(self.ws, record, parent=self._parent())
        if dialog.exec() and dialog.saved is not None:
            self._after_write(dialog.saved.id)

    def reinstate_selected(self) -> None:
        from services.roll import members as member_service

        record = self.selected_record()
        if record is None or record.status == "在册":
            return
        tr = self._parent().tr
        answer = typed_text.question(self._parent(), tr("恢复在册"),
                                      tr("把“{0}”恢复为在册？（用于撤销误录的转出、去世等）").format(record.name))
        if answer == QMessageBox.StandardButton.Yes:
            self._write("member-reinstate", lambda s, actor: member_service.reinstate(s, record.id, actor),
                        member_id=record.id)

    def print_current(self) -> None:
        """Ctrl+P: the rows the table shows, as the roll printout (ID numbers masked), in the preview. The print
        runs in the background (a whole bureau's roll is hundreds of pages) with its progress and 取消; a
        cancelled print leaves no file and no entry in the log."""
        import tempfile

        from services.printing import print_roll
        from ui.widgets.jobs import run_with_progress
        from ui.widgets.pdf_preview import PdfPreviewDialog

        records = self.visible_records()
        if not records or self._printing:
            return
        tr = self._parent().tr
        branch = self._current_branch()
        branch_name = branch.name if branch is not None else None
        if self._out_dir is None:
            self._out_dir = Path(tempfile.mkdtemp(prefix="dangxun-print-"))
        out = self._out_dir / "党员花名册.pdf"
        ws = self.ws

        def work(progress: Callable[[int, str], None], cancel: threading.Event) -> print_roll.PrintResult:
            with ws.write("print", needs=VIEWER) as uow:  # the print is logged
                return print_roll.print_roll(uow.session, out, records=records, branch=branch_name,
                                             actor=uow.actor, progress=progress, cancel=cancel)

        def done(result: print_roll.PrintResult) -> None:
            self._printing = False
            title = tr("党员花名册（{0}名，共{1}页）").format(result.members, result.pages)
            PdfPreviewDialog(result.path, title, self._parent()).exec()

        def failed(error: BaseException) -> None:
            self._printing = False
            if not isinstance(error, CancelledError):
                show_error(self._parent(), tr("打印花名册"), error)

        self._printing = True
        run_with_progress(self._parent(), tr("正在打印花名册……"), work, on_finished=done, on_failed=failed)

    # ------------------------------------------------------------ the demo bureau

    def load_demo(self) -> None:
        from services.demo.demo import seed_demo_bureau
        from ui.widgets.jobs import run_with_progress

        tr = self._parent().tr
        ws = self.ws

        def work(progress: Callable[[int, str], None], _cancel: Any) -> Any:
            progress(10, tr("正在生成示例数据……"))
            with ws.write("load-demo", needs=EDITOR) as uow:
                return seed_demo_bureau(uow.session, actor=uow.actor)

        def failed(error: BaseException) -> None:
            show_error(self._parent(), tr("未能载入示例数据"), error)
            self.load_demo_button.setEnabled(True)

        self.load_demo_button.setEnabled(False)
        run_with_progress(self._parent(), tr("载入示例数据"), work,
                          on_finished=lambda _result: self._demo_loaded(), on_failed=failed)

    def _demo_loaded(self) -> None:
        self.load_demo_button.setEnabled(True)
        self._after_write()

    # ------------------------------------------------------------ the table's menu and keys

    def on_table_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self._parent())
        menu.addAction(self.act_add)
        menu.addAction(self.act_edit)
        menu.addSeparator()
        menu.addAction(self.act_transfer)
        menu.addAction(self.act_reinstate)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.edit_selected()
