"""The one module that opens the database: a SQLite file (engine, PRAGMAs, file copies) or a server
(services/safety/server.py), and brings its schema up to date with the migrations.

Everything else speaks SQLAlchemy, so that the same services run on both.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, String, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper, Session, sessionmaker

from services.errors import DangxunError, UnreadableFileError, ValidationError
from services.files.safe_write import reason_of, safe_target
from services.paths import migrations_dir
from services.safety import recognise as recognition
from services.safety import server


@dataclass
class Database:
    """An open database: its engine and the factory of sessions every caller frames itself."""

    url: str
    path: Path | None
    engine: Engine
    session_factory: sessionmaker[Session]
    upgraded_from: tuple[str, ...] | None = None
    backup_path: Path | None = None
    read_only: bool = False  # the file may not be written (permissions, a read-only disk, an immutable flag)
    created: bool = False  # a new database was made by this open

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def is_server(self) -> bool:
        """A server database (PostgreSQL): several writers at once, no file to copy or lock."""
        return self.path is None

    @property
    def where(self) -> str:
        """The file path, or the server URL with its password hidden: for messages."""
        return str(self.path) if self.path is not None else server.masked(self.url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """The sessions of a database, file or server alike: text longer than its column is refused at flush."""
    made = sessionmaker(engine, expire_on_commit=False)
    event.listen(made, "before_flush", _refuse_overlong_text)
    return made


_LIMITS: dict[Mapper[Any], tuple[tuple[str, int], ...]] = {}


def _limits(mapper: Mapper[Any]) -> tuple[tuple[str, int], ...]:
    """(attribute, length) of the mapper's columns of limited length."""
    known = _LIMITS.get(mapper)
    if known is None:
        known = _LIMITS[mapper] = tuple(
            (mapper.get_property_by_column(c).key, c.type.length) for c in mapper.columns
            if isinstance(c.type, String) and c.type.length)
    return known


def _refuse_overlong_text(session: Session, _context: Any, _instances: Any) -> None:
    """One rule on both backends: a server refuses text longer than its column (VARCHAR(n)) with a
    driver error, a SQLite file would keep it (and a later copy-db to a server would fail on it)."""
    for obj in (*session.new, *session.dirty):
        for key, limit in _limits(inspect(obj).mapper):
            value = getattr(obj, key, None)
            if isinstance(value, str) and len(value) > limit:
                shown = value if len(value) <= 20 else value[:20] + "……"
                raise ValidationError(f"内容过长（超过{limit}个字符）：“{shown}”；没有保存，请改短后再试", key)


PAGE_CACHE_KB = 65536


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    # Up to 64 MB of page cache (SQLite's default is 2 MB): a large import updates indexes all over the
    # file, and with a small cache it writes the same pages to the WAL again and again. Taken only as used.
    cur.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")
    cur.close()


def _readonly_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    # The URL is built, not parsed: a folder named "旧?库" or "50%20满" is a path, not a query or an escape.
    if not read_only:
        engine = create_engine(URL.create("sqlite", database=str(path)), future=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Read-only: SQLite may not write anything, not even the WAL index; with no WAL to replay the
    # file is opened immutable, so that a read-only folder or an immutable flag does not stop reading.
    wal = path.with_name(path.name + "-wal")
    query = {"mode": "ro", "uri": "true"}
    if not (wal.exists() and wal.stat().st_size > 0):
        query["immutable"] = "1"
    # as_uri() escapes what SQLite's URI would read as a query, a fragment or an escape (?, #, %).
    engine = create_engine(URL.create("sqlite", database=Path(path).resolve().as_uri(), query=query), future=True)
    event.listen(engine, "connect", _readonly_pragmas)
    return engine


def open_database(path: Path | str, *, migrate: bool = True, backup_dir: Path | None = None,
                  create_folder: bool = True, verify: bool = False, daily: bool = False) -> Database:
    """Open (creating if needed) the SQLite database at `path` and bring its schema up to date.

    A server URL (`postgresql+psycopg://…`) opens the server database instead (`open_server`).

    The file is recognised first (recognise.recognise: header, application_id, schema; with `verify`
    also `PRAGMA quick_check`): another program's database, a file that is not a database, a newer
    schema or a damaged file is refused before anything is written. A file that may not be written
    opens read-only. An existing database whose schema is older is first copied aside (SQLite
    backup API) into `backup_dir` (default: beside the file), then upgraded. With `create_folder`
    False a missing folder is refused instead of made. With `daily`, `PRAGMA quick_check` runs
    at most once a day (see `daily_check`).
    """
    if isinstance(path, str) and server.is_server(path):
        return open_server(path, migrate=migrate)
    path = Path(path).expanduser()
    if create_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UnreadableFileError(f"无法创建数据库所在文件夹 {path.parent}：{reason_of(exc)}。") from exc
    elif not path.parent.is_dir():
        raise UnreadableFileError(f"文件夹 {path.parent} 不存在，没有新建数据库 {path}。请检查路径是否写错。")
    found = recognition.recognise(path, deep=verify)
    read_only = path.exists() and not recognition.is_writable(path)
    if found.kind == recognition.NEW and read_only:
        raise UnreadableFileError(f"数据库文件 {path} 是空的，而且是只读的（没有写入权限），无法建立数据库。")
    created = not path.exists() or path.stat().st_size == 0
    engine = make_engine(path, read_only=read_only)
    db = Database(url=str(engine.url), path=path, engine=engine,
                  session_factory=session_factory(engine), read_only=read_only,
                  created=created)
    try:
        if migrate:
            ensure_schema(db, backup_dir=backup_dir)
        if daily and migrate:
            problems = daily_check(db, checked_now=verify)
            if problems:
                raise recognition.DamagedDatabaseError(path, "；".join(problems[:3]))
    except BaseException:
        engine.dispose()
        raise
    return db


def open_server(url: str, *, migrate: bool = True) -> Database:
    """Open a server database: connect, recognise, set up an empty one or upgrade an older one.

    Several instances may open it at once; the set-up and upgrades are serialised by an advisory lock.
    """
    engine = server.make_engine(url)
    server.check_connection(engine, url)
    try:
        found = server.recognise(engine, url)
        db = Database(url=url, path=None, engine=engine, session_factory=session_factory(engine),
                      created=found.kind == recognition.NEW)
        if migrate:
            with engine.connect() as guard:
                guard.execute(text("SELECT pg_advisory_lock(:k)"), {"k": server.SETUP_LOCK})
                guard.commit()
                try:
                    ensure_schema(db)
                finally:
                    guard.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": server.SETUP_LOCK})
                    guard.commit()
    except BaseException:
        engine.dispose()
        raise
    return db


QUICK_CHECK_KEY = recognition.QUICK_CHECK_KEY


def daily_check(db: Database, today: dt.date | None = None, checked_now: bool = False) -> list[str]:
    """`PRAGMA quick_check` at most once a day (the day kept in the `setting` table); its problems, or [].

    A database made by this open, or just checked (`checked_now`), only records the day.
    """
    if db.read_only or db.path is None:
        return []
    day = (today or dt.date.today()).isoformat()
    try:
        with db.engine.connect() as conn:
            last = conn.exec_driver_sql("SELECT value FROM setting WHERE key = ?", (QUICK_CHECK_KEY,)).scalar()
            if last == day:
                return []
            if not (db.created or checked_now):
                rows = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check")]
                if rows != ["ok"]:
                    return rows
            conn.exec_driver_sql("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (QUICK_CHECK_KEY, day))
            conn.commit()
    except DBAPIError as exc:
        text_ = str(exc.orig).lower()
        if "malformed" in text_ or "not a database" in text_ or "corrupt" in text_:
            return ["数据页已损坏"]
        return []  # busy or the like: the check waits for another day
    return []


def stamp_database(engine: Engine) -> None:
    """Mark the database as ours (application_id) at this release's schema (user_version), if not yet.

    A server database is marked by its schema alone (alembic_version with our revisions).
    """
    if engine.dialect.name != "sqlite":
        return
    generation = recognition.schema_generation()
    with engine.connect() as conn:
        app_id = int(conn.exec_driver_sql("PRAGMA application_id").scalar() or 0) & 0xFFFFFFFF
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        if app_id == recognition.APPLICATION_ID and version == generation:
            return
        conn.exec_driver_sql(f"PRAGMA application_id={recognition.APPLICATION_ID}")
        conn.exec_driver_sql(f"PRAGMA user_version={generation}")
        conn.commit()


def known_heads() -> set[str]:
    """The head revisions of the migration scripts, read from the files (no Alembic import)."""
    return recognition.head_revisions()


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            has_table = conn.execute(
                text("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'")
            ).first() is not None
        else:
            has_table = inspect(conn).has_table("alembic_version")
        if not has_table:
            return set()
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def _has_user_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            return bool(inspect(conn).get_table_names())
        return conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ).first() is not None


def ensure_schema(db: Database, *, backup_dir: Path | None = None) -> None:
    """Create the schema of a new database, or upgrade an older one after a backup copy."""
    current = current_revisions(db.engine)
    heads = known_heads()
    if current == heads:
        if not db.read_only:
            stamp_database(db.engine)
        return
    if db.read_only:
        raise UnreadableFileError(f"数据库文件 {db.path} 来自旧版本，需要升级后才能使用，但它是只读的（没有写入权限）。"
                                  "请取得写入权限后再打开。")
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
    stamp_database(db.engine)


def _all_revisions() -> set[str]:
    return recognition.all_revisions()


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
        server.sync_sequences(conn)


def copy_database(engine: Engine, target: Path) -> Path:
    """Copy the live database to `target` with SQLite's online backup API (consistent under WAL).

    The copy is a single self-contained file (rollback journal, not WAL), written beside `target`
    and renamed into place only when complete.
    """
    target = Path(target)
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        with safe_target(target) as tmp:
            dst = sqlite3.connect(str(tmp))
            try:
                src.backup(dst)  # type: ignore[union-attr]
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
    finally:
        raw.close()
    return target


def integrity_check(path: Path, *, quick: bool = False) -> list[str]:
    """Run `PRAGMA integrity_check` on a database file; an empty list means it is sound.

    A file SQLite cannot read at all is one problem, not an exception. `quick`: `PRAGMA quick_check`
    (every page read and checked, indexes not matched against their tables).
    """
    return recognition.full_check(Path(path), quick=quick)
