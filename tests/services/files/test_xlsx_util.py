"""The one rule for text in exported cells, read back with calamine (a second reader) and openpyxl."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from services.files.xlsx_util import (
    CELL_LIMIT,
    cell_text,
    cut_notice,
    document_text,
    out_cell,
    write_cell,
)
from tests.helpers.hostile_text import CONTROL, FORMULA, LONG, LOOKS_ESCAPED, RARE

KEPT = [FORMULA, "+86 138", "-3", "@SUM(A1)", "\t前有制表符", CONTROL, "\x00开头", LOOKS_ESCAPED, RARE,
        "_x00e9_", "第一行\n第二行", "x" * CELL_LIMIT, "\x07" * 4000]


def _write(path: Path, values: list[str], write_only: bool) -> None:
    wb = Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet("表")
        for value in values:
            ws.append([out_cell(ws, value)])
    else:
        ws = wb.active
        for row, value in enumerate(values, start=1):
            write_cell(ws, row, 1, value)
    wb.save(path)


@pytest.mark.parametrize("write_only", [False, True])
def test_hostile_text_reads_back_exactly(tmp_path: Path, write_only: bool) -> None:
    path = tmp_path / "t.xlsx"
    _write(path, KEPT, write_only)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows] == KEPT
    cells = [row[0] for row in load_workbook(path).active.iter_rows()]
    assert all(c.data_type == "s" for c in cells)  # never a formula
    assert [c.quotePrefix for c in cells[:5]] == [True] * 5
    assert cells[6].quotePrefix and not cells[8].quotePrefix


@pytest.mark.parametrize("write_only", [False, True])
def test_text_over_the_cell_limit_is_cut_and_says_so(tmp_path: Path, write_only: bool) -> None:
    rare_long = "𠇔" * 20000  # 40 000 UTF-16 units: Excel counts these twice
    controls_long = "\x07" * 10000  # 10 000 characters, 70 000 once escaped
    path = tmp_path / "long.xlsx"
    _write(path, [LONG, rare_long, controls_long, "x" * (CELL_LIMIT + 1)], write_only)
    got = [r[0] for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()]
    for value, original in zip(got, [LONG, rare_long, controls_long, "x" * (CELL_LIMIT + 1)], strict=True):
        assert value.endswith(cut_notice(len(original)))
        head = value[: -len(cut_notice(len(original)))]
        assert original.startswith(head) and len(head) > 4000
        assert len(value.encode("utf-16-le")) // 2 <= CELL_LIMIT
    for cell in load_workbook(path).active["A"]:  # what the file stores, escapes included, fits the limit
        assert len(cell.value) <= CELL_LIMIT


def test_cell_text_leaves_plain_text_alone() -> None:
    assert cell_text(RARE) is RARE
    assert cell_text("a_x0041_") == "a_x005F_x0041_"


def test_document_text_drops_only_what_xml_cannot_hold() -> None:
    assert document_text(CONTROL) == "甲乙丙"
    assert document_text(RARE + "\t\n" + LOOKS_ESCAPED) == RARE + "\t\n" + LOOKS_ESCAPED


def test_direct_sheet_keeps_types_and_text(tmp_path: Path) -> None:
    """The direct writer (roll, refused rows): dates as dates, numbers as numbers, IDs and leading zeros as text,
    hostile text as written; openpyxl opens the file too."""
    import datetime as dt

    from services.files.xlsx_direct import SheetLayout, write_sheet

    rows = [[1, "110101199003071233", "0311", dt.date(2005, 7, 1), dt.datetime(2024, 3, 1, 8, 30), 3.5, True, None,
             *KEPT[:11]]]
    out = tmp_path / "direct.xlsx"
    layout = SheetLayout("表'一", [6.0] * 4, headers=["序号", "身份证", "区号", "日期"], title="=标题" + CONTROL, freeze="B3")
    assert write_sheet(out, layout, iter(rows), count=1) == 1
    got = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert got[0][0] == "=标题" + CONTROL and got[1][:4] == ["序号", "身份证", "区号", "日期"]
    assert got[2][:8] == [1, "110101199003071233", "0311", dt.date(2005, 7, 1), dt.datetime(2024, 3, 1, 8, 30),
                          3.5, True, ""]
    assert got[2][8:] == KEPT[:11]
    ws = load_workbook(out)["表'一"]
    assert ws.freeze_panes == "B3" and ws.print_title_rows == "$1:$2" and ws["A1"].font.b
    assert ws["I3"].quotePrefix and ws["I3"].data_type == "s" and ws["D3"].number_format == "yyyy-mm-dd"
