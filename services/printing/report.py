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

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ActivityType
from services.assessment.spending import PURPOSES, SpendingTotals, spending_totals
from services.assessment.stats import compute_stats
from services.files.safe_write import safe_target, save_workbook

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


def fmt(value: float) -> str:
    """A figure as the report prints it: 61.2, 169, 24.11 (no trailing zeros)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def fmt_share(share: float) -> str:
    """A share (0.8125) as a percentage (81.25%)."""
    return fmt(round(share * 100, 2)) + "%"


def period_phrase(date_from: dt.date, date_to: dt.date) -> str:
    """五年来 for whole years; 2024年 for one; otherwise the dates."""
    whole = date_from.month == 1 and date_from.day == 1 and date_to.month == 12 and date_to.day == 31
    if whole:
        years = date_to.year - date_from.year + 1
        return f"{date_from.year}年" if years == 1 else f"{'两' if years == 2 else cn_number(years)}年来"
    return f"{date_from.year}年{date_from.month}月{date_from.day}日至{date_to.year}年{date_to.month}月{date_to.day}日"


@dataclass
class ReportTable:
    title: str
    header: list[str]
    rows: list[list[Any]]


@dataclass
class ReportContent:
    title: str
    date_from: dt.date
    date_to: dt.date
    figures: dict[str, Any]
    spending: SpendingTotals
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, paragraphs)
    tables: list[ReportTable] = field(default_factory=list)


def build_report(session: Session, date_from: dt.date, date_to: dt.date,
                 organisation: str = "我局党委") -> ReportContent:
    """The report's text and tables, written from `compute_stats` of the period."""
    figures = compute_stats(session, date_from, date_to)
    money = spending_totals(session, date_from, date_to)
    class_types = set(session.scalars(select(ActivityType.name).where(ActivityType.is_class.is_(True))))
    period = period_phrase(date_from, date_to)
    content = ReportContent(f"关于{date_from.year}—{date_to.year}年党员教育培训工作规划贯彻落实情况的报告"
                            if date_from.year != date_to.year else f"关于{date_from.year}年党员教育培训工作情况的报告",
                            date_from, date_to, figures, money)

    basic = (f"{organisation}现有党员{figures['members']}名，分布在{figures['branches']}个党支部。")
    content.sections.append(("一、基本情况", [basic]))

    acts, pts = figures["activities"], figures["person_times"]
    parts = []
    for name, n in acts.items():
        if name in class_types:
            parts.append(f"举办{n}期{name}，培训党员干部共计{pts.get(name, 0)}人次")
        elif name == "中心组学习":
            parts.append(f"组织中心组学习{n}次")
        else:
            parts.append(f"开展{name}{n}次，参加{pts.get(name, 0)}人次")
    if parts:
        training = f"{period}，{organisation}共" + "；".join(parts) + "。"
    else:
        training = f"{period}，{organisation}尚未登记培训学习活动。"
    total_acts = sum(acts.values())
    total_pts = sum(pts.values())
    training += (f"合计开展各类培训学习活动{total_acts}次，参加{total_pts}人次，"
                 f"累计计入学时{fmt(figures['total_hours'])}学时。")
    coverage = figures["coverage"]
    if coverage == 1:
        reach = "实现全体党员教育培训全覆盖"
    else:
        reach = f"参加教育培训的党员占现有党员的{fmt_share(coverage)}"
    hours_text = f"党员年均培训时间{fmt(figures['avg_hours_per_member_year'])}学时，{reach}。"
    content.sections.append(("二、教育培训开展情况", [training, hours_text]))

    year_texts = []
    for year, y in figures["years"].items():
        below = (f"{y['below_target']}名党员未达到年度学时要求" if y["below_target"]
                 else "全体党员均达到年度学时要求")
        year_texts.append(
            f"{year}年，在册党员{y['members']}名，累计学时{fmt(y['total_hours'])}学时，人均{fmt(y['avg_hours'])}学时，"
            f"最少{fmt(y['min_hours'])}学时，参训覆盖率{fmt_share(y['coverage'])}，{below}。")
    content.sections.append(("三、学时完成情况", year_texts))

    if money.total:
        purposes: dict[str, float] = {}
        for per_year in money.by_year.values():
            for purpose, amount in per_year.items():
                purposes[purpose] = purposes.get(purpose, 0.0) + amount
        detail = "，".join(f"{p}{fmt(round(purposes[p], 2))}元" for p in PURPOSES if p in purposes)
        sources = "，".join(f"{s}{fmt(a)}元" for s, a in money.by_source.items())
        money_text = (f"{period}共投入党员教育经费{fmt(money.total)}元，其中{detail}；按来源分，{sources}。")
    else:
        money_text = f"{period}未登记党员教育经费开支。"
    content.sections.append(("四、经费保障情况", [money_text]))

    content.tables.append(ReportTable("表1 培训学习活动开展情况", ["活动类型", "次数", "参加人次"],
                                      [[name, n, pts.get(name, 0)] for name, n in acts.items()]
                                      + [["合计", total_acts, total_pts]]))
    content.tables.append(ReportTable("表2 年度学时完成情况",
                                      ["年度", "在册党员", "累计学时", "人均学时", "最少学时", "覆盖率", "未达标人数"],
                                      [[year, y["members"], y["total_hours"], y["avg_hours"], y["min_hours"],
                                        fmt_share(y["coverage"]), y["below_target"]]
                                       for year, y in figures["years"].items()]))
    spend_rows = []
    for year, per in money.by_year.items():
        spend_rows.append([str(year), *[per.get(p, 0.0) for p in PURPOSES], round(sum(per.values()), 2)])
    spend_rows.append(["合计", *[round(sum(per.get(p, 0.0) for per in money.by_year.values()), 2) for p in PURPOSES],
                       money.total])
    content.tables.append(ReportTable("表3 党员教育经费开支情况（元）", ["年度", *PURPOSES, "合计"], spend_rows))
    return content


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
    _east_asian(title.add_run(content.title), TITLE_FONT, 22)
    for heading, paragraphs in content.sections:
        h = doc.add_paragraph()
        h.paragraph_format.first_line_indent = Pt(32)
        _east_asian(h.add_run(heading), HEADING_FONT, 16)
        for text in paragraphs:
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(32)
            p.paragraph_format.line_spacing = Pt(28)
            _east_asian(p.add_run(text), BODY_FONT, 16)
    h = doc.add_paragraph()
    h.paragraph_format.first_line_indent = Pt(32)
    _east_asian(h.add_run("附表"), HEADING_FONT, 16)
    for table in content.tables:
        cap = doc.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _east_asian(cap.add_run(table.title), HEADING_FONT, 14)
        grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
        grid.style = "Table Grid"
        for r, values in enumerate([table.header, *table.rows]):
            for c, value in enumerate(values):
                cell = grid.cell(r, c)
                cell.text = ""
                text = fmt(value) if isinstance(value, float) else str(value)
                _east_asian(cell.paragraphs[0].add_run(text), HEADING_FONT if r == 0 else BODY_FONT, 12, bold=False)
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
        ("党支部", f["branches"]), ("累计学时", f["total_hours"]),
        ("党员年均培训学时", f["avg_hours_per_member_year"]), ("覆盖率", f["coverage"]),
    ]
    rows += [(f"活动次数：{k}", v) for k, v in f["activities"].items()]
    rows += [(f"参加人次：{k}", v) for k, v in f["person_times"].items()]
    for col, head in enumerate(("项目", "数值"), start=1):
        cell = write_cell(ws, 1, col, head)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B71C1C")
    for r, (label, value) in enumerate(rows, start=2):
        write_cell(ws, r, 1, label)
        write_cell(ws, r, 2, value)
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
    path = Path(path)
    save_workbook(wb, path)
    return path
