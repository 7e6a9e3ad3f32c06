"""One question's tally as horizontal bars drawn with QPainter: option, bar, count and share."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

ACCENT = QColor("#B71C1C")
MAX_BAR = 520.0  # longer bars read no better on a wide window


class QuestionChart(QWidget):
    """Bars for (option, count) pairs; shares are of `answered` (those who answered the question)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[tuple[str, int]] = []
        self.answered = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, items: list[tuple[str, int]], answered: int) -> None:
        self.items, self.answered = list(items), answered
        self.updateGeometry()
        self.update()

    def _line(self) -> float:
        return QFontMetricsF(self.font()).height() * 1.5

    def sizeHint(self) -> QSize:
        return QSize(360, int(self._line() * max(1, len(self.items)) + 8))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetricsF(self.font())
        line = self._line()
        width = float(self.width())
        label_w = min(width * 0.4, max((metrics.horizontalAdvance(o) for o, _ in self.items), default=0) + 12)
        value_w = metrics.horizontalAdvance("0000（100.0%）") + 8
        bar_w = max(10.0, min(width - label_w - value_w, MAX_BAR))
        top = max((n for _, n in self.items), default=0) or 1
        text_color = self.palette().text().color()
        for row, (option, count) in enumerate(self.items):
            y = 4 + row * line
            label = metrics.elidedText(option, Qt.TextElideMode.ElideRight, label_w - 8)
            painter.setPen(text_color)
            painter.drawText(QRectF(0, y, label_w - 8, line), Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, label)
            length = bar_w * count / top
            painter.fillRect(QRectF(label_w, y + line * 0.2, length, line * 0.6), ACCENT)
            share = f"{count * 100 / self.answered:.1f}%" if self.answered else "—"
            painter.drawText(QRectF(label_w + length + 4, y, value_w + bar_w - length, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{count}（{share}）")
        painter.end()
