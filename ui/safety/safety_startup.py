"""What the window does before and while it runs: lock, open, log in, back up at start and every 30 minutes.

`open_for_window` bundles the start; `AutoBackup` is the timer. Both report problems in plain Chinese
message boxes (or, with `interactive=False`, on stderr only, for screenshots and tests).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from services.errors import DangxunError, DatabaseLockedError
from services.safety.location import Location
from services.safety.lock import DatabaseLock, LockFileError, acquire_lock, describe_stale
from services.safety.recognise import DamagedDatabaseError, is_writable
from ui.widgets import typed_text
from ui.widgets.typed_text import as_typed

# The workspace, storage, backups and the login dialog import SQLAlchemy: they are imported after the
# lock is taken, so that the window can show the roll's first screen before (ui/app.py).
if TYPE_CHECKING:
    from services.safety import backup as backup_service
    from services.safety.accounts import AccountInfo
    from services.safety.storage import Database
    from services.workspace import Workspace

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
    def lock(self) -> DatabaseLock | None:
        return self.ws.lock

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


def login(ws: Workspace, parent: QWidget | None, username: str, where: str) -> bool:
    """The login dialog (ui/safety/login_dialog.py), which logs the workspace in."""
    from ui.safety.login_dialog import login as ask

    return bool(ask(ws, parent, username, where))


def _tell(parent: QWidget | None, message: str, interactive: bool) -> None:
    print(f"错误：{message}", file=sys.stderr)
    if interactive:
        typed_text.critical(parent, TITLE, message)


READ_ONLY_BANNER = "只读：另一窗口正在编辑该数据库，现在只能查看，不能修改。"


def open_for_window(path: Path | Location, default_actor: str, parent: QWidget | None = None, *,
                    interactive: bool = True, username: str = "",
                    backups: Path | None = None,
                    on_locked: Callable[[Path | None], None] | None = None) -> SafeStart | int:
    """Lock, open (upgrading after a backup) into a Workspace, log in when needed, back up when data changed.

    Returns a SafeStart, or an exit code after telling the user why: 3 another copy holds the
    database, 2 network share or unreadable file, 1 login abandoned or refused. `on_locked` is called
    once the file's lock is settled, before the database is opened: with the path when this window
    holds a fresh lock (it may then show what the file holds meanwhile, ui/first_screen.py), with
    None otherwise (shared, or a lock left by a copy that stopped).
    """
    if isinstance(path, Location) and path.url is not None:
        from services.safety import backup as backup_service

        folder = backups or backup_service.default_backups_dir()
        return _open_server(path.url, default_actor, parent, interactive, username, folder)
    if isinstance(path, Location):
        path = path.path or Path()
    shared: str | None = None
    try:
        lock: DatabaseLock | None = acquire_lock(path)
    except LockFileError as exc:  # a read-only folder: a read-only database opens without the lock
        if not (path.exists() and not is_writable(path)):
            _tell(parent, exc.message, interactive)
            return exc.exit_code
        lock = None
    except DatabaseLockedError as exc:  # another window edits: this one opens for looking only
        if not path.exists():
            _tell(parent, exc.message, interactive)
            return exc.exit_code
        lock, shared = None, exc.message
    except DangxunError as exc:
        _tell(parent, exc.message, interactive)
        return exc.exit_code
    if on_locked is not None:
        ours = not shared and lock is not None and lock.stale_cleared is None
        try:
            on_locked(path if ours else None)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
    from services.safety import backup as backup_service
    from services.workspace import Workspace

    folder = backups or backup_service.default_backups_dir()
    if shared:
        return _open_shared(path, shared, default_actor, parent, interactive, username, folder)
    notes: list[str] = []
    stale = describe_stale(lock) if lock is not None else None
    if stale:
        notes.append(stale)
    try:
        db = _open_or_offer_restore(path, folder, default_actor, parent, interactive, bool(stale), notes)
    except DangxunError as exc:
        if lock is not None:
            lock.release()
        _tell(parent, exc.message, interactive)
        return exc.exit_code
    if db.upgraded_from is not None and db.backup_path:
        notes.append(f"数据库已从旧版本升级，升级前的副本：{db.backup_path}")
    if db.created:
        notes.append(f"已新建数据库：{path}")
    if db.read_only:
        notes.append(f"数据库文件 {path} 是只读的（没有写入权限）：可以查看，不能修改。")
    ws = Workspace(db, actor=default_actor, lock=lock, notes=tuple(notes), backup_dir=folder)
    if ws.needs_login():
        if not interactive:
            ws.close()
            _tell(parent, "此数据库已设账号，需要登录。", interactive)
            return 1
        if not login(ws, parent, username, str(path)):  # the dialog logs the workspace in
            ws.close()
            return 1
    start = SafeStart(ws)
    try:
        if not db.read_only:
            start.start_backup = backup_service.backup_on_start(db, ws.actor, folder)
    except DangxunError as exc:  # a failed backup must not keep the office from working
        notes.append(f"启动时的自动备份没有成功：{exc.message}")
    if start.start_backup and start.start_backup.second_error:
        notes.append(start.start_backup.second_error)
    start.notes = tuple(notes)
    for note in notes:
        print(note, file=sys.stderr)
    return start


def _logged_in(ws: Workspace, parent: QWidget | None, interactive: bool, username: str, where: str) -> bool:
    if not ws.needs_login():
        return True
    if not interactive:
        _tell(parent, "此数据库已设账号，需要登录。", interactive)
        return False
    return bool(login(ws, parent, username, where))


def _open_shared(path: Path, reason: str, actor: str, parent: QWidget | None, interactive: bool,
                 username: str, folder: Path) -> SafeStart | int:
    """A second window on a file another window edits: it shows everything and changes nothing."""
    from services.safety.storage import current_revisions, known_heads, open_database
    from services.workspace import Workspace

    try:
        db = open_database(path, backup_dir=folder, migrate=False)
    except DangxunError as exc:
        _tell(parent, exc.message, interactive)
        return exc.exit_code
    if current_revisions(db.engine) != known_heads():  # only the window that holds it may upgrade it
        db.dispose()
        _tell(parent, reason, interactive)
        return 3
    ws = Workspace(db, actor=actor, lock=None, notes=(READ_ONLY_BANNER,), backup_dir=folder)
    ws.shared_reason = reason
    if not _logged_in(ws, parent, interactive, username, str(path)):
        ws.close()
        return 1
    start = SafeStart(ws)
    start.notes = (READ_ONLY_BANNER,)
    print(READ_ONLY_BANNER, file=sys.stderr)
    return start


def _open_server(url: str, actor: str, parent: QWidget | None, interactive: bool, username: str,
                 folder: Path) -> SafeStart | int:
    """A server database: no lock (several clerks at once), no file backups (the server keeps its own)."""
    from services.workspace import Workspace

    while True:
        try:
            ws = Workspace.open_server(url, actor=actor, backup_dir=folder)
            break
        except DangxunError as exc:
            password = _ask_server_password(parent, exc.message) if interactive and "密码" in exc.message else None
            if password is None:
                _tell(parent, exc.message, interactive)
                return exc.exit_code
            os.environ["PGPASSWORD"] = password  # this process only, as libpq reads it; never saved
    if not _logged_in(ws, parent, interactive, username, ws.db.where):
        ws.close()
        return 1
    start = SafeStart(ws)
    start.notes = ws.notes
    return start


def _ask_server_password(parent: QWidget | None, why: str) -> str | None:
    """The server's password, asked when the server refused without one (None: the clerk gave up)."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(parent, TITLE, as_typed(why + "\n\n" + QCoreApplication.translate("startup", "服务器密码：")),
                                    QLineEdit.EchoMode.Password)
    return text if ok and text else None


def _open_or_offer_restore(path: Path, folder: Path, actor: str, parent: QWidget | None, interactive: bool,
                           verify: bool, notes: list[str]) -> Database:
    """Open the database; when it is damaged and a good backup exists, offer to restore it.

    The damaged file is copied aside (into the backups folder) before the restore, never deleted.
    Raises the damage refusal (naming the newest good backup) when the offer is declined.
    """
    from services.safety import backup as backup_service
    from services.safety import restore as restore_service
    from services.safety.storage import open_database

    try:
        return open_database(path, backup_dir=folder, verify=verify, daily=True)
    except DamagedDatabaseError as exc:
        damaged = backup_service.damage_with_backup(exc, folder)
    if not interactive or damaged.backup is None or not _ask_restore(parent, damaged):
        raise damaged
    result = restore_service.restore_over_damaged(path, damaged.backup, actor, folder)
    notes.append(f"已从备份 {damaged.backup.name} 恢复数据库；损坏的文件另存为 {result.damaged_copy}。")
    return open_database(path, backup_dir=folder)


def _ask_restore(parent: QWidget | None, damaged: DamagedDatabaseError) -> bool:
    text = QCoreApplication.translate(
        "safety_startup", "{0}\n\n现在从这个备份恢复吗？损坏的文件会先另存到备份文件夹，不会删除。").format(damaged.message)
    answer = typed_text.question(parent, TITLE, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


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
        from services.safety import backup as backup_service

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
