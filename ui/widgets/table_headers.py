"""Header data shared by the simple table models (column titles across, row numbers down), and a header
that measures its titles once."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QEvent, QSize, Qt
from PySide6.QtWidgets import QHeaderView, QWidget


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
