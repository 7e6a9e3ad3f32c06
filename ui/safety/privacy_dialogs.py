"""Personal data in the window: the confirmation before an export with full ID numbers."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from services.access import VIEWER
from services.safety import audit
from services.safety.privacy import can_see_full_ids
from services.workspace import Workspace
from ui.widgets import typed_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("privacy", text)


def confirm_full_id_export(parent: QWidget | None, what: str, role: str | None) -> bool:
    """Ask before an export that contains full ID numbers; a role that may not see them is told so."""
    if not can_see_full_ids(role):
        QMessageBox.information(parent, _tr("导出"),
                                _tr("当前账号（{0}）只能导出隐去部分数字的身份证号码。").format(role))
        return False
    answer = typed_text.question(
        parent, _tr("导出完整身份证号码"),
        _tr("“{0}”将包含完整的身份证号码。\n这是党员的个人信息：请只交给需要的人，用后妥善保管或删除。\n"
            "本次导出会记入操作日志。继续吗？").format(what),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def export_allowed(parent: QWidget | None, ws: Workspace, what: str, full_ids: bool,
                   rows: int | None = None, path: str | None = None) -> bool:
    """Confirm (when full IDs) and log an export. Call just before writing the file; False: don't export."""
    if full_ids and not confirm_full_id_export(parent, what, ws.role):
        return False
    with ws.write("export", needs=VIEWER, what="导出") as uow:
        audit.log_export(uow.session, uow.actor, what, full_ids, rows=rows, path=path)
    return True
