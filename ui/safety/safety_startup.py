"""What the window does before and while it runs: lock, open, log in, back up at start and every 30 minutes.

`open_for_window` bundles the start; `AutoBackup` is the timer. Both report problems in plain Chinese
message boxes (or, with `interactive=False`, on stderr only, for screenshots and tests).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from services.errors import DangxunError
from services.safety import backup as backup_service
from services.safety.accounts import AccountInfo
from services.safety.storage import Database
from services.workspace import Workspace
from ui.safety.login_dialog import login

TITLE = "党员教育培训管理系统"


@dataclass
class SafeStart:
    """The workspace this window holds (database, lock, who logged in) and the start-up backup."""

    ws: Workspace
    start_backup: backup_service.BackupResult | None = None
    notes: tuple[str, ...] = ()

    @property
    def db(self) -> Database:
        return self.ws.db

    @property
    def account(self) -> AccountInfo | None:
        return self.ws.account

    @property
    def actor(self) -> str:
        return self.ws.actor

    @property
    def role(self) -> str | None:
        """None for a database without accounts (everything allowed)."""
        return self.ws.role

    def close(self) -> None:
        """Call when the window closes: closes the database and gives up the lock."""
        self.ws.close()


def _tell(parent: QWidget | None, message: str, interactive: bool) -> None:
    print(f"错误：{message}", file=sys.stderr)
    if interactive:
        QMessageBox.critical(parent, TITLE, message)


def open_for_window(path: Path, default_actor: str, parent: QWidget | None = None, *,
                    interactive: bool = True, username: str = "",
                    backups: Path | None = None) -> SafeStart | int:
    """Open the workspace (lock, open, upgrade after a backup), log in when needed, back up when data changed.

    Returns a SafeStart, or an exit code after telling the user why: 3 another copy holds the
    database, 2 network share or unreadable file, 1 login abandoned or refused.
    """
    folder = backups or backup_service.default_backups_dir()
    try:
        ws = Workspace.open(path, actor=default_actor, backup_dir=folder)
    except DangxunError as exc:
        _tell(parent, exc.message, interactive)
        return exc.exit_code
    notes = list(ws.notes)
    if ws.needs_login():
        if not interactive:
            ws.close()
            _tell(parent, "此数据库已设账号，需要登录。", interactive)
            return 1
        if not login(ws, parent, username, str(path)):
            ws.close()
            return 1
    start = SafeStart(ws)
    try:
        start.start_backup = backup_service.backup_on_start(ws.db, ws.actor, folder)
    except DangxunError as exc:  # a failed backup must not keep the office from working
        notes.append(f"启动时的自动备份没有成功：{exc.message}")
    if start.start_backup and start.start_backup.second_error:
        notes.append(start.start_backup.second_error)
    start.notes = tuple(notes)
    for note in notes:
        print(note, file=sys.stderr)
    return start


class AutoBackup(QObject):
    """Checks every `check_ms` whether data changed and the newest backup is 30 minutes old; backs up if so."""

    backed_up = Signal(str)
    failed = Signal(str)

    def __init__(self, db: Database, actor: str, parent: QObject | None = None, *,
                 folder: Path | None = None, check_ms: int = 60_000) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.folder = folder
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> str | None:
        """One check; returns the new backup's path when one was made."""
        try:
            result = backup_service.backup_if_due(self.db, self.actor, self.folder)
        except DangxunError as exc:
            self.failed.emit(exc.message)
            return None
        if result is None:
            return None
        self.backed_up.emit(str(result.info.path))
        if result.second_error:
            self.failed.emit(result.second_error)
        return str(result.info.path)
