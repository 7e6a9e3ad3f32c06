"""`copy-db`: the whole database from one place to another — file → server, server → file, file → file.

Every table is copied row for row in one transaction on the target (roll, activities, sessions,
attendance, adjustments, certificates, grades, spending, accounts, settings, the audit log with
its chain), after the target's schema is brought to this release; the target's id sequences are
moved past the copied ids. The target must be new or empty: a copy never merges into data. The
same copy, in replace mode, restores a server database from a file snapshot.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, String, delete, func, insert, or_, select, text

import models  # noqa: F401  (every table on the metadata)
from models.base import Base
from services import watch
from services.errors import ConflictError
from services.progress import Progress, tick
from services.safety import server

CHUNK = 5000


@dataclass(frozen=True)
class CopyResult:
    target: str
    tables: int
    rows: int
    members: int


# Worked out from the data and kept beside it (services/assessment/kept_figures.py): not copied, and
# emptied in the target, whose data they would not describe.
DERIVED_TABLES = ("figures_cache",)


def _tables() -> list[Any]:
    return [t for t in Base.metadata.sorted_tables if t.name != "alembic_version" and t.name not in DERIVED_TABLES]


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in _tables()}


def holds_data(engine: Engine) -> bool:
    """Whether the database holds anything a clerk entered (what migrations seed does not count)."""
    seeded = {"plan_period", "plan_target", "activity_type", "setting", "change_log"}
    counts = row_counts(engine)
    return any(n for name, n in counts.items() if name not in seeded) or counts.get("change_log", 0) > 0


def refuse_overlong_text(source: Engine, where: str) -> None:
    """A server holds no more text than a column's length (VARCHAR(n)); a file written before that rule was
    kept on both (services/safety/storage.py) may hold longer: said before anything is copied, naming it."""
    with source.connect() as conn:
        for table in _tables():
            limited = [c for c in table.columns if isinstance(c.type, String) and c.type.length]
            if not limited:
                continue
            key = list(table.primary_key.columns)
            row = conn.execute(select(*key, *limited).where(or_(*(func.length(c) > c.type.length for c in limited)))
                               .limit(1)).first()
            if row is None:
                continue
            for column, value in zip(limited, row[len(key):]):
                if isinstance(value, str) and len(value) > column.type.length:
                    shown = value if len(value) <= 20 else value[:20] + "……"
                    raise ConflictError(
                        f"无法复制到 {where}：表 {table.name} 中编号为{row[0]}的记录，{column.name} 超过"
                        f"{column.type.length}个字符（“{shown}”），服务器不能保存。请先在程序中把它改短再复制；"
                        "没有作任何改动。")


def copy_rows(source: Engine, target: Engine, *, where: str, replace: bool = False,
              progress: Progress | None = None, cancel: threading.Event | None = None) -> CopyResult:
    """Copy every row of `source` into `target` (same schema), in one transaction on the target.

    Without `replace` a target that holds data is refused; with it, the target's rows are deleted
    first (inside the same transaction, so a failed copy leaves the target as it was).
    """
    if not replace and holds_data(target):
        raise ConflictError(f"目标数据库 {where} 里已有数据：复制只能写入新的或空的数据库，没有作任何改动。")
    if target.dialect.name == "postgresql":
        refuse_overlong_text(source, where)
    tables = _tables()
    copied = 0
    total = sum(row_counts(source).values()) or 1
    with source.connect() as src, target.begin() as dst:
        if dst.dialect.name == "sqlite":
            dst.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in reversed(tables):
            dst.execute(delete(table))
        for name in DERIVED_TABLES:
            dst.execute(delete(Base.metadata.tables[name]))
        for table in tables:
            order = [c for c in table.primary_key.columns] or list(table.columns)
            result = src.execution_options(stream_results=True, yield_per=CHUNK).execute(
                select(table).order_by(*order))
            for chunk in result.mappings().partitions(CHUNK):
                tick(cancel)
                dst.execute(insert(table), [dict(row) for row in chunk])
                copied += len(chunk)
                if progress is not None:
                    progress(min(99, copied * 100 // total), f"正在复制 {table.name}……")
        server.sync_sequences(dst)
        members = int(dst.scalar(select(func.count()).select_from(Base.metadata.tables["member"])) or 0)
        if dst.dialect.name == "postgresql":  # a restore replaced everything: the clerks' windows look again
            sql, params = watch.notify_sql(watch.new_instance(), set(watch.EVERYTHING))
            dst.execute(text(sql), params)
    return CopyResult(where, len(tables), copied, members)


def _new_file(target: Path) -> Any:
    """The new SQLite file to copy into; one that cannot be made there is said naming it, not the source."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    from services.files.safe_write import FileWriteError, reason_of
    from services.safety.storage import open_database

    files = [target, *(target.with_name(target.name + s) for s in ("-wal", "-shm", "-journal"))]
    there = {f for f in files if f.exists()}
    try:
        return open_database(target, create_folder=False)
    except (OSError, SQLAlchemyError, sqlite3.Error) as exc:
        why = reason_of(exc) if isinstance(exc, OSError) else "无法在该位置建立文件（没有写入权限，或路径不可用）"
        for leftover in files:  # what the failed opening left, never a file that was there
            if leftover not in there and leftover.is_file():
                leftover.unlink(missing_ok=True)
        raise FileWriteError(f"无法新建数据库文件 {target}：{why}。没有作任何改动。") from exc


def copy_database(source: Any, target: str | Path, *, progress: Progress | None = None,
                  cancel: threading.Event | None = None) -> CopyResult:
    """Copy the open database `source` (storage.Database) to `target`: a new SQLite file or an empty server database."""
    from services.safety.storage import open_database, stamp_database

    if not isinstance(target, str) or not server.is_server(target):
        path = Path(target).expanduser()
        if path.exists() and path.stat().st_size > 0:
            raise ConflictError(f"目标文件 {path} 已存在：复制只写入新文件，没有作任何改动。请换一个文件名。")
        if source.path is not None and path.resolve() == Path(source.path).resolve():
            raise ConflictError("目标就是当前数据库本身，没有作任何改动。")
        target = path
    made = open_database(target) if isinstance(target, str) else _new_file(target)
    try:
        where = made.where
        result = copy_rows(source.engine, made.engine, where=where, progress=progress, cancel=cancel)
        stamp_database(made.engine)
    except BaseException:
        made.dispose()
        if isinstance(target, Path) and made.created:
            for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
                leftover.unlink(missing_ok=True)
        raise
    made.dispose()
    return result
