"""The change log written at commit in one executemany: the same entries, ids and hashes as one INSERT
per entry, a chain `check` accepts, and text too long for its column still refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, text

from models import ChangeLog
from services.errors import ValidationError
from services.safety import audit, changelog
from services.safety.changelog import PENDING, entry_digest, flush_pending
from tests.helpers.backend import sqlite_only
from tests.helpers.office_cli import cli

COUNT = 250  # more than one multi-row statement of the log's 9 columns (services/bulk.py)
COLUMNS = "id, at, actor, action, entity, entity_id, summary, changes, prev_hash, entry_hash"


def _batch() -> list[ChangeLog]:
    """Entries as `changelog.record` makes them: free text, no entity id, changes in JSON, times apart."""
    start = dt.datetime(2024, 5, 8, 9, 30)
    return [ChangeLog(at=start + dt.timedelta(seconds=i // 3), actor="录入员甲" if i % 2 else "管理员",
                      action=("update", "create", "attendance")[i % 3], entity="member",
                      entity_id=None if i % 7 == 0 else i,
                      summary=f"“阿依古丽·买买提”第{i}条：（借调）２０２１年起 \"引号\"", changes='{"status": [null, "出席"]}',
                      prev_hash="", entry_hash="") for i in range(COUNT)]


def _one_insert_each(session, entries: list[ChangeLog]) -> None:
    """The path before: each entry chained, added and flushed on its own."""
    prev_hash = session.execute(select(ChangeLog.entry_hash).order_by(ChangeLog.id.desc()).limit(1)).scalar() or ""
    for entry in entries:
        entry.prev_hash = prev_hash
        entry.entry_hash = entry_digest(prev_hash, entry.at, entry.actor, entry.action, entry.entity,
                                        entry.entity_id, entry.summary, entry.changes)
        session.add(entry)
        session.flush()
        prev_hash = entry.entry_hash


def _stored(session, after: int) -> list[tuple]:
    return [tuple(row) for row in session.execute(
        text(f"SELECT {COLUMNS} FROM change_log WHERE id > :after ORDER BY id"), {"after": after})]


def _without_ids(rows: list[tuple]) -> list[tuple]:
    first = rows[0][0]
    assert [row[0] for row in rows] == list(range(first, first + len(rows)))  # consecutive, in chain order
    return [row[1:] for row in rows]


def test_a_batch_is_stored_exactly_as_one_insert_each_and_checks(db) -> None:
    with db.session_factory.begin() as s:
        changelog.record(s, "管理员", "create", "branch", 1, "新建党支部“第一党支部”")  # a chain to join
    with db.session_factory() as s:
        last = s.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1))
        _one_insert_each(s, _batch())
        before = _stored(s, last)
        s.rollback()
    inserts: list[str] = []

    def seen(_conn, _cursor, statement, _params, _context, _many) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO CHANGE_LOG"):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.session_factory.begin() as s:
            s.info[PENDING] = _batch()
            flush_pending(s)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(inserts) <= 2  # runs of many rows through executemany, not one INSERT per entry
    with db.session_factory() as s:
        now = _stored(s, last)
        assert _without_ids(now) == _without_ids(before) and len(now) == COUNT
        assert now[0][-2] == s.scalar(select(ChangeLog.entry_hash).where(ChangeLog.id == last))  # joins the chain
        assert changelog.verify_chain(s) == [] and audit.check_log_chain(s).ok


def test_entries_recorded_in_one_write_are_chained_at_commit(db) -> None:
    with db.session_factory.begin() as s:
        for i in range(COUNT):
            changelog.record(s, "录入员甲", "update", "member", i, f"第{i}条", {"job": ("科员", f"科长{i}")})
        assert [e.summary for e in changelog.entries(s)] == [f"第{i}条" for i in range(COUNT)]  # its own, read
        changelog.record(s, "录入员甲", "update", "member", COUNT, "读后一条")
    with db.session_factory() as s:
        assert len(changelog.entries(s)) == COUNT + 1 and changelog.verify_chain(s) == []


def test_text_too_long_for_its_column_is_still_refused(db) -> None:
    with pytest.raises(ValidationError), db.session_factory.begin() as s:
        changelog.record(s, "管理员", "create", "branch", 1, "新建")
        changelog.record(s, "某" * 51, "create", "branch", 2, "新建")  # actor: 50 characters at most
    with db.session_factory() as s:
        assert changelog.entries(s) == []


@sqlite_only
def test_check_passes_after_a_batch(db, capsys) -> None:
    with db.session_factory.begin() as s:
        for i in range(COUNT):
            changelog.record(s, "录入员甲", "attendance", "attendance", i, f"“张　伟”第{i}条：出席")
    db.dispose()
    assert cli(capsys, "--db", str(db.path), "check")[0] == 0
