"""A paper questionnaire printed as an A4 form: numbered questions, lettered options with boxes, lines to write on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.errors import UnreadableFileError, ValidationError
from services.files.safe_write import build_pdf
from services.survey import tally as t
from services.survey.surveys import LETTERS, SurveyResult

BLANK = "＿＿＿＿"
HINTS = {t.SINGLE: "（单选）", t.MULTIPLE: "（可多选）", t.SCALE: "（请圈选一个分值）", t.TEXT: ""}
# The word of each hint: a question that already says it (“……（可多选）”) is not told twice.
_HINT_WORDS = {t.SINGLE: "单选", t.MULTIPLE: "多选", t.SCALE: "圈选"}


def hint(kind: str, title: str) -> str:
    """The hint printed after a question's title, unless the title already gives it."""
    word = _HINT_WORDS.get(kind)
    return "" if word and word in title else HINTS.get(kind, "")


def write_form(result: SurveyResult, out: Path) -> int:
    """Write the blank form; returns its page count. Only a paper questionnaire has one: an imported 问卷星
    survey keeps the answers, not the options as designed (and its answers are not keyed in here)."""
    if result.info.source != "paper":
        raise ValidationError(f"问卷“{result.info.title}”是导入的问卷星答卷，没有纸质问卷可打印；"
                              "要发纸质问卷，请先新建纸质问卷。")
    try:
        return _render(result, Path(out))
    except OSError as exc:
        raise UnreadableFileError(f"无法写入 {out}：{exc.strerror or exc}") from exc


def _render(result: SurveyResult, out: Path) -> int:
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
    from services.pdf.pdf_layout import base_styles, numbered_canvas, page_count
    from services.pdf.pdf_text import para

    fonts = register_fonts()
    st = base_styles(fonts)
    question = ParagraphStyle("fq", fontName=fonts.title, fontSize=12, leading=18, spaceBefore=6, spaceAfter=3)
    option = ParagraphStyle("fo", fontName=fonts.body, fontSize=11.5, leading=17)
    intro = ParagraphStyle("fi", parent=st["info"], fontSize=11, leading=17, alignment=0, firstLineIndent=22)
    width = A4[0] - 44 * mm
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=result.info.title, creator="党员教育培训管理系统")
    story: list[Any] = [para(result.info.title, st["title"]), Spacer(1, 3 * mm),
                        para("为了解党员学习需求、改进培训工作，请您如实填写本问卷。问卷不记名，"
                                      "选择题请在所选选项前的方框内打“√”。感谢您的支持！", intro),
                        Spacer(1, 3 * mm)]
    for q in result.questions:
        block: list[Any] = [para(f"{q.number}．{q.title}{hint(q.kind, q.title)}", question)]
        if q.kind == t.TEXT:
            lines = Table([[""]] * 4, colWidths=[width - 6 * mm], rowHeights=[9 * mm] * 4)
            lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, "#757575")]))
            block.append(lines)
        elif q.kind == t.SCALE:
            cells = [para(f"○ {o}", option) for o in q.options]
            block.append(_grid(cells, len(cells), width, TableStyle))
            block.append(para(f"（{q.options[0]}分最低，{q.options[-1]}分最高）", option))
        else:
            cells = [para(f"□ {LETTERS[i]}．{o}" + (BLANK if o == t.OTHER else ""), option)
                     for i, o in enumerate(q.options)]
            longest = max((len(o) + (len(BLANK) if o == t.OTHER else 0) for o in q.options), default=1)
            per_row = 4 if longest <= 6 else 2 if longest <= 16 else 1
            block.append(_grid(cells, per_row, width, TableStyle))
        story.append(KeepTogether(block))
    story += [Spacer(1, 8 * mm), para("问卷到此结束，谢谢！", st["info"])]
    build_pdf(doc, out, story, canvasmaker=numbered_canvas(fonts.body, f"{result.info.title}　　"))
    return page_count(out)


def _grid(cells: list[Any], per_row: int, width: float, table_style: Any) -> Any:
    from reportlab.lib.units import mm
    from reportlab.platypus import Table

    per_row = max(1, min(per_row, len(cells)))
    rows = [cells[i:i + per_row] + [""] * (per_row - len(cells[i:i + per_row]))
            for i in range(0, len(cells), per_row)]
    table = Table(rows, colWidths=[(width - 6 * mm) / per_row] * per_row, hAlign="LEFT")
    table.setStyle(table_style([("LEFTPADDING", (0, 0), (-1, -1), 6 * mm / per_row + 4),
                                ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table
