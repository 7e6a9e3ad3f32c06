"""The year's study plan printed in the style of an official document (GB/T 9704-2012)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.files.safe_write import build_pdf
from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_layout import numbered_canvas, page_count
from services.pdf.pdf_text import para
from services.plan.study_plan import PlanText

CN_ORDINALS = "一二三四五六七八九十"
KIND_HEADINGS = (("书目", "必读书目"), ("篇目", "必读篇目"), ("专题", "学习专题"))


def write_study_plan_pdf(plan: PlanText, out: Path | str) -> int:
    """A4, margins top 37 mm / left 28 mm, 22 pt title, 16 pt body; returns the page count."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    fonts = register_fonts()
    title = ParagraphStyle("t", fontName=fonts.title, fontSize=22, leading=32, alignment=TA_CENTER)
    head = ParagraphStyle("h", fontName=fonts.title, fontSize=16, leading=28, firstLineIndent=32)
    body = ParagraphStyle("b", fontName=fonts.body, fontSize=16, leading=28, firstLineIndent=32)
    out = Path(out)
    doc = SimpleDocTemplate(str(out), pagesize=A4, topMargin=37 * mm, bottomMargin=35 * mm, leftMargin=28 * mm,
                            rightMargin=26 * mm, title=plan.title, creator="党员教育培训管理系统")
    story: list[Any] = [para(plan.title, title), Spacer(1, 8 * mm)]
    flush = ParagraphStyle("b0", parent=body, firstLineIndent=0)
    for line in plan.body.splitlines():
        # Printed as written: a paragraph typed with its own indent (　　根据……) is not indented twice.
        if line.strip():
            story.append(para(line.rstrip(), flush if line[0] in " \u3000" else body))
    n = 0
    for kind, heading in KIND_HEADINGS:
        items = [i for i in plan.items if i.kind == kind]
        if not items:
            continue
        story.append(para(f"{CN_ORDINALS[n]}、{heading}", head))
        n += 1
        for k, item in enumerate(items, start=1):
            when = f"（{item.month}月）" if item.month else ""
            done = f"（已通过“{item.activity_title}”组织学习）" if item.activity_title else ""
            story.append(para(f"{k}. {item.shown}{when}{done}", body))
    build_pdf(doc, out, story, canvasmaker=numbered_canvas(fonts.body, ""))
    return page_count(out)
