"""`demo` only into an empty database (exit 1 with the reason otherwise); `demo --remove` removes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def test_demo_then_refused_then_removed(cli: Callable[..., Any], tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite3")
    assert cli("--db", db, "demo", "--remove").returncode == 1  # nothing to remove
    assert cli("--db", db, "demo", "--members", "12", "--branches", "2", "--no-activities").returncode == 0
    again = cli("--db", db, "demo", "--members", "12", "--branches", "2")
    assert again.returncode == 1 and "党员12名" in again.stderr and "空数据库" in again.stderr
    assert cli("--db", db, "branches", "create", "本单位党支部").returncode == 0  # the office's own
    removed = cli("--db", db, "demo", "--remove")
    assert removed.returncode == 0 and "12名党员" in removed.stderr
    left = json.loads(cli("--db", db, "branches", "list", "--json").stdout)
    assert [b["name"] for b in left] == ["本单位党支部"]
    assert json.loads(cli("--db", db, "members", "list", "--json").stdout) == []


@pytest.mark.parametrize(("option", "value"), [("--members", "-5"), ("--members", "300000"), ("--branches", "0"),
                                               ("--members", "十")])
def test_a_demo_size_out_of_range_is_refused_before_any_database_is_made(tmp_path: Path, option: str,
                                                                        value: str) -> None:
    from ui.cli.main import run

    db = tmp_path / "示例.sqlite3"
    with pytest.raises(SystemExit) as stopped:
        run(["--db", str(db), "demo", option, value])
    assert stopped.value.code == 2
    assert not db.exists()
