"""The command line run in-process on a small demo office, for tests of odd input: exit code and stderr,
never a traceback; the database's bytes and a folder's leftovers, to show nothing was half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ui.cli.main import run


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        code = run(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "意外问题" not in err, err
    return code, err


def settled(path: Path) -> bytes:
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".part" in p.name)


@pytest.fixture
def office(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo office of 8 members in 2 branches, with its own data folder."""
    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DANGXUN_USER", "tester")
    monkeypatch.delenv("DANGXUN_DB", raising=False)
    db = tmp_path / "office.sqlite3"
    code, err = cli(capsys, "--db", str(db), "demo", "--members", "8", "--branches", "2")
    assert code == 0, err
    return db
