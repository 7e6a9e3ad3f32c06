"""The members each rule of the 条例 concerns, as lists a clerk reads: ledger sheets, an Excel file, a PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services.plan import rules

RULE_TITLES = {"new_member": "新党员集中培训", "new_secretary": "新任支部书记任职培训",
               "exempt": "免予学时考核", "mobile": "流动党员"}
RULE_HEADERS = ("序号", "党支部", "姓名", "情况", "说明")
MET_WORDS = {True: "已达到", False: "未达到", None: ""}
NONE_YET = "（本期无此类党员）"


def rule_rows(cases: list[rules.RuleCase]) -> list[tuple[object, ...]]:
    """(序号, 党支部, 姓名, 情况, 说明) for each member a rule concerns."""
    return [(n, c.branch, c.name, MET_WORDS[c.met] or ("期限内" if c.rule == "new_secretary" else "—"), c.detail)
            for n, c in enumerate(cases, start=1)]


def rule_lists(session: Session, date_from: dt.date, date_to: dt.date) -> dict[str, list[rules.RuleCase]]:
    return rules.check_rules(session, date_from, date_to)


def add_rule_sheets(wb: Any, found: dict[str, list[rules.RuleCase]], period: str) -> None:
    """One sheet per rule (named by its title) in an openpyxl workbook opened in write-only mode."""
    from services.files.xlsx_util import header_cells, out_cell

    for key, cases in found.items():
        ws = wb.create_sheet(RULE_TITLES[key])
        for letter, width in zip("ABCDE", (6, 22, 10, 10, 60), strict=True):
            ws.column_dimensions[letter].width = width
        ws.append([out_cell(ws, f"{period}{RULE_TITLES[key]}：{len(cases)}人")])
        ws.append(header_cells(ws, list(RULE_HEADERS)))
        for row in rule_rows(cases):
            ws.append([out_cell(ws, value) for value in row])
        if not cases:
            ws.append([out_cell(ws, NONE_YET)])


def period_words(date_from: dt.date, date_to: dt.date) -> str:
    return f"{date_from:%Y-%m-%d}至{date_to:%Y-%m-%d}"


def write_rules_xlsx(session: Session, date_from: dt.date, date_to: dt.date, path: Path | str) -> Path:
    from openpyxl import Workbook

    from services.files.safe_write import save_workbook

    wb = Workbook(write_only=True)
    add_rule_sheets(wb, rule_lists(session, date_from, date_to), period_words(date_from, date_to))
    path = Path(path)
    save_workbook(wb, path)
    return path


def write_rules_pdf(session: Session, date_from: dt.date, date_to: dt.date, path: Path | str,
                    only: str | None = None) -> Path:
    """The lists as a printout: a title per rule, its members in a table (A4, pages numbered)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from services.files.safe_write import build_pdf
    from services.pdf.pdf_fonts import register_fonts
    from services.pdf.pdf_layout import (
        base_styles,
        fit_cell,
        header_table_style,
        numbered_canvas,
    )
    from services.pdf.pdf_pages import paged_table
    from services.pdf.pdf_text import para

    found = rule_lists(session, date_from, date_to)
    if only is not None:
        found = {only: found[only]}
    fonts = register_fonts()
    st = base_styles(fonts)
    path = Path(path)
    title = "条例和规划要求落实情况" if only is None else RULE_TITLES[only]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=16 * mm, title=title, creator="党员教育培训管理系统")
    story: list[Any] = [para(title, st["title"]),
                        para(f"统计区间：{period_words(date_from, date_to)}", st["info"])]
    usable = (A4[0] - 36 * mm) / mm
    widths = [10, 32, 24, 16, 92]
    # A long name is set smaller on one line inside the cell's padding (6 pt a side), never over 情况.
    name = ParagraphStyle("rule_name", parent=st["cell"], fontSize=10, leading=12)
    name_room = widths[2] * usable / sum(widths) * mm - 12
    for key, cases in found.items():
        story.append(Spacer(1, 4 * mm))
        story.append(para(f"{RULE_TITLES[key]}（{len(cases)}人）", st["info"]))
        texts = [list(map(str, row)) for row in rule_rows(cases)] or [["", NONE_YET, "", "", ""]]

        def row(i: int, texts: list[list[str]] = texts) -> list[Any]:
            seq, branch, member, met, detail = texts[i]
            if not seq:  # （本期无此类党员）
                return texts[i]
            return [seq, para(branch, st["cell"]), fit_cell(member, name, name_room), met, para(detail, st["cell"])]

        story.append(paged_table(list(RULE_HEADERS), len(texts), row, [w * usable / sum(widths) * mm for w in widths],
                                 header_table_style(fonts, body_size=10)))
    build_pdf(doc, path, story, canvasmaker=numbered_canvas(fonts.body, f"{title}　　"))
    return path
