"""Many rows into one table through the driver's executemany, portable across dialects.

The statement is SQLAlchemy's own `insert()`, compiled for the connection's dialect, and every
value goes through its column type's bind processor; only SQLAlchemy's per-row parameter handling
is skipped, which costs more than the insert itself on a large import (tests/benchmarks). Columns
left out take their server defaults; Python-side column defaults are not applied, so give every
column that has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(connection: Connection, table: Table, keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT `rows` (each a sequence of values in the order of `keys`) in one executemany."""
    if not rows:
        return
    dialect = connection.dialect
    keys = list(keys)
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    processors = [table.c[key].type.bind_processor(dialect) for key in keys]
    if any(processors):
        # Column by column: one C-level map per converted column instead of a Python call per cell.
        columns: list[Any] = list(zip(*rows, strict=True))
        if len(columns) != len(keys):
            raise ValueError(f"rows of {len(columns)} values for {len(keys)} columns")
        for i, proc in enumerate(processors):
            if proc is not None:
                columns[i] = map(proc, columns[i])
        rows = list(zip(*columns, strict=True))
    params: list[Any]
    if compiled.positional:
        order = [keys.index(name) for name in (compiled.positiontup or [])]
        params = list(rows) if order == list(range(len(keys))) else [tuple(row[i] for i in order) for row in rows]
    else:
        params = [dict(zip(keys, row, strict=True)) for row in rows]
    connection.exec_driver_sql(str(compiled), params)
