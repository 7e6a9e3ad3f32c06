"""A battery of faults through the command line: each ends with a documented exit code, a Chinese
message naming the file, no traceback, the database as it was, and `check` still passing."""

from __future__ import annotations

import errno
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from ui.cli.main import run

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        code = run(list(args))
    except SystemExit as exc:  # argparse's usage errors (exit code 2), as main.py ends
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code in (0, 1, 2, 3), err
    assert "Traceback" not in err
    if code:
        assert CHINESE.search(err), err
    return code, err


def settle(path: Path) -> bytes:
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


@pytest.fixture
def office(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working database with members and one backup, in a data folder of its own."""
    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DANGXUN_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "office.sqlite3"
    code, err = cli(capsys, "--db", str(db), "demo", "--members", "15", "--branches", "2")
    assert code == 0, err
    assert f"已新建数据库：{db}" in err
    assert cli(capsys, "--db", str(db), "backup")[0] == 0
    return db


def other_app(path: Path) -> Path:
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('x')")
    conn.commit()
    conn.close()
    return path


def garble(path: Path, table: str) -> None:
    conn = sqlite3.connect(str(path))
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (table,)).fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\x5a" * 400)


def test_missing_folder_is_refused_and_not_made(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  office: Path) -> None:
    target = tmp_path / "typo" / "sub" / "x.sqlite3"
    code, err = cli(capsys, "--db", str(target), "members", "list")
    assert code == 2 and "不存在" in err and str(target.parent) in err
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("url", ["mysql://u:secret@db.example/x", "oracle+cx://h/x", "ftp://h/x"])
def test_unsupported_scheme_lists_the_supported(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                office: Path, url: str) -> None:
    code, err = cli(capsys, "--db", url, "members", "list")
    assert code == 2 and "不支持" in err and "sqlite:///" in err and "postgresql+psycopg://" in err
    assert "secret" not in err
    assert sorted(p.name for p in tmp_path.iterdir() if ":" in p.name) == []


def test_unreachable_server_names_host_and_port(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                office: Path) -> None:
    code, err = cli(capsys, "--db", "postgresql+psycopg://clerk@127.0.0.1:1/dangxun", "members", "list")
    assert code == 2 and "127.0.0.1:1" in err and "无法连接" in err
    assert not (tmp_path / "postgresql+psycopg:").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if ":" in p.name) == []


def test_sqlite_url_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path) -> None:
    code, _ = cli(capsys, "--db", f"sqlite:///{office}", "members", "list")
    assert code == 0
    code, err = cli(capsys, "--db", "sqlite:///fresh.sqlite3", "members", "list")
    assert code == 0 and "已新建数据库" in err and (tmp_path / "fresh.sqlite3").exists()
    assert not (tmp_path / "sqlite:").exists()


def test_another_apps_database_and_a_text_file_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         office: Path) -> None:
    other = other_app(tmp_path / "contacts.db")
    text = tmp_path / "notes.sqlite3"
    text.write_text("这不是数据库", encoding="utf-8")
    for path in (other, text):
        before = path.read_bytes()
        code, err = cli(capsys, "--db", str(path), "members", "list")
        assert code == 2 and str(path) in err and "不是本程序的数据库" in err
        code, err = cli(capsys, "--db", str(path), "branches", "create", "新支部")
        assert code == 2
        assert path.read_bytes() == before


def test_restore_of_another_apps_file_leaves_the_office_database_byte_identical(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path) -> None:
    other = other_app(tmp_path / "contacts.db")
    text = tmp_path / "roll.sqlite3"
    text.write_text("姓名\n张三\n", encoding="utf-8")
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    before = settle(office)
    backups = sorted((tmp_path / "data" / "backups").iterdir())
    for source in (other, text, empty):
        source_before = source.read_bytes()
        code, err = cli(capsys, "--db", str(office), "restore", str(source))
        assert code == 1 and str(source) in err, err
        assert source.read_bytes() == source_before
        assert office.read_bytes() == before
    assert sorted((tmp_path / "data" / "backups").iterdir()) == backups
    assert cli(capsys, "--db", str(office), "check")[0] == 0


def test_truncated_database_names_the_newest_good_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         office: Path) -> None:
    settle(office)
    with office.open("r+b") as fh:
        fh.truncate(office.stat().st_size // 2 + 17)
    before = office.read_bytes()
    newest = sorted((tmp_path / "data" / "backups").glob("*.sqlite3"))[-1]
    for command in (("members", "list"), ("check",), ("branches", "create", "x")):
        code, err = cli(capsys, "--db", str(office), *command)
        assert code == 2 and str(office) in err and "已损坏" in err and str(newest) in err, err
    assert office.read_bytes() == before
    # restore over the damaged file keeps it aside and gives back a sound database
    code, err = cli(capsys, "--db", str(office), "restore", str(newest))
    assert code == 0, err
    assert list((tmp_path / "data" / "backups").glob("*.damaged-*.sqlite3"))
    assert cli(capsys, "--db", str(office), "check")[0] == 0


def test_damaged_member_table(tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path) -> None:
    settle(office)
    garble(office, "member")
    code, err = cli(capsys, "--db", str(office), "members", "list")
    assert code == 2 and "已损坏" in err and str(office) in err and "最近的完好备份" in err
    code, err = cli(capsys, "--db", str(office), "check")
    assert code == 2 and "已损坏" in err


def test_output_path_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path) -> None:
    before = settle(office)
    folder = tmp_path / "out"
    folder.mkdir()
    for command in (("export-members", str(folder)), ("print-roll", str(folder)), ("template", "members", str(folder))):
        code, err = cli(capsys, "--db", str(office), *command)
        assert code in (1, 2) and "文件夹" in err and str(folder) in err, (command, err)
    assert list(folder.iterdir()) == []
    assert settle(office) == before


@pytest.mark.parametrize("command", [("export-members", "roll.xlsx"), ("print-roll", "roll.pdf"),
                                     ("template", "members", "tpl.xlsx"), ("backup", "copy.sqlite3"),
                                     ("ledger", "--year", "2024", "ledger.xlsx")])
def test_full_disk_leaves_no_partial_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path,
                                          monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]) -> None:
    from services.files import safe_write

    def full(_path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_write, "_fsync_file", full)
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    monkeypatch.chdir(out_dir)
    data_before = settle(office)
    code, err = cli(capsys, "--db", str(office), *command)
    assert code == 1 and "磁盘已满" in err, err
    assert list(out_dir.iterdir()) == []
    monkeypatch.undo()
    assert settle(office) == data_before or cli(capsys, "--db", str(office), "check")[0] == 0


def test_read_only_database_reads_and_refuses_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.safety import recognise

    before = settle(office)
    real = recognise.os.access

    def access(p: object, mode: int) -> bool:
        if str(p) == str(office) and mode & recognise.os.W_OK:
            return False
        return real(p, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(recognise.os, "access", access)
    code, err = cli(capsys, "--db", str(office), "members", "list")
    assert code == 0 and "只读" in err
    code, err = cli(capsys, "--db", str(office), "branches", "create", "新支部")
    assert code == 1 and "只读" in err
    assert office.read_bytes() == before


def test_subprocess_faults_never_show_a_traceback(tmp_path: Path) -> None:
    other = other_app(tmp_path / "contacts.db")
    env = {"DANGXUN_DATA_DIR": str(tmp_path / "data")}
    import os

    for args in (["--db", str(other), "check"], ["--db", "mysql://h/x", "check"],
                 ["--db", str(tmp_path / "no" / "x.sqlite3"), "check"]):
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                              cwd=tmp_path, env={**os.environ, **env}, timeout=120)
        assert done.returncode == 2 and "Traceback" not in done.stderr and CHINESE.search(done.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.db"]
