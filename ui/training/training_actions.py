"""The 培训 tab's writes: attendance cells, activities (new, edit, delete, status), enrolment, hour adjustments, import.

Each is one unit of work of the workspace (`with ws.write(...)`): the role is checked there, the
change is logged and announced, and every view that shows it (this tab included) follows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QTableView, QWidget

from services.access import EDITOR
from services.errors import DangxunError
from services.training import activities, attendance, enrolment
from services.training.attendance import Cell
from ui.training.activity_dialog import ActivityDialog
from ui.training.attendance_grid import AttendanceGridView
from ui.training.attendance_table_model import AttendanceTableModel
from ui.training.enrol_dialog import EnrolDialog
from ui.training.participants_view import ParticipantsView
from ui.training.records_import_dialog import RecordsImportDialog
from ui.widgets import typed_text
from ui.widgets.edit_guard import confirm_irreversible
from ui.widgets.errors import show_error

if TYPE_CHECKING:
    from services.workspace import Workspace


class TrainingActions:
    """Mixed into TrainingTab."""

    ws: Workspace
    _current: activities.ActivityInfo | None
    activity_view: QTableView
    attendance_model: AttendanceTableModel
    grid_view: AttendanceGridView
    participants_table: ParticipantsView
    refresh: Callable[[], None]
    reload_activities: Callable[..., None]
    show_activity: Callable[[int | None], None]

    def _widget(self) -> QWidget:
        return self  # type: ignore[return-value]

    def _write(self, key: str, title: str, fn: Callable[[Any, str], Any], *, backup: bool = False) -> bool:
        """Run `fn(session, actor)` as one unit of work; a refusal is shown, nothing is written."""
        try:
            with self.ws.write(key, needs=EDITOR, backup=backup) as uow:
                fn(uow.session, uow.actor)
        except DangxunError as exc:
            show_error(self._widget(), title, exc)
            return False
        return True

    def _back_to_list(self) -> None:
        """After a save or a delete the keys go on in the activity list, at the row it selected."""
        self.activity_view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -------------------------------------------------------------- attendance

    def _confirm_revoke(self, exc: attendance.CertifiedAttendanceError) -> bool:
        """The change would revoke certificates: ask; yes means change and revoke (已作废, with date and reason)."""
        tr = self._widget().tr
        who = "、".join(f"{c.name}（{c.number}）" for c in exc.at_stake[:8]) + ("等" if len(exc.at_stake) > 8 else "")
        box = QMessageBox(QMessageBox.Icon.Warning, tr("考勤"), tr(
            "%1 已获“%2”结业证书。\n\n更改考勤将作废这%3份证书（登记册中注明作废日期和原因）；"
            "作废后可按新的考勤重新颁发，新证书另有编号。\n\n仍要更改并作废证书吗？")
            .replace("%1", who).replace("%2", exc.at_stake[0].activity_title).replace("%3", str(len(exc.at_stake))),
            QMessageBox.StandardButton.NoButton, self._widget())
        box.setObjectName("confirm_revoke")
        box.setTextFormat(Qt.TextFormat.PlainText)  # names and a typed title
        revoke = box.addButton(tr("更改并作废证书"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(tr("不更改"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is revoke

    def _write_cell(self, session_id: int, member_id: int, status: str | None) -> Cell | None:
        reason = self.grid_view.pending_reason
        revoke = False
        try:
            while True:
                try:
                    with self.ws.write("attendance", needs=EDITOR) as uow:
                        return attendance.set_attendance(uow.session, session_id, member_id, status, reason,
                                                         uow.actor, revoke=revoke)
                except attendance.CertifiedAttendanceError as refused:
                    if revoke or not self._confirm_revoke(refused):
                        raise
                    revoke = True
        except DangxunError as exc:
            if not isinstance(exc, attendance.CertifiedAttendanceError):  # declined: nothing more to say
                show_error(self._widget(), self._widget().tr("考勤"), exc)
            with self.ws.read() as s:
                g = attendance.grid(s, self._current.id) if self._current else None
            return g.cells.get((member_id, session_id)) if g else None

    def on_all_present_clicked(self) -> None:
        if self._current is None:
            return
        column = self.grid_view.currentIndex().column()
        sid = self.attendance_model.session_id_of_column(column)
        if sid is None and self._current.sessions:
            sid = self._current.sessions[0].id
        if sid is None:
            return
        chosen = sid
        current = self.grid_view.currentIndex()
        try:
            with self.ws.write("attendance-all-present", needs=EDITOR) as uow:
                attendance.mark_all_present(uow.session, chosen, uow.actor)
        except attendance.CertifiedAttendanceError as refused:
            if not self._confirm_revoke(refused) or not self._write(
                    "attendance-all-present", self._widget().tr("考勤"),
                    lambda s, actor: attendance.mark_all_present(s, chosen, actor, revoke=True)):
                return
        except DangxunError as exc:
            show_error(self._widget(), self._widget().tr("考勤"), exc)
            return
        self.reload_activities(self._current.id)
        if current.isValid():
            self.grid_view.setCurrentIndex(self.attendance_model.index(current.row(), current.column()))

    # -------------------------------------------------------------- activities

    def _types(self) -> list[activities.ActivityTypeInfo]:
        with self.ws.read() as s:
            return activities.list_types(s)

    def on_new_action_triggered(self) -> None:
        ws = self.ws

        def save(raw: dict[str, Any], sessions: list[dict[str, Any]],
                 allow_twin: bool = False) -> activities.ActivityInfo:
            # A twin of an existing activity is refused until the clerk confirms it (the dialog asks).
            with ws.write("activity-create", needs=EDITOR) as uow:
                return activities.create_activity(uow.session, raw, uow.actor, sessions=sessions,
                                                  allow_twin=allow_twin)

        dialog = ActivityDialog(self._types(), save, None, self._widget())
        if dialog.exec():
            self.refresh()
            self.reload_activities(dialog.result_value.id)
            self._back_to_list()

    def on_edit_action_triggered(self) -> None:
        if self._current is None:
            return
        activity_id, opened = self._current.id, self._current.version
        ws = self.ws

        def save(raw: dict[str, Any], sessions: list[dict[str, Any]],
                 allow_twin: bool = False) -> activities.ActivityInfo:
            # Saved over the version the clerk opened: another clerk's later save is not overwritten.
            with ws.write("activity-update", needs=EDITOR) as uow:
                return activities.update_activity(uow.session, activity_id, raw, uow.actor, sessions=sessions,
                                                  expected_version=opened, allow_twin=allow_twin)

        dialog = ActivityDialog(self._types(), save, self._current, self._widget())
        if dialog.exec():
            self.refresh()
            self._back_to_list()

    def on_delete_action_triggered(self) -> None:
        if self._current is None:
            return
        tr = self._widget().tr
        a = self._current
        with self.ws.read() as s:
            taken = activities.attendance_count(s, a.id)
        if taken:
            typed_text.information(self._widget(), tr("删除活动"), tr(
                "“%1”已有考勤记录，不能删除。可在“状态”中改为“已取消”或“已归档”，历史记录会保留。").replace("%1", a.title))
            return
        if not confirm_irreversible(self._widget(), tr("删除活动"), tr("删除“%1”？此操作不能撤销。").replace("%1", a.title),
                                    tr("删除活动"), tr("不删除")):
            return
        if self._write("activity-delete", tr("删除活动"), lambda s, actor: activities.delete_activity(s, a.id, actor)):
            self._current = None
            self.refresh()
            self._back_to_list()

    def change_status(self, status: str) -> None:
        if self._current is None:
            return
        activity_id = self._current.id
        if self._write("activity-status", self._widget().tr("状态"),
                       lambda s, actor: activities.set_status(s, activity_id, status, actor)):
            self.reload_activities(activity_id)

    # -------------------------------------------------------------- participants

    def on_enrol_action_triggered(self) -> None:
        if self._current is None:
            return
        dialog = EnrolDialog(self.ws, self._current.id, self._widget())
        if dialog.exec():
            self.reload_activities(self._current.id)

    def on_unenrol_clicked(self) -> None:
        if self._current is None:
            return
        ids = self.participants_table.selected_member_ids()
        if not ids:
            return
        activity_id = self._current.id
        # Members whose attendance was taken stay (the service refuses); the rest can be enrolled again.
        if self._write("unenrol", self._widget().tr("取消报名"),
                       lambda s, actor: enrolment.unenrol(s, activity_id, ids, actor), backup=len(ids) > 1):
            self.reload_activities(activity_id)

    def on_adjust_clicked(self) -> None:
        if self._current is None:
            return
        tr = self._widget().tr
        item = self.participants_table.current_member()
        if item is None:
            QMessageBox.information(self._widget(), tr("调整学时"), tr("请先在列表中选中一名党员。"))
            return
        hours, ok = QInputDialog.getDouble(self._widget(), tr("调整学时"),
                                           tr("为“%1”增加的学时（减少填负数）：").replace("%1", item.name),
                                           1.0, -1000.0, 1000.0, 1)
        if not ok:
            return
        reason, ok = QInputDialog.getText(self._widget(), tr("调整学时"), tr("原因（必填）："))
        if not ok:
            return
        member_id, current = item.member_id, self._current
        if self._write("hours-adjust", tr("调整学时"), lambda s, actor: attendance.add_adjustment(
                s, member_id, hours, reason, actor, date=current.last_date, activity_id=current.id)):
            self.show_activity(current.id)

    def on_import_action_triggered(self) -> None:
        RecordsImportDialog(self.ws, self._widget()).exec()
