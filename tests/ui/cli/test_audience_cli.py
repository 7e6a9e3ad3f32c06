"""`stats --by-audience`: figures per training audience, agreeing with `stats --json` for the same period."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.stats_dataset import dataset_file
from ui.cli.main import run


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return dataset_file(tmp_path / "cli.sqlite3")


def test_stats_by_audience_json(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--db", str(db_path), "stats", "--from", "2023-01-01", "--to", "2024-12-31", "--json"]
    assert run(args) == 0
    plain = json.loads(capsys.readouterr().out)
    assert "by_audience" not in plain  # the existing shape, unchanged without the option
    assert run([*args, "--by-audience"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["from", "to", "by_audience"]
    rows = {r["audience"]: r for r in data["by_audience"]}
    assert list(data["by_audience"][0]) == ["audience", "canonical", "activities", "members", "person_times",
                                            "hours"]
    everyone = rows["全体党员"]  # the dataset names no audience: every activity is for all members
    assert everyone["activities"] == sum(plain["activities"].values())
    assert everyone["person_times"] == sum(plain["person_times"].values())
    assert everyone["hours"] == plain["total_hours"]
    assert rows["新党员"]["activities"] == 0


def test_stats_by_audience_text_and_usage(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--db", str(db_path), "stats", "--from", "2023-01-01", "--to", "2024-12-31", "--by-audience"]) == 0
    out = capsys.readouterr().out
    assert "按培训对象" in out and "全体党员：4 次" in out
    assert run(["--db", str(db_path), "stats", "--from", "2023-01-01", "--to", "2024-12-31", "--by-audience",
                "--members", "on_roll"]) == 2
    assert "--by-audience 不能与 --members 一起使用" in capsys.readouterr().err
