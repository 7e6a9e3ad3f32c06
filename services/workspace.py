"""The one door every operation passes: open the database, take the lock, log in, unit of work.

`Workspace.open(path)` opens (creating or upgrading) the database and takes the one-writer lock;
`login` checks an account. Every read is `with ws.read() as session:` and every write

    with ws.write("import-records", needs=EDITOR, backup=True) as uow:
        records_import.apply(uow.session, ...)

which checks the role, takes the backup, hands out one transaction, writes the audit entry,
commits or rolls back, turns database errors into Chinese domain errors, and announces what
changed to every listener (the window's tabs) once the commit is done.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from services import access, changes, watch
from services.access import ADMIN, EDITOR, VIEWER
from services.errors import (
    DangxunError,
    DatabaseLockedError,
    PermissionDeniedError,
    UnreadableFileError,
)
from services.safety import accounts as account_service
from services.safety import audit, server
from services.safety import backup as backup_service
from services.safety.location import Location
from services.safety.lock import DatabaseLock, LockFileError, acquire_lock, describe_stale
from services.safety.recognise import DamagedDatabaseError, ReadOnlyDatabaseError, is_writable
from services.safety.storage import Database, current_revisions, known_heads, open_database

__all__ = ["ADMIN", "EDITOR", "VIEWER", "UnitOfWork", "Workspace", "WriteConflictError", "translate_db_error"]

log = logging.getLogger(__name__)
Listener = Callable[[changes.Changes], None]

# What each role may not do, in the words of a refusal: "当前账号（查阅）无权{what}".
WHAT = {EDITOR: "修改数据", ADMIN: "进行此项管理操作", VIEWER: "查看数据"}


class WriteConflictError(DangxunError):
    """A write that collided with another clerk's (a duplicate key, a deadlock): nothing was written.

    An import may plan again and retry: the other write is committed by then.
    """

    exit_code = 1


# What a server's driver says when the connection is lost or the server cannot be reached (psycopg, libpq).
CONNECTION_LOST = ("terminating connection", "server closed the connection", "connection refused",
                   "could not connect", "connection failed", "connection is closed", "connection is lost",
                   "the database system is shutting down", "the database system is starting up",
                   "consuming input failed", "no route to host", "timeout expired")


# What a unique key of each table says is already there, when a write meets it (two clerks saving the same
# thing at once: the program's own check before the write saw neither).
_UNIQUE_MEANS = {
    "account": "同名的账号", "activity_type": "同名的培训类别", "branch": "同名的党支部",
    "plan_period": "同名的规划期", "study_plan": "该年度的学习计划", "target_rule": "该年度的学时目标",
    "branch_assessment": "该党支部这一年度的考核", "member": "身份证号码相同的党员", "plan_target": "该规划的目标",
    "target_excluded_type": "该年度的这一不计入类别", "activity_session": "同一序号的课次", "certificate": "同一编号的证书",
    "enrolment": "该党员的报名", "evaluation_grade": "该党员这一年度的评议等次", "exam_score": "该党员的考试成绩",
    "exemption": "该党员这一年度的免训", "material_issue": "同日发给该党员的这份资料", "attendance": "该党员这一课次的考勤",
    "survey_question": "同一题号的题目", "survey_response": "同一序号的答卷", "survey_answer": "该答卷这一题的答案",
}


def _duplicate_of(text: str) -> str | None:
    """What a unique-key violation says is already there: SQLite names "table.column", PostgreSQL the key uq_table_…."""
    found = re.search(r"unique constraint failed: (\w+)\.", text) or re.search(r'unique constraint "uq_(\w+)"', text)
    if not found:
        return None
    name = found.group(1)
    table = max((t for t in _UNIQUE_MEANS if name == t or name.startswith(t + "_")), key=len, default=None)
    return _UNIQUE_MEANS.get(table) if table else None


def translate_db_error(exc: BaseException, path: Path | str | None = None) -> DangxunError:
    """A database error as a Chinese domain error a clerk can act on (a damaged file: exit code 2).

    With `path` the message names the database file.
    """
    text = str(getattr(exc, "orig", exc) or exc).lower()
    name = f"数据库 {path} " if path else "数据库"
    if isinstance(exc, IntegrityError):
        what = _duplicate_of(text)
        if what:
            return WriteConflictError(f"保存没有成功：{what}已经存在（可能是另一位同事刚刚保存的），数据库未作改动。"
                                      "请刷新（F5）后再看。")
        return WriteConflictError("保存没有成功：数据与已有记录冲突（重复或被其他记录引用），数据库未作改动。")
    if "deadlock detected" in text or "could not serialize" in text:
        return WriteConflictError("保存没有成功：另一位同事正在同时修改相同的数据，数据库未作改动。请稍后再试。")
    if any(words in text for words in CONNECTION_LOST):
        return DangxunError("与数据库服务器的连接中断了（服务器重启、网络故障或连接被断开），这次操作没有完成，数据库未作改动。"
                            "请稍后再试一次：程序会重新连接。")
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(f"{name}正被另一个程序写入，请稍后再试；数据库未作改动。")
    if "readonly" in text or "read-only" in text or "read only" in text:
        where = f"数据库文件 {path} " if path else "数据库文件"
        return ReadOnlyDatabaseError(f"{where}是只读的（没有写入权限），无法保存；数据库未作改动。")
    if "disk" in text and ("full" in text or "i/o" in text) or "no space" in text:
        return DangxunError(f"磁盘已满或无法写入，保存没有成功；{name}未作改动。请腾出磁盘空间后再试。")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DamagedDatabaseError(Path(path) if path else Path("数据库"), "数据页已损坏")
    if isinstance(exc, OperationalError | DBAPIError):
        return DangxunError(f"{name}操作没有成功，数据库未作改动（{type(getattr(exc, 'orig', exc)).__name__}）。")
    return DangxunError(f"{name}操作没有成功，数据库未作改动。")


@dataclass
class UnitOfWork:
    """One write: its session (one transaction), who acts, and what it changed."""

    session: Session
    actor: str
    role: str | None
    action: str
    changes: changes.Changes
    events: list[tuple[str, str, dict[str, Any] | None]] = field(default_factory=list)

    def note(self, kind: str, ids: Any = ()) -> None:
        """Say that `kind` records changed (for Core writes the ORM does not see)."""
        self.changes.add(kind, ids)

    def log(self, summary: str, details: dict[str, Any] | None = None, action: str | None = None) -> None:
        """An audit entry for the operation as a whole (written inside the same transaction)."""
        audit.record_event(self.session, self.actor, action or self.action, summary, details)
        self.changes.add("change_log")


class Workspace:
    """An open database with its lock and the logged-in account (see the module docstring)."""

    def __init__(self, db: Database, *, actor: str, lock: DatabaseLock | None = None,
                 notes: tuple[str, ...] = (), backup_dir: Path | None = None) -> None:
        self.db = db
        self.lock = lock
        self.account: account_service.AccountInfo | None = None
        self.actor = actor
        self.notes = notes
        self.backup_dir = backup_dir
        self._listeners: list[Listener] = []
        self._watcher: watch.Watcher | None = None
        self.instance = watch.new_instance()
        self.shared_reason: str | None = None  # set: another process holds the file's lock
        self._figures_table: bool | None = None  # whether the database has figures_cache (asked once)

    # ------------------------------------------------------------------ opening and login
    @classmethod
    def open(cls, path: Path | str | Location, *, actor: str, backup_dir: Path | None = None,
             take_lock: bool = True, create_folder: bool = False, allow_shared: bool = True) -> Workspace:
        """Take the one-writer lock, then open (creating, or upgrading after a backup copy).

        The file is recognised before anything is written (another program's database, a newer
        schema, a damaged file are refused; a damaged one naming its newest good backup). After an
        unclean shutdown (a stale lock) the file is also quick-checked. A new database is made only
        in a folder that exists (unless `create_folder`); a file that may not be written opens read-only.

        A server (a Location with a URL, or the URL itself) takes no lock: several clerks write at once.
        While another window or command holds a file's lock, the workspace opens for looking only
        (`shared_reason` says why): reads, and the audit entries of reads (exports, prints), work;
        a change of data is refused as a second writer (DatabaseLockedError, exit 3).
        """
        if isinstance(path, Location):
            if path.url is not None:
                return cls.open_server(path.url, actor=actor, backup_dir=backup_dir)
            path = path.path or Path()
        elif isinstance(path, str) and server.is_server(path):
            return cls.open_server(path, actor=actor, backup_dir=backup_dir)
        path = Path(path).expanduser()
        if not create_folder and not path.parent.is_dir():
            raise UnreadableFileError(f"文件夹 {path.parent} 不存在，没有新建数据库 {path}。请检查路径是否写错。")
        folder = backup_dir or backup_service.default_backups_dir()
        shared: str | None = None
        try:
            lock = cls._lock(path) if take_lock else None
        except DatabaseLockedError as exc:
            if not allow_shared or not path.exists():
                raise
            lock, shared = None, exc.message
        notes: list[str] = []
        try:
            stale = describe_stale(lock) if lock is not None else None
            if stale:
                notes.append(stale)
            try:
                if shared:  # another window writes: look without writing anything (no upgrade, no check day)
                    db = open_database(path, backup_dir=folder, create_folder=False, migrate=False)
                    if current_revisions(db.engine) != known_heads():
                        db.dispose()
                        raise DatabaseLockedError(shared)
                else:
                    db = open_database(path, backup_dir=folder, create_folder=create_folder, verify=bool(stale),
                                       daily=True)
            except DamagedDatabaseError as exc:
                raise backup_service.damage_with_backup(exc, folder) from exc
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if shared:
            notes.append("只读：另一窗口正在编辑该数据库，现在只能查看，不能修改。")
        if db.created:
            notes.append(f"已新建数据库：{path}")
        if db.read_only:
            notes.append(f"数据库文件 {path} 是只读的（没有写入权限）：可以查看，不能修改。")
        if db.upgraded_from is not None:
            notes.append(f"数据库已从旧版本升级，升级前的副本：{db.backup_path}")
        ws = cls(db, actor=actor, lock=lock, notes=tuple(notes), backup_dir=folder)
        ws.shared_reason = shared
        return ws

    @classmethod
    def open_server(cls, url: str, *, actor: str, backup_dir: Path | None = None) -> Workspace:
        """Open a server database (set up when empty, upgraded when older); no lock, no file backups."""
        db = open_database(url)
        notes = [f"已在数据库服务器上建立数据库：{db.where}"] if db.created else []
        if db.upgraded_from is not None and not db.created:
            notes.append("服务器上的数据库已升级到本版本的结构。")
        return cls(db, actor=actor, lock=None, notes=tuple(notes),
                   backup_dir=backup_dir or backup_service.default_backups_dir())

    @staticmethod
    def _lock(path: Path) -> DatabaseLock | None:
        """The one-writer lock; a read-only database whose folder takes no lock file is opened without one."""
        try:
            return acquire_lock(path)
        except LockFileError:
            if path.exists() and not is_writable(path):
                return None
            raise

    @classmethod
    def over(cls, db: Database, actor: str = "系统", role: str | None = None) -> Workspace:
        """A workspace over an already open database (tests, tools): no lock, no login."""
        ws = cls(db, actor=actor)
        if role is not None:
            ws.account = account_service.AccountInfo(0, actor, actor, role, True, 0, None, None, None)
        return ws

    def needs_login(self) -> bool:
        with self.db.session_factory() as session:
            return account_service.has_accounts(session)

    def login(self, username: str, password: str) -> account_service.AccountInfo:
        """Check an account; a failure is counted (and committed) before it is refused.

        On a read-only database nothing can be counted: the check is made and rolled back.
        """
        if self.db.read_only:
            with self.db.session_factory() as session:
                outcome = account_service.authenticate(session, username, password)
                session.rollback()
        else:
            with self.db.session_factory.begin() as session:
                outcome = account_service.authenticate(session, username, password)
        if not outcome.ok:
            raise PermissionDeniedError(f"登录失败：{outcome.message}")
        assert outcome.account is not None
        self.account = outcome.account
        self.actor = outcome.account.username
        self._announce(changes.Changes({"change_log": set(), "account": set()}, "login"))
        return outcome.account

    def logout(self) -> None:
        self.account = None

    @property
    def role(self) -> str | None:
        """The account's role; None for a database without accounts (everything allowed)."""
        return self.account.role if self.account is not None else None

    @property
    def branch_ids(self) -> tuple[int, ...]:
        """A branch account's branches (its sessions see only them); empty: the whole bureau."""
        return self.account.branch_ids if self.account is not None else ()

    def can(self, needed: str) -> bool:
        if self.shared_reason and needed != VIEWER:
            return False
        return access.role_allows(self.role, needed)

    def require(self, needed: str, what: str | None = None) -> None:
        if self.shared_reason and needed != VIEWER:
            raise DatabaseLockedError(f"{self.shared_reason}（现在只能查看，{what or WHAT[needed]}没有进行）")
        access.require(self.role, needed, what or WHAT[needed])

    def require_snapshot(self, what: str) -> None:
        """A snapshot of the whole database (copy-db, backup of a server) carries every member's data:
        only an office 管理员 (no branch limits) may take one; on a file, as `backup` always allowed."""
        self.require(ADMIN, what)
        access.require_office(self.branch_ids, what, access.SNAPSHOT_REASON)

    @property
    def path(self) -> Path | None:
        return self.db.path

    # ------------------------------------------------------------------ reading and writing
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading, bound to the account (services mask personal data by its role)."""
        session = self.db.session_factory()
        access.bind(session, self.role, self.actor, self.branch_ids)
        try:
            yield session
        except SQLAlchemyError as exc:
            raise self._translate(exc) from exc
        finally:
            session.close()

    def backup_ahead(self, reason: str, needs: str = EDITOR) -> backup_service.BackupAhead | None:
        """Start the backup of a coming write now, in a thread, while the caller reads and checks.

        Hand the result to `write(backup=…)`, or `discard()` it when nothing is written. None where
        no backup would be taken (a server) or no write is allowed (read-only, shared, the role).
        """
        if self.db.is_server or self.db.read_only or not self.can(needs) or self.shared_reason:
            return None
        return backup_service.BackupAhead(self.db, reason, self.actor, self.backup_dir)

    @contextmanager
    def write(self, action: str, *, needs: str = EDITOR, backup: bool | str | backup_service.BackupAhead = False,
              what: str | None = None) -> Iterator[UnitOfWork]:
        """One unit of work: role check, backup, one transaction, audit, error translation, announce.

        `backup` True (or a sentence naming the reason) takes a backup before the write starts; a
        handle from `backup_ahead` is waited for. The backup is logged in the write's transaction and
        kept when it commits; a write that is refused, cancelled or fails leaves neither entry nor file.
        """
        if self.db.read_only:
            raise ReadOnlyDatabaseError(f"数据库文件 {self.db.path} 是只读的（没有写入权限），不能修改；数据库未作改动。")
        self.require(needs, what)
        taken: backup_service.BackupResult | None = None
        if isinstance(backup, backup_service.BackupAhead):
            taken, reason = backup.take()
        elif backup:
            reason = backup if isinstance(backup, str) else action
            taken = backup_service.backup_before(self.db, reason, self.actor, self.backup_dir, log=False)
        session = self.db.session_factory()
        access.bind(session, self.role, self.actor, self.branch_ids)
        collected = changes.track(session, action)
        uow = UnitOfWork(session, self.actor, self.role, action, collected)
        committed = False
        try:
            with session.begin():
                if taken is not None:  # logged with the write: a write that is refused or cancelled leaves no trace
                    backup_service.record_backup(session, self.actor, taken, reason)
                yield uow
                if self.has_figures_table():  # figures worked out before this write no longer hold
                    session.execute(text("DELETE FROM figures_cache"))
                if self.db.is_server:  # other clerks' windows hear of it once this commits
                    session.flush()
                    sql, params = watch.notify_sql(self.instance, set(collected.kinds) | {"change_log"})
                    session.execute(text(sql), params)
            committed = True
        except DangxunError:
            raise
        except SQLAlchemyError as exc:
            raise self._translate(exc) from exc
        finally:
            session.close()
            if taken is not None and not committed:
                backup_service.discard_backup(taken)  # the database is as the backup found it
        if taken is not None:
            backup_service.prune_after(self.db, taken, taken.info.path.parent)
        self._announce(collected)

    def keep(self, work: Callable[[Session], None]) -> bool:
        """Store what the program worked out and can always work out again (figures kept with the stamp
        of their data): no audit entry, backup or announcement, and any database error dropped.
        Only on a database file this workspace may write (a server's several writers cannot stamp
        their data cheaply; another window's lock or a read-only file keeps it unwritten), by an account
        that may write (`access.can_write`: a 查阅 account writes nothing, and reads what others kept).
        True: kept."""
        if (self.db.is_server or self.db.read_only or self.shared_reason or not access.can_write(self.role)
                or not self.has_figures_table()):
            return False
        session = self.db.session_factory()
        try:
            with session.begin():
                work(session)
        except SQLAlchemyError as exc:
            log.warning("figures not kept: %s", exc)
            return False
        finally:
            session.close()
        return True

    def has_figures_table(self) -> bool:
        """Whether the database has the figures cache (a database at an older schema, opened for
        looking or handed over by a test, or one whose derived table was dropped, may not: the
        figures are then worked out every time, and writes go on as before)."""
        if self._figures_table is None:
            from sqlalchemy import inspect

            with self.db.engine.connect() as conn:
                self._figures_table = inspect(conn).has_table("figures_cache")
        return self._figures_table

    def poll_others(self) -> bool:
        """Announce what other processes changed since the last poll (a window's timer calls this)."""
        if self._watcher is None:
            self._watcher = watch.Watcher(self.db.url, self.db.path, self.instance)
        kinds = self._watcher.poll()
        if kinds:
            self._announce(changes.Changes({k: set() for k in kinds}, "others"))
        return bool(kinds)

    @contextmanager
    def file_replaced(self) -> Iterator[None]:
        """Around a restore: the watch on other processes' writes lets go of the file (swapping it in needs it
        alone: `journal_mode=DELETE`), then looks at the new file at once, so that no later write is missed."""
        watcher = self._watcher
        if watcher is not None:
            watcher.close()
        try:
            yield
        finally:
            if watcher is not None:
                watcher.poll()  # opens on the file now in place: the point from which others' writes are told

    def _translate(self, exc: SQLAlchemyError) -> DangxunError:
        """A database error in Chinese; a damaged file names its newest good backup."""
        error = translate_db_error(exc, self.db.path)
        if isinstance(error, DamagedDatabaseError) and self.db.path is not None:
            return backup_service.damage_with_backup(
                DamagedDatabaseError(self.db.path, error.detail), self.backup_dir)
        return error

    # ------------------------------------------------------------------ change notification
    def subscribe(self, listener: Listener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def announce(self, kinds: dict[str, set[int]], action: str = "") -> None:
        """Tell every listener that `kinds` changed (for writes made outside `write`, e.g. restore)."""
        if self._watcher is not None:  # a restore replaces the file the watcher reads: look afresh
            self._watcher.close()
            self._watcher = None
        self._announce(changes.Changes({k: set(v) for k, v in kinds.items()}, action))

    def _announce(self, collected: changes.Changes) -> None:
        if not collected:
            return
        if self._watcher is not None and collected.action != "others":
            self._watcher.rebaseline()
        for listener in list(self._listeners):
            try:
                listener(collected)
            except Exception:  # a listener's fault must not undo a committed write
                log.exception("change listener failed")

    def close(self) -> None:
        self._listeners.clear()
        if self._watcher is not None:
            self._watcher.close()
        self.db.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None
