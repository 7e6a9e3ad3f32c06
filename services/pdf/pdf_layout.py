"""Shared pieces of the table printouts: page numbering 第X页 共Y页, paragraph styles, table styling."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

ACCENT = "#B71C1C"
GRID = "#9E9E9E"
MM = 72 / 25.4


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def esc(text: str | None) -> str:
    """Text for a ReportLab Paragraph (which reads a little XML)."""
    from xml.sax.saxutils import escape

    return escape(text or "")


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
            text = f"{footer_prefix}第{self._pageNumber}页 共{total}页"
            self.drawCentredString(width / 2, 10 * MM, text)

    return NumberedCanvas


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
