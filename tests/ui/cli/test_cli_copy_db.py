"""`copy-db TARGET`: file → server → file keeps every listing and statistic and passes `check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import backend
from tests.helpers.cli_support import Cli

LISTINGS = (("members", "list", "--json"), ("activities", "list", "--json"),
            ("stats", "--from", "2022-01-01", "--to", "2026-12-31", "--json"),
            ("certificate-register", "{out}/register.xlsx"), ("accounts", "list", "--json"))


def _views(cli: Cli, db: str, out: Path) -> list[object]:
    seen: list[object] = []
    for args in LISTINGS:
        argv = ["--db", db, "--user", "boss", *[a.format(out=out) for a in args]]
        cli.monkeypatch.setenv("DANGXUN_PASSWORD", "secret-boss-1")
        code, stdout, err = _run(cli, argv)
        assert code == 0, err
        seen.append(json.loads(stdout) if "--json" in args else None)
    return seen


def _run(cli: Cli, argv: list[str]) -> tuple[int, str, str]:
    from ui.cli.main import run

    cli.capsys.readouterr()
    code = run(argv)
    captured = cli.capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, monkeypatch, capsys).with_accounts(members=30)


def test_copy_to_a_new_file_and_back_keeps_everything(cli: Cli, tmp_path: Path) -> None:
    before = _views(cli, cli.db, tmp_path)
    hops = [backend.new_database(migrated=False)] if backend.on_server() else []
    hops.append(str(tmp_path / "副本.sqlite3"))
    source = cli.db
    for target in hops:
        code, _, err = _run(cli, ["--db", source, "--user", "boss", "copy-db", target, "--json"])
        assert code == 0, err
        assert "已把整个数据库复制到" in err
        code, out, err = _run(cli, ["--db", target, "--user", "boss", "check", "--json"])
        assert code == 0 and json.loads(out)["ok"] is True, err
        assert _views(cli, target, tmp_path) == before
        source = target
    for hop in hops:
        if backend.is_url(hop):
            backend.drop_database(hop)


def test_copy_is_refused_into_a_database_that_holds_data_and_to_non_administrators(cli: Cli,
                                                                                  tmp_path: Path) -> None:
    other = tmp_path / "有数据.sqlite3"
    cli.monkeypatch.setenv("DANGXUN_PASSWORD", "secret-boss-1")
    assert _run(cli, ["--db", str(other), "demo", "--members", "3", "--branches", "1"])[0] == 0
    code, _, err = _run(cli, ["--db", cli.db, "--user", "boss", "copy-db", str(other)])
    assert code == 1 and "已存在" in err
    cli.monkeypatch.setenv("DANGXUN_PASSWORD", "secret-clerk-2")
    code, _, err = _run(cli, ["--db", cli.db, "--user", "clerk", "copy-db", str(tmp_path / "c.sqlite3")])
    assert code == 1 and "无权" in err and not (tmp_path / "c.sqlite3").exists()


def test_a_branch_administrator_is_not_an_office_one(cli: Cli, tmp_path: Path) -> None:
    code, out, err = _run(cli, ["--db", cli.db, "--user", "boss", "branches", "list", "--json"])
    assert code == 0, err
    branch = json.loads(out)[0]["name"]
    cli.monkeypatch.setenv("DANGXUN_PASSWORD", "secret-boss-1")
    cli.monkeypatch.setenv("DANGXUN_NEW_PASSWORD", "secret-branch-4")
    code, _, err = _run(cli, ["--db", cli.db, "--user", "boss", "accounts", "create", "zhibu", "--role", "录入员",
                              "--branch", branch])
    assert code == 0, err
    cli.monkeypatch.setenv("DANGXUN_PASSWORD", "secret-branch-4")
    code, _, err = _run(cli, ["--db", cli.db, "--user", "zhibu", "copy-db", str(tmp_path / "c.sqlite3")])
    assert code == 1 and not (tmp_path / "c.sqlite3").exists()
