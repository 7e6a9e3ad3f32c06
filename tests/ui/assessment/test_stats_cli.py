"""The command line of statistics, ledger, report, targets, grades and spending (no Qt needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from services.normalize import id_check_digit
from tests.helpers.stats_dataset import dataset_file
from ui.cli.main import run


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return dataset_file(tmp_path / "cli.sqlite3")


def test_stats_json_exact(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["--db", str(db_path), "stats", "--from", "2023-01-01", "--to", "2024-12-31", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["from", "to", "members", "branches", "activities", "person_times", "total_hours",
                          "avg_hours_per_member_year", "coverage", "years"]
    assert (data["from"], data["to"], data["members"], data["branches"]) == ("2023-01-01", "2024-12-31", 4, 2)
    assert data["total_hours"] == 178.0 and data["coverage"] == 0.75
    assert data["years"]["2023"]["below_target"] == 3


def test_stats_text_writes_hours_as_a_clerk_does(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["--db", str(db_path), "stats", "--from", "2023-01-01", "--to", "2024-12-31"])
    assert code == 0
    text = capsys.readouterr().out
    assert "累计学时 178；" in text  # the JSON says 178.0
    assert not re.search(r"\d\.0[，；]|\d\.\d0[，；]", text), text
    code = run(["--db", str(db_path), "stats", "--from", "2024-01-01", "--to", "2030-12-31"])
    text = capsys.readouterr().out
    assert code == 0 and "2030年：在册 4 名，尚无学时记录" in text and "2030年：在册 4 名，学时" not in text, text


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
    with pytest.raises(SystemExit) as refused:  # a name the command does not write: a usage error, exit code 2
        run(["--db", str(db_path), "report", "--from", "2023-01-01", "--to", "2024-12-31", str(tmp_path / "report.txt")])
    assert refused.value.code == 2 and not (tmp_path / "report.txt").exists()
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


def test_stats_members_behind_a_figure(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", str(db_path), "stats", "--from", "2023-01-01", "--to", "2024-12-31"]
    assert run([*base, "--members", "below_target", "--year", "2024", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["hours"], r["target"], r["target_basis"]) for r in rows] == [
        ("甲一", 44.0, 56.0, "支部书记和支委委员56学时，须参加集中培训班"),
        ("丙三", 10.0, 32.0, "全体党员32学时"), ("戊五", 0.0, 26.67, "全体党员32学时，在册10个月折算")]
    # The same lists as the figures: `stats --json`'s below_target of 2024 is 3.
    assert run([*base, "--members", "below_target", "--year", "2024", "--branch", "第二支部"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2024年未达到学时目标的党员（第二支部）：2 名" and "在册10个月折算" in out
    assert run([*base, "--members", "no_hours"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "截至2024-12-31没有学时的党员：1 名" and "戊五" in out
    assert run([*base, "--members", "on_roll", "--year", "2023", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 4


def test_stats_members_refusals(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", str(db_path), "stats", "--from", "2023-01-01", "--to", "2024-12-31"]
    assert run([*base, "--members", "below_target"]) == 2  # which year?
    assert run([*base, "--year", "2024"]) == 2  # --year only with --members
    assert run([*base, "--members", "on_roll", "--year", "2022"]) == 1
    assert run([*base, "--members", "on_roll", "--branch", "第九支部"]) == 1
    err = capsys.readouterr().err
    assert "2022年不在统计区间" in err and "第九支部" in err and "Traceback" not in err


def test_grades_import_takes_a_backup_first(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook

    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    grades = tmp_path / "grades.xlsx"
    wb = Workbook()
    sheet = wb.active
    sheet.append(["姓名", "评议等次"])
    sheet.append(["乙二", "优秀"])
    wb.save(grades)

    def backups() -> int:
        assert run(["--db", str(db_path), "backups", "list", "--json"]) == 0
        return len(json.loads(capsys.readouterr().out))

    before = backups()
    assert run(["--db", str(db_path), "grades", "import", "--year", "2024", str(grades)]) == 0
    assert backups() == before + 1
    assert run(["--db", str(db_path), "grades", "list", "--year", "2024", "--json"]) == 0
    assert {r["name"]: r["grade"] for r in json.loads(capsys.readouterr().out)}["乙二"] == "优秀"


def test_a_refused_or_unchanged_grades_import_takes_no_backup(db_path: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook

    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))

    def sheet(path: Path, grade: str) -> Path:
        wb = Workbook()
        wb.active.append(["姓名", "评议等次"])
        wb.active.append(["乙二", grade])
        wb.save(path)
        return path

    def backups() -> int:
        assert run(["--db", str(db_path), "backups", "list", "--json"]) == 0
        return len(json.loads(capsys.readouterr().out))

    before = backups()
    assert run(["--db", str(db_path), "grades", "import", "--year", "2024", str(sheet(tmp_path / "bad.xlsx", "很好"))]) == 1
    assert backups() == before
    good = sheet(tmp_path / "good.xlsx", "合格")
    assert run(["--db", str(db_path), "grades", "import", "--year", "2024", str(good)]) == 0
    assert backups() == before + 1
    assert run(["--db", str(db_path), "grades", "import", "--year", "2024", str(good)]) == 0  # nothing new
    assert backups() == before + 1
