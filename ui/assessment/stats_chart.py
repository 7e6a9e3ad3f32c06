"""A simple horizontal bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

ACCENT = QColor("#B71C1C")


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


class BarChart(QWidget):
    """Labels with one bar each; double-clicking a bar emits `bar_activated(index)`."""

    bar_activated = Signal(int)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.items: list[tuple[str, float]] = []
        self.unit = ""
        self._bars: list[QRectF] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)

    def set_data(self, title: str, items: list[tuple[str, float]], unit: str = "") -> None:
        self.title, self.items, self.unit = title, list(items), unit
        self.update()

    def sizeHint(self) -> QSize:
        line = int(QFontMetricsF(self.font()).height() * 1.6)
        return QSize(360, max(160, line * (len(self.items) + 2)))

    def _row_at(self, y: float, x: float) -> int:
        for n, rect in enumerate(self._bars):
            if rect.top() <= y <= rect.bottom():
                return n
        return -1

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        row = self._row_at(event.position().y(), event.position().x())
        if row >= 0:
            self.bar_activated.emit(row)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        pad = line * 0.5
        width, height = float(self.width()), float(self.height())
        painter.fillRect(self.rect(), self.palette().base())
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(pad, pad * 0.5, width - 2 * pad, line * 1.4),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title)
        painter.setFont(self.font())
        self._bars = []
        if not self.items:
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.tr("暂无数据"))
            painter.end()
            return
        label_w = max(metrics.horizontalAdvance(label) for label, _ in self.items) + pad
        value_w = max(metrics.horizontalAdvance(_fmt(v) + self.unit) for _, v in self.items) + pad
        top = line * 1.9
        row_h = min(line * 1.8, (height - top - pad) / len(self.items))
        biggest = max((v for _, v in self.items), default=0.0) or 1.0
        bar_space = max(10.0, width - 2 * pad - label_w - value_w)
        for n, (label, value) in enumerate(self.items):
            y = top + n * row_h
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(pad, y, label_w - pad / 2, row_h),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
            bar = QRectF(pad + label_w, y + row_h * 0.2, bar_space * max(0.0, value) / biggest, row_h * 0.6)
            painter.fillRect(bar, ACCENT)
            self._bars.append(QRectF(0, y, width, row_h))
            painter.drawText(QRectF(bar.right() + pad / 2, y, value_w, row_h),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             _fmt(value) + self.unit)
        painter.end()
