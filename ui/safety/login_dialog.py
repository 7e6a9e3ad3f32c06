"""The login dialog, shown at start when the database has accounts."""

from __future__ import annotations

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
from sqlalchemy.orm import Session, sessionmaker

from services.safety import accounts
from services.safety.accounts import AccountInfo


def needs_login(session_factory: sessionmaker[Session]) -> bool:
    """A database without any account opens without a login."""
    with session_factory() as session:
        return accounts.has_accounts(session)


class LoginDialog(QDialog):
    """Asks for user name and password; on success `account` holds who logged in."""

    def __init__(self, session_factory: sessionmaker[Session], parent: QWidget | None = None,
                 username: str = "", database_label: str = "") -> None:
        super().__init__(parent)
        self.session_factory = session_factory
        self.account: AccountInfo | None = None
        self.setWindowTitle(self.tr("登录 — 党员教育培训管理系统"))
        self.username_edit = QLineEdit(username)
        self.username_edit.setPlaceholderText(self.tr("用户名"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("密码"))
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #B71C1C;")
        self.message_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.login_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.login_button.setText(self.tr("登录"))
        self.login_button.setProperty("primary", True)  # the accent style of ui/app.py
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))

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
            info = QLabel(self.tr("数据库：{0}").format(database_label))
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

    def on_login_button_clicked(self) -> None:
        username = self.username_edit.text().strip()
        if not username:
            self.show_message(self.tr("请输入用户名"))
            self.username_edit.setFocus()
            return
        # scrypt takes a moment by design; the wait cursor says so.
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.session_factory.begin() as session:  # a failed attempt must be committed too
                outcome = accounts.authenticate(session, username, self.password_edit.text())
        finally:
            QGuiApplication.restoreOverrideCursor()
        if not outcome.ok:
            self.show_message(outcome.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.account = outcome.account
        self.accept()


def login(session_factory: sessionmaker[Session], parent: QWidget | None = None,
          username: str = "", database_label: str = "") -> AccountInfo | None | bool:
    """Run the login when the database needs one.

    Returns None when no login is needed (no accounts yet), the AccountInfo on success, and
    False when the user gave up (the program should then quit).
    """
    if not needs_login(session_factory):
        return None
    dialog = LoginDialog(session_factory, parent, username, database_label)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.account is None:
        return False
    return dialog.account
