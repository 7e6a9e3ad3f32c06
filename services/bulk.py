"""Many rows into one table through the driver's executemany, portable across dialects.

The statement is SQLAlchemy's own `insert()`, compiled for the connection's dialect, and every
value goes through its column type's bind processor; only SQLAlchemy's per-row parameter handling
is skipped, which costs more than the insert itself on a large import (tests/benchmarks). Columns
left out take their server defaults; Python-side column defaults are not applied, so give every
column that has one.

Rows go in several to a statement (a multi-row VALUES, standard SQL): one statement run per
row costs SQLite more than the row itself (an import of 200 000 records, bench_records.py).

Python lists in a statement (`column.in_(ids)`) go in runs of at most IN_LIST_SIZE values (`chunked`):
each value of an IN list is a bound value, and a statement may bind at most 999 on SQLite before 3.32
(UOS 20's system SQLite is 3.27) and 65 535 through psycopg. One rule for every list whose length
follows the data (members, activities, rows of a file): a list that may pass a few hundred is chunked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, bindparam, insert

# A load of at least this many rows into a SQLite table holding fewer builds the table's secondary
# indexes once the rows are in (indexes_built_after).
REBUILD_AT_LEAST = 5000

# Bound values in one statement: SQLite before 3.32 allows 999.
MAX_BOUND_VALUES = 999
MAX_ROWS_PER_STATEMENT = 200
# Values of one IN list: with the statement's few other values, under SQLite's 999 (see the docstring).
IN_LIST_SIZE = 500

T = TypeVar("T")


def chunked(values: Iterable[T], size: int = IN_LIST_SIZE) -> Iterator[list[T]]:
    """`values` in runs of at most `size`, in order, for statements that bind them (`column.in_(run)`).

    Nothing is yielded for no values: a caller's loop then runs no query at all.
    """
    run: list[T] = []
    for value in values:
        run.append(value)
        if len(run) == size:
            yield run
            run = []
    if run:
        yield run


def insert_rows(connection: Connection, table: Table, keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT `rows` (each a sequence of values in the order of `keys`) through executemany."""
    if not rows:
        return
    dialect = connection.dialect
    keys = list(keys)
    width = len(keys)
    lengths = set(map(len, rows))
    if lengths != {width}:
        raise ValueError(f"rows of {sorted(lengths)} values for {width} columns")
    # The statement binds a row's values in the table's column order: the rows are put in that order
    # here, column by column, rather than each run of rows reordered value by value (_statement).
    position = {column.key: n for n, column in enumerate(table.c)}
    order = sorted(range(width), key=lambda i: position.get(keys[i], len(position) + i))
    keys = [keys[i] for i in order]
    # The dialect's own form of each type (SQLite's DATE and DATETIME are text it formats itself).
    processors = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys]
    if any(processors) or order != list(range(width)):
        # Column by column: one C-level map per converted column instead of a Python call per cell.
        given: list[Any] = list(zip(*rows, strict=True))
        columns: list[Any] = [given[i] for i in order]
        for i, proc in enumerate(processors):
            if proc is not None:
                columns[i] = map(proc, columns[i])
        rows = list(zip(*columns, strict=True))
    per = max(1, min(MAX_ROWS_PER_STATEMENT, MAX_BOUND_VALUES // max(1, width)))
    whole = len(rows) - len(rows) % per
    if whole:
        runs = [tuple(chain.from_iterable(rows[i:i + per])) for i in range(0, whole, per)]
        connection.exec_driver_sql(*_statement(connection, table, keys, per, runs))
    if whole < len(rows):
        connection.exec_driver_sql(*_statement(connection, table, keys, 1, [tuple(r) for r in rows[whole:]]))


# (dialect, table, keys, rows) → the statement's text and the order of its parameters (None: by name).
_COMPILED: dict[tuple[Any, ...], tuple[str, list[int] | None]] = {}


def _statement(connection: Connection, table: Table, keys: list[str], count: int,
               runs: list[tuple[Any, ...]]) -> tuple[str, list[Any]]:
    """The INSERT of `count` rows for the connection's dialect, and each run of `count` flattened rows
    as its parameters (value i of row j is bound as `v{j}_{i}`)."""
    cache_key = (connection.dialect, table, tuple(keys), count)
    known = _COMPILED.get(cache_key)
    if known is None:
        if len(_COMPILED) >= 64:  # engines come and go (tests): keep the cache small
            _COMPILED.clear()
        known = _COMPILED[cache_key] = _compile(connection, table, keys, count)
    sql, order = known
    if order is None:
        names = [f"v{j}_{i}" for j in range(count) for i in range(len(keys))]
        return sql, [dict(zip(names, run, strict=True)) for run in runs]
    if order == list(range(len(order))):
        return sql, runs
    return sql, [tuple(run[i] for i in order) for run in runs]


def _compile(connection: Connection, table: Table, keys: list[str], count: int) -> tuple[str, list[int] | None]:
    values: list[dict[str, Any]] = [{key: bindparam(f"v{j}_{i}") for i, key in enumerate(keys)}
                                    for j in range(count)]
    stmt = insert(table).values(values) if count > 1 else insert(table).values(values[0])
    compiled = stmt.compile(dialect=connection.dialect)
    names = [f"v{j}_{i}" for j in range(count) for i in range(len(keys))]
    others = set(compiled.bind_names.values()) - set(names)
    if others:  # a column's Python-side default the caller left out
        raise ValueError(f"values missing for {sorted(others)[:3]} in {table.name}")
    if not compiled.positional:
        return str(compiled), None
    at = {name: n for n, name in enumerate(names)}
    return str(compiled), [at[name] for name in (compiled.positiontup or [])]


@contextmanager
def indexes_built_after(connection: Connection, table: Table, coming: int) -> Iterator[None]:
    """Around a load of `coming` rows into `table`, inside a transaction already writing: on SQLite, when
    the table holds fewer rows than are coming, its secondary indexes (those made by CREATE INDEX; not
    the primary key nor a UNIQUE constraint) are dropped first and made again from their own SQL
    once the rows are in, in the same transaction. Building an index from all its rows costs less than
    growing it a row at a time (50 000 members: 1.45 → 0.98 s, tests/benchmarks/bench_roll.py).

    When the load fails, the caller's rollback brings the indexes back with everything else (they are
    also made again here, in case the caller goes on in the transaction). Nothing is changed on a
    server (DROP INDEX would lock the other clerks out of the table for the whole load), for a smaller
    load, or when no transaction is writing yet (SQLite would then drop the indexes for good at once).
    """
    indexes = _rebuildable(connection, table, coming)
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield
    except BaseException:
        try:
            for _name, sql in indexes:
                connection.exec_driver_sql(sql)
        except Exception:  # the transaction is failing anyway: its rollback restores them
            pass
        raise
    for _name, sql in indexes:
        connection.exec_driver_sql(sql)


def _rebuildable(connection: Connection, table: Table, coming: int) -> list[tuple[str, str]]:
    if connection.dialect.name != "sqlite" or coming < REBUILD_AT_LEAST:
        return []
    if not getattr(connection.connection.dbapi_connection, "in_transaction", False):
        return []
    held = connection.exec_driver_sql(f'SELECT count(*) FROM "{table.name}"').scalar_one()
    if held >= coming:
        return []
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table.name,)).all()
    return [(str(name), str(sql)) for name, sql in rows]
