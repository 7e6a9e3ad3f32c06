"""services/bulk.py: many rows through the driver's executemany, each value through its column's bind processor."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, create_engine, select

from services.bulk import insert_rows


def _table() -> tuple[Table, MetaData]:
    meta = MetaData()
    table = Table("t", meta, Column("id", Integer, primary_key=True), Column("name", String(10)),
                  Column("hours", Float), Column("n", Integer))
    return table, meta


def test_rows_go_in_with_their_columns_converted() -> None:
    table, meta = _table()
    engine = create_engine("sqlite://")
    meta.create_all(engine)
    rows = [(f"名{i}", Decimal(i) / 2, i) for i in range(1000)]
    with engine.begin() as conn:
        insert_rows(conn, table, ("name", "hours", "n"), rows)
        insert_rows(conn, table, ("n", "name"), [(7, "后")])  # another column order, no converted column
        insert_rows(conn, table, ("name",), [])  # nothing to do
        got = conn.execute(select(table.c.name, table.c.hours, table.c.n).order_by(table.c.id)).all()
    assert len(got) == 1001
    assert got[3] == ("名3", 1.5, 3) and type(got[3][1]) is float
    assert got[-1] == ("后", None, 7)


def test_a_row_of_the_wrong_length_is_refused_before_anything_is_written() -> None:
    table, meta = _table()
    engine = create_engine("sqlite://")
    meta.create_all(engine)
    with engine.begin() as conn, pytest.raises(ValueError):
        insert_rows(conn, table, ("name", "hours"), [("a", 1.0), ("b",)])
    with engine.begin() as conn:
        assert conn.execute(select(table.c.id)).all() == []
