"""Which database the tests run on: SQLite files (default) or a PostgreSQL server.

With `DANGXUN_TEST_SERVER` set to a server URL (its maintenance database, as
`tests/helpers/pg_cluster.py start` prints), every test database is a fresh database on that
server instead of a file: `db` fixtures get one made from a migrated template, command-line tests
an empty one (set up by the program itself on first open). Each is dropped after its test.
"""

from __future__ import annotations

import os
import uuid
from functools import cache

import pytest

SERVER = os.environ.get("DANGXUN_TEST_SERVER", "").strip()
TEMPLATE = "dangxun_test_template"

# Tests about SQLite files themselves (recognition, locks, file backups, damage, restore of a file).
sqlite_only = pytest.mark.skipif(bool(SERVER), reason="tests the SQLite file itself")
server_only = pytest.mark.skipif(not SERVER, reason="needs DANGXUN_TEST_SERVER (a PostgreSQL server)")


def location(db: object) -> str:
    """What `--db` names for the open test database `db`: its file, or its server URL."""
    return str(db.url if db.is_server else db.path)  # type: ignore[attr-defined]


def is_url(value: str) -> bool:
    return "://" in value


def on_server() -> bool:
    return bool(SERVER)


def _base() -> str:
    return SERVER.rsplit("/", 1)[0]


def url_of(name: str) -> str:
    return f"{_base()}/{name}"


@cache
def _admin():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(SERVER, isolation_level="AUTOCOMMIT", pool_size=1)


@cache
def _template() -> str:
    from sqlalchemy import text

    from services.safety.storage import open_database

    with _admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE}"'))
    db = open_database(url_of(TEMPLATE))
    db.dispose()
    return TEMPLATE


def new_database(migrated: bool = True) -> str:
    """A fresh server database's URL: migrated (from the template) or empty."""
    from sqlalchemy import text

    name = f"t_{uuid.uuid4().hex[:16]}"
    source = f' TEMPLATE "{_template()}"' if migrated else ""
    with _admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{source}'))
    return url_of(name)


def drop_database(url: str) -> None:
    from sqlalchemy import text

    name = url.rsplit("/", 1)[1]
    with _admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
