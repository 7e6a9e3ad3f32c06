"""Asking before what cannot be undone: edits thrown away (Esc, 取消, close), a delete, a merge, a restore."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"  # the answers of ask_unsaved


def confirm_irreversible(parent: QWidget | None, title: str, text: str, do_text: str, keep_text: str) -> bool:
    """Ask before what cannot be undone; the safe button is the default, so Enter or Esc keeps everything.

    QMessageBox.question makes 是 (Yes) the default: one Enter too many deleted. The buttons stay Yes and No
    underneath, named for what they do (删除活动 / 不删除).
    """
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, text, yes | no, parent)
    box.setObjectName("confirm_irreversible")
    box.setTextFormat(Qt.TextFormat.PlainText)  # it names what it deletes as typed
    box.button(yes).setText(do_text)
    box.button(no).setText(keep_text)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is box.button(yes)


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


def ask_unsaved(parent: QWidget, title: str, text: str, *, importing: bool) -> str:
    """Edits not saved, before what would reload them away (another year or activity, an import): SAVE, DISCARD
    or CANCEL. 取消 is the default, so Enter or Esc changes nothing; the buttons say what follows
    (保存后导入 / 放弃修改并导入 before an import, 保存 / 放弃 otherwise)."""
    def tr(source: str) -> str:
        return QCoreApplication.translate("unsaved", source)

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("confirm_unsaved")
    box.setTextFormat(Qt.TextFormat.PlainText)  # it may name an activity as typed
    save = box.addButton(tr("保存后导入") if importing else tr("保存"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(tr("放弃修改并导入") if importing else tr("放弃"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return SAVE if clicked is save else DISCARD if clicked is discard else CANCEL
