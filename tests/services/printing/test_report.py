"""The implementation report: its figures are exactly those of compute_stats, in .docx and .xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from models import Member
from services.assessment import spending
from services.assessment.stats import compute_stats
from services.printing import report
from services.safety.storage import Database
from tests.helpers.hostile_text import CONTROL, RARE, all_cells, docx_text, store_raw
from tests.helpers.stats_dataset import build_dataset

D = dt.date


@pytest.fixture
def data_db(db: Database) -> Database:
    with db.session_factory.begin() as s:
        build_dataset(s)
        spending.add_spending(s, "t", "2023-03-01", 1200.5, "书籍", "党费")
        spending.add_spending(s, "t", "2024-04-01", 30000, "培训班", "行政经费")
    return db


def test_formatting_helpers() -> None:
    assert report.fmt(61.2) == "61.2" and report.fmt(169.0) == "169" and report.fmt(24.11) == "24.11"
    assert report.fmt_share(0.75) == "75%" and report.fmt_share(0.8125) == "81.25%"
    assert report.period_phrase(D(2020, 1, 1), D(2024, 12, 31)) == "五年来"
    assert report.period_phrase(D(2024, 1, 1), D(2024, 12, 31)) == "2024年"
    assert report.period_phrase(D(2024, 1, 1), D(2024, 6, 30)) == "2024年1月1日至2024年6月30日"


def test_report_text_is_written_from_the_statistics(data_db: Database, tmp_path: Path) -> None:
    lo, hi = D(2023, 1, 1), D(2024, 12, 31)
    with data_db.session_factory() as s:
        figures = compute_stats(s, lo, hi)
        content = report.build_report(s, lo, hi)
    assert content.figures == figures
    text = "\n".join(p for _h, ps in content.sections for p in ps)
    # Figures from test_stats' hand arithmetic: 4 members in 2 branches, 2 中心组学习, the class with
    # 3 person-times, 217 hours credited to members (77 in 2023 + 140 in 2024, as 表2 shows; the activities'
    # own 178 leave out the adjustments of m4 and m3), 217/9 = 24.11 per member-year, coverage 3/4.
    assert "我局党委现有党员4名，分布在2个党支部。" in text
    assert "两年来，我局党委认真贯彻落实《2024—2028年全国党员教育培训工作规划》" in text
    assert "共组织开展各类教育培训和学习活动4次、参训11人次，累计计入学时217学时" in text
    assert "组织中心组学习共计2次" in text
    assert "举办1期党性教育培训班，培训党员干部共计3人次" in text
    assert "党员年均参加教育培训24.11学时，3名党员参加了教育培训，占现有党员的75%。" in text
    assert "全覆盖" not in text
    assert "2024年甲一（44学时）、丙三（10学时）、戊五（0学时）共3名党员未达到年度学时要求" in text
    assert "戊五（第二支部）在统计期内未参加任何教育培训" in text
    assert "两年来共开支党费1200.5元，使用行政经费3万余元，主要用于书籍、培训班等" in text

    path = report.write_report_docx(content, tmp_path / "report.docx")
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == content.title
    assert any("党员年均参加教育培训24.11学时" in p for p in paragraphs)
    body_run = next(p for p in doc.paragraphs if "党员年均参加教育培训" in p.text).runs[0]
    assert body_run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body_run.font.size.pt == 16
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.size.pt == 22
    table1 = doc.tables[0]
    assert [c.text for c in table1.rows[1].cells] == ["中心组学习", "2", "5"]
    assert round(doc.sections[0].top_margin.mm) == 37 and round(doc.sections[0].left_margin.mm) == 28

    xlsx = report.write_report_xlsx(content, tmp_path / "report.xlsx")
    wb = CalamineWorkbook.from_path(str(xlsx))
    values = dict((r[0], r[1]) for r in wb.get_sheet_by_name("统计数据").to_python()[1:])
    assert values["现有党员"] == figures["members"]
    assert values["活动累计学时"] == figures["total_hours"]  # as the statistics tab labels it
    assert values["党员年均培训学时"] == figures["avg_hours_per_member_year"]
    assert values["覆盖率"] == figures["coverage"]
    assert values["参加人次：党性教育培训班"] == figures["person_times"]["党性教育培训班"]
    years = wb.get_sheet_by_name("表2").to_python()[2:]
    for row in years:
        y = figures["years"][str(row[0])]
        assert [row[1], row[2], row[3], row[4], row[6]] == [y["members"], y["total_hours"], y["avg_hours"],
                                                            y["min_hours"], y["below_target"]]


def test_full_coverage_wording(db: Database) -> None:
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        # 2023 alone: m1–m4 are on the roll at 31 Dec 2023 and all earned hours in 2023.
        content = report.build_report(s, D(2023, 1, 1), D(2023, 12, 31))
    assert content.figures["coverage"] == 1.0
    assert any("实现了全体党员教育培训全覆盖" in p for _h, ps in content.sections for p in ps)
    assert content.title == "《2019—2023年全国党员教育培训工作规划》贯彻落实情况报告"


def test_report_with_old_control_characters_is_written_docx_and_xlsx(data_db: Database, tmp_path: Path) -> None:
    """Text stored before entry cleaned control characters (here a member's name): Word cannot hold them, so the
    .docx leaves them out; the .xlsx keeps them (its own escape) and the formula-like text stays text."""
    with data_db.session_factory() as s:
        member_id = s.scalar(select(Member.id).where(Member.name == "甲一"))
    store_raw(data_db, "member", "name", member_id, "=" + CONTROL + RARE)
    lo, hi = D(2023, 1, 1), D(2024, 12, 31)
    with data_db.session_factory() as s:
        content = report.build_report(s, lo, hi, organisation="@我局\x07党委")
    docx = report.write_report_docx(content, tmp_path / "report.docx")
    words = docx_text(docx)
    assert "=甲乙丙" + RARE in words and "@我局党委" in words
    xlsx = report.write_report_xlsx(content, tmp_path / "report.xlsx")
    cells = [v for v in all_cells(xlsx) if isinstance(v, str)]
    assert any("=" + CONTROL + RARE in v for v in cells) and any(v.startswith("@我局\x07党委") for v in cells)
