"""Our database is recognised before anything is written; foreign, newer, damaged and read-only files."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest

from services.errors import DangxunError
from services.safety import recognise as recognition
from services.safety.recognise import (
    APPLICATION_ID,
    DamagedDatabaseError,
    ForeignDatabaseError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
)
from services.safety.storage import Database, open_database
from services.workspace import Workspace
from tests.helpers.backend import sqlite_only  # noqa: E402

pytestmark = sqlite_only  # SQLite files themselves: backups, damage, restore of a file


def _header_ids(path: Path) -> tuple[int, int]:
    raw = path.read_bytes()[:100]
    return struct.unpack(">I", raw[68:72])[0], struct.unpack(">i", raw[60:64])[0]


def _settle(path: Path) -> None:
    """Fold the WAL into the file, so that its bytes say everything."""
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def other_app_db(path: Path) -> Path:
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('hello')")
    conn.commit()
    conn.close()
    return path


def seeded(path: Path, members: int = 12) -> Path:
    from services.demo.demo import seed_demo

    db = open_database(path)
    with db.session_factory.begin() as s:
        seed_demo(s, members=members, branches=2, seed=3)
    db.dispose()
    _settle(path)
    return path


def not_writable(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """`path` may not be written, as far as the program asks (root may write anything)."""
    real = recognition.os.access

    def access(p: object, mode: int) -> bool:
        if Path(str(p)) == path and mode & recognition.os.W_OK:
            return False
        return real(p, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(recognition.os, "access", access)


def test_a_new_database_is_stamped_at_creation(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    open_database(path).dispose()
    _settle(path)
    app_id, version = _header_ids(path)
    assert app_id == APPLICATION_ID
    assert version == recognition.schema_generation() > 0
    assert recognition.recognise(path).kind == recognition.OURS


def test_first_release_database_is_recognised_and_stamped(tmp_path: Path) -> None:
    path = seeded(tmp_path / "old.sqlite3")
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA application_id=0")
    conn.execute("PRAGMA user_version=0")
    conn.commit()
    conn.close()
    assert recognition.recognise(path).kind == recognition.FIRST_RELEASE
    open_database(path).dispose()
    _settle(path)
    assert _header_ids(path)[0] == APPLICATION_ID


@pytest.mark.parametrize("kind", ["other_app", "text", "random", "app_id"])
def test_foreign_files_are_refused_and_left_alone(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.sqlite3"
    if kind == "other_app":
        other_app_db(path)
    elif kind == "text":
        path.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    elif kind == "random":
        path.write_bytes(bytes(range(256)) * 40)
    else:
        conn = sqlite3.connect(str(path))
        conn.execute("PRAGMA application_id=1234")
        conn.execute("CREATE TABLE member (id INTEGER)")
        conn.commit()
        conn.close()
    before = path.read_bytes()
    with pytest.raises(ForeignDatabaseError) as caught:
        open_database(path)
    assert caught.value.exit_code == 2 and str(path) in caught.value.message
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = seeded(tmp_path / "newer.sqlite3", 3)
    conn = sqlite3.connect(str(path))
    conn.execute("UPDATE alembic_version SET version_num='9999_future' WHERE rowid = (SELECT min(rowid) FROM alembic_version)")
    conn.commit()
    conn.close()
    with pytest.raises(NewerDatabaseError, match="更新版本"):
        open_database(path)
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA user_version={recognition.schema_generation() + 5}")
    conn.execute("UPDATE alembic_version SET version_num='0001' WHERE version_num='9999_future'")
    conn.commit()
    conn.close()
    with pytest.raises(NewerDatabaseError):
        open_database(path)


def test_a_truncated_file_is_damaged(tmp_path: Path) -> None:
    path = seeded(tmp_path / "t.sqlite3")
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.truncate(size // 2 + 100)
    with pytest.raises(DamagedDatabaseError, match="截断") as caught:
        open_database(path)
    assert caught.value.exit_code == 2


def _garble_table(path: Path, table: str) -> None:
    conn = sqlite3.connect(str(path))
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (table,)).fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xa5" * 300)


def test_a_damaged_member_table_names_the_newest_good_backup(tmp_path: Path) -> None:
    from services.safety import backup as backup_service

    path = seeded(tmp_path / "d.sqlite3")
    folder = tmp_path / "backups"
    db = open_database(path)
    good = backup_service.backup_now(db, "测试", "manual", folder)
    db.dispose()
    _settle(path)
    _garble_table(path, "member")
    with pytest.raises(DamagedDatabaseError):
        recognition.recognise(path, deep=True)
    # Not yet checked today: the open's daily quick check finds it.
    with pytest.raises(DamagedDatabaseError) as caught:
        Workspace.open(path, actor="测试", backup_dir=folder)
    assert caught.value.exit_code == 2
    assert str(good.info.path) in caught.value.message and str(path) in caught.value.message
    # Checked today already: the read that meets the damage says the same.
    import datetime as dt

    from services.safety.storage import QUICK_CHECK_KEY

    conn = sqlite3.connect(str(path))
    conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                 (QUICK_CHECK_KEY, dt.date.today().isoformat()))
    conn.commit()
    conn.close()
    ws = Workspace.open(path, actor="测试", backup_dir=folder)
    try:
        from services.roll.members import list_members

        with pytest.raises(DamagedDatabaseError) as caught, ws.read() as session:
            list_members(session)
    finally:
        ws.close()
    assert caught.value.exit_code == 2
    assert str(good.info.path) in caught.value.message and str(path) in caught.value.message


def test_the_daily_check_runs_once_a_day(tmp_path: Path) -> None:
    import datetime as dt

    from services.safety.storage import daily_check

    db = open_database(seeded(tmp_path / "day.sqlite3"))
    try:
        today = dt.date(2026, 3, 1)
        assert daily_check(db, today) == []
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT value FROM setting WHERE key='safety.last_quick_check'").scalar() \
                == "2026-03-01"
    finally:
        db.dispose()
    _garble_table(tmp_path / "day.sqlite3", "member")
    db = open_database(tmp_path / "day.sqlite3")
    try:
        assert daily_check(db, dt.date(2026, 3, 1)) == []  # already checked that day
        assert daily_check(db, dt.date(2026, 3, 2)) != []
    finally:
        db.dispose()


def test_after_an_unclean_shutdown_the_open_checks(tmp_path: Path) -> None:
    from services.safety.lock import lock_path_for

    path = seeded(tmp_path / "u.sqlite3")
    _garble_table(path, "member")
    lock_path_for(path).write_text('{"pid": 999999, "hostname": "x", "started": "2020-01-01"}')
    with pytest.raises(DamagedDatabaseError, match="没有找到完好的备份"):
        Workspace.open(path, actor="测试", backup_dir=tmp_path / "none")
    assert not lock_path_for(path).exists() or lock_path_for(path).read_text().strip() == ""


def test_a_read_only_file_reads_but_refuses_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.roll.branches import create_branch
    from services.roll.members import list_members

    path = seeded(tmp_path / "ro.sqlite3")
    before = path.read_bytes()
    not_writable(monkeypatch, path)
    ws = Workspace.open(path, actor="测试", backup_dir=tmp_path / "b")
    try:
        assert ws.db.read_only
        assert any("只读" in n for n in ws.notes)
        with ws.read() as session:
            assert len(list_members(session)) == 12
        with pytest.raises(ReadOnlyDatabaseError, match="只读") as caught, ws.write("x") as uow:
            create_branch(uow.session, "新支部", "测试")
        assert caught.value.exit_code == 1
        # A write that bypasses the workspace is refused by SQLite itself, in Chinese.
        from sqlalchemy.exc import SQLAlchemyError

        from services.workspace import translate_db_error

        with pytest.raises(SQLAlchemyError) as raw, ws.db.session_factory.begin() as session:
            create_branch(session, "又一个", "测试")
        assert "只读" in translate_db_error(raw.value).message
    finally:
        ws.close()
    assert path.read_bytes() == before
    assert not (tmp_path / "b").exists()


def test_restore_refuses_another_apps_file_and_leaves_both_alone(tmp_path: Path, db: Database) -> None:
    from services.safety.restore import restore_backup

    assert db.path is not None
    other = other_app_db(tmp_path / "other.db")
    other_before = other.read_bytes()
    db.dispose()
    _settle(db.path)
    live_before = db.path.read_bytes()
    with pytest.raises(DangxunError) as caught:
        restore_backup(db, other, "测试", tmp_path / "backups")
    assert caught.value.exit_code == 1 and str(other) in caught.value.message
    db.dispose()
    assert other.read_bytes() == other_before
    assert db.path.read_bytes() == live_before
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("folder_name", ["旧?库", "50%20满", "备份#1", "%41", "a b"])
def test_a_folder_whose_name_holds_url_signs_holds_the_database_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder_name: str) -> None:
    """The file named is the file opened, written and read read-only: "旧?库" is no query, "50%20满" no
    escape; nothing is made beside it (a file "旧" in the parent folder)."""
    from services.roll.members import list_members

    folder = tmp_path / folder_name
    folder.mkdir()
    path = seeded(folder / "党建.sqlite3")
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder_name]
    app_id, _version = _header_ids(path)
    assert app_id == APPLICATION_ID
    not_writable(monkeypatch, path)
    ws = Workspace.open(path, actor="测试", backup_dir=tmp_path / "b")
    try:
        assert ws.db.read_only
        with ws.read() as session:
            assert len(list_members(session)) == 12
    finally:
        ws.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder_name]
