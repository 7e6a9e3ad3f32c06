"""Many members made fast (Core), and SQLite's bind limit of old builds, for tests of lists that grow with the data.

`old_sqlite_limit(db)`: every connection of a SQLite test database binds at most 999 values in a
statement, as SQLite before 3.32 does (UOS 20's system SQLite 3.27; the venv's build allows 250 000).
A server needs nothing: psycopg refuses more than 65 535 values in a statement, fewer than 70 000.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Table, event, select
from sqlalchemy.orm import Session

from models import Branch, Member
from services.bulk import insert_rows

OLD_SQLITE_LIMIT = 999
MANY = 70_000  # more values than either backend binds in one statement

_KEYS = ("name", "id_number", "sex", "birth_date", "membership", "status", "branch_id", "name_initials",
         "surname_strokes", "sort_key")


def add_members(session: Session, count: int, *, prefix: str = "批") -> list[int]:
    """`count` members on the roll in one new branch (ID numbers are unique placeholders); their ids in order."""
    branch = Branch(name=f"{prefix}量党支部", sort_order=99)
    session.add(branch)
    session.flush()
    import datetime as dt

    birth = dt.date(1980, 1, 1)
    rows = [(f"{prefix}{i}", f"T{prefix}{i:016d}"[-18:], "男", birth, "正式党员", "在册", branch.id, "p", 1,
             f"{i:08d}") for i in range(count)]
    insert_rows(session.connection(), cast(Table, Member.__table__), _KEYS, rows)
    return list(session.scalars(select(Member.id).where(Member.branch_id == branch.id).order_by(Member.id)))


@contextmanager
def old_sqlite_limit(db: Any) -> Iterator[None]:
    """Inside: each connection checked out of a SQLite database's pool binds at most 999 values."""
    if db.is_server:
        yield
        return

    def limit(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_SQLITE_LIMIT)

    def unlimit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 250_000)

    event.listen(db.engine, "checkout", limit)
    event.listen(db.engine, "checkin", unlimit)
    try:
        yield
    finally:
        event.remove(db.engine, "checkout", limit)
        event.remove(db.engine, "checkin", unlimit)


def add_activities(session: Session, count: int) -> tuple[list[int], list[int]]:
    """`count` activities of one session each (专题党课, 2024); their ids and their sessions' ids, in order."""
    import datetime as dt

    from models import Activity, ActivitySession, ActivityType

    type_id = session.scalar(select(ActivityType.id).where(ActivityType.name == "专题党课"))
    day = dt.date(2024, 3, 1)
    now = dt.datetime(2024, 1, 1)
    insert_rows(session.connection(), cast(Table, Activity.__table__),
                ("title", "type_id", "start_date", "hours", "status", "completion_rule", "created_at"),
                [(f"党课{i}", type_id, day, 2.0, "计划", "all_sessions", now) for i in range(count)])
    acts = list(session.scalars(select(Activity.id).where(Activity.title.startswith("党课")).order_by(Activity.id)))
    insert_rows(session.connection(), cast(Table, ActivitySession.__table__), ("activity_id", "seq", "date", "hours"),
                [(a, 1, day, 2.0) for a in acts])
    sessions = dict(session.execute(select(ActivitySession.activity_id, ActivitySession.id)).all())
    return acts, [sessions[a] for a in acts]
