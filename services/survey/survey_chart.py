"""One question's bar chart as a ReportLab drawing (for the PDF report, and as a PNG for Word)."""

from __future__ import annotations

from typing import Any

from services.survey import tally as t

LABEL_CHARS = 16
BAR_HEIGHT = 16  # points per option


def short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(x: t.Tally, width: float, font: str) -> Any:
    """A horizontal bar per option (first option on top), its count at the bar's end."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    from services.pdf.pdf_layout import ACCENT

    options = list(x.counts)
    values = [x.counts[o] for o in options]
    label_width = min(LABEL_CHARS, max((len(short(o)) for o in options), default=1)) * 9 + 12
    height = max(1, len(options)) * BAR_HEIGHT + 24
    drawing = Drawing(width, height)
    drawing.initialFontName = font  # else the renderer selects (and the PDF references) Helvetica
    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = 16
    chart.width = width - label_width - 40
    chart.height = height - 24
    # The chart draws its first category at the bottom: reverse so the order reads top-down.
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = [short(o) for o in reversed(options)] or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    top = max(values, default=0)
    chart.valueAxis.valueMax = max(top, 1) * 1.1
    chart.valueAxis.valueStep = max(1, round(max(top, 1) / 5))
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor(ACCENT)
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def png_bytes(drawing: Any) -> bytes | None:
    """The drawing as a PNG, when ReportLab's bitmap renderer (rlPyCairo) is installed; else None."""
    try:
        from reportlab.graphics import renderPM

        return bytes(renderPM.drawToString(drawing, fmt="PNG", dpi=144))
    except Exception:  # no rlPyCairo/_renderPM backend: the caller shows a table instead
        return None
