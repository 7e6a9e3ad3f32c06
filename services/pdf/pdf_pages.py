"""A long table laid out page by page in linear time and bounded memory: the roll of a whole bureau, the
sign-in sheet or attendance register of a class of 20 000, a register of certificates.

A ReportLab `Table` of n rows split across pages re-measures and copies all the rows still to place at each
page break: quadratic in n (the roll of 20 000 members took 107 s and 710 MB). A `PagedTable` builds each
row's cells only when they are needed (`row(i)`), measures each row once (in small tables of the same columns
and style, so its height is the one ReportLab gives it), and at each page break cuts off one page of rows as
an ordinary `Table` with the header row on top. The pages look as a split `Table` would make them: the
same rows on each page (a row goes to the next page when it would pass the bottom), the header on each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle

from services.progress import Progress, tick

# Rows measured together in one small table.
_CHUNK = 64


class _Rows:
    """What every part of one long table shares: the row source, the heights measured so far, and the cells
    built for measuring and not yet placed on a page (at most a page and a chunk of rows)."""

    def __init__(self, header: list[Any], count: int, row: Callable[[int], list[Any]], col_widths: list[float],
                 style: Sequence[tuple[Any, ...]], min_heights: tuple[float, float] | None,
                 progress: Progress | None, cancel: threading.Event | None, message: str) -> None:
        self.header = header
        self.count = count
        self.row = row
        self.col_widths = list(col_widths)
        self.style = list(style)
        self.min_heights = min_heights
        self.progress = progress
        self.cancel = cancel
        self.message = message
        self.heights: list[float] = []  # heights[i]: row i's, once measured
        self.header_height = 0.0
        self.cells: dict[int, list[Any]] = {}

    def table(self, rows: list[list[Any]], heights: list[float] | None = None) -> Table:
        """A Table of the header and `rows` in the columns and style of this table."""
        mins = None
        if self.min_heights is not None and heights is None:
            mins = [self.min_heights[0]] + [self.min_heights[1]] * len(rows)
        table = Table([self.header, *rows], colWidths=self.col_widths, repeatRows=1, minRowHeights=mins,
                      rowHeights=heights)
        table.setStyle(TableStyle(self.style))
        return table

    def measure(self, upto: int) -> None:
        """Measure rows up to index `upto` (exclusive), a chunk at a time."""
        upto = min(upto, self.count)
        while len(self.heights) < upto or (self.count == 0 and not self.header_height):
            tick(self.cancel)
            first = len(self.heights)
            last = min(self.count, first + _CHUNK)
            for i in range(first, last):
                self.cells[i] = self.row(i)
            table = self.table([self.cells[i] for i in range(first, last)])
            table.wrap(sum(self.col_widths), 1e9)
            measured = table._rowHeights  # noqa: SLF001 - ReportLab's own measure, the one it draws with
            self.header_height = measured[0]
            self.heights.extend(measured[1:])
            if self.count == 0:
                return

    def cells_of(self, i: int) -> list[Any]:
        found = self.cells.pop(i, None)
        return found if found is not None else self.row(i)  # a split ReportLab tried and dropped

    def page(self, start: int, stop: int) -> Table:
        """Rows start..stop-1 (measured) as a Table of their own, with the header on top."""
        tick(self.cancel)
        for i in [i for i in self.cells if i < start]:  # rows a dropped split left behind
            del self.cells[i]
        rows = [self.cells_of(i) for i in range(start, stop)]
        if self.progress is not None:
            self.progress(int(stop * 100 / max(1, self.count)), self.message.format(done=stop, count=self.count))
        return self.table(rows, [self.header_height, *self.heights[start:stop]])


class PagedTable(Flowable):
    """The rows from `start` on of a long table, as one flowable of a story. See the module's docstring."""

    def __init__(self, rows: _Rows, start: int = 0) -> None:
        super().__init__()
        self._rows = rows
        self._start = start
        self._whole: Table | None = None
        self.hAlign = "CENTER"

    def _fitting(self, avail_height: float) -> tuple[int, float]:
        """(first row that does not fit in `avail_height` below the header, height of the header and the rows
        that do): (count, their height) when all fit. A row fits when the header and the rows down to it are
        no taller than the room, as in ReportLab's own split."""
        rows = self._rows
        rows.measure(self._start + 1)  # the header's height too
        height = rows.header_height
        i = self._start
        while i < rows.count:
            if i >= len(rows.heights):
                rows.measure(i + _CHUNK)
            if height + rows.heights[i] > avail_height:
                break
            height += rows.heights[i]
            i += 1
        return i, height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        rows = self._rows
        stop, height = self._fitting(avail_height)
        width = sum(rows.col_widths)
        if stop < rows.count:  # more than the room: the frame asks for a split
            return width, height + rows.heights[stop]
        if self._whole is None:
            self._whole = rows.page(self._start, stop)
        self._whole.wrapOn(getattr(self, "canv", None), avail_width, avail_height)
        return width, height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        stop, _height = self._fitting(avail_height)
        if stop <= self._start:
            return []  # not even one row below the header: the next page
        if stop >= self._rows.count:
            return [self]
        return [self._rows.page(self._start, stop), PagedTable(self._rows, stop)]

    def draw(self) -> None:
        if self._whole is None:  # wrap was not called with room for all rows: never the case in a frame
            self._whole = self._rows.page(self._start, self._rows.count)
            self._whole.wrapOn(self.canv, sum(self._rows.col_widths), 1e9)
        self._whole.drawOn(self.canv, 0, 0)


def paged_table(header: list[Any], count: int, row: Callable[[int], list[Any]], col_widths: list[float],
                style: Sequence[tuple[Any, ...]], *, min_heights: tuple[float, float] | None = None,
                progress: Progress | None = None, cancel: threading.Event | None = None,
                message: str = "已排版{done}/{count}行……") -> PagedTable:
    """A table of `header` and `count` rows, row i's cells made by `row(i)` when needed, each page with the
    header on top: what `Table([header, *rows], colWidths=col_widths, repeatRows=1, minRowHeights=…)` with
    `style` prints, in time linear in the rows. `min_heights` (header, each row) are the rows' least heights
    (room to sign); `progress(percent, message)` is told as each page is laid out, `cancel` checked as rows
    are measured (CancelledError)."""
    return PagedTable(_Rows(header, count, row, col_widths, style, min_heights, progress, cancel, message))


def rows_table(header: list[Any], rows: Sequence[list[Any]], col_widths: list[float],
               style: Sequence[tuple[Any, ...]], **kwargs: Any) -> PagedTable:
    """`paged_table` of rows already made."""
    return paged_table(header, len(rows), rows.__getitem__, col_widths, style, **kwargs)
