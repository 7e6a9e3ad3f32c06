"""`demo` only into an empty database (exit 1 with the reason otherwise); `demo --remove` removes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


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
