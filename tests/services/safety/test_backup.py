"""Backups: retention rule, online backup with check, automatic triggers, restore (also from an older schema)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text

from models import Branch, ChangeLog, Member
from services.errors import DangxunError, UnreadableFileError
from services.safety import backup, restore
from services.safety.storage import (
    Database,
    current_revisions,
    integrity_check,
    known_heads,
    open_database,
    run_migrations,
)
from tests.helpers.backend import sqlite_only  # noqa: E402

pytestmark = sqlite_only  # SQLite files themselves: backups, damage, restore of a file

NOW = dt.datetime(2026, 11, 25, 15, 0, 0)


# ---------------------------------------------------------------- retention (pure)

def test_keeps_everything_from_today_and_yesterday() -> None:
    stamps = [NOW - dt.timedelta(minutes=30 * i) for i in range(80)]  # back to ~yesterday 00:00
    stamps = [s for s in stamps if s.date() >= NOW.date() - dt.timedelta(days=1)]
    assert backup.choose_kept(stamps, NOW) == set(stamps)


def test_one_backup_per_day_for_a_long_time() -> None:
    stamps = [NOW - dt.timedelta(days=d) for d in range(0, 800)]
    kept = sorted(backup.choose_kept(stamps, NOW), reverse=True)
    days = [(NOW - s).days for s in kept]
    # today, yesterday, 12 daily, then 10 weekly and 9 monthly further back
    assert days[:14] == list(range(14))
    assert len(kept) == 2 + 12 + 10 + 9
    weekly = kept[14:24]
    assert len({s.isocalendar()[:2] for s in weekly}) == 10
    assert all((a - b).days >= 7 for a, b in zip(weekly, weekly[1:], strict=False))
    monthly = kept[24:]
    assert len({(s.year, s.month) for s in monthly}) == 9


def test_only_newest_of_each_older_day_is_kept() -> None:
    old_day = NOW - dt.timedelta(days=5)
    stamps = [old_day.replace(hour=h) for h in (8, 12, 17)]
    assert backup.choose_kept(stamps, NOW) == {old_day.replace(hour=17)}


def test_future_backups_are_kept() -> None:
    future = NOW + dt.timedelta(days=3)
    assert future in backup.choose_kept([future, NOW], NOW)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60 * 24 * 900), min_size=0, max_size=200))
def test_retention_properties(minutes_ago: list[int]) -> None:
    stamps = {NOW - dt.timedelta(minutes=m) for m in minutes_ago}
    kept = backup.choose_kept(stamps, NOW)
    assert kept <= stamps
    recent = {s for s in stamps if s.date() >= NOW.date() - dt.timedelta(days=1)}
    assert recent <= kept
    assert len(kept - recent) <= 12 + 10 + 9
    if stamps:
        assert max(stamps) in kept
    # Pruning twice changes nothing the second time.
    assert backup.choose_kept(kept, NOW) == kept


def test_backup_names_round_trip() -> None:
    name = backup.backup_name(Path("/x/dang-xun.sqlite3"), NOW, "start")
    assert name == "dang-xun-20261125-150000-start.sqlite3"
    assert backup.parse_backup_name(name) == ("dang-xun", NOW, "start")
    assert backup.parse_backup_name("dangxun.before-upgrade-20261125-150000.sqlite3") == ("dangxun", NOW, "migrate")
    assert backup.parse_backup_name("notes.txt") is None


# ---------------------------------------------------------------- making backups

def test_a_backup_whose_copy_reads_back_damaged_is_set_aside(demo_db: Database, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # The copy is checked page by page (quick_check) after it is written: a disk that garbles it is caught.
    real_copy = backup.copy_database

    def garbling_copy(engine: object, target: Path) -> Path:
        real_copy(engine, target)  # type: ignore[arg-type]
        with open(target, "r+b") as fh:  # noqa: PTH123 - a byte-level write into the middle of the file
            fh.seek(4096 * 3)
            fh.write(b"\xff" * 4096)
        return target

    monkeypatch.setattr(backup, "copy_database", garbling_copy)
    folder = tmp_path / "backups"
    with pytest.raises(DangxunError, match="写入后检查未通过") as caught:
        backup.backup_now(demo_db, "测试员", "manual", folder)
    assert "请检查磁盘后重试" in caught.value.message
    assert [p.suffix for p in folder.iterdir()] == [".bad"]
    assert backup.list_backups(folder, demo_db.path) == []



def _add_branch(db: Database, name: str) -> None:
    from services.roll.branches import create_branch

    with db.session_factory.begin() as s:
        create_branch(s, name, "测试")


def test_backup_now_writes_a_checked_copy_and_logs_it(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    result = backup.backup_now(demo_db, "测试员", "manual", folder)
    info = result.info
    assert info.path.parent == folder and info.path.exists()
    assert integrity_check(info.path) == []
    assert not Path(str(info.path) + "-wal").exists()  # a self-contained single file
    listed = backup.list_backups(folder, demo_db.path)
    assert [b.path for b in listed] == [info.path]
    assert listed[0].members == 100 and listed[0].size > 0
    assert listed[0].schema == tuple(sorted(known_heads()))
    with demo_db.session_factory() as s:
        last = s.scalars(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
    assert last is not None and last.action == "backup" and last.actor == "测试员"
    conn = sqlite3.connect(info.path)
    assert conn.execute("select count(*) from member").fetchone()[0] == 100
    conn.close()


def test_backup_to_named_file_without_companion(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere" / "copy.sqlite3"
    result = backup.backup_now(demo_db, "t", target=out)
    assert result.info.path == out and out.exists()
    assert not Path(str(out) + ".json").exists()
    assert backup.read_backup_info(out).members == 100


def test_backup_on_start_only_when_something_changed(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    first = backup.backup_on_start(demo_db, folder=folder)
    assert first is not None
    # The backup's own log entry does not count as a change.
    assert backup.backup_on_start(demo_db, folder=folder) is None
    _add_branch(demo_db, "新成立党支部")
    assert backup.needs_backup(demo_db, folder)
    assert backup.backup_on_start(demo_db, folder=folder) is not None


def test_empty_database_needs_no_backup(db: Database, tmp_path: Path) -> None:
    assert not backup.needs_backup(db, tmp_path)
    assert backup.backup_before(db, "import", folder=tmp_path) is None


def test_backup_if_due_waits_thirty_minutes(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    t0 = dt.datetime.now().replace(microsecond=0)
    assert backup.backup_if_due(demo_db, folder=folder, now=t0) is not None
    _add_branch(demo_db, "甲党支部")
    assert backup.backup_if_due(demo_db, folder=folder, now=t0 + dt.timedelta(minutes=10)) is None
    assert backup.backup_if_due(demo_db, folder=folder, now=t0 + dt.timedelta(minutes=31)) is not None
    # Nothing changed since: no new backup however long we wait.
    assert backup.backup_if_due(demo_db, folder=folder, now=t0 + dt.timedelta(hours=3)) is None


def test_backup_before_always_copies(demo_db: Database, tmp_path: Path) -> None:
    result = backup.backup_before(demo_db, "import", "录入员甲", tmp_path)
    assert result is not None and result.info.reason == "import" and result.info.reason_label == "导入前"


def test_second_folder_gets_a_copy_and_a_missing_one_does_not_fail(demo_db: Database, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    with demo_db.session_factory.begin() as s:
        backup.set_second_folder(s, usb, "t")
    result = backup.backup_now(demo_db, "t", folder=tmp_path / "main")
    assert result.second_copy is not None and result.second_copy.parent == usb
    assert integrity_check(result.second_copy) == []
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with demo_db.session_factory.begin() as s:
        backup.set_second_folder(s, blocker / "sub", "t")
        assert backup.second_folder(s) == blocker / "sub"
    result = backup.backup_now(demo_db, "t", folder=tmp_path / "main")
    assert result.info.path.exists() and result.second_copy is None and result.second_error


def test_prune_deletes_what_retention_drops(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    for d in range(400):
        name = backup.backup_name(demo_db.path, NOW - dt.timedelta(days=d), "auto")
        (folder / name).write_bytes(b"SQLite format 3\x00")
        (folder / (name + ".json")).write_text("{}")
    (folder / "other-20200101-000000-auto.sqlite3").write_bytes(b"x")  # another database: untouched
    removed = backup.prune_backups(folder, demo_db.path, NOW)
    left = [p for p in folder.glob("test-*.sqlite3")]
    assert len(left) == 2 + 12 + 10 + 9 and len(removed) == 400 - len(left)
    assert len(list(folder.glob("test-*.json"))) == len(left)
    assert (folder / "other-20200101-000000-auto.sqlite3").exists()


# ---------------------------------------------------------------- restore

def test_restore_brings_back_the_old_state(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    saved = backup.backup_now(demo_db, "t", folder=folder).info.path
    _add_branch(demo_db, "后来的党支部")
    result = restore.restore_backup(demo_db, saved, "管理员甲", folder)
    assert result.members == 100 and result.upgraded_from is None
    assert result.safety_backup is not None and result.safety_backup.path.exists()
    with demo_db.session_factory() as s:  # the same Database object keeps working
        assert s.scalar(select(Branch).where(Branch.name == "后来的党支部")) is None
        last = s.scalars(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
        assert last is not None and last.action == "restore" and last.actor == "管理员甲"
    assert integrity_check(demo_db.path) == []
    assert not list(tmp_path.glob("*.restoring*"))
    # The safety copy holds the state just before the restore.
    conn = sqlite3.connect(result.safety_backup.path)
    assert conn.execute("select count(*) from branch where name='后来的党支部'").fetchone()[0] == 1
    conn.close()


def _old_schema_db(path: Path) -> None:
    """A database written by the previous release: migrated to 0001 only, with a branch and a member."""
    engine = create_engine(f"sqlite:///{path}")
    run_migrations(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO branch (name, sort_order) VALUES ('老支部', 1)"))
        conn.execute(text(
            "INSERT INTO member (name, id_number, sex, birth_date, membership, branch_id, status, "
            "name_initials, surname_strokes, sort_key) VALUES ('王老', '11010519491231002X', '女', "
            "'1949-12-31', '正式党员', 1, '在册', 'wl', 4, 'k')"))
    engine.dispose()


def test_restore_of_a_backup_from_the_previous_schema_upgrades_it(demo_db: Database, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    _old_schema_db(old)
    old_db = open_database(old, migrate=False)
    assert current_revisions(old_db.engine) == {"0001"}
    old_backup = backup.backup_now(old_db, "t", target=tmp_path / "old-backup.sqlite3").info.path
    old_db.dispose()
    assert backup.read_backup_info(old_backup).schema == ("0001",)

    result = restore.restore_backup(demo_db, old_backup, "t", tmp_path / "b")
    assert result.upgraded_from == ("0001",)
    assert result.members == 1
    assert current_revisions(demo_db.engine) == known_heads()
    with demo_db.session_factory() as s:
        assert s.scalar(select(Member.name)) == "王老"
        assert s.execute(text("select count(*) from account")).scalar() == 0
    assert integrity_check(demo_db.path) == []


def test_restore_refuses_a_damaged_backup_and_keeps_the_database(demo_db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    good = backup.backup_now(demo_db, "t", target=tmp_path / "good.sqlite3").info.path
    data = bytearray(good.read_bytes())
    for offset in range(4096 + 100, len(data), 4096):  # scribble over every page after the first
        data[offset:offset + 64] = b"\xff" * 64
    bad.write_bytes(bytes(data))
    with pytest.raises(DangxunError):
        restore.restore_backup(demo_db, bad, "t", tmp_path / "b")
    with pytest.raises(UnreadableFileError):
        restore.restore_backup(demo_db, tmp_path / "missing.sqlite3", "t", tmp_path / "b")
    (tmp_path / "text.sqlite3").write_text("hello")
    with pytest.raises(DangxunError, match="不是本程序的数据库") as refused:  # refused, nothing written: exit 1
        restore.restore_backup(demo_db, tmp_path / "text.sqlite3", "t", tmp_path / "b")
    assert refused.value.exit_code == 1
    with demo_db.session_factory() as s:
        assert s.scalar(select(func.count(Member.id))) == 100


def test_restore_refuses_a_database_from_a_newer_version(demo_db: Database, tmp_path: Path) -> None:
    newer = backup.backup_now(demo_db, "t", target=tmp_path / "newer.sqlite3").info.path
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num='9999' WHERE rowid = (SELECT min(rowid) FROM alembic_version)")
    conn.commit()
    conn.close()
    with pytest.raises(DangxunError, match="更新版本"):
        restore.restore_backup(demo_db, newer, "t", tmp_path / "b")
    assert integrity_check(demo_db.path) == []
    assert not list(tmp_path.glob("*.restoring*"))


# ---------------------------------------------------------------- command line

def test_cli_backup_restore_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli.main import run

    def cli(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    dbp = str(tmp_path / "cli.sqlite3")
    assert cli("--db", dbp, "demo", "--members", "30")[0] == 0
    out = tmp_path / "copy.sqlite3"
    code, _, err = cli("--db", dbp, "backup", str(out))
    assert code == 0, err
    assert "检查通过" in err and out.exists()
    assert cli("--db", dbp, "branches", "create", "恢复后应消失")[0] == 0
    code, _, err = cli("--db", dbp, "restore", str(out))
    assert code == 0, err
    assert "恢复前的数据库已备份到" in err
    code, stdout, _ = cli("--db", dbp, "branches", "list", "--json")
    assert "恢复后应消失" not in stdout and "党支部" in stdout
    code, _, err = cli("--db", dbp, "check")
    assert code == 0 and "校验链完整" in err
    code, stdout, _ = cli("--db", dbp, "backups", "list", "--json")
    assert code == 0 and '"reason": "restore"' in stdout
    assert cli("--db", dbp, "restore", str(tmp_path / "nope.sqlite3"))[0] == 2
    assert not Path(dbp + ".lock").exists()  # every invocation released its lock


def test_events_that_change_no_data_call_for_no_backup(demo_db: Database, tmp_path: Path) -> None:
    from services.safety import audit

    folder = tmp_path / "b"
    assert backup.backup_on_start(demo_db, folder=folder) is not None
    with demo_db.session_factory.begin() as s:
        audit.log_export(s, "甲", "党员名册", full_ids=False)
        audit.log_print(s, "甲", "签到表")
    assert not backup.needs_backup(demo_db, folder)
    with demo_db.session_factory.begin() as s:
        audit.record_event(s, "甲", "import", "导入花名册")  # an import changes data
    assert backup.needs_backup(demo_db, folder)


def test_restore_refuses_while_another_connection_reads(demo_db: Database, tmp_path: Path) -> None:
    saved = backup.backup_now(demo_db, "t", target=tmp_path / "saved.sqlite3").info.path
    assert demo_db.path is not None
    other = sqlite3.connect(demo_db.path, timeout=0.2)
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM member").fetchone()  # holds a read lock on the WAL
    try:
        with pytest.raises(DangxunError, match="其他窗口"):
            restore.restore_backup(demo_db, saved, "t", tmp_path / "b")
    finally:
        other.rollback()
        other.close()
    assert not list(tmp_path.glob("*.restoring*"))
    with demo_db.session_factory() as s:
        assert s.scalar(select(func.count(Member.id))) == 100


def test_cli_restores_over_a_damaged_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli.main import run

    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    dbp = tmp_path / "live.sqlite3"
    assert run(["--db", str(dbp), "demo", "--members", "30"]) == 0
    saved = tmp_path / "saved.sqlite3"
    assert run(["--db", str(dbp), "backup", str(saved)]) == 0
    data = bytearray(dbp.read_bytes())
    for offset in range(4096 + 100, len(data), 4096):
        data[offset:offset + 200] = b"\x5a" * 200
    dbp.write_bytes(bytes(data))
    assert restore.damaged_reason(dbp)
    capsys.readouterr()
    assert run(["--db", str(dbp), "restore", str(saved)]) == 0
    err = capsys.readouterr().err
    assert "已损坏" in err and "另存为" in err
    assert integrity_check(dbp) == [] and restore.damaged_reason(dbp) is None
    assert list((tmp_path / "data" / "backups").glob("live.damaged-*.sqlite3"))
    assert run(["--db", str(dbp), "check"]) == 0
    assert not Path(str(dbp) + ".lock").exists()


def test_a_crashed_but_sound_database_is_not_called_damaged(demo_db: Database, tmp_path: Path) -> None:
    import os
    import signal
    import time

    assert demo_db.path is not None
    demo_db.dispose()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child writes, then waits to be killed
        try:
            child = open_database(demo_db.path, migrate=False)
            conn = child.engine.raw_connection()
            conn.execute("PRAGMA wal_autocheckpoint=0")  # keep the commit in the WAL only
            conn.execute("INSERT INTO setting (key, value) VALUES ('k', 'v')")
            conn.commit()
            os.write(write_fd, b"x")
            time.sleep(120)  # until killed
        finally:
            os._exit(0)
    assert os.read(read_fd, 1) == b"x"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(read_fd)
    os.close(write_fd)
    assert Path(str(demo_db.path) + "-wal").stat().st_size > 0  # a crash left a WAL to replay
    assert restore.damaged_reason(demo_db.path) is None
    conn = sqlite3.connect(demo_db.path)
    assert conn.execute("SELECT value FROM setting WHERE key='k'").fetchone() == ("v",)
    conn.close()


def test_backup_before_takes_a_sentence_as_reason(demo_db: Database, tmp_path: Path) -> None:
    result = backup.backup_before(demo_db, "导入花名册 2024年花名册.xlsx 之前", "录入员甲", tmp_path)
    assert result is not None and result.info.reason == "import"
    assert result.info.path.name.endswith("-import.sqlite3")
    assert backup.reason_slug("升级数据库结构前") == "migrate"
    assert backup.reason_slug("随便什么") == "before"
    with demo_db.session_factory() as s:
        last = s.scalars(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
    assert last is not None and "导入花名册 2024年花名册.xlsx 之前" in last.summary


# ---------------------------------------------------------------- a backup taken ahead of a write

def _backup_events(db: Database) -> list[str]:
    with db.session_factory() as s:
        return list(s.scalars(select(ChangeLog.summary).where(ChangeLog.action == "backup").order_by(ChangeLog.id)))


def test_a_backup_taken_ahead_is_logged_once_when_kept(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    ahead = backup.BackupAhead(demo_db, "导入学时记录 x.csv 之前", "测试员", folder)
    first = ahead.keep()
    assert first is not None and first.info.path.exists()
    assert ahead.keep() == first  # waiting again logs nothing more
    ahead.discard()  # kept: stays
    assert first.info.path.exists()
    assert [b.path for b in backup.list_backups(folder, demo_db.path)] == [first.info.path]
    events = _backup_events(demo_db)
    assert len(events) == 1 and "导入学时记录 x.csv 之前" in events[0]


def test_a_backup_taken_ahead_and_not_needed_leaves_nothing(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    before = _backup_events(demo_db)
    ahead = backup.BackupAhead(demo_db, "导入学时记录 x.csv 之前", "测试员", folder)
    ahead.discard()
    assert list(folder.iterdir()) == []  # neither the copy nor its companion file
    assert _backup_events(demo_db) == before
    ahead.discard()  # twice is fine


def test_a_backup_ahead_that_fails_says_so_when_waited_for(demo_db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    ahead = backup.BackupAhead(demo_db, "导入学时记录 x.csv 之前", "测试员", blocker)
    with pytest.raises(DangxunError):
        ahead.keep()
    assert _backup_events(demo_db) == []


@pytest.mark.parametrize("folder_name", ["备份#1", "旧?备份", "50%20满", "a%2Fb"])
def test_backups_in_a_folder_whose_name_holds_uri_signs_are_read_and_restored(
        demo_db: Database, tmp_path: Path, folder_name: str) -> None:
    """A folder named by a clerk (a USB stick's "备份#1") is a path, never part of a URI: the backup's
    member count is read from it and it restores, as from any folder."""
    folder = tmp_path / folder_name
    saved = backup.backup_now(demo_db, "t", folder=folder).info.path
    listed = [b for b in backup.list_backups(folder, demo_db.path) if b.path == saved]
    assert listed and listed[0].members == 100
    assert backup.read_backup_info(saved).members == 100
    _add_branch(demo_db, "后来的党支部")
    result = restore.restore_backup(demo_db, saved, "管理员甲", folder)
    assert result.members == 100
    with demo_db.session_factory() as s:
        assert s.scalar(select(Branch).where(Branch.name == "后来的党支部")) is None
