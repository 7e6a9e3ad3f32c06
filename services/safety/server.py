"""The database server side of storage (PostgreSQL and servers that speak its protocol).

A server database is named by a URL `postgresql+psycopg://USER[:PASSWORD]@HOST[:PORT]/DBNAME`; the
server's password follows libpq (in the URL, `PGPASSWORD`, or `~/.pgpass`). An empty database is
set up on first open; one holding another program's tables is refused. Several program instances
write at once: the server keeps them apart, and the few things that must be one sequence (the
audit chain, certificate numbers, the first set-up) are serialised with advisory locks.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from services.errors import DangxunError
from services.safety import recognise as recognition
from services.safety.location import LocationError, masked

SETUP_LOCK = 0x44584A59  # the same number as SQLite's application_id: "DXJY"


def is_server(url: str | None) -> bool:
    """Whether `url` names a server database (postgresql://, postgresql+psycopg://, postgres://)."""
    return bool(url) and re.match(r"^postgres(?:ql)?(?:\+\w+)?://", str(url), re.I) is not None


def lock_key(name: str) -> int:
    """A stable 32-bit advisory-lock key for `name` (so every instance uses the same one)."""
    return zlib.crc32(f"dangxun:{name}".encode())


def serialise(session: Session, name: str) -> None:
    """Wait until no other transaction holds `name`, and hold it until this transaction ends.

    On SQLite, writes are serialised by the database itself, so this does nothing there.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(name)})


def make_engine(url: str) -> Engine:
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=3, max_overflow=5,
                         connect_args={"connect_timeout": 5, "application_name": "dangxun"})


def connect_error(url: str, exc: BaseException) -> DangxunError:
    """A failed connection in Chinese: wrong password, no such database, server not answering."""
    detail = str(getattr(exc, "orig", exc) or exc)
    low = detail.lower()
    where = masked(url)
    if "password authentication failed" in low or "no password supplied" in low:
        return LocationError(f"数据库服务器拒绝了登录（{where}）：服务器账号或密码不对。服务器密码可写在地址中、"
                             "环境变量 PGPASSWORD 或 ~/.pgpass 文件里。")
    if "does not exist" in low and "database" in low:
        return LocationError(f"数据库服务器上没有这个数据库（{where}）：请服务器管理员先建立一个空数据库。")
    if "role" in low and "does not exist" in low:
        return LocationError(f"数据库服务器上没有这个服务器账号（{where}）。")
    if "permission denied" in low:
        return LocationError(f"服务器账号没有使用该数据库的权限（{where}）：{detail.strip()}")
    return LocationError(f"无法连接数据库服务器（{where}）：{detail.strip().splitlines()[0] if detail.strip() else '连接失败'}。")


def check_connection(engine: Engine, url: str) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise connect_error(url, exc) from exc


def recognise(engine: Engine, url: str) -> recognition.Recognition:
    """What the server database holds: nothing (NEW), ours, or refused (another program's, newer)."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        revisions = frozenset(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))) \
            if "alembic_version" in tables else frozenset()
    if not tables:
        return recognition.Recognition(recognition.NEW)
    where = masked(url)
    if revisions and tables >= recognition.CORE_TABLES:
        if not revisions <= recognition.all_revisions():
            raise recognition.NewerDatabaseError(
                f"服务器数据库 {where} 由更新版本的本程序建立（结构版本 {'、'.join(sorted(revisions))}），请升级程序后再连接。")
        return recognition.Recognition(recognition.OURS, revisions=revisions)
    raise recognition.ForeignDatabaseError(
        f"服务器数据库 {where} 不是本程序的数据库（已有表 {'、'.join(sorted(tables)[:5])}）：请换一个空数据库。")


def sync_sequences(conn: Any) -> None:
    """Move every id sequence past the ids in its table (rows inserted with explicit ids leave them behind)."""
    if conn.dialect.name != "postgresql":
        return
    rows = conn.execute(text(
        "SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(c.relname, a.attname) AS seq "
        "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped "
        "AND pg_get_serial_sequence(c.relname, a.attname) IS NOT NULL")).all()
    for table, column, sequence in rows:
        conn.execute(text(
            f'SELECT setval(:seq, COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)'),
            {"seq": sequence})


def insert_if_absent(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike: True when this row went in.

    On a server a concurrent insert of the same key waits for the other transaction: when that one
    commits, this one inserts nothing (and sees the other's row in its next statement).
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect_insert: Any = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    key = list(table.primary_key.columns)[0]
    stmt = dialect_insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return session.execute(stmt).first() is not None
