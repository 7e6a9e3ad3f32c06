"""The survey report: per question the counts, the shares, a bar chart; free-text answers listed (PDF or Word)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from services.errors import UnreadableFileError
from services.files.safe_write import build_pdf, safe_target
from services.progress import Progress, tick
from services.survey import tally as t
from services.survey.survey_chart import bar_chart, png_bytes
from services.survey.surveys import SOURCE_LABELS, SurveyResult


def percent(n: int, total: int) -> str:
    return f"{n * 100 / total:.1f}%" if total else "—"


def subtitle(result: SurveyResult) -> str:
    info = result.info
    parts = [f"{SOURCE_LABELS.get(info.source, info.source)}　共{info.responses}份答卷"]
    if info.activity_title:
        parts.append(f"评估活动：{info.activity_title}")
    figure = result.satisfaction()
    if figure is not None and figure[1]:
        parts.append(f"满意率 {percent(*figure)}")
    return "　".join(parts)


def other_lines(x: t.Tally, option: str) -> list[str]:
    return [f"{w}" + (f"（{n}人）" if n > 1 else "") for w, n in Counter(x.others.get(option, [])).items()]


def write_report(result: SurveyResult, out: Path, *, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> int:
    """Write the report; returns the page count of a PDF (0 for Word). `progress(percent, message)` is told as
    the pages are laid out, `cancel` checked as they are (CancelledError: no file is written)."""
    out = Path(out)
    try:
        if out.suffix.lower() == ".docx":
            _docx(result, out, cancel)
            return 0
        return _pdf(result, out, progress, cancel)
    except OSError as exc:
        raise UnreadableFileError(f"无法写入 {out}：{exc.strerror or exc}") from exc


def _laid_out(doc: Any, count: int, progress: Progress | None, cancel: threading.Event | None) -> None:
    """Tell `progress` and check `cancel` as `doc` places the story's `count` flowables (every 200th)."""
    placed = [0]

    def after(_flowable: Any) -> None:
        placed[0] += 1
        if placed[0] % 200:
            return
        tick(cancel, "已取消，未生成统计报告。")
        if progress is not None:
            progress(min(99, placed[0] * 100 // max(1, count)), f"已排版{doc.page}页……")

    doc.afterFlowable = after


def _pdf(result: SurveyResult, out: Path, progress: Progress | None = None,
         cancel: threading.Event | None = None) -> int:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from services.pdf.pdf_fonts import register_fonts
    from services.pdf.pdf_layout import (
        base_styles,
        cn_date,
        header_table_style,
        numbered_canvas,
        page_count,
    )
    from services.pdf.pdf_text import para

    fonts = register_fonts()
    st = base_styles(fonts)
    q_style = ParagraphStyle("q", fontName=fonts.title, fontSize=12, leading=17, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("b", fontName=fonts.body, fontSize=10, leading=14)
    note = ParagraphStyle("n", parent=body, fontSize=9, leading=12, textColor="#424242", leftIndent=12)
    width = A4[0] - 40 * mm
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{result.info.title}统计报告", creator="党员教育培训管理系统")
    story: list[Any] = [para(f"{result.info.title}统计报告", st["title"]),
                        para(subtitle(result), st["info"]),
                        para(f"制表日期：{cn_date(dt.date.today())}", st["info"]), Spacer(1, 4 * mm)]
    for x in result.tallies:
        block: list[Any] = [para(t.heading(x), q_style)]
        tick(cancel, "已取消，未生成统计报告。")
        if x.kind == t.TEXT:
            story.append(KeepTogether(block + [para("（无人作答）", body)] if not x.answers else block))
            for answer, n in Counter(x.answers).items():
                story.append(para(f"· {answer}" + (f"（{n}人）" if n > 1 else ""), body, breaks=True))
            continue
        rows: list[list[Any]] = [["选项", "人数", "比例"]]
        for option, n in x.counts.items():
            rows.append([para(option, body), str(n), percent(n, x.answered)])
        table = Table(rows, colWidths=[width * 0.62, width * 0.14, width * 0.16], repeatRows=1)
        style = header_table_style(fonts, body_size=10, head_size=10.5)
        style += [("ALIGN", (1, 1), (-1, -1), "CENTER"), ("ALIGN", (0, 1), (0, -1), "LEFT"),
                  ("BACKGROUND", (0, 1), (-1, -1), colors.white)]
        table.setStyle(TableStyle(style))
        block += [table, Spacer(1, 2 * mm)]
        if x.answered:  # no chart of nothing
            block.append(bar_chart(x, width, fonts.sans))
        story.append(KeepTogether(block))
        for option in x.others:
            story.append(para(f"选择“{option}”时填写的内容：", note))
            story += [para(f"· {line}", note, breaks=True) for line in other_lines(x, option)]
    _laid_out(doc, len(story), progress, cancel)
    build_pdf(doc, out, story, canvasmaker=numbered_canvas(fonts.body, f"{result.info.title}　　"))
    return page_count(out)


def _bullets(doc: Any, lines: Iterable[str], cancel: threading.Event | None = None) -> None:
    """Bullet paragraphs at the end of the document, in one pass. python-docx's add_paragraph looks for the end of
    the body and looks the style up by name anew for every paragraph: 20 000 written answers took over two minutes.
    The paragraphs are the same: style List Bullet, one run of the text (line breaks as breaks)."""
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    from services.files.xlsx_util import document_text

    body = doc.element.body
    end = body.sectPr
    style_id = doc.styles["List Bullet"].style_id
    for n, line in enumerate(lines):
        if n % 1000 == 0:
            tick(cancel, "已取消，未生成统计报告。")
        p = OxmlElement("w:p")
        if end is not None:
            end.addprevious(p)
        else:
            body.append(p)
        p.style = style_id
        Paragraph(p, doc).add_run(document_text(line))


def _docx(result: SurveyResult, out: Path, cancel: threading.Event | None = None) -> None:
    import io

    from docx import Document
    from docx.shared import Mm, Pt

    from services.files.xlsx_util import document_text as text
    from services.pdf.pdf_fonts import register_fonts

    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(text(f"{result.info.title}统计报告"), level=0)
    doc.add_paragraph(text(subtitle(result)))
    font = register_fonts().sans
    for x in result.tallies:
        doc.add_heading(text(t.heading(x)), level=2)
        if x.kind == t.TEXT:
            if not x.answers:
                doc.add_paragraph("（无人作答）")
            _bullets(doc, (answer + (f"（{n}人）" if n > 1 else "") for answer, n in Counter(x.answers).items()),
                     cancel)
            continue
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, head in zip(table.rows[0].cells, ("选项", "人数", "比例"), strict=True):
            cell.text = head
        for option, n in x.counts.items():
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = text(option), str(n), percent(n, x.answered)
        png = png_bytes(bar_chart(x, 420, font)) if x.answered else None
        if png is not None:
            doc.add_picture(io.BytesIO(png), width=Mm(150))
        for option in x.others:
            doc.add_paragraph(text(f"选择“{option}”时填写的内容："))
            _bullets(doc, other_lines(x, option), cancel)
    tick(cancel, "已取消，未生成统计报告。")
    with safe_target(out) as tmp:
        doc.save(str(tmp))
