"""The member list's first screen read with plain sqlite3 equals what the services read, and is read
only from a file that opens with nothing to do."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from services.demo.demo import seed_demo
from services.roll import branches, members, records
from services.roll.first_screen import read_first_screen
from services.safety import accounts
from services.safety.recognise import ready_as_is
from services.safety.storage import Database, daily_check, open_database
from tests.helpers.backend import sqlite_only

pytestmark = sqlite_only


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "roll.sqlite3")
    with db.session_factory.begin() as session:
        seed_demo(session, members=100)
        # Some members have left the roll: the first screen shows those on it only.
        for record in members.list_members(session)[::9]:
            members.mark_left(session, record.id, "转出", dt.date.today().isoformat(), "调往外单位", "测试")
    daily_check(db)
    yield db
    db.dispose()


def test_record_keys_follow_the_member_fields() -> None:
    assert tuple(f.key for f in members.MEMBER_FIELDS) == records.JSON_KEYS
    assert members.MemberRecord is records.MemberRecord


def test_first_screen_equals_the_services(demo: Database) -> None:
    conn = ready_as_is(demo.path)
    assert conn is not None
    try:
        screen = read_first_screen(conn, 20)
        whole = read_first_screen(conn, 1000)
    finally:
        conn.close()
    with demo.session_factory() as session:
        assert screen.records == members.list_members(session, status=("在册",), limit=20)
        assert screen.branches == branches.list_branches(session)
        assert screen.counts == members.roll_counts(session, status=("在册",))
        # A roll shorter than the first screen comes whole, every status, as the tab reads it.
        assert whole.counts is None
        assert whole.records == members.list_members(session)
        assert whole.branches == screen.branches
    assert all(isinstance(r.birth_date, dt.date) for r in screen.records)


def test_only_a_file_with_nothing_to_do_is_read_so(demo: Database, tmp_path: Path) -> None:
    assert ready_as_is(demo.path, today=dt.date.today() + dt.timedelta(days=1)) is None  # check due
    assert ready_as_is(tmp_path / "absent.sqlite3") is None
    (tmp_path / "text.sqlite3").write_text("not a database", encoding="utf-8")
    assert ready_as_is(tmp_path / "text.sqlite3") is None
    with demo.session_factory.begin() as session:
        accounts.create_account(session, "boss", "管理员", "secret-1", "测试")
    assert ready_as_is(demo.path) is None  # a login comes first


def test_an_older_schema_is_left_to_the_full_open(demo: Database) -> None:
    with demo.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    assert ready_as_is(demo.path) is None
    with demo.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    assert ready_as_is(demo.path) is None


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else False, reason="root writes anyway")
def test_a_read_only_file_is_left_to_the_full_open(demo: Database) -> None:
    assert demo.path is not None
    demo.path.chmod(0o444)
    try:
        assert ready_as_is(demo.path) is None
    finally:
        demo.path.chmod(0o644)


def test_nothing_is_written(demo: Database) -> None:
    conn = ready_as_is(demo.path)
    assert conn is not None
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM member")
    conn.close()


def test_the_first_screen_reads_only_its_leading_branches_and_still_equals_the_services(demo: Database) -> None:
    """Every cut: inside a branch, at a branch's end, past the roll; branches reordered and emptied."""
    from services.roll.first_screen import _page_query

    with demo.session_factory.begin() as session:
        listed = branches.list_branches(session)
        # The list's order is not the ids' order, and an empty branch sits among the first ones.
        for n, branch in enumerate(listed):
            session.execute(text("UPDATE branch SET sort_order = :o WHERE id = :i"),
                            {"o": (len(listed) - n) % 5, "i": branch.id})
        session.execute(text("INSERT INTO branch (name, sort_order) VALUES ('空支部', 0)"))
    with demo.session_factory() as session:
        listed = branches.list_branches(session)
        on_roll = members.roll_counts(session, status=("在册",)).active
        ends = [sum(b.active_members for b in listed[:k]) for k in range(1, len(listed) + 1)]
        cuts = sorted({1, 2, 7, *ends, *(e + 1 for e in ends), on_roll - 1, on_roll})
        conn = ready_as_is(demo.path)
        assert conn is not None
        try:
            for rows in cuts:
                screen = read_first_screen(conn, rows)
                expected = members.list_members(session, status=("在册",), limit=rows)
                if len(expected) < rows:
                    assert screen.counts is None and screen.records == members.list_members(session)
                else:
                    assert screen.records == expected, rows
                    sql, args = _page_query(screen.branches, rows)
                    assert "branch_id IN" in sql and len(args) - 2 <= len(listed)
        finally:
            conn.close()
    assert any(b.active_members == 0 for b in listed)
