"""Shared pieces of the table printouts: page numbering 第X页 共Y页, paragraph styles, table styling."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from services.pdf.pdf_fit import MAX_LINES, fit_lines

ACCENT = "#B71C1C"
GRID = "#9E9E9E"
MM = 72 / 25.4


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def numbered_canvas(font: str, footer_prefix: str = "") -> Any:
    """A canvas that knows the page count when each page is finished: 第X页 共Y页 in one pass."""
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Without this ReportLab references Helvetica, an unembedded font, on every page.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _ = self._pagesize
            self.setFont(font, 9)
            self.setFillColor("#424242")
            text = footer_text(footer_prefix, self._pageNumber, total, font, 9, width - 30 * MM)
            self.drawCentredString(width / 2, 10 * MM, text)

    return NumberedCanvas


def footer_text(prefix: str, page: int, total: int, font: str, size: float, width: float) -> str:
    """第X页 共Y页 after `prefix`; a prefix too long for `width` loses the middle of its text to …,
    keeping its start and its last three characters (签到表, 考勤表, 花名册 …)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pages = f"第{page}页 共{total}页"
    text = prefix + pages
    if stringWidth(text, font, size) <= width:
        return text
    body = prefix.rstrip("　 ")
    gap = prefix[len(body):]
    head, tail = body[:-3], body[-3:]
    while head and stringWidth(head + "…" + tail + gap + pages, font, size) > width:
        head = head[:-1]
    return head + "…" + tail + gap + pages


def fit_paragraph(text: str | None, style: Any, width: float, height: float | None = None,
                  min_size: float = 6) -> Any:
    """A Paragraph of `text` whose font shrinks (down to `min_size`) until it fits its cell.

    `width` (and `height`) are the room inside the cell's padding. Without `height` each of the text's
    lines (it may have line breaks) is fitted unbroken, as a name should be; with it, wrapped lines must fit
    the box (a row of fixed height). Text that still does not fit at `min_size` wraps rather than print
    over its neighbours.
    """
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from services.pdf.pdf_text import para as make_para

    text = text or ""
    size = float(style.fontSize)
    ratio = style.leading / style.fontSize
    while True:
        fitted = style if size == style.fontSize else ParagraphStyle(
            f"{style.name}_{size:g}", parent=style, fontSize=size, leading=size * ratio)
        para = make_para(text, fitted, breaks=True)
        widest = max(stringWidth(line, fitted.fontName, size) for line in text.splitlines() or [""])
        if height is None:
            fits = widest <= width
        else:  # one line that fits needs no trial wrap (the common case, and fast for long sheets)
            fits = (widest <= width and fitted.leading <= height) or para.wrap(width, height)[1] <= height
        if fits or size <= min_size:
            return para
        size = max(min_size, size - 0.5)


def fit_cell(text: str | None, style: Any, width: float, min_size: float = 6, *, height: float | None = None,
             max_lines: int = MAX_LINES) -> Any:
    """A cell's text: the plain text when it fits `width` in `style` (the table's own font and size: plain text
    keeps a long table fast), else a Paragraph that fits (`fit_text`). A code or a figure (a certificate number,
    a masked ID, a date: no space, nothing beyond ASCII) and any text given `max_lines=1` stay on one line,
    set smaller (`fit_paragraph`)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = text or ""
    if stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    if max_lines <= 1 or (text.isascii() and not any(ch.isspace() for ch in text)):
        return fit_paragraph(text, style, width, min_size=min_size)
    return fit_text(text, style, width, height, max_lines=max_lines, min_size=min_size)


def fit_text(text: str | None, style: Any, width: float, height: float | None = None, *,
             max_lines: int = MAX_LINES, min_size: float = 6) -> Any:
    """A Paragraph of `text` (a name, a branch, a title) that fits a cell `width` wide (and `height` high when
    the row's height is fixed) at a readable size, wrapped first, set smaller last (`pdf_fit.fit_lines`)."""
    from reportlab.lib.styles import ParagraphStyle

    from services.pdf.pdf_text import para

    fitted = fit_lines(text, style, width, height, max_lines=max_lines, min_size=min_size)
    sized = style if fitted.size == style.fontSize else ParagraphStyle(
        f"{style.name}_{fitted.size:g}", parent=style, fontSize=fitted.size, leading=fitted.leading)
    return para("\n".join(fitted.lines), sized, breaks=True)


def base_styles(fonts: Any) -> dict[str, Any]:
    """Paragraph styles of the printouts: title, info line, table cells."""
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    return {
        "title": ParagraphStyle("title", fontName=fonts.title, fontSize=18, leading=24, alignment=TA_CENTER,
                                spaceAfter=4),
        "info": ParagraphStyle("info", fontName=fonts.body, fontSize=10.5, leading=15, alignment=TA_CENTER,
                               textColor="#212121"),
        "cell": ParagraphStyle("cell", fontName=fonts.body, fontSize=10, leading=12),
        "small": ParagraphStyle("small", fontName=fonts.body, fontSize=8, leading=10),
        "head": ParagraphStyle("head", fontName=fonts.body, fontSize=8, leading=10, alignment=TA_CENTER),
    }


def header_table_style(fonts: Any, body_size: float = 10.5, head_size: float = 11) -> list[tuple[Any, ...]]:
    """TableStyle commands of a list with a red header row (repeated on every page via repeatRows=1)."""
    from reportlab.lib import colors

    return [
        ("FONT", (0, 0), (-1, -1), fonts.body, body_size),
        ("FONT", (0, 0), (-1, 0), fonts.title, head_size),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(ACCENT)),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor(GRID)),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.HexColor(ACCENT)),
    ]


def page_count(path: Path) -> int:
    """Pages of a PDF ReportLab wrote (its page tree has one /Pages node)."""
    data = path.read_bytes()
    m = re.search(rb"/Type /Pages[^>]*?/Count (\d+)", data) or re.search(rb"/Count (\d+)", data)
    return int(m.group(1)) if m else 0
