"""Two databases of one file name (last year's archive in another folder, a copy on a USB drive) share the
backups folder: each lists, compares its log with and prunes only its own backups."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from services.roll.branches import create_branch
from services.safety import backup, restore
from services.safety.storage import Database, open_database
from tests.helpers.backend import sqlite_only

pytestmark = sqlite_only  # database files and their backups

DAY = dt.datetime(2026, 11, 25, 9, 0, 0)


def _database(folder: Path, branch: str) -> Database:
    folder.mkdir()
    db = open_database(folder / "dangxun.sqlite3", backup_dir=folder / "none")
    with db.session_factory.begin() as s:
        create_branch(s, branch, "测试员")
    return db


def test_each_database_of_one_name_keeps_its_own_backups(tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    mine, archive = _database(tmp_path / "now", "第一党支部"), _database(tmp_path / "archive", "旧支部")
    own = backup.backup_now(mine, "t", "manual", backups, now=DAY)
    theirs = backup.backup_now(archive, "t", "manual", backups, now=DAY + dt.timedelta(hours=1))
    assert own.info.origin and theirs.info.origin and own.info.origin != theirs.info.origin
    assert [b.path for b in backup.list_backups(backups, mine.path)] == [own.info.path]
    assert [b.path for b in backup.list_backups(backups, archive.path)] == [theirs.info.path]
    # The archive's backup is the newest of that name: the log of `mine` is not compared with it.
    assert restore.log_tail_problems(mine, backups) == []
    assert backup.last_backup(mine, backups) is not None and backup.last_backup(mine, backups).path == own.info.path
    # A month on, the archive's pruning keeps one backup of that week: its own, and leaves mine alone.
    month_on = DAY + dt.timedelta(days=30)
    assert backup.prune_backups(backups, archive.path, month_on, theirs.info.origin) == []
    assert own.info.path.exists() and theirs.info.path.exists()
    # By the file name alone (what pruning did before), mine would have gone as the older of that week.
    assert backup.prune_backups(backups, archive.path, month_on) == [own.info.path]
    mine.dispose()
    archive.dispose()


def test_a_backup_without_its_origin_on_record_is_read_from_the_file(tmp_path: Path) -> None:
    """Backups made before origins were recorded: the origin comes from the backup file itself."""
    backups = tmp_path / "backups"
    mine, archive = _database(tmp_path / "now", "第一党支部"), _database(tmp_path / "archive", "旧支部")
    old = backup.backup_now(archive, "t", "manual", backups, now=DAY)
    sidecar = old.info.path.with_name(old.info.path.name + ".json")
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    del meta["origin"]
    sidecar.write_text(json.dumps(meta), encoding="utf-8")
    assert backup.read_backup_info(old.info.path).origin == old.info.origin
    assert backup.list_backups(backups, mine.path) == []
    assert [b.path for b in backup.list_backups(backups, archive.path)] == [old.info.path]
    mine.dispose()
    archive.dispose()


def test_a_restore_from_another_databases_backup_is_said_and_can_be_undone(tmp_path: Path) -> None:
    """Restoring the archive's backup over `mine` says that it is another database's; afterwards the backup
    taken of `mine` just before (and its older ones) are still listed as this file's, to restore back."""
    backups = tmp_path / "backups"
    mine, archive = _database(tmp_path / "now", "第一党支部"), _database(tmp_path / "archive", "旧支部")
    own = backup.backup_now(mine, "t", "manual", backups, now=DAY)
    theirs = backup.backup_now(archive, "t", "manual", backups, now=DAY + dt.timedelta(hours=1))
    assert restore.foreign_backup(own.info.path, mine.path) is None
    said = restore.foreign_backup(theirs.info.path, mine.path)
    assert said is not None and "不是本数据库的备份" in said and str(archive.path) in said
    result = restore.restore_backup(mine, theirs.info.path, "t", backups)
    assert result.safety_backup is not None
    listed = [b.path for b in backup.list_backups(backups, mine.path)]
    assert result.safety_backup.path in listed and own.info.path in listed
    # Going back to the backup taken of this very file is no foreign restore.
    assert restore.foreign_backup(result.safety_backup.path, mine.path) is None
    # The archive still lists only its own.
    assert [b.path for b in backup.list_backups(backups, archive.path)] == [theirs.info.path]
    mine.dispose()
    archive.dispose()
