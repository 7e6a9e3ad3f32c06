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
from services.safety.lock import DatabaseLock, acquire_lock, describe_stale
from services.safety.storage import Database, open_database
from ui.safety.login_dialog import login

TITLE = "党员教育培训管理系统"


@dataclass
class SafeStart:
    """An open database held by this window: its lock, who logged in, the start-up backup."""

    db: Database
    lock: DatabaseLock
    account: AccountInfo | None
    actor: str
    start_backup: backup_service.BackupResult | None = None
    notes: tuple[str, ...] = ()

    @property
    def role(self) -> str | None:
        """None for a database without accounts (everything allowed)."""
        return self.account.role if self.account else None

    def close(self) -> None:
        """Call when the window closes: closes the database and gives up the lock."""
        self.db.dispose()
        self.lock.release()


def _tell(parent: QWidget | None, message: str, interactive: bool) -> None:
    print(f"错误：{message}", file=sys.stderr)
    if interactive:
        QMessageBox.critical(parent, TITLE, message)


def open_for_window(path: Path, default_actor: str, parent: QWidget | None = None, *,
                    interactive: bool = True, username: str = "",
                    backups: Path | None = None) -> SafeStart | int:
    """Lock, open (upgrading after a backup), log in when needed, back up when data changed.

    Returns a SafeStart, or an exit code after telling the user why: 3 another copy holds the
    database, 2 network share or unreadable file, 1 login abandoned or refused.
    """
    folder = backups or backup_service.default_backups_dir()
    try:
        lock = acquire_lock(path)
    except DangxunError as exc:
        _tell(parent, exc.message, interactive)
        return exc.exit_code
    notes: list[str] = []
    stale = describe_stale(lock)
    if stale:
        notes.append(stale)
    try:
        db = open_database(path, backup_dir=folder)
    except DangxunError as exc:
        lock.release()
        _tell(parent, exc.message, interactive)
        return exc.exit_code
    if db.upgraded_from is not None and db.backup_path:
        notes.append(f"数据库已从旧版本升级，升级前的副本：{db.backup_path}")
    account: AccountInfo | None = None
    if interactive:
        outcome = login(db.session_factory, parent, username, str(path))
        if outcome is False:
            db.dispose()
            lock.release()
            return 1
        account = outcome if isinstance(outcome, AccountInfo) else None
    else:
        from services.safety.accounts import has_accounts

        with db.session_factory() as session:
            if has_accounts(session):
                db.dispose()
                lock.release()
                _tell(parent, "此数据库已设账号，需要登录。", interactive)
                return 1
    actor = account.username if account else default_actor
    start = SafeStart(db, lock, account, actor)
    try:
        start.start_backup = backup_service.backup_on_start(db, actor, folder)
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
