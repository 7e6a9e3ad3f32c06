"""The recovery code in the window: shown once when the first 管理员 is made, used from the login dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.access import VIEWER
from services.errors import DangxunError
from services.safety import recovery
from services.workspace import Workspace
from ui.widgets.typed_text import plain


class RecoveryCodeDialog(QDialog):
    """Shows a recovery code once, large and selectable, with what to do with it."""

    def __init__(self, username: str, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setWindowTitle(self.tr("恢复码 — 只显示这一次"))
        intro = plain(QLabel(self.tr("这是管理员账号“{0}”的恢复码。忘记密码时，在登录窗口点“忘记密码…”，"
                                     "输入恢复码即可设置新密码。").format(username)))
        intro.setWordWrap(True)
        self.code_label = QLabel(code)
        self.code_label.setObjectName("recovery_code")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(self.font().pointSizeF() * 1.6)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setStyleSheet("padding: 0.5em; border: 1px dashed #B71C1C; background: #fbf3f3;")
        warning = QLabel(self.tr("程序只保存它的校验值，不保存恢复码本身：关闭此窗口后再也无法查看。"
                                 "请抄在纸上，与公章一样锁好；用过一次后会换发新的恢复码。"))
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #B71C1C;")
        self.copy_button = QPushButton(self.tr("复制"))
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(code))
        buttons = QDialogButtonBox()
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        done = buttons.addButton(self.tr("我已抄下"), QDialogButtonBox.ButtonRole.AcceptRole)
        done.setProperty("primary", True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.code_label)
        layout.addWidget(warning)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 30)


def show_recovery_code(parent: QWidget | None, username: str, code: str) -> RecoveryCodeDialog:
    """Open the code's dialog over `parent` (window-modal, not blocking); keep the returned dialog."""
    dialog = RecoveryCodeDialog(username, code, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class RecoveryResetDialog(QDialog):
    """忘记密码: user name, recovery code, new password twice; on success the new code is shown."""

    def __init__(self, ws: Workspace, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.new_code: str | None = None
        self.setWindowTitle(self.tr("用恢复码重置密码"))
        self.username_edit = QLineEdit(username)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(self.tr("如 ABCDE-FGHJK-MNPQR-STUVW"))
        self.password_edit = QLineEdit()
        self.confirm_edit = QLineEdit()
        for edit in (self.password_edit, self.confirm_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        intro = QLabel(self.tr("管理员忘记密码时，用新建第一个账号时抄下的恢复码设置新密码。"
                               "其他账号忘记密码，请管理员在“账号管理”中重置。"))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username_edit)
        form.addRow(self.tr("恢复码"), self.code_edit)
        form.addRow(self.tr("新密码"), self.password_edit)
        form.addRow(self.tr("再输一次"), self.confirm_edit)
        self.message_label = plain(QLabel())
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #B71C1C;")
        self.message_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("重置密码"))
        self.ok_button.setProperty("primary", True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.on_ok_button_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 28)
        (self.code_edit if username else self.username_edit).setFocus()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def on_ok_button_clicked(self) -> None:
        username = self.username_edit.text().strip()
        if not username or not self.code_edit.text().strip():
            self.show_message(self.tr("请输入用户名和恢复码"))
            return
        if self.password_edit.text() != self.confirm_edit.text():
            self.show_message(self.tr("两次输入的密码不一致"))
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # scrypt takes a moment
        try:
            with self.ws.write("accounts-recover", needs=VIEWER) as uow:
                outcome = recovery.reset_with_code(uow.session, username, self.code_edit.text(),
                                                   self.password_edit.text())
        except DangxunError as exc:
            self.show_message(exc.message)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        if not outcome.ok:  # the failed attempt is counted (committed above)
            self.show_message(outcome.message)
            self.code_edit.setFocus()
            return
        self.new_code = outcome.new_code
        self.accept()
