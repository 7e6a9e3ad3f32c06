"""The implementation report (贯彻落实情况报告) of a period: .docx paragraphs and an Excel workbook.

Every figure in the text and the tables is taken from `compute_stats` (services/assessment/stats.py) and
`spending_totals` (services/assessment/spending.py); the report formats them and computes nothing of its own,
so the report, the statistics tab and `stats --json` always agree. The clerk edits the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services.assessment.spending import PURPOSES, SpendingTotals, spending_totals
from services.assessment.stats import compute_stats_detail
from services.files.safe_write import safe_target, save_workbook
from services.pdf.pdf_layout import cn_date
from services.plan import submitted
from services.plan.periods import plan_for_date
from services.plan.report_figures import report_figures
from services.printing import report_narrative as narrative
from services.printing.report_words import fmt, fmt_share
from services.survey.summary import year_summary

_CN_NUMBERS = "零一二三四五六七八九十"
BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "FangSong"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def cn_number(n: int) -> str:
    if 0 <= n <= 10:
        return _CN_NUMBERS[n]
    if n < 20:
        return "十" + _CN_NUMBERS[n - 10]
    if n < 100:
        return _CN_NUMBERS[n // 10] + "十" + (_CN_NUMBERS[n % 10] if n % 10 else "")
    return str(n)


def period_phrase(date_from: dt.date, date_to: dt.date) -> str:
    """五年来 for whole years; 2024年 for one; otherwise the dates."""
    whole = date_from.month == 1 and date_from.day == 1 and date_to.month == 12 and date_to.day == 31
    if whole:
        years = date_to.year - date_from.year + 1
        return f"{date_from.year}年" if years == 1 else f"{'两' if years == 2 else cn_number(years)}年来"
    return f"{date_from.year}年{date_from.month}月{date_from.day}日至{date_to.year}年{date_to.month}月{date_to.day}日"


def empty_years(figures: dict[str, Any]) -> list[str]:
    """The years of the period in which no hours at all were credited (not yet begun, or not recorded)."""
    return [y for y, v in figures["years"].items() if not v["total_hours"]]


def told_period(figures: dict[str, Any], date_from: dt.date, date_to: dt.date) -> str:
    """The period as the text tells it: 五年来, or 2024年以来 while its last years have no hours credited yet."""
    empty = set(empty_years(figures))
    recorded = [int(y) for y in figures["years"] if y not in empty]
    if recorded and max(recorded) < date_to.year:
        start = f"{date_from.year}年" if (date_from.month, date_from.day) == (1, 1) else cn_date(date_from)
        return f"{start}以来"
    return period_phrase(date_from, date_to)


@dataclass
class ReportTable:
    title: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""  # a line under the table (注：…)


@dataclass
class ReportContent:
    title: str
    date_from: dt.date
    date_to: dt.date
    figures: dict[str, Any]
    spending: SpendingTotals
    average: float | None = None  # 党员年均培训学时 as the text tells it (narrative.yearly_average)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, paragraphs)
    tables: list[ReportTable] = field(default_factory=list)


def build_report(session: Session, date_from: dt.date, date_to: dt.date,
                 organisation: str = "我局党委") -> ReportContent:
    """The report in the office's own shape, its figures from the statistics and the records.

    Titled by the plan that contains `date_to`: 《NAME》贯彻落实情况报告.
    """
    detail = compute_stats_detail(session, date_from, date_to)
    figures = detail.figures
    money_totals = spending_totals(session, date_from, date_to)
    plan = plan_for_date(session, date_to)
    title = (f"《{plan.name}》贯彻落实情况报告" if plan is not None
             else f"关于{date_from.year}—{date_to.year}年党员教育培训工作情况的报告" if date_from.year != date_to.year
             else f"关于{date_from.year}年党员教育培训工作情况的报告")
    content = ReportContent(title, date_from, date_to, figures, money_totals, narrative.yearly_average(detail))
    words = report_figures(session, date_from, date_to)
    content.sections = narrative.sections(detail, words, money_totals, plan.name if plan else None,
                                          told_period(figures, date_from, date_to), organisation,
                                          _surveys(session, date_from, date_to))
    _append_tables(content)
    _append_changes_since_submitted(session, content)
    return content


def build_year_return(session: Session, year: int, organisation: str = "我局党委") -> ReportContent:
    """The yearly return to the level above (条例 art. 43): the same figures for one year, shorter."""
    date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
    detail = compute_stats_detail(session, date_from, date_to)
    totals = spending_totals(session, date_from, date_to)
    plan = plan_for_date(session, date_to)
    content = ReportContent(f"关于{year}年度党员教育培训工作情况的报告", date_from, date_to, detail.figures, totals)
    words = report_figures(session, date_from, date_to)
    sections = narrative.sections(detail, words, totals, plan.name if plan else None, f"{year}年", organisation,
                                  _surveys(session, date_from, date_to))
    content.sections = [(heading, paragraphs) for heading, paragraphs in sections]
    _append_tables(content)
    _append_changes_since_submitted(session, content)  # `report --year Y --submit` keeps the year's figures too
    return content


def _surveys(session: Session, date_from: dt.date, date_to: dt.date) -> list[str]:
    return narrative.surveys_paragraph([year_summary(session, y) for y in range(date_from.year, date_to.year + 1)])


def _append_changes_since_submitted(session: Session, content: ReportContent) -> None:
    found = submitted.compare(session, content.date_from, content.date_to, content.figures)
    if found is None or not found.changed:
        return
    rows = [[label, "—" if old is None else old, "—" if new is None else new] for label, old, new in found.changed]
    content.tables.append(ReportTable(f"表{len(content.tables) + 1} 与{cn_date(found.submitted_at)}上报数的比较",
                                      ["项目", "上报数", "现数"], rows))
    why = "；".join(found.causes[:30]) + ("等" if len(found.causes) > 30 else "")
    content.sections.append(("附：数据变动说明",
                             [f"与{cn_date(found.submitted_at)}上报的数据相比，{len(found.changed)}项数据有变动，"
                              f"原因是此后登记或修改了以下记录：{why or '（未找到相应记录）'}。"]))


def _year_label(year: int, date_from: dt.date, date_to: dt.date) -> str:
    """2025, or 2025（7月1日至12月31日） for the part of a year a period starting or ending mid-year covers."""
    lo, hi = max(date_from, dt.date(year, 1, 1)), min(date_to, dt.date(year, 12, 31))
    if (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31):
        return str(year)
    return f"{year}（{lo.month}月{lo.day}日至{hi.month}月{hi.day}日）"


def _append_tables(content: ReportContent) -> None:
    """The figure appendix: activities by type, hours by year, spending by year."""
    figures, money = content.figures, content.spending
    acts, pts = figures["activities"], figures["person_times"]
    total_acts, total_pts = sum(acts.values()), sum(pts.values())
    content.tables.append(ReportTable("表1 培训学习活动开展情况", ["活动类型", "次数", "参加人次"],
                                      [[name, n, pts.get(name, 0)] for name, n in acts.items()]
                                      + ([["合计", total_acts, total_pts]] if acts
                                         else [["（本期未登记培训学习活动）", "", ""]])))
    empty = empty_years(figures)
    year_rows = [[_year_label(int(year), content.date_from, content.date_to), y["members"], "—", "—", "—", "—", "—"]
                 if year in empty else
                 [_year_label(int(year), content.date_from, content.date_to), y["members"], y["total_hours"],
                  y["avg_hours"], y["min_hours"], fmt_share(y["coverage"]), y["below_target"]]
                 for year, y in figures["years"].items()]
    notes = [f"{'、'.join(f'{y}年' for y in empty)}尚无学时记录，不计入党员年均学时。"] if empty else []
    part = [int(y) for y in figures["years"] if y not in empty
            and _year_label(int(y), content.date_from, content.date_to) != y]
    if part and content.date_from.year != content.date_to.year:  # one part-year alone is told 人均, not 年均
        notes.append(f"{'、'.join(f'{y}年' for y in part)}只计统计区间内的部分，党员年均学时按其中的天数折算。")
    note = "注：" + "".join(notes) if notes else ""
    content.tables.append(ReportTable("表2 年度学时完成情况",
                                      ["年度", "在册党员", "累计学时", "人均学时", "最少学时", "覆盖率", "未达标人数"],
                                      year_rows, note))
    header = ["年度", *PURPOSES, "合计"]
    spend_rows: list[list[Any]] = []
    for year, per in money.by_year.items():
        spend_rows.append([str(year), *[per.get(p, 0.0) for p in PURPOSES], round(sum(per.values()), 2)])
    if spend_rows:
        spend_rows.append(["合计", *[round(sum(per.get(p, 0.0) for per in money.by_year.values()), 2)
                                     for p in PURPOSES], money.total])
    else:  # nothing recorded: say so rather than a row of zeros
        spend_rows.append(["（本期未登记经费开支）", *[""] * (len(header) - 1)])
    content.tables.append(ReportTable("表3 党员教育经费开支情况（元）", header, spend_rows))




# ---------------------------------------------------------------- Word


def _east_asian(run: Any, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def write_report_docx(content: ReportContent, path: Path | str) -> Path:
    """GB/T 9704 layout: A4, margins 37/35/28/26 mm, 2号 小标宋 title, 3号 仿宋_GB2312 body, 黑体 headings."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from services.files.xlsx_util import document_text

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(title.add_run(document_text(content.title)), TITLE_FONT, 22)
    for heading, paragraphs in content.sections:
        h = doc.add_paragraph()
        h.paragraph_format.first_line_indent = Pt(32)
        _east_asian(h.add_run(document_text(heading)), HEADING_FONT, 16)
        for text in paragraphs:
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            p.paragraph_format.line_spacing = Pt(28)
            _east_asian(p.add_run(document_text(text)), BODY_FONT, 16)
    h = doc.add_paragraph()
    h.paragraph_format.first_line_indent = Pt(32)
    _east_asian(h.add_run("附表"), HEADING_FONT, 16)
    for table in content.tables:
        cap = doc.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _east_asian(cap.add_run(document_text(table.title)), HEADING_FONT, 14)
        grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
        grid.style = "Table Grid"
        for r, values in enumerate([table.header, *table.rows]):
            for c, value in enumerate(values):
                cell = grid.cell(r, c)
                cell.text = ""
                text = fmt(value) if isinstance(value, float) else str(value)
                _east_asian(cell.paragraphs[0].add_run(document_text(text)), HEADING_FONT if r == 0 else BODY_FONT, 12, bold=False)
        if table.note:
            _east_asian(doc.add_paragraph().add_run(document_text(table.note)), BODY_FONT, 12)
    path = Path(path)
    with safe_target(path) as tmp:
        doc.save(str(tmp))
    return path


# ---------------------------------------------------------------- Excel


def write_report_xlsx(content: ReportContent, path: Path | str) -> Path:
    """The figures (sheet 统计数据, as `stats --json`), the paragraphs, and the tables behind them."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from services.files.xlsx_util import write_cell

    wb = Workbook()
    ws = wb.active
    ws.title = "统计数据"
    f = content.figures
    rows: list[tuple[str, Any]] = [
        ("统计区间开始", f["from"]), ("统计区间结束", f["to"]), ("现有党员", f["members"]),
        ("党支部", f["branches"]), ("活动累计学时", f["total_hours"]),
        ("党员年均培训学时", f["avg_hours_per_member_year"] if content.average is None else content.average),
        ("覆盖率", f["coverage"]),
    ]
    rows += [(f"活动次数：{k}", v) for k, v in f["activities"].items()]
    rows += [(f"参加人次：{k}", v) for k, v in f["person_times"].items()]
    for col, head in enumerate(("项目", "数值"), start=1):
        cell = write_cell(ws, 1, col, head)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B71C1C")
    for r, (label, value) in enumerate(rows, start=2):
        write_cell(ws, r, 1, label)
        cell = write_cell(ws, r, 2, value)
        if label == "覆盖率":  # a share, shown as a percentage like the report's 100% and 77.78%
            cell.number_format = "0.00%"
    ws.column_dimensions["A"].width = 28

    text = wb.create_sheet("报告正文")
    write_cell(text, 1, 1, content.title)
    r = 2
    for heading, paragraphs in content.sections:
        write_cell(text, r, 1, heading)
        r += 1
        for p in paragraphs:
            write_cell(text, r, 1, p).alignment = Alignment(wrap_text=True)
            r += 1
    text.column_dimensions["A"].width = 100

    for n, table in enumerate(content.tables, start=1):
        ws_t = wb.create_sheet(f"表{n}")
        write_cell(ws_t, 1, 1, table.title)
        for c, head in enumerate(table.header, start=1):
            cell = write_cell(ws_t, 2, c, head)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="B71C1C")
        for r2, values in enumerate(table.rows, start=3):
            for c, value in enumerate(values, start=1):
                write_cell(ws_t, r2, c, value)
        if table.note:
            write_cell(ws_t, len(table.rows) + 3, 1, table.note)
    path = Path(path)
    save_workbook(wb, path)
    return path
