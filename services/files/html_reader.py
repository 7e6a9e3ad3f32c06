"""Tables of a web page saved as ".xls" (what many web systems export), read with the standard library's parser.

Each <table> is a sheet to the header hunt; its rows carry the numbers Excel gives them when it opens
the page (tables and the text lines between them stacked on one sheet). colspan/rowspan cells keep their
value in the top-left cell only, as a merged range does in a workbook. Every cell stays text, as the page
wrote it (an ID number formatted with mso-number-format:"\\@" keeps all its digits).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from services.errors import UnreadableFileError
from services.files.raw import ROW_SLACK, RawSheet, too_many_rows_message

# Excel's own limits: a span never reaches past the last column, and a width past it is damage.
MAX_COLUMNS = 16_384
MAX_COLSPAN = 1_000
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "caption", "center",
           "form", "header", "footer", "section", "article", "dd", "dt", "address"}
_SKIPPED = {"style", "script", "title", "xml", "template", "noscript"}
_VOID = {"br", "meta", "link", "img", "hr", "input", "col", "base", "wbr"}
_SPACES = re.compile(r"[ \t\r\n\f]+")


@dataclass
class _Table:
    first_row: int  # where Excel puts the table's first row, counted over the whole page
    rows: list[list[Any]] = field(default_factory=list)
    pending: dict[int, int] = field(default_factory=dict)  # column -> rows a rowspan still covers
    row: list[Any] | None = None
    cell: list[str] | None = None
    cell_col: int = 0
    cell_span: tuple[int, int] = (1, 1)


def _span(value: str | None, limit: int) -> int:
    try:
        return max(1, min(int(str(value).strip() or 1), limit))
    except ValueError:
        return 1


def _cell_value(parts: list[str]) -> str | None:
    # Markup line breaks are layout; <br> is a line break the writer meant. A cell of only &nbsp; is empty.
    text = "\n".join(_SPACES.sub(" ", piece).replace("\xa0", " ").strip() for piece in "".join(parts).split("\x00"))
    text = text.strip()
    return text or None


class _PageParser(HTMLParser):
    def __init__(self, path: Path, max_rows: int) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.max_rows = max_rows
        self.tables: list[_Table] = []
        self.stack: list[_Table] = []
        self.skipping = 0
        self.page_row = 0  # the last row Excel has filled on the page
        self.loose_text = False  # text outside any table since the last line break
        self.stray_tables = 0  # <table> tags inside a table's structure but outside a cell, ignored

    # -- text outside tables becomes one row per line, as Excel shows it
    def _end_loose_line(self) -> None:
        if self.loose_text:
            self.page_row += 1
            self.loose_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        table = self.stack[-1] if self.stack else None
        if tag == "table":
            if table is not None and table.cell is None:
                self.stray_tables += 1  # a table straight inside a table's structure: ignore the markup error
                return
            self._end_loose_line()
            nested = _Table(first_row=self.page_row + 1)
            self.tables.append(nested)
            self.stack.append(nested)
        elif table is None:
            if tag in _BLOCKS or tag == "br":
                self._end_loose_line()
        elif tag == "tr":
            self._close_row(table)
            table.row = []
        elif tag in ("td", "th"):
            self._close_cell(table)
            if table.row is None:
                table.row = []
            values = dict(attrs)
            table.cell = []
            table.cell_span = (_span(values.get("colspan"), MAX_COLSPAN), _span(values.get("rowspan"), 1 << 20))
        elif tag == "br" and table.cell is not None:
            table.cell.append("\x00")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        table = self.stack[-1] if self.stack else None
        if table is None:
            if tag in _BLOCKS:
                self._end_loose_line()
            return
        if tag == "table":
            if self.stray_tables:
                self.stray_tables -= 1
                return
            self._close_row(table)
            table.pending.clear()
            self.stack.pop()
            if not self.stack:
                self.page_row = table.first_row + len(table.rows) - 1
        elif tag == "tr":
            self._close_row(table)
        elif tag in ("td", "th"):
            self._close_cell(table)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        table = self.stack[-1] if self.stack else None
        if table is None:
            if data.strip(" \t\r\n\f\xa0"):
                self.loose_text = True
        elif table.cell is not None:
            table.cell.append(data)

    def _place(self, table: _Table) -> int:
        """The next column of the open row not covered by a rowspan from above."""
        assert table.row is not None
        col = len(table.row)
        while table.pending.get(col, 0) > 0:
            table.row.append(None)
            col += 1
        return col

    def _close_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        assert table.row is not None
        col = self._place(table)
        colspan, rowspan = table.cell_span
        colspan = min(colspan, MAX_COLUMNS - col)
        if colspan <= 0:
            raise UnreadableFileError(f"文件 {self.path.name} 的表格超过{MAX_COLUMNS:,}列，文件可能已损坏。")
        table.row.append(_cell_value(table.cell))
        table.row.extend([None] * (colspan - 1))
        if rowspan > 1:
            for c in range(col, col + colspan):
                table.pending[c] = rowspan  # counted down as each row closes, this one included
        table.cell = None

    def _close_row(self, table: _Table) -> None:
        self._close_cell(table)
        if table.row is None:
            return
        row = table.row
        # Columns still covered at the end of the row are empty cells of the merged range.
        covered = [c for c, n in table.pending.items() if n > 0 and c >= len(row)]
        if covered:
            row.extend([None] * (max(covered) + 1 - len(row)))
        table.pending = {c: n - 1 for c, n in table.pending.items() if n > 1}
        table.rows.append(row)
        table.row = None
        if len(table.rows) > self.max_rows + ROW_SLACK:
            raise UnreadableFileError(too_many_rows_message(self.path, None, self.max_rows))


def parse_tables(path: Path, text: str, max_rows: int) -> list[_Table]:
    parser = _PageParser(path, max_rows)
    parser.feed(text)
    parser.close()
    for table in reversed(parser.stack):  # a page cut short: keep what was read
        parser._close_row(table)
    return [t for t in parser.tables if any(any(c is not None for c in row) for row in t.rows)]


def html_sheets(path: Path, text: str, form: str, max_rows: int) -> list[RawSheet]:
    tables = parse_tables(path, text, max_rows)
    if not tables:
        raise UnreadableFileError(
            f"文件 {path.name} 是网页（HTML），里面没有表格。请在网站上重新导出 Excel，或用 Excel 打开后另存为 xlsx 再导入。")

    def make(index: int, table: _Table) -> RawSheet:
        def rows() -> Iterator[tuple[int, list[Any]]]:
            return iter([(table.first_row + i, list(cells)) for i, cells in enumerate(table.rows)])

        name = path.stem if len(tables) == 1 else f"表格{index}（第{table.first_row}行起）"
        return RawSheet(name, rows, row_count=len(table.rows), form_label=form)

    return [make(i, t) for i, t in enumerate(tables, start=1)]
