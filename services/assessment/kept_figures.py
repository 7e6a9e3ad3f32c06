"""A period's figures kept in the database with the stamp of the data they were worked out from.

`stats` of a period (the figures of `stats --json`, services/assessment/stats.py) is worked out once
and kept in the table `figures_cache`; a repeated `stats` of the same period, while the data are
unchanged, reads them back. "Unchanged" is the stamp, read in one statement before the figures are
worked out: the program's version, FIGURES_FORMAT, the change log's data version (its latest entry of
a data change: a login, backup, export or print leaves the figures as they were), and each source
table's row count and greatest id (rows added or removed behind the workspace's back). Every write
through the workspace also empties the table (Workspace.write), so an edit in place, which leaves
counts and ids as they were, is covered too. Only a database file keeps figures, and only for an
account that may write (Workspace.keep): a 查阅 account reads them and keeps none.

No SQLAlchemy import here: the command line answers a kept period straight from the file with plain
sqlite3 when opening it has nothing to do (recognise.ready_as_is), the way the window shows its
first screen. The statements are plain SQL, the same on a session and on a DB-API connection.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable
from typing import Any

from services.changes import NON_DATA_ACTIONS
from services.version import VERSION

# Bump when the definition of a figure changes (services/assessment/stats.py): figures kept under
# an older definition are then never read.
FIGURES_FORMAT = 1
KEPT_AT_MOST = 16

# What the figures are worked out from, and whether the table has an `id` column (for its greatest
# id); tests/services/assessment/test_kept_figures.py holds this to the models.
SOURCES: tuple[tuple[str, bool], ...] = (
    ("member", True), ("branch", True), ("activity_type", True), ("activity", True),
    ("activity_session", True), ("attendance", True), ("hours_adjustment", True), ("target_rule", True),
    ("target_excluded_type", True), ("exemption", True), ("plan_period", True), ("setting", False),
)

_READ = "SELECT stamp, figures FROM figures_cache WHERE key = :key"


def figures_key(date_from: dt.date, date_to: dt.date, branches: Iterable[int] | None) -> str:
    """The key of a period's figures as an account sees them: None for an office account (everything),
    else the ids of the branches it is limited to."""
    who = "*" if branches is None else ",".join(str(b) for b in sorted(branches))
    return f"stats|{date_from.isoformat()}|{date_to.isoformat()}|{who}"


@functools.lru_cache(maxsize=1)
def stamp_sql() -> str:
    """One SELECT of the stamp's numbers. Separate scalar subqueries: SQLite counts from the smallest
    index and finds max(id) at the end of the primary key; both in one subquery it would scan the table."""
    actions = ", ".join(f"'{a}'" for a in NON_DATA_ACTIONS)
    parts = [f"(SELECT max(id) FROM change_log WHERE action NOT IN ({actions}))"]
    for name, has_id in SOURCES:
        parts.append(f"(SELECT count(*) FROM {name})")
        if has_id:
            parts.append(f"(SELECT max(id) FROM {name})")
    return "SELECT " + ", ".join(parts)


def _stamp(numbers: Iterable[Any]) -> str:
    return "|".join([VERSION, str(FIGURES_FORMAT), *("" if v is None else str(v) for v in numbers)])


def _figures(row: Any, stamp: str) -> dict[str, Any] | None:
    if row is None or row[0] != stamp:
        return None
    try:
        figures = json.loads(row[1])
    except ValueError:
        return None
    return figures if isinstance(figures, dict) else None


# ---------------------------------------------------------------- on a session (any backend)


def figures_stamp(session: Any) -> str:
    """The stamp of the data as `session` sees them now."""
    from sqlalchemy import text

    return _stamp(session.execute(text(stamp_sql())).one())


def kept_figures(session: Any, key: str, stamp: str) -> dict[str, Any] | None:
    """The figures kept under `key` when their stamp is `stamp`; None otherwise (or unreadable)."""
    from sqlalchemy import text

    return _figures(session.execute(text(_READ), {"key": key}).first(), stamp)


def keep_figures(session: Any, key: str, stamp: str, figures: dict[str, Any]) -> None:
    """Keep `figures` under `key` and `stamp` (replacing what was there), at most KEPT_AT_MOST entries."""
    from sqlalchemy import DateTime, bindparam, text

    insert = text("INSERT INTO figures_cache (key, stamp, figures, made) VALUES (:key, :stamp, :figures, :made)")
    session.execute(text("DELETE FROM figures_cache WHERE key = :key"), {"key": key})
    session.execute(insert.bindparams(bindparam("made", type_=DateTime())),
                    {"key": key, "stamp": stamp, "figures": json.dumps(figures, ensure_ascii=False),
                     "made": dt.datetime.now()})
    old = [k for (k,) in session.execute(text("SELECT key FROM figures_cache ORDER BY made DESC, key"))][KEPT_AT_MOST:]
    for k in old:
        session.execute(text("DELETE FROM figures_cache WHERE key = :key"), {"key": k})


# ---------------------------------------------------------------- straight from a file (sqlite3)


def kept_figures_in_file(conn: Any, date_from: dt.date, date_to: dt.date) -> dict[str, Any] | None:
    """The kept figures of [date_from, date_to] for an office without accounts, read on a DB-API
    connection to a file that opens as is (recognise.ready_as_is); None when there are none that hold."""
    conn.execute("BEGIN")  # the stamp and the figures from one snapshot
    try:
        stamp = _stamp(conn.execute(stamp_sql()).fetchone())
        row = conn.execute(_READ.replace(":key", "?"), (figures_key(date_from, date_to, None),)).fetchone()
    finally:
        conn.execute("ROLLBACK")
    return _figures(row, stamp)
