"""The report as an inspector reads it for awkward periods: running past the records, a year with nothing
recorded, a period starting or ending mid-year. Read back from the .docx and .xlsx files themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from docx import Document
from python_calamine import CalamineWorkbook

from services.assessment.stats import compute_stats
from services.printing import report
from services.safety.storage import Database
from tests.helpers.stats_dataset import build_dataset

D = dt.date


def _docx(content: report.ReportContent, path: Path) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(str(report.write_report_docx(content, path)))
    return [p.text for p in doc.paragraphs], [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]


def test_period_running_past_the_records(db: Database, tmp_path: Path) -> None:
    """A plan period reported on before its last years: 2026 and 2027 have nothing yet."""
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        content = report.build_report(s, D(2023, 1, 1), D(2027, 12, 31))
        recorded = compute_stats(s, D(2023, 1, 1), D(2025, 12, 31))
    paragraphs, tables = _docx(content, tmp_path / "r.docx")
    text = "\n".join(paragraphs)
    # The DOMAIN's third part, by its name.
    assert "三、下一步意见建议和工作打算" in paragraphs
    assert "存在问题和下一步打算" not in text
    # Not "五年来" while only three of the five years have records; the yearly average over those
    # years: (77 + 140 + 4) hours over 4 + 5 + 4 members = 17, exactly as for 2023–2025.
    assert "2023年以来，我局党委认真贯彻落实" in text and "五年来" not in text
    # The statistics' own figure keeps its definition (every year of the period, stats --json).
    assert recorded["avg_hours_per_member_year"] == content.average == 17.0
    assert content.figures["avg_hours_per_member_year"] == round(221 / (4 + 5 + 4 + 4 + 4), 2)
    assert "党员年均参加教育培训17学时" in text
    rows = CalamineWorkbook.from_path(str(report.write_report_xlsx(content, tmp_path / "r.xlsx"))) \
        .get_sheet_by_name("统计数据").to_python()
    assert ["党员年均培训学时", 17.0] in [list(r[:2]) for r in rows]
    # Members short of their target: in the last year with records, not everyone in 2027.
    short = next(p for p in paragraphs if "未达到年度学时要求" in p)
    assert "2025年" in short and "2027年" not in short
    # The years without records: a dash and a note, not 0, 0% and everyone below target.
    years = tables[1]
    assert years[4] == ["2026", "4", "—", "—", "—", "—", "—"]
    assert years[5] == ["2027", "4", "—", "—", "—", "—", "—"]
    assert "注：2026年、2027年尚无学时记录，不计入党员年均学时。" in paragraphs


def test_year_with_nothing_recorded(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        content = report.build_year_return(s, 2026)
    paragraphs, tables = _docx(content, tmp_path / "y.docx")
    assert "2026年，我局党委尚未登记教育培训和学习活动。" in paragraphs
    cells = [c for t in tables for r in t for c in r]
    for shown in [*paragraphs, *cells]:
        assert "0%" not in shown and "0次" not in shown and "0学时" not in shown and "在统计期内未参加" not in shown
    assert tables[0][1] == ["（本期未登记培训学习活动）", "", ""]
    assert tables[2][1][0] == "（本期未登记经费开支）" and len(tables[2]) == 2  # no row of zeros

    xlsx = report.write_report_xlsx(content, tmp_path / "y.xlsx")
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("表3").to_python()
    assert rows[2][0] == "（本期未登记经费开支）" and all(v == "" for v in rows[2][1:])


def test_period_from_mid_year(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        twelve = report.build_report(s, D(2023, 7, 1), D(2024, 6, 30))
        half = report.build_report(s, D(2024, 1, 1), D(2024, 6, 30))
    paragraphs, tables = _docx(twelve, tmp_path / "m.docx")
    # Twelve months from 1 July: each member counted once a year, not once per calendar year touched.
    # Jul–Dec 2023: 62 hours, 4 members, 184 of 365 days; Jan–Jun 2024: 132 hours, 5 members, 182 of 366.
    avg = round(194 / (4 * 184 / 365 + 5 * 182 / 366), 2)
    assert twelve.average == avg == 43.08
    assert twelve.figures["avg_hours_per_member_year"] == round(194 / (4 + 5), 2)  # stats --json: as defined
    assert any("党员年均参加教育培训43.08学时" in p for p in paragraphs)
    assert "注：2023年、2024年只计统计区间内的部分，党员年均学时按其中的天数折算。" in paragraphs
    assert [r[0] for r in tables[1][1:]] == ["2023（7月1日至12月31日）", "2024（1月1日至6月30日）"]
    # Half a year: what each member earned in it, not a yearly figure.
    paragraphs, _tables = _docx(half, tmp_path / "h.docx")
    assert any("党员人均参加教育培训26.4学时" in p for p in paragraphs)
    assert not any("年均" in p for p in paragraphs)


def test_coverage_cell_is_a_percentage(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        content = report.build_report(s, D(2023, 1, 1), D(2024, 12, 31))
    path = report.write_report_xlsx(content, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(path)["统计数据"]
    cell = next(r[1] for r in sheet.iter_rows(min_row=2) if r[0].value == "覆盖率")
    assert cell.value == 0.75 and cell.number_format == "0.00%"


def test_names_in_the_text_by_surname_strokes(db: Database, tmp_path: Path) -> None:
    """高 (10 strokes) before 廖 (14), though 廖 comes first in code-point order."""
    from models import Member
    from services.naming import stroke_sort_key

    with db.session_factory.begin() as s:
        data = build_dataset(s)
        for key, name in (("m3", "廖三"), ("m5", "高五")):  # 第二支部, 10 and 0 hours in 2024
            member = s.get(Member, data.members[key])
            member.name, member.sort_key = name, stroke_sort_key(name)  # renamed as the roll renames
    with db.session_factory() as s:
        content = report.build_report(s, D(2024, 1, 1), D(2024, 12, 31))
    paragraphs, _tables = _docx(content, tmp_path / "n.docx")
    assert any("2024年甲一（44学时）、高五（0学时）、廖三（10学时）共3名党员未达到年度学时要求" in p for p in paragraphs)


def test_members_short_in_a_year_not_over_are_short_so_far(db: Database, tmp_path: Path) -> None:
    """A report to 30 November: the year is not over, and its members may still reach their target."""
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        partial = report.build_report(s, D(2024, 1, 1), D(2024, 11, 30))
        whole = report.build_report(s, D(2024, 1, 1), D(2024, 12, 31))
    short = next(p for p in _docx(partial, tmp_path / "p.docx")[0] if "年度学时要求" in p)
    assert "截至2024年11月30日，" in short and short.endswith("尚未达到年度学时要求。")
    short = next(p for p in _docx(whole, tmp_path / "w.docx")[0] if "年度学时要求" in p)
    assert "截至" not in short and "2024年" in short and short.endswith("名党员未达到年度学时要求。")


def test_an_activity_is_told_once(db: Database, tmp_path: Path) -> None:
    """The class for 党员干部 is told as a class; no second sentence "面向党员干部…" repeats its figures."""
    from models import Activity

    with db.session_factory.begin() as s:
        data = build_dataset(s)
        s.get(Activity, data.activities["a2"]).target_group = "党员干部"
    with db.session_factory() as s:
        content = report.build_report(s, D(2023, 1, 1), D(2023, 12, 31))
    paragraphs, _tables = _docx(content, tmp_path / "o.docx")
    text = "\n".join(paragraphs)
    assert "举办1期党性教育培训班，培训党员干部共计3人次。" in text
    assert "面向党员干部" not in text


def test_hours_in_the_text_are_those_of_table_2(db: Database, tmp_path: Path) -> None:
    """累计计入学时 in the text adds up 表2's column (manual adjustments included), and the yearly average is it
    divided by the member-years: 217 = 77 + 140, 217 / 9 = 24.11."""
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        content = report.build_report(s, D(2023, 1, 1), D(2024, 12, 31))
    paragraphs, tables = _docx(content, tmp_path / "h.docx")
    assert [row[2] for row in tables[1][1:]] == ["77", "140"]
    assert any("累计计入学时217学时，党员年均参加教育培训24.11学时" in p for p in paragraphs)
