"""The hours ledger on the hand-built bureau: rows, verdicts, drill-down, notices, Excel and PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from models import Activity, Branch
from services.assessment import ledger
from services.assessment.stats import compute_stats_detail
from services.safety.storage import Database
from tests.helpers.hostile_text import CONTROL, LOOKS_ESCAPED, RARE, sheet_texts, store_raw
from tests.helpers.pdf_reading import pdf_text
from tests.helpers.stats_dataset import Dataset, build_dataset

D = dt.date


@pytest.fixture
def data(db: Database) -> tuple[Database, Dataset]:
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    return db, ds


def test_year_ledger_rows(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    with db.session_factory() as s:
        led = ledger.year_ledger(s, 2024)
    by_name = {r.name: r for r in led.rows}
    assert list(by_name) == ["甲一", "乙二", "丙三", "戊五", "丁四"]  # branch order, then sort key
    m1 = by_name["甲一"]
    assert (m1.by_type, m1.total, m1.target, m1.gap, m1.verdict) == (
        {"自学": 40.0, "中心组学习": 4.0}, 44.0, 56.0, 12.0, "未达标")
    assert m1.class_required and not m1.class_attended and m1.class_note == "未参加集中培训"
    m2 = by_name["乙二"]
    assert (m2.total, m2.verdict, m2.by_type["调整"]) == (46.0, "达标", 2.0)
    m4 = by_name["丁四"]
    assert (m4.months, m4.target, m4.verdict) == (6, 16.0, "达标")
    m5 = by_name["戊五"]
    assert (m5.months, m5.target, m5.total, m5.gap) == (10, 26.67, 0.0, 26.67)
    assert led.type_columns == ["中心组学习", "自学", "调整"]


def test_class_condition_2023(data: tuple[Database, Dataset]) -> None:
    db, _ = data
    with db.session_factory() as s:
        rows = {r.name: r for r in ledger.year_ledger(s, 2023).rows}
    assert rows["甲一"].class_attended and rows["甲一"].class_note == "已参加集中培训"
    assert rows["乙二"].class_attended  # 早退 still counts as attending
    assert "戊五" not in rows  # not yet on the roll in 2023


def test_ledger_agrees_with_stats(data: tuple[Database, Dataset]) -> None:
    db, _ = data
    with db.session_factory() as s:
        detail = compute_stats_detail(s, D(2023, 1, 1), D(2024, 12, 31))
        for year in (2023, 2024):
            rows = ledger.year_ledger(s, year).rows
            assert {r.member_id: r.total for r in rows} == {
                k: round(v, 2) for k, v in detail.years[year].hours.items()}
            assert sorted(r.member_id for r in rows if r.verdict == "未达标") == sorted(detail.years[year].below_ids)


def test_drill_down(data: tuple[Database, Dataset]) -> None:
    db, ds = data
    with db.session_factory() as s:
        rows = ledger.hours_detail(s, year=2024, member_id=ds.members["m2"])
        assert sum(r.hours for r in rows) == 46.0
        assert [r.status for r in rows].count("调整") == 1
        only = ledger.hours_detail(s, year=2024, member_id=ds.members["m2"], type_name="自学")
        assert [(r.activity, r.hours) for r in only] == [("活动a3", 40.0)]


def test_shortfalls_and_notice(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    db, ds = data
    from models import Activity

    with db.session_factory.begin() as s:
        s.add(Activity(title="学习贯彻专题班", type_id=ds.types["专题培训"], start_date=D(2024, 11, 1), status="计划",
                       organiser="局党委", hours=16))
        s.add(Activity(title="第三支部主题党日", type_id=ds.types["自学"], start_date=D(2024, 11, 2), status="计划",
                       organiser="第三支部", hours=2))
    with db.session_factory() as s:
        items = ledger.shortfalls(s, 2024, today=D(2024, 10, 1))
    by_branch = {i.branch: i for i in items}
    assert sorted(by_branch) == ["第一支部", "第二支部"]
    assert [r.name for r in by_branch["第一支部"].rows] == ["甲一"]
    assert [u.title for u in by_branch["第一支部"].upcoming] == ["学习贯彻专题班"]  # not another branch's
    out = ledger.write_shortfall_notice(tmp_path / "notice.pdf", 2024, items, today=D(2024, 10, 1))
    data_bytes = out.read_bytes()
    assert data_bytes.startswith(b"%PDF") and b"FontFile2" in data_bytes  # fonts embedded


def test_ledger_excel_reads_back(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    db, _ = data
    with db.session_factory() as s:
        path = ledger.write_ledger_xlsx(s, 2024, tmp_path / "ledger.xlsx")
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names == ["学时台账", "支部汇总", "活动明细", "新党员集中培训", "新任支部书记任职培训", "免予学时考核",
                              "流动党员"]  # a sheet per rule of the 条例
    rows = wb.get_sheet_by_name("学时台账").to_python()
    head = rows[1]
    assert head[:6] == ["序号", "党支部", "姓名", "党内职务", "党员类别", "在册月数"]
    body = {r[2]: dict(zip(head, r, strict=True)) for r in rows[2:]}
    assert body["乙二"]["合计学时"] == 46.0 and body["乙二"]["是否达标"] == "达标"
    assert body["甲一"]["尚差学时"] == 12.0 and body["甲一"]["目标学时"] == 56.0
    assert sum(r["合计学时"] for r in body.values()) == 140.0
    summary = wb.get_sheet_by_name("支部汇总").to_python()
    assert summary[2][:3] == ["第一支部", 2.0, 90.0]
    acts = wb.get_sheet_by_name("活动明细").to_python()
    assert [r[1] for r in acts[2:]] == ["活动a3", "活动a4"]
    assert acts[2][6:] == [3.0, 120.0]
    import openpyxl

    # Every sheet prints its title and header on each page.
    assert {ws.print_title_rows for ws in openpyxl.load_workbook(path).worksheets} == {"$1:$2"}


def test_training_card(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    db, ds = data
    with db.session_factory() as s:
        card = ledger.training_card(s, ds.members["m1"])
    assert [cy.year for cy in card.years] == [2023, 2024]
    assert card.years[0].ledger is not None and card.years[0].ledger.total == 20.0
    pdf = ledger.write_card_pdf(card, tmp_path / "card.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = ledger.write_card_xlsx(card, tmp_path / "card.xlsx")
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("学时登记卡").to_python()
    assert rows[1][1] == "甲一"
    assert any(r[2] == "年度合计" and r[6] == 44.0 for r in rows)


def test_notice_and_card_print_text_as_written(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    """Titles and names are text, not ReportLab markup: <b>, & and < print as typed."""
    from models import Activity

    db, ds = data
    title, organiser = "学习<条例>&问答 <b>加粗</b> R&D", "A&B<党委>"
    with db.session_factory.begin() as s:
        s.add(Activity(title=title, type_id=ds.types["专题培训"], start_date=D(2024, 11, 1), status="计划",
                       organiser=organiser, hours=16))
    with db.session_factory() as s:
        items = ledger.shortfalls(s, 2024, today=D(2024, 10, 1))
    out = ledger.write_shortfall_notice(tmp_path / "notice.pdf", 2024, items, today=D(2024, 10, 1))
    text = pdf_text(out, flat=True)
    assert title in text
    assert organiser in text


def test_ledger_and_card_with_hostile_text(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    """Old text with control characters (entry cleans them now) and text that looks like a formula: the ledger is
    written, every text reads back as stored, stays text, and dates stay dates."""
    db, ds = data
    with db.session_factory() as s:
        branch_id = s.scalar(select(Branch.id).where(Branch.name == "第一支部"))
        activity_id = s.scalar(select(Activity.id).where(Activity.title == "活动a3"))
    store_raw(db, "branch", "name", branch_id, "=第一支部" + CONTROL)
    store_raw(db, "activity", "title", activity_id, "-活动a3" + CONTROL + RARE + LOOKS_ESCAPED)
    with db.session_factory() as s:
        path = ledger.write_ledger_xlsx(s, 2024, tmp_path / "ledger.xlsx")
        card = ledger.training_card(s, ds.members["m1"])
    sheets = sheet_texts(path)
    assert {r[1] for r in sheets["学时台账"][2:]} >= {"=第一支部" + CONTROL}
    assert sheets["支部汇总"][2][0] == "=第一支部" + CONTROL
    acts = sheets["活动明细"]
    assert acts[2][1] == "-活动a3" + CONTROL + RARE + LOOKS_ESCAPED
    assert all(isinstance(r[0], dt.date) for r in acts[2:])
    import openpyxl

    book = openpyxl.load_workbook(path)
    assert book["支部汇总"]["A3"].quotePrefix and book["支部汇总"]["G3"].number_format == "0.00%"
    assert book["活动明细"]["B3"].data_type == "s" and book["活动明细"]["A3"].number_format == "yyyy-mm-dd"
    xlsx = ledger.write_card_xlsx(card, tmp_path / "card.xlsx")
    rows = sheet_texts(xlsx)["学时登记卡"]
    assert rows[1][3] == "=第一支部" + CONTROL
    assert any(r[2] == "-活动a3" + CONTROL + RARE + LOOKS_ESCAPED and isinstance(r[1], dt.date) for r in rows)
