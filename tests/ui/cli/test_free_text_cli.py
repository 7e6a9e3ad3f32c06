"""From the command line: a roll's and a record file's free text comes back exactly as written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from tests.helpers.free_text import expected, write_roll


def test_members_list_gives_back_what_the_roll_wrote(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli
    db = str(tmp_path / "cli.sqlite3")
    roll = write_roll(tmp_path / "roll.xlsx")
    done = run("--db", db, "import-members", str(roll), "--create-branches")
    assert done.returncode == 0, done.stderr
    rows = json.loads(run("--db", db, "members", "list", "--json").stdout)
    got = {r["id_number"]: {"name": r["name"], "job": r["job"], "remarks": r["remarks"]} for r in rows}
    assert got == expected()
    again = run("--db", db, "import-members", str(roll))
    assert again.returncode == 0, again.stderr


def test_activities_list_gives_back_the_file_titles(cli: Callable[..., Any], tmp_path: Path, samples: Path) -> None:
    run = cli
    db = str(tmp_path / "cli.sqlite3")
    assert run("--db", db, "import-members", str(samples / "roll_clean.xlsx"), "--create-branches").returncode == 0
    path = samples / "records_audience.xlsx"
    done = run("--db", db, "import-records", str(path))
    assert done.returncode == 0, done.stderr
    titles = {a["title"] for a in json.loads(run("--db", db, "activities", "list", "--json").stdout)}
    ws = openpyxl.load_workbook(path).active
    assert titles == {row[2] for row in ws.iter_rows(min_row=2, values_only=True) if row[2]}
    assert "“学思想、强党性”专题党课（上半年）" in titles
