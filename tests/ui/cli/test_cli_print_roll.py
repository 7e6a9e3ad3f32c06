"""`print-roll`: exit codes, the file written, and who may print full ID numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.safety import accounts
from services.safety.storage import Database
from ui.cli.main import run


def _db_path(database: Database) -> str:
    from tests.helpers import backend

    return backend.location(database)


def test_written(demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "roll.pdf"
    demo_db.dispose()
    assert run(["--db", _db_path(demo_db), "print-roll", str(out), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert out.read_bytes().startswith(b"%PDF") and shown["pages"] >= 2 and shown["members"] > 50
    assert shown["path"] == str(out)


def test_branch_portrait_and_all_statuses(demo_db: Database, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from services.roll.members import list_members

    with demo_db.session_factory() as s:
        branch = list_members(s)[0].branch
        expected = len(list_members(s, branch=branch))
    demo_db.dispose()
    out = tmp_path / "b.pdf"
    assert run(["--db", _db_path(demo_db), "print-roll", str(out), "--branch", branch, "--portrait",
                "--status", "全部", "--full-ids", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["members"] == expected


def test_unknown_branch_exits_1(demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.pdf"
    demo_db.dispose()
    assert run(["--db", _db_path(demo_db), "print-roll", str(out), "--branch", "没有这个支部"]) == 1
    assert "没有这个支部" in capsys.readouterr().err and not out.exists()


def test_usage_error_exits_2(demo_db: Database, tmp_path: Path) -> None:
    demo_db.dispose()
    with pytest.raises(SystemExit) as exc:
        run(["--db", _db_path(demo_db), "print-roll", str(tmp_path / "x.pdf"), "--status", "别的"])
    assert exc.value.code == 2


def test_full_ids_refused_for_a_viewer(demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with demo_db.session_factory.begin() as s:
        accounts.create_account(s, "boss", accounts.ADMIN, "secret-1", "t")
        accounts.create_account(s, "reader", accounts.VIEWER, "secret-3", "boss")
    demo_db.dispose()
    out = tmp_path / "r.pdf"
    monkeypatch.setenv("DANGXUN_PASSWORD", "secret-3")
    assert run(["--db", _db_path(demo_db), "--user", "reader", "print-roll", str(out), "--full-ids"]) == 1
    assert "--full-ids" in capsys.readouterr().err and not out.exists()
    assert run(["--db", _db_path(demo_db), "--user", "reader", "print-roll", str(out)]) == 0
    assert out.exists()
