"""services/bulk.py: many rows through the driver's executemany, each value through its column's bind processor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, create_engine, select

from services import bulk
from services.bulk import indexes_built_after, insert_rows


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


@pytest.mark.parametrize("count", [1, 199, 200, 201, 1007])
def test_several_rows_a_statement_on_the_test_database(db, count) -> None:
    """Runs of rows in one statement and the rest one by one, in order, on SQLite or the test server."""
    meta = MetaData()
    table = Table("bulk_probe", meta, Column("id", Integer, primary_key=True), Column("name", String(20)),
                  Column("hours", Float), Column("n", Integer))
    meta.create_all(db.engine)
    try:
        rows = [(f"名{i}" if i % 3 else None, i / 4, i) for i in range(count)]
        with db.engine.begin() as conn:
            insert_rows(conn, table, ("name", "hours", "n"), rows)
            insert_rows(conn, table, ("n", "name"), [(-1, "后")] * 250)
        with db.engine.connect() as conn:
            got = conn.execute(select(table.c.name, table.c.hours, table.c.n).order_by(table.c.id)).all()
        assert [tuple(r) for r in got] == rows + [("后", None, -1)] * 250
    finally:
        meta.drop_all(db.engine)


def test_a_column_default_left_out_is_refused(db) -> None:
    meta = MetaData()
    table = Table("bulk_probe2", meta, Column("id", Integer, primary_key=True), Column("name", String(20)),
                  Column("n", Integer, default=5))
    meta.create_all(db.engine)
    try:
        with db.engine.begin() as conn, pytest.raises(ValueError):
            insert_rows(conn, table, ("name",), [("a",)] * 300)
    finally:
        meta.drop_all(db.engine)


# ---------------------------------------------------------------- indexes built after a large load


def _indexed(tmp_path: Any) -> tuple[Table, Any]:
    meta = MetaData()
    table = Table("t", meta, Column("id", Integer, primary_key=True), Column("name", String(10), index=True),
                  Column("n", Integer, unique=True))
    engine = create_engine(f"sqlite:///{tmp_path / 'bulk.sqlite3'}")
    meta.create_all(engine)
    return table, engine


def _indexes(conn: Any) -> dict[str, str | None]:
    return dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 't'").all())


def test_a_large_load_into_a_small_table_builds_its_indexes_after(tmp_path: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "REBUILD_AT_LEAST", 10)
    table, engine = _indexed(tmp_path)
    with engine.begin() as conn:
        before = _indexes(conn)
        insert_rows(conn, table, ("name", "n"), [("头", -1)])  # the transaction is writing
        with indexes_built_after(conn, table, 50):
            during = _indexes(conn)
            insert_rows(conn, table, ("name", "n"), [(f"名{i % 7}", i) for i in range(50)])
        assert _indexes(conn) == before
    assert "ix_t_name" in before and "ix_t_name" not in during
    assert [n for n, sql in during.items()] == [n for n, sql in before.items() if sql is None]  # UNIQUE stays
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        plan = " ".join(str(r) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT id FROM t WHERE name = '名3'"))
        assert "ix_t_name" in plan


def test_a_failed_load_leaves_the_indexes_as_they_were(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "REBUILD_AT_LEAST", 10)
    table, engine = _indexed(tmp_path)
    with engine.connect() as conn:
        before = _indexes(conn)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        insert_rows(conn, table, ("name", "n"), [("头", -1)])
        with indexes_built_after(conn, table, 50):
            insert_rows(conn, table, ("name", "n"), [(f"名{i}", i) for i in range(50)])
            raise RuntimeError("cancelled halfway")
    with engine.connect() as conn:
        assert _indexes(conn) == before
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 0


def test_nothing_is_dropped_outside_a_writing_transaction_or_for_a_small_load(tmp_path: Any,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "REBUILD_AT_LEAST", 10)
    table, engine = _indexed(tmp_path)
    with engine.begin() as conn:
        before = _indexes(conn)
        with indexes_built_after(conn, table, 50):  # no write yet: SQLite would drop them for good
            assert _indexes(conn) == before
        insert_rows(conn, table, ("name", "n"), [(f"名{i}", i) for i in range(60)])
        with indexes_built_after(conn, table, 50):  # the table already holds more than is coming
            assert _indexes(conn) == before
        with indexes_built_after(conn, table, 5):  # too few to pay
            assert _indexes(conn) == before


def test_dates_and_times_are_stored_as_an_ordinary_insert_stores_them(db) -> None:
    """Each value goes through its type as the dialect implements it: on SQLite a date and a time of
    day are text that SQLAlchemy formats (with microseconds), not whatever the driver's adapter makes."""
    import datetime as dt

    from sqlalchemy import Date, DateTime, insert

    meta = MetaData()
    table = Table("bulk_dates", meta, Column("id", Integer, primary_key=True), Column("day", Date),
                  Column("at", DateTime))
    meta.create_all(db.engine)
    try:
        values = [(dt.date(2026, 12, 2), dt.datetime(2026, 12, 2, 8, 30)),
                  (dt.date(1949, 10, 1), dt.datetime(2026, 1, 1, 0, 0, 0, 5)), (None, None)]
        with db.engine.begin() as conn:
            insert_rows(conn, table, ("day", "at"), values)
            conn.execute(insert(table), [{"day": d, "at": a} for d, a in values])
        with db.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT day, at FROM bulk_dates ORDER BY id").all()
            read = conn.execute(select(table.c.day, table.c.at).order_by(table.c.id)).all()
            found = conn.execute(select(table.c.id).where(table.c.at == dt.datetime(2026, 12, 2, 8, 30))).all()
        assert [tuple(r) for r in stored[:3]] == [tuple(r) for r in stored[3:]]
        assert [tuple(r) for r in read[:3]] == values
        assert len(found) == 2  # the bulk row is found by the same comparison as the ordinary one
    finally:
        meta.drop_all(db.engine)


def test_lists_go_in_runs_a_statement_may_bind() -> None:
    assert list(bulk.chunked([])) == []
    assert list(bulk.chunked(iter(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    runs = list(bulk.chunked(range(70_000)))
    assert [n for run in runs for n in run] == list(range(70_000))
    assert max(map(len, runs)) == bulk.IN_LIST_SIZE < bulk.MAX_BOUND_VALUES
