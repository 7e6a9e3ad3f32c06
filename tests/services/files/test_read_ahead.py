"""A file opened and parsed ahead in a thread reads exactly as read_table reads it, and fails the same way, when taken up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from services.errors import DangxunError
from services.files.spreadsheet import ReadAhead, Table, read_table
from services.roll.roll_import import REQUIRED_HEADERS, SYNONYMS
from tests.helpers.paths import SAMPLES
from tests.helpers.roll_factory import write_roll_xlsx


def _read(path: Path, sheet: str | None = None, ahead: bool = False) -> Any:
    try:
        table = read_table(path, SYNONYMS, sheet=sheet, required=REQUIRED_HEADERS,
                           ahead=ReadAhead(path, sheet) if ahead else None)
    except DangxunError as exc:
        return type(exc).__name__, exc.message
    return _shown(table)


def _shown(table: Table) -> Any:
    return (table.sheet, table.header_row, table.headers, table.unknown_columns, table.form_label, table.sheets,
            table.stopped_at, [(r.number, r.cells, r.values, r.problems) for r in table.rows])


def _two_sheets(path: Path) -> Path:
    wb = Workbook()
    first = wb.active
    first.title = "说明"
    first.append(["本表为花名册"])
    roll = wb.create_sheet("花名册")
    roll.append(["姓名", "公民身份号码", "所在党支部"])
    roll.append(["张伟", "110101199003071233", "一支部"])
    hidden = wb.create_sheet("旧表")
    hidden.sheet_state = "hidden"
    hidden.append(["姓名", "公民身份号码"])
    wb.save(path)
    return path


def test_generated_and_multi_sheet_workbooks(tmp_path: Path) -> None:
    roll = write_roll_xlsx(tmp_path / "roll.xlsx", 300)
    two = _two_sheets(tmp_path / "two.xlsx")
    for path, sheet in ((roll, None), (two, None), (two, "花名册"), (two, "旧表"), (two, "没有"), (roll, "党员花名册")):
        assert _read(path, sheet, ahead=True) == _read(path, sheet), (path.name, sheet)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample files not found at {SAMPLES}")
def test_every_sample_reads_the_same_ahead() -> None:
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in (".xlsx", ".xls", ".csv"):
            assert _read(path, ahead=True) == _read(path), path.name


def test_what_is_wrong_with_the_file_is_raised_when_taken_up(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xlsx"
    ahead = ReadAhead(missing)  # nothing raised yet
    with pytest.raises(DangxunError) as exc:
        read_table(missing, SYNONYMS, required=REQUIRED_HEADERS, ahead=ahead)
    assert exc.value.message == _read(missing)[1]
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(write_roll_xlsx(tmp_path / "ok.xlsx", 50).read_bytes()[:3000])
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    for path in (damaged, empty):
        refused = _read(path, ahead=True)
        assert refused == _read(path) and refused[0] == "UnreadableFileError", refused
