"""The materials sign-off sheet (资料签收表): who received a material, with a column to sign."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from services.files.safe_write import build_pdf
from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_layout import (
    base_styles,
    cn_date,
    fit_cell,
    fit_text,
    header_table_style,
    numbered_canvas,
    page_count,
)
from services.pdf.pdf_text import para
from services.plan.materials import IssueRow
from services.progress import Progress


def write_sign_off_sheet(out: Path | str, title: str, rows: Sequence[IssueRow], blank_rows: int = 3, *,
                        progress: Progress | None = None, cancel: threading.Event | None = None) -> int:
    """Write the sheet for `title` (printed with its 《》) and return its page count. `progress` is told as pages
    are laid out (a whole bureau is 700 pages); `cancel` stops the print (CancelledError) and leaves no file."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from services.pdf.pdf_pages import paged_table

    fonts = register_fonts()
    st = base_styles(fonts)
    out = Path(out)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=16 * mm, title=f"{title}签收表", creator="党员教育培训管理系统")
    story: list[Any] = [para(f"{title}签收表", st["title"]), Spacer(1, 4 * mm)]
    header = ["序号", "姓名", "所在党支部", "发放日期", "份数", "本人签收"]
    cell = st["cell"]
    widths = [12, 26, 50, 34, 14, 38]
    usable = (A4[0] - 36 * mm) / mm
    col_widths = [w * usable / sum(widths) * mm for w in widths]
    # Inside the cell's padding (6 pt a side, 3 pt above and below) of a 9 mm row.
    name_style = ParagraphStyle("sheet_name", parent=cell, fontSize=10.5, leading=12.6)

    def row(i: int) -> list[Any]:
        if i >= len(rows):  # blank rows
            return [str(i + 1), "", "", "", "", ""]
        r = rows[i]
        return [str(i + 1), fit_cell(r.name, name_style, col_widths[1] - 12, height=9 * mm - 6),
                fit_text(r.branch, cell, col_widths[2] - 12, 9 * mm - 6), cn_date(r.date), str(r.copies), ""]

    # Rows 9 mm high (room to sign), taller where a name or a branch needs it even set smallest.
    story.append(paged_table(header, len(rows) + blank_rows, row, col_widths, header_table_style(fonts),
                             min_heights=(8 * mm, 9 * mm), progress=progress, cancel=cancel,
                             message="正在排版签收表：{done}/{count}行……"))
    story.append(Spacer(1, 3 * mm))
    story.append(para(f"共{len(rows)}人　　经办人：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿", st["info"]))
    build_pdf(doc, out, story, canvasmaker=numbered_canvas(fonts.body, f"{title}签收表　　"))
    return page_count(out)
