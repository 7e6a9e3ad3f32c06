"""The command line of statistics, ledger, report, targets, grades and spending (no Qt needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from services.normalize import id_check_digit
from services.safety.storage import open_database
from tests.helpers.stats_dataset import build_dataset
from ui.cli.main import run


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.sqlite3"
    db = open_database(path)
    with db.session_factory.begin() as s:
        build_dataset(s)
    db.dispose()
    return path


def test_stats_json_exact(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["--db", str(db_path), "stats", "--from", "2023-01-01", "--to", "2024-12-31", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["from", "to", "members", "branches", "activities", "person_times", "total_hours",
                          "avg_hours_per_member_year", "coverage", "years"]
    assert (data["from"], data["to"], data["members"], data["branches"]) == ("2023-01-01", "2024-12-31", 4, 2)
    assert data["total_hours"] == 178.0 and data["coverage"] == 0.75
    assert data["years"]["2023"]["below_target"] == 3


def test_stats_usage_errors(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(["--db", str(db_path), "stats", "--from", "2024-13-01", "--to", "2024-12-31", "--json"])
    assert info.value.code == 2
    assert run(["--db", str(db_path), "stats", "--from", "2024-12-31", "--to", "2024-01-01", "--json"]) == 2
    assert capsys.readouterr().out == ""


def test_ledger_report_and_more(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ledger.xlsx"
    assert run(["--db", str(db_path), "ledger", "--year", "2024", str(out)]) == 0
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("学时台账").to_python()
    assert len(rows) == 2 + 5
    docx = tmp_path / "report.docx"
    assert run(["--db", str(db_path), "report", "--from", "2023-01-01", "--to", "2024-12-31", str(docx),
                "--xlsx", str(tmp_path / "report.xlsx")]) == 0
    assert docx.stat().st_size > 0 and (tmp_path / "report.xlsx").exists()
    assert run(["--db", str(db_path), "report", "--from", "2023-01-01", "--to", "2024-12-31",
                str(tmp_path / "report.txt")]) == 2
    assert run(["--db", str(db_path), "targets", "set", "--year", "2024", "--group", "bureau", "--hours", "50"]) == 0
    capsys.readouterr()
    assert run(["--db", str(db_path), "targets", "show", "--year", "2024", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["rules"]["bureau"]["hours"] == 50 and shown["rules"]["bureau"]["enabled"]
    assert run(["--db", str(db_path), "spending", "add", "--date", "2024-03-01", "--amount", "500",
                "--purpose", "书籍", "--source", "党费"]) == 0
    assert run(["--db", str(db_path), "spending", "add", "--date", "2024-03-01", "--amount", "500",
                "--purpose", "宴请", "--source", "党费"]) == 1
    capsys.readouterr()
    assert run(["--db", str(db_path), "spending", "list", "--from", "2024-01-01", "--to", "2024-12-31",
                "--json"]) == 0
    assert [r["amount"] for r in json.loads(capsys.readouterr().out)] == [500.0]
    card = tmp_path / "card.pdf"
    body = "11010519800101001"
    assert run(["--db", str(db_path), "card", body + id_check_digit(body), str(card)]) == 0
    assert card.read_bytes().startswith(b"%PDF")
