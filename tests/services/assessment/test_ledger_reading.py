"""The ledger and its notice as the office reads them: shares as percentages, dates as in prose, an empty
year said in words. Read back from the files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from services.assessment import ledger
from services.safety.storage import Database
from tests.helpers.stats_dataset import build_dataset

D = dt.date


def test_branch_rate_is_a_percentage_and_an_empty_year_says_so(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        path = ledger.write_ledger_xlsx(s, 2024, tmp_path / "2024.xlsx")
        empty = ledger.write_ledger_xlsx(s, 2026, tmp_path / "2026.xlsx")
    sheet = openpyxl.load_workbook(path)["支部汇总"]
    # 第一支部: 甲一 below 56, 乙二 met → 50%.
    first = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "第一支部")
    assert first[6].value == 0.5 and first[6].number_format == "0.00%"
    rows = CalamineWorkbook.from_path(str(empty)).get_sheet_by_name("活动明细").to_python()
    assert rows[2][0] == "（2026年度未登记培训学习活动）"


def test_notice_dates_read_as_in_prose(db: Database, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        items = ledger.shortfalls(s, 2024, today=D(2024, 10, 1))
    out = ledger.write_shortfall_notice(tmp_path / "notice.pdf", 2024, items, today=D(2024, 10, 1))
    doc = pdfium.PdfDocument(str(out))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace("\r\n", "")
    doc.close()
    assert "截至2024年10月1日" in text and "党委办公室　2024年10月1日" in text.replace("\n", "")
    assert "10月01日" not in text
