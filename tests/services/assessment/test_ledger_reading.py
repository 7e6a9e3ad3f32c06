"""The ledger and its notice as the office reads them: shares as percentages, dates as in prose, an empty
year said in words. Read back from the files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from services.assessment import ledger
from services.safety.storage import Database
from tests.helpers.pdf_reading import pdf_text
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
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        items = ledger.shortfalls(s, 2024, today=D(2024, 10, 1))
    out = ledger.write_shortfall_notice(tmp_path / "notice.pdf", 2024, items, today=D(2024, 10, 1))
    text = pdf_text(out, flat=True)
    assert "截至2024年10月1日" in text and "党委办公室　2024年10月1日" in text
    assert "10月01日" not in text


def test_notice_for_a_year_that_is_over(db: Database, tmp_path: Path) -> None:
    """A notice about 2024 printed in 2025 does not urge members to attend 2025's activities for 2024's hours."""
    from models import Activity

    with db.session_factory.begin() as s:
        ds = build_dataset(s)
        s.add(Activity(title="二〇二五年学习贯彻专题班", type_id=ds.types["专题培训"], start_date=D(2025, 2, 1),
                       status="计划", organiser="局党委", hours=16))
    with db.session_factory() as s:
        items = ledger.shortfalls(s, 2024, today=D(2025, 1, 10))
    out = ledger.write_shortfall_notice(tmp_path / "notice.pdf", 2024, items, today=D(2025, 1, 10))
    text = pdf_text(out, flat=True)
    assert "2024年度累计学时未达到要求，请督促其在今后的学习中加以弥补。" in text
    assert "二〇二五年学习贯彻专题班" not in text and "按时完成年度学时任务" not in text
    assert "目前暂无已排期的培训活动" not in text


def test_card_pages_say_how_many(db: Database, tmp_path: Path) -> None:
    """The record card's footer counts its pages (第1页 共1页), as every other printout's does."""
    import pypdfium2 as pdfium

    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    with db.session_factory() as s:
        card = ledger.training_card(s, ds.members["m2"])
    out = ledger.write_card_pdf(card, tmp_path / "card.pdf")
    doc = pdfium.PdfDocument(str(out))
    pages = len(doc)
    doc.close()
    text = pdf_text(out)
    assert f"乙二学时登记卡　　第1页 共{pages}页" in text


def test_card_and_notice_embed_every_font(db: Database, tmp_path: Path) -> None:
    """No unembedded Helvetica behind the tables (a table names its cells' font even when they hold paragraphs)."""
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    with db.session_factory() as s:
        card = ledger.write_card_pdf(ledger.training_card(s, ds.members["m2"]), tmp_path / "card.pdf")
        notice = ledger.write_shortfall_notice(tmp_path / "notice.pdf", 2024, ledger.shortfalls(s, 2024),
                                               today=D(2024, 10, 1))
    for pdf in (card, notice):
        data = pdf.read_bytes()
        assert b"/BaseFont /Helvetica" not in data and b"FontFile2" in data, pdf.name
