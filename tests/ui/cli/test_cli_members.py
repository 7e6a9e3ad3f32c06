"""The command line's forms, exit codes and JSON shape for the roll."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

JSON_KEYS = ["name", "id_number", "sex", "birth_date", "ethnicity", "education", "joined_party",
             "full_member_since", "membership", "branch", "party_post", "job", "staff_status", "phone",
             "joined_org", "left_date", "status", "remarks"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


def test_demo_then_members_list_json(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    done = run("--db", db, "demo", "--members", "40", "--branches", "5")
    assert done.returncode == 0, done.stderr
    listed = run("--db", db, "members", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 40
    assert all(list(r) == JSON_KEYS for r in rows)
    months = [r["joined_party"] for r in rows if r["joined_party"] and len(r["joined_party"]) == 7]
    assert months, "the demo gives some joining dates to the month only, printed as YYYY-MM"
    assert all(len(r["birth_date"]) == 10 for r in rows)
    one_branch = rows[0]["branch"]
    only = json.loads(run("--db", db, "members", "list", "--branch", one_branch, "--json").stdout)
    assert only and {r["branch"] for r in only} == {one_branch}


def test_demo_refuses_a_database_with_members(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    assert run("--db", db, "demo", "--members", "5", "--branches", "2").returncode == 0
    again = run("--db", db, "demo")
    assert again.returncode == 1 and "已有党员" in again.stderr


def test_env_variable_chooses_the_database(tmp_path: Path) -> None:
    db = tmp_path / "env.sqlite3"
    assert run("demo", "--members", "3", "--branches", "2", env={"DANGXUN_DB": str(db)}).returncode == 0
    assert db.exists()


@pytest.mark.parametrize("args", [["members"], ["nonsense"], ["members", "list", "--bogus"]])
def test_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "u.sqlite3"), *args)
    assert result.returncode == 2


def test_unknown_branch_exits_1(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    result = run("--db", db, "members", "list", "--branch", "没有这个支部")
    assert result.returncode == 1 and "没有名为" in result.stderr


def test_version() -> None:
    from services.version import VERSION

    result = run("--version")
    assert result.returncode == 0 and VERSION in result.stdout


def test_not_a_database_exits_with_a_message(tmp_path: Path) -> None:
    bogus = tmp_path / "x.sqlite3"
    bogus.write_text("hello", encoding="utf-8")
    result = run("--db", str(bogus), "members", "list")
    assert result.returncode == 2 and "不是本程序的数据库" in result.stderr
