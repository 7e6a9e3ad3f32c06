"""The login dialog, shown at start when the database has accounts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError
from services.safety.accounts import AccountInfo
from services.workspace import Workspace
from ui.widgets.typed_text import plain


class LoginDialog(QDialog):
    """Asks for user name and password; on success `account` holds who logged in."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None,
                 username: str = "", database_label: str = "") -> None:
        super().__init__(parent)
        self.ws = ws
        self.account: AccountInfo | None = None
        self.recovery_dialog: Any = None  # 忘记密码… (ui.safety.recovery_dialogs), then the new code
        self.code_dialog: Any = None
        self.setWindowTitle(self.tr("登录 — 党员教育培训管理系统"))
        self.username_edit = QLineEdit(username)
        self.username_edit.setPlaceholderText(self.tr("用户名"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("密码"))
        self.message_label = plain(QLabel())
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #B71C1C;")
        self.message_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.login_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.login_button.setText(self.tr("登录"))
        self.login_button.setProperty("primary", True)  # the accent style of ui/app.py
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        self.forgot_button = self.buttons.addButton(self.tr("忘记密码…"), QDialogButtonBox.ButtonRole.HelpRole)
        self.forgot_button.setToolTip(self.tr("管理员用恢复码设置新密码"))
        self.forgot_button.clicked.connect(self.on_forgot_button_clicked)

        heading = QLabel(self.tr("党员教育培训管理系统"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        heading.setStyleSheet("color: #B71C1C;")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.addRow(self.tr("用户名"), self.username_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(heading)
        if database_label:
            info = plain(QLabel(self.tr("数据库：{0}").format(database_label)))
            info.setWordWrap(True)
            info.setStyleSheet("color: palette(mid);")
            layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        # Wide enough for the longest message; measured in characters so that scaling is respected.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 26)
        self.buttons.accepted.connect(self.on_login_button_clicked)
        self.buttons.rejected.connect(self.reject)
        (self.password_edit if username else self.username_edit).setFocus()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def on_forgot_button_clicked(self) -> None:
        from ui.safety.recovery_dialogs import RecoveryResetDialog

        self.recovery_dialog = RecoveryResetDialog(self.ws, self.username_edit.text().strip(), self)
        self.recovery_dialog.accepted.connect(self.on_recovery_dialog_accepted)
        self.recovery_dialog.open()

    def on_recovery_dialog_accepted(self) -> None:
        from ui.safety.recovery_dialogs import show_recovery_code

        dialog = self.recovery_dialog
        if dialog is None or dialog.new_code is None:
            return
        username = dialog.username_edit.text().strip()
        self.code_dialog = show_recovery_code(self, username, dialog.new_code)
        self.username_edit.setText(username)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self.show_message(self.tr("密码已重置：请用新密码登录。"))

    def on_login_button_clicked(self) -> None:
        username = self.username_edit.text().strip()
        if not username:
            self.show_message(self.tr("请输入用户名"))
            self.username_edit.setFocus()
            return
        # scrypt takes a moment by design; the wait cursor says so.
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.account = self.ws.login(username, self.password_edit.text())  # a failure is counted
        except DangxunError as exc:
            self.show_message(exc.message.removeprefix("登录失败："))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()


def login(ws: Workspace, parent: QWidget | None = None,
          username: str = "", database_label: str = "") -> AccountInfo | None | bool:
    """Run the login when the database needs one (the dialog logs `ws` in).

    Returns None when no login is needed (no accounts yet), the AccountInfo on success, and
    False when the user gave up (the program should then quit).
    """
    if not ws.needs_login():
        return None
    dialog = LoginDialog(ws, parent, username, database_label)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.account is None:
        return False
    return dialog.account
