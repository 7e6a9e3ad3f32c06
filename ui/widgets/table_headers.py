"""Header data shared by the simple table models (column titles across, row numbers down), a header
that measures its titles once, and widths for a list with one long column."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget


def numbered_header(headers: Sequence[str], section: int, orientation: Qt.Orientation, role: int) -> Any:
    if role != Qt.ItemDataRole.DisplayRole:
        return None
    if orientation == Qt.Orientation.Horizontal:
        return headers[section] if 0 <= section < len(headers) else None
    return str(section + 1)


class SteadyHeader(QHeaderView):
    """A header whose titles do not change: each section's size from its contents is worked out once.

    Qt works out the header's size again after every reset of the model and every section resize,
    asking the model four times per section and measuring the title each time (a members table built
    and filled at start-up asked 250 times). Kept until the titles, the font or the style change.
    """

    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self._sizes: dict[tuple[int, bool], QSize] = {}
        # As QTableView makes its own headers.
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 (Qt override)
        previous = self.model()
        if previous is not None and previous is not model:
            with contextlib.suppress(RuntimeError, TypeError):
                previous.headerDataChanged.disconnect(self._forget)
        self._sizes.clear()
        super().setModel(model)
        if model is not None and model is not previous:
            model.headerDataChanged.connect(self._forget)

    def _forget(self, *_args: object) -> None:
        self._sizes.clear()

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:  # noqa: N802, N803 (Qt override)
        # The sort arrow takes room; it is shown by QTableView.setSortingEnabled (in C++, unseen here).
        key = (logicalIndex, self.isSortIndicatorShown())
        size = self._sizes.get(key)
        if size is None:
            size = self._sizes[key] = super().sectionSizeFromContents(logicalIndex)
        return QSize(size)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._sizes.clear()
        super().changeEvent(event)


class ColumnFitter(QObject):
    """Widths for a list whose one long column (a title) takes what the others leave.

    The other columns show their whole text (`full` widths: a date range, the longest type) when the title
    still keeps `least` pixels beside them (or its own longest text, when shorter), else their `compact` widths (elided, whole on hover): a wide
    window shows everything, a narrow one keeps room for the title. A column the clerk resized by hand keeps
    its width (`hand_widths()`; kept in the settings and given back by `set_hand_widths`).
    """

    def __init__(self, view: QTableView, stretch: int, compact: dict[int, int], least: int) -> None:
        super().__init__(view)
        self.view = view
        self.stretch = stretch
        self.compact = dict(compact)
        self.least = least
        self._texts: dict[int, set[str]] = {}
        self._measured: tuple[str, dict[int, int]] = ("", {})
        self._hand: dict[int, int] = {}
        self._fitting = False
        header = view.horizontalHeader()
        for column in compact:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._on_resized)
        view.installEventFilter(self)
        self.fit()

    def set_texts(self, texts: dict[int, Iterable[str]]) -> None:
        """The texts each column shows (its rows changed): its full width is that of the longest, measured
        in the list's font when fitting (a font is settled only once the list is shown)."""
        self._texts = {column: {t for t in values if t} for column, values in texts.items()
                       if column in self.compact or column == self.stretch}
        self._measured = ("", {})
        self.fit()

    def _full(self) -> dict[int, int]:
        metrics = self.view.fontMetrics()
        font = self.view.font().key()
        if self._measured[0] != font:
            pad = metrics.horizontalAdvance("党")
            self._measured = (font, {column: max((metrics.horizontalAdvance(t) for t in texts), default=0) + pad
                                     for column, texts in self._texts.items()})
        return {column: max(width, self._measured[1].get(column, 0)) for column, width in self.compact.items()}

    def _least(self) -> int:
        """The room the title keeps beside whole columns: `least`, or less when its longest text needs less."""
        self._full()
        longest = self._measured[1].get(self.stretch)
        return self.least if longest is None else min(self.least, longest)

    def hand_widths(self) -> dict[int, int]:
        return dict(self._hand)

    def set_hand_widths(self, widths: dict[int, int]) -> None:
        self._hand = {c: w for c, w in widths.items() if c in self.compact and w > 0}
        self.fit()

    def fit(self) -> None:
        # From the view's own size (less frame and headers): its viewport is laid out after the resize event.
        room = self.view.maximumViewportSize().width()
        bar = self.view.verticalScrollBar()
        if bar.isVisible():
            room -= bar.width()
        wanted = {c: self._hand.get(c, w) for c, w in self._full().items()}
        if room - sum(wanted.values()) < self._least():
            wanted = {c: self._hand.get(c, w) for c, w in self.compact.items()}
        header = self.view.horizontalHeader()
        self._fitting = True
        try:
            for column, width in wanted.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _on_resized(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and column in self.compact:
            self._hand[column] = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.fit()
        return False
