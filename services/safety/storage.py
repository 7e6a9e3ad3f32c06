"""The one module that knows the database is SQLite: engine, PRAGMAs, migrations, file copies.

Everything else speaks SQLAlchemy, so that a PostgreSQL URL is the only thing that changes later.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from services.errors import DangxunError, UnreadableFileError
from services.paths import migrations_dir


@dataclass
class Database:
    """An open database: its engine and the factory of sessions every caller frames itself."""

    url: str
    path: Path | None
    engine: Engine
    session_factory: sessionmaker[Session]
    upgraded_from: tuple[str, ...] | None = None
    backup_path: Path | None = None

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_database(path: Path | str, *, migrate: bool = True, backup_dir: Path | None = None) -> Database:
    """Open (creating if needed) the SQLite database at `path` and bring its schema up to date.

    An existing database whose schema is older is first copied aside (SQLite backup API) into
    `backup_dir` (default: beside the file), then upgraded.
    """
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DangxunError(f"无法创建数据库所在文件夹 {path.parent}：{exc}") from exc
    if path.exists() and path.is_dir():
        raise UnreadableFileError(f"{path} 是一个文件夹，不是数据库文件。")
    if path.exists() and path.stat().st_size > 0 and not _looks_like_sqlite(path):
        raise UnreadableFileError(f"{path} 不是本程序的数据库文件（也不是 SQLite 数据库）。")
    engine = make_engine(path)
    db = Database(url=str(engine.url), path=path, engine=engine,
                  session_factory=sessionmaker(engine, expire_on_commit=False))
    if migrate:
        ensure_schema(db, backup_dir=backup_dir)
    return db


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def known_heads() -> set[str]:
    """The head revisions of the migration scripts, read from the files (no Alembic import)."""
    revisions: dict[str, tuple[str, ...]] = {}
    for script in migrations_dir().joinpath("versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", source, re.M)
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", source, re.M)
        if not rev:
            continue
        parents = tuple(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1))) if down else ()
        revisions[rev.group(1)] = parents
    referenced = {p for parents in revisions.values() for p in parents}
    return set(revisions) - referenced


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        has_table = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if not has_table:
            return set()
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def _has_user_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ).first() is not None


def ensure_schema(db: Database, *, backup_dir: Path | None = None) -> None:
    """Create the schema of a new database, or upgrade an older one after a backup copy."""
    current = current_revisions(db.engine)
    heads = known_heads()
    if current == heads:
        return
    if current and not current <= _all_revisions():
        raise DangxunError(
            "该数据库由更新版本的本程序创建（结构版本 "
            + "、".join(sorted(current)) + "），请升级程序后再打开。"
        )
    if current or _has_user_tables(db.engine):
        if db.path is not None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            target_dir = backup_dir or db.path.parent
            target = target_dir / f"{db.path.stem}.before-upgrade-{stamp}{db.path.suffix}"
            copy_database(db.engine, target)
            db.backup_path = target
        db.upgraded_from = tuple(sorted(current))
    run_migrations(db.engine, "heads")


def _all_revisions() -> set[str]:
    found = set()
    for script in migrations_dir().joinpath("versions").glob("*.py"):
        m = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]",
                      script.read_text(encoding="utf-8"), re.M)
        if m:
            found.add(m.group(1))
    return found


def alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def run_migrations(engine: Engine, target: str = "heads") -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def copy_database(engine: Engine, target: Path) -> Path:
    """Copy the live database to `target` with SQLite's online backup API (consistent under WAL)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    if tmp.exists():
        tmp.unlink()
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)  # type: ignore[union-attr]
        finally:
            dst.close()
    finally:
        raw.close()
    tmp.replace(target)
    return target


def integrity_check(path: Path) -> list[str]:
    """Run `PRAGMA integrity_check` on a database file; an empty list means it is sound."""
    # Not read-only: after a crash SQLite must be able to recover the WAL before it can check.
    conn = sqlite3.connect(str(path))
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows
