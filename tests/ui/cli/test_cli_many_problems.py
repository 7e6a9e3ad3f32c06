"""A refused file of many bad rows: the terminal lists the first problems and says how many more, not every one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli_support import Cli
from ui.cli.base import PROBLEMS_SHOWN

BAD = 120


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    cli = Cli(tmp_path, monkeypatch, capsys)
    cli.ok("demo", "--members", "5", "--branches", "2")
    return cli


def test_a_roll_of_many_bad_rows_lists_the_first_and_counts_the_rest(cli: Cli, tmp_path: Path) -> None:
    """`import-members` of a file whose every row had a bad 身份证号码 printed one line per row (48 000 lines for a
    48 000-row file); it prints the first PROBLEMS_SHOWN and how many more, and --json still carries all."""
    roll = tmp_path / "bad.csv"
    roll.write_text("姓名,公民身份号码,所在党支部\n" + "".join(f"党员{chr(0x4E00 + i)},12345{i:04d},第一党支部\n" for i in range(BAD)),
                    encoding="utf-8")
    code, _out, err = cli("import-members", str(roll))
    assert code == 1
    rows = [line for line in err.splitlines() if line.startswith("  第")]
    assert len(rows) == PROBLEMS_SHOWN and f"另有{BAD - PROBLEMS_SHOWN}处问题未列出" in err and "--errors" in err
    code, out, _err = cli("import-members", str(roll), "--json")
    assert code == 1 and len({p["row"] for p in json.loads(out)["refused"]}) == BAD


def test_records_of_many_bad_rows_list_the_first_and_count_the_rest(cli: Cli, tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    records.write_text("姓名,身份证号码,培训名称,培训类别,开始日期,学时\n" + "".join(
        f"无此人{i},,专题党课{i},专题党课,2024-03-01,2\n" for i in range(BAD)), encoding="utf-8")
    code, _out, err = cli("import-records", str(records))
    assert code == 1
    assert f"另有{BAD - PROBLEMS_SHOWN}处问题未列出" in err
    assert len([line for line in err.splitlines() if "无此人" in line]) == PROBLEMS_SHOWN
