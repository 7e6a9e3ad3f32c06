"""Restore: check a backup, upgrade it if it is older, and swap it in with write-then-rename."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from models import ChangeLog
from services.errors import DangxunError, UnreadableFileError
from services.files.safe_write import copy_file
from services.safety import audit
from services.safety import recognise as recognition
from services.safety.backup import (
    BackupInfo,
    BackupResult,
    _checkpoint,
    backup_before,
    default_backups_dir,
    list_backups,
    member_count,
    read_backup_info,
)
from services.safety.storage import (
    Database,
    ensure_schema,
    integrity_check,
    open_database,
)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: BackupInfo | None
    upgraded_from: tuple[str, ...] | None
    members: int
    damaged_copy: Path | None = None



def _remove_sidecars(db_path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            db_path.with_name(db_path.name + suffix).unlink()


def _stage(source: Path, tmp: Path, actor: str, safety: BackupResult | None) -> tuple[int, tuple[str, ...] | None]:
    """Copy the backup to `tmp`, upgrade it, log the restore in it and check it."""
    src = recognition.connect_readonly(source)  # a path, never a URI: "备份#1" is a folder's name
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    staged = open_database(tmp, migrate=False)
    try:
        # The chosen backup itself is the pre-upgrade copy, so the upgrade's own copy is thrown away.
        with tempfile.TemporaryDirectory() as scratch:
            ensure_schema(staged, backup_dir=Path(scratch))
        upgraded = staged.upgraded_from
        with staged.session_factory.begin() as s:
            audit.record_event(s, actor, "restore", f"从备份 {source.name} 恢复数据库",
                               {"source": str(source), "upgraded_from": list(upgraded) if upgraded else None,
                                "safety_backup": str(safety.info.path) if safety else None})
            members = member_count(s)
    finally:
        staged.dispose()
    _checkpoint(tmp)
    problems = integrity_check(tmp)
    if problems:
        raise DangxunError(f"恢复后的数据库检查未通过（{'；'.join(problems[:3])}），原数据库未改动。")
    return members, upgraded


def restore_into_server(db: Database, source: Path, actor: str) -> RestoreResult:
    """Replace every row of a server database by a file snapshot, in one transaction on the server.

    The snapshot is staged (copied, upgraded, the restore logged in it) in a scratch folder first;
    a failure leaves the server database as it was.
    """
    from services.safety import copying

    check_backup_file(source)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch) / "staged.sqlite3"
        members, upgraded = _stage(source, tmp, actor, None)
        staged = open_database(tmp, migrate=False)
        try:
            copying.copy_rows(staged.engine, db.engine, where=db.where, replace=True)
        finally:
            staged.dispose()
    return RestoreResult(source, None, upgraded, members)


def check_backup_file(source: Path) -> None:
    """Refuse (exit 1) a backup that is missing, not our database, of a newer release or damaged.

    Reads only: nothing is written on either side.
    """
    if source.is_dir():
        raise UnreadableFileError(f"{source} 是一个文件夹，不是备份文件；恢复没有进行，当前数据库未改动。")
    if not source.is_file():
        raise UnreadableFileError(f"找不到备份文件 {source}，恢复没有进行，当前数据库未改动。")
    try:
        found = recognition.recognise(source)
    except recognition.DamagedDatabaseError as exc:
        raise DangxunError(f"备份文件 {source} 已损坏（{exc.detail}），不能恢复；当前数据库未改动。") from exc
    except DangxunError as exc:
        raise DangxunError(f"{exc.message}不能用它恢复；当前数据库未改动。") from exc
    if found.kind == recognition.NEW:
        raise DangxunError(f"{source} 是空的数据库文件，不是本程序的数据库备份；不能用它恢复，当前数据库未改动。")
    problems = integrity_check(source)
    if problems:
        raise DangxunError(f"备份文件 {source} 已损坏（{'；'.join(problems[:3])}），不能恢复；当前数据库未改动。")


def foreign_backup(source: Path, live: Path | None) -> str | None:
    """A sentence saying that `source` is a backup of another database than the file `live` (their logs began
    apart, and it was not taken of this very file), or None. A restore then replaces this database by that one."""
    if live is None or not live.is_file():
        return None
    theirs, ours = recognition.file_origin(source), recognition.file_origin(live)
    if theirs is None or ours is None or theirs == ours:
        return None
    info = read_backup_info(source)
    if info.database is not None and Path(info.database).resolve() == live.resolve():
        return None
    what = "，".join(([info.database] if info.database else [])
                     + ([f"{info.members}名党员"] if info.members is not None else []))
    return (f"备份 {source.name} 不是本数据库的备份，而是另一个数据库的{f'（{what}）' if what else ''}："
            "恢复会用那个数据库整个替换当前数据库。")


def _check_source(source: Path, live: Path) -> None:
    """Refuse a missing, foreign or damaged backup file before anything is touched."""
    check_backup_file(source)
    if live.exists() and source.resolve() == live.resolve():
        raise DangxunError("不能用数据库自身恢复")


def damaged_reason(path: Path) -> str | None:
    """Why our database file at `path` cannot be opened safely, or None when it is sound (or absent).

    Another program's file is not "damaged": it is refused elsewhere, never replaced by a restore.
    """
    try:
        recognition.recognise(path)
    except recognition.DamagedDatabaseError as exc:
        return exc.detail
    except DangxunError:
        return None
    if not path.exists() or path.stat().st_size == 0:
        return None
    problems = integrity_check(path)
    return "；".join(problems[:3]) if problems else None


def restore_over_damaged(db_path: Path, source: Path | str, actor: str,
                         folder: Path | None = None) -> RestoreResult:
    """Restore when the live database is itself damaged and cannot be opened.

    The damaged file is kept aside (`<stem>.damaged-YYYYMMDD-HHMMSS.sqlite3` in the backups folder)
    instead of being backed up through SQLite. The caller holds the one-writer lock.
    """
    source = Path(source)
    db_path = Path(db_path)
    _check_source(source, db_path)
    folder = folder or default_backups_dir()
    tmp = db_path.with_name(db_path.name + ".restoring")
    for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        if leftover.exists():
            leftover.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    aside = folder / f"{db_path.stem}.damaged-{dt.datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    try:
        members, upgraded = _stage(source, tmp, actor, None)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            if leftover.exists():
                leftover.unlink()
        raise
    if db_path.exists():
        copy_file(db_path, aside)
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists():
            copy_file(wal, aside.with_name(aside.name + "-wal"))
    _remove_sidecars(db_path)
    os.replace(tmp, db_path)
    _remove_sidecars(tmp)
    return RestoreResult(source, None, upgraded, members, damaged_copy=aside if aside.exists() else None)


def restore_backup(db: Database, source: Path | str, actor: str, folder: Path | None = None) -> RestoreResult:
    """Replace the live database by the backup `source`.

    Checks the backup, backs up the current database, works on a temporary copy beside the live
    file (upgraded when its schema is older), then swaps it in with an atomic rename. The caller
    must hold the one-writer lock and close its own sessions; `db` stays usable afterwards.
    """
    source = Path(source)
    if db.path is None:
        return restore_into_server(db, source, actor)
    if db.read_only:
        raise recognition.ReadOnlyDatabaseError(f"数据库文件 {db.path} 是只读的（没有写入权限），不能恢复；数据库未作改动。")
    _check_source(source, db.path)
    safety = backup_before(db, "restore", actor, folder)
    live = db.path
    tmp = live.with_name(live.name + ".restoring")
    for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        if leftover.exists():
            leftover.unlink()
    try:
        members, upgraded = _stage(source, tmp, actor, safety)
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            if leftover.exists():
                leftover.unlink()
        raise
    # Swap: no connection may stay open, and the old WAL must not be replayed onto the new file.
    db.engine.dispose()
    try:
        _checkpoint(live, timeout=2.0)
        _remove_sidecars(live)
        os.replace(tmp, live)
    except (OSError, sqlite3.Error) as exc:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise DangxunError(f"无法替换数据库文件（{exc}）：可能还有窗口或程序在使用它。请关闭其他窗口后再恢复；"
                           "当前数据库未改动。") from exc
    _remove_sidecars(tmp)
    return RestoreResult(source, safety.info if safety else None, upgraded, members)


# ---------------------------------------------------------------- log tail against the newest backup

def log_tail_problems(db: Database, folder: Path | None = None) -> list[str]:
    """Compare the log with the newest backup made since the last restore.

    The hash chain cannot notice entries cut off at the end of the log; the newest backup can:
    its last log entry must still be in the database with the same hash.
    """
    if db.path is None:
        return []
    with db.session_factory() as s:
        last_restore = s.scalar(select(func.max(ChangeLog.at)).where(ChangeLog.action == "restore"))
        candidates = [b for b in list_backups(folder, db.path)
                      if last_restore is None or b.created > last_restore]
        if not candidates:
            return []
        newest = candidates[0]
        try:
            conn = recognition.connect_readonly(newest.path)
            try:
                row = conn.execute("SELECT id, entry_hash FROM change_log ORDER BY id DESC LIMIT 1").fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return []
        if row is None:
            return []
        entry = s.get(ChangeLog, row[0])
        if entry is None:
            return [f"备份 {newest.path.name}（{newest.created:%Y-%m-%d %H:%M:%S}）中的日志第{row[0]}条在当前数据库中"
                    "已不存在：日志末尾可能在程序之外被删除。"]
        if entry.entry_hash != row[1]:
            return [f"日志第{row[0]}条与备份 {newest.path.name}（{newest.created:%Y-%m-%d %H:%M:%S}）中的不同："
                    "该条或它之前的日志可能在程序之外被改动。"]
    return []
