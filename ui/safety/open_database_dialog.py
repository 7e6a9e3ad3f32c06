"""文件 → 打开数据库…: a database file, or a database server (host, port, database, server account).

The chosen database opens in a new window (a new process, as `main.py --db …` would), and this one
closes. The server password is asked here and handed to the new window for this start only
(PGPASSWORD in its environment): it is never written to the settings. The last choice without its
password is remembered for the next time the dialog opens.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from services.errors import DangxunError
from services.safety.location import resolve_database
from ui.widgets import typed_text
from ui.widgets.typed_text import plain

KEY = "open_database/"


def server_url(host: str, port: int, database: str, user: str) -> str:
    """postgresql+psycopg://USER@HOST:PORT/DATABASE (no password: libpq finds it, or PGPASSWORD)."""
    account = quote(user.strip(), safe="") + "@" if user.strip() else ""
    return f"postgresql+psycopg://{account}{host.strip()}:{port}/{quote(database.strip(), safe='')}"


class OpenDatabaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("打开数据库"))
        self.settings = settings
        self.file_choice = QRadioButton(self.tr("本机的数据库文件"))
        self.server_choice = QRadioButton(self.tr("单位的数据库服务器（PostgreSQL 及兼容的国产数据库）"))
        group = QButtonGroup(self)
        group.addButton(self.file_choice)
        group.addButton(self.server_choice)
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("如 D:\\党建\\dangxun.sqlite3"))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("如 192.168.1.20"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("dangxun")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("不保存；也可写在 ~/.pgpass 中"))
        self.server_form = QWidget()
        form = QFormLayout(self.server_form)
        form.addRow(self.tr("服务器地址"), self.host)
        form.addRow(self.tr("端口"), self.port)
        form.addRow(self.tr("数据库名"), self.database)
        form.addRow(self.tr("服务器账号"), self.user)
        form.addRow(self.tr("服务器密码"), self.password)
        self.problem = plain(QLabel())
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_choice)
        layout.addLayout(file_row)
        layout.addWidget(self.server_choice)
        layout.addWidget(self.server_form)
        layout.addWidget(QLabel(self.tr("所选数据库将在新窗口中打开，本窗口随后关闭。本程序的账号和密码在新窗口中登录时输入。")))
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.file_choice.toggled.connect(self._mode)
        self._restore()
        self._mode()

    def _restore(self) -> None:
        s = self.settings
        server = bool(s and s.value(KEY + "server", False, type=bool))
        (self.server_choice if server else self.file_choice).setChecked(True)
        if s is None:
            return
        self.path.setText(str(s.value(KEY + "path", "") or ""))
        self.host.setText(str(s.value(KEY + "host", "") or ""))
        self.port.setValue(int(s.value(KEY + "port", 5432) or 5432))
        self.database.setText(str(s.value(KEY + "database", "dangxun") or "dangxun"))
        self.user.setText(str(s.value(KEY + "user", "") or ""))

    def _mode(self) -> None:
        server = self.server_choice.isChecked()
        self.server_form.setEnabled(server)
        self.path.setEnabled(not server)

    def _browse(self) -> None:
        start = self.path.text() or str(Path.home())
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("数据库文件"), start,
                                                self.tr("数据库文件 (*.sqlite3 *.db);;所有文件 (*)"),
                                                options=QFileDialog.Option.DontConfirmOverwrite)
        if chosen:
            self.path.setText(chosen)

    def location(self) -> str:
        if self.server_choice.isChecked():
            return server_url(self.host.text(), self.port.value(), self.database.text(), self.user.text())
        return self.path.text().strip()

    def accept(self) -> None:
        if self.server_choice.isChecked() and not (self.host.text().strip() and self.database.text().strip()):
            self.problem.setText(self.tr("请填写服务器地址和数据库名。"))
            return
        if not self.server_choice.isChecked() and not self.path.text().strip():
            self.problem.setText(self.tr("请选择或填写数据库文件。"))
            return
        try:
            resolve_database(self.location())  # a missing folder, an unreachable server: said here
        except DangxunError as exc:
            self.problem.setText(exc.message)
            return
        if self.settings is not None:
            s = self.settings
            s.setValue(KEY + "server", self.server_choice.isChecked())
            s.setValue(KEY + "path", self.path.text().strip())
            s.setValue(KEY + "host", self.host.text().strip())
            s.setValue(KEY + "port", self.port.value())
            s.setValue(KEY + "database", self.database.text().strip())
            s.setValue(KEY + "user", self.user.text().strip())
        super().accept()


def open_other_database(window: QWidget, settings: QSettings | None) -> bool:
    """Ask for a database; start a window on it and close this one. False when cancelled."""
    dialog = OpenDatabaseDialog(window, settings)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    env = dict(os.environ)
    if dialog.server_choice.isChecked() and dialog.password.text():
        env["PGPASSWORD"] = dialog.password.text()
    env.pop("DANGXUN_DB", None)
    command = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, str(_main_script())]
    try:
        subprocess.Popen([*command, "--db", dialog.location()], env=env, start_new_session=True)
    except OSError as exc:
        typed_text.critical(window, dialog.windowTitle(), window.tr("无法打开新窗口：{0}").format(exc))
        return False
    window.close()
    return True


def _main_script() -> Path:
    return Path(__file__).resolve().parents[2] / "main.py"
