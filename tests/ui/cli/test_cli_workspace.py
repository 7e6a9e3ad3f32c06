"""Every command goes through the workspace: roles checked first, one backup before an import that writes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers.backend import sqlite_only
from tests.helpers.cli_support import Cli, records_csv


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, monkeypatch, capsys).with_accounts()


def test_no_command_frames_its_own_transaction() -> None:
    paths = sorted((ROOT / "ui" / "cli").glob("*_cmd.py"))
    assert len(paths) >= 6
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "session_factory" not in text and ".writable()" not in text, path.name
        ast.parse(text)


@sqlite_only
def test_import_records_takes_exactly_one_backup_before_it_writes(cli: Cli, tmp_path: Path) -> None:
    members = cli.json("members", "list", user="clerk")[:5]
    good = records_csv(tmp_path / "学时.csv", members)
    bad = records_csv(tmp_path / "有错.csv", members, title="另一项培训", bad_row=True)
    start = len(cli.backups())

    # A dry run and a refused import write nothing and take no backup.
    assert cli("import-records", str(good), "--dry-run", user="clerk")[0] == 0
    code, _, err = cli("import-records", str(bad), user="clerk")
    assert code == 1 and "未导入" in err
    # A reader is refused before anything is read or copied.
    code, _, err = cli("import-records", str(good), user="reader")
    assert code == 1 and "无权" in err and "查阅" in err
    assert len(cli.backups()) == start

    summary = cli.json("import-records", str(good), user="clerk")
    assert summary["added"] == 5
    after = cli.backups()
    assert len(after) == start + 1
    newest = after[0]
    assert newest["reason"] == "import"
    # The backup was taken before the write: it holds none of the imported hours.
    import sqlite3

    conn = sqlite3.connect(newest["path"])
    try:
        assert conn.execute("select count(*) from activity where title = '学习贯彻专题培训'").fetchone()[0] == 0
    finally:
        conn.close()
    # The same file again changes nothing, so it needs no backup.
    assert cli.json("import-records", str(good), user="clerk")["added"] == 0
    assert len(cli.backups()) == start + 1


@sqlite_only
def test_import_members_takes_one_backup_and_a_dry_run_none(cli: Cli, tmp_path: Path) -> None:
    roll = tmp_path / "名册.xlsx"
    cli.ok("export-members", str(roll), user="clerk")
    start = len(cli.backups())
    assert cli("import-members", str(roll), "--dry-run", "--on-duplicate", "skip", user="clerk")[0] == 0
    assert len(cli.backups()) == start
    assert cli("import-members", str(roll), "--on-duplicate", "skip", user="reader")[0] == 1
    assert len(cli.backups()) == start
    assert cli("import-members", str(roll), "--on-duplicate", "skip", user="clerk")[0] == 0
    assert len(cli.backups()) == start + 1


@pytest.mark.parametrize(("args", "user"), [
    (("branches", "create", "新支部"), "reader"),
    (("activities", "create", "--title", "读者的活动", "--type", "专题培训", "--start", "2024-05-01"), "reader"),
    (("adjust-hours", "1", "2", "--reason", "补录"), "reader"),
    (("accounts", "create", "x", "--role", "查阅"), "clerk"),
    (("accounts", "set", "reader", "--disable"), "clerk"),
    (("restore", "nothing.sqlite3"), "clerk"),
])
def test_roles_refuse_with_exit_1_and_write_nothing(cli: Cli, args: tuple[str, ...], user: str) -> None:
    if args[0] == "restore":
        target = cli.data / "boss-backup.sqlite3"
        cli.ok("backup", str(target), user="boss")  # a server's snapshot goes to a named file
        args = ("restore", str(target))
    backups = len(cli.backups())
    before = cli.json("log", user="boss")
    code, _, err = cli(*args, user=user, new="secret-x-9")
    assert code == 1 and "无权" in err, err
    after = cli.json("log", user="boss")
    # Only the log-ins of the refused account and of the checks were written.
    assert {e["action"] for e in after[: len(after) - len(before)]} <= {"login"}
    assert len(cli.backups()) == backups


def test_a_clerk_writes_roll_and_training_data_an_admin_everything(cli: Cli) -> None:
    cli.ok("branches", "create", "新建的党支部", user="clerk")
    created = cli.json("activities", "create", "--title", "录入员的活动", "--type", "专题培训",
                       "--start", "2024-05-01", "--hours", "2", user="clerk")
    cli.ok("enrol", str(created["id"]), "--all", user="clerk")
    cli.ok("attendance", "set", str(created["id"]), "--all-present", user="clerk")
    cli.ok("accounts", "set", "reader", "--disable", user="boss")
    code, _, err = cli("members", "list", user="reader")
    assert code == 1 and "登录失败" in err


@sqlite_only
def test_restore_takes_one_backup_first(cli: Cli) -> None:
    cli.ok("backup", user="boss")
    source = cli.backups()[0]["path"]
    start = len(cli.backups())
    code, _, err = cli("restore", source, user="boss")
    assert code == 0, err
    assert len(cli.backups()) == start + 1
    assert cli.backups()[0]["reason"] == "restore"
