"""Edit dialogs ask before throwing edits away (Esc, 取消, the window's close button)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox


class DiscardGuard:
    """Mixed in before QDialog: `reject()` asks when `edit_snapshot()` differs from when the dialog was filled.

    The dialog calls `mark_clean()` once its fields hold the record (or the defaults of a new one).
    """

    _clean_snapshot: Any = None

    def edit_snapshot(self) -> Any:
        raise NotImplementedError

    def mark_clean(self) -> None:
        self._clean_snapshot = self.edit_snapshot()

    def has_unsaved_edits(self) -> bool:
        return self._clean_snapshot is not None and self.edit_snapshot() != self._clean_snapshot

    def reject(self) -> None:
        dialog: Any = self
        if self.has_unsaved_edits():
            box = QMessageBox(QMessageBox.Icon.Question, dialog.windowTitle(),
                              dialog.tr("所做的修改还没有保存。放弃这些修改吗？"),
                              QMessageBox.StandardButton.NoButton, dialog)
            box.setObjectName("confirm_discard")
            discard = box.addButton(dialog.tr("放弃修改"), QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton(dialog.tr("继续编辑"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(keep)
            box.exec()
            if box.clickedButton() is not discard:
                return
        QDialog.reject(dialog)
