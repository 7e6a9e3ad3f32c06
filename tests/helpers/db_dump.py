"""Every table's rows, to compare a database before and after an operation that must change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select

from services.safety.storage import Database


def dump_tables(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows in a stable order (works on a file and on a server)."""
    meta = MetaData()
    meta.reflect(db.engine)
    with db.engine.connect() as conn:
        return {name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for name, table in meta.tables.items()}
