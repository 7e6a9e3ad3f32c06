"""Safe values for exported spreadsheets: the one rule for text going into a cell.

- Text that could run as a formula (= + - @ tab CR NUL at the start) stays text: Excel's quote prefix.
- Control characters XML cannot carry are written as the workbook's own escape `_xHHHH_` (ECMA-376
  ST_Xstring), which Excel and calamine turn back into the character; text that merely looks like such
  an escape gets its underscore escaped (`_x005F_`), so that it too reads back as written.
- Text over Excel's 32 767 characters a cell is cut, and says so in the cell (Excel would call the file
  damaged; openpyxl would cut it without a word).
Every export goes through `write_cell` (openpyxl's normal mode), `out_cell` (write-only mode) or
`xml_cell_text` (the roll's direct writer).
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")
CELL_LIMIT = 32767  # Excel's most characters (UTF-16 units) in one cell
# Characters an XML 1.0 document cannot hold (tab, LF and CR it can), and text that reads as an escape.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def needs_escape(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _escape_one(ch: str) -> str:
    return f"_x{ord(ch):04X}_" if ch != "_" else "_x005F_"


def _stored_length(text: str) -> int:
    """Excel's count of a cell's characters: UTF-16 units (a character beyond U+FFFF counts twice)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def cut_notice(length: int) -> str:
    return f"……（全文共{length}字，超出 Excel 单元格{CELL_LIMIT}字的上限，以下未导出）"


def cell_text(text: str) -> str:
    """`text` as a cell stores it: escapes for what XML cannot carry, cut (with a notice) to Excel's limit.

    Reading the cell back (Excel, calamine) gives `text` itself whenever it fits in a cell.
    """
    stored = _UNSAFE.sub(lambda m: _escape_one(m.group()), text) if _UNSAFE.search(text) else text
    if len(stored) <= CELL_LIMIT // 2 or _stored_length(stored) <= CELL_LIMIT:
        return stored
    notice = cut_notice(len(text))
    budget = CELL_LIMIT - len(notice)
    end = len(text)
    for index, ch in enumerate(text):  # cut the text, not its escapes: an escape is never split
        cost = 7 if _UNSAFE.match(text, index) else 2 if ord(ch) > 0xFFFF else 1
        if cost > budget:
            end = index
            break
        budget -= cost
    head = text[:end]
    return (_UNSAFE.sub(lambda m: _escape_one(m.group()), head) if _UNSAFE.search(head) else head) + notice


def write_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell (openpyxl's normal mode) by the rule above; text with line breaks wraps (Excel shows
    it on one line otherwise)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = cell_text(value)
        if needs_escape(value):
            cell.data_type = "s"
            cell.quotePrefix = True  # Excel's ' prefix: shown and kept as text, never evaluated
        if "\n" in value:
            from openpyxl.styles import Alignment

            cell.alignment = Alignment(wrap_text=True, vertical="top")
    else:
        cell.value = value
    return cell


def out_cell(ws: Any, value: Any, number_format: str | None = None, **style: Any) -> Any:
    """A value for `ws.append` in openpyxl's write-only mode, by the same rule as `write_cell`.

    A plain value when it needs nothing (the fast path), else a WriteOnlyCell with the quote prefix,
    wrapping, `number_format` and the given font, fill or alignment.
    """
    risky = isinstance(value, str) and (needs_escape(value) or "\n" in value or _UNSAFE.search(value) is not None
                                        or len(value) > CELL_LIMIT // 2)
    if not risky and number_format is None and not style:
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=cell_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        if needs_escape(value):
            cell.data_type = "s"
            cell.quotePrefix = True
        if "\n" in value:
            from openpyxl.styles import Alignment

            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if number_format is not None:
        cell.number_format = number_format
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def header_cells(ws: Any, headers: list[str], color: str = "B71C1C") -> list[Any]:
    """A header row for `ws.append` in write-only mode: bold white on the accent red, as `write_cell` headers."""
    from openpyxl.styles import Font, PatternFill

    font, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=color)
    return [out_cell(ws, h, font=font, fill=fill) for h in headers]


def xml_cell_text(text: str) -> str:
    """`cell_text` escaped for a hand-written <t> element (the roll's direct writer)."""
    return escape(cell_text(text))


def document_text(text: str) -> str:
    """Text for a Word document: the control characters XML cannot carry go (Word has no escape for them; so
    does the entry of free text, `normalize.keep_text`); everything else, line breaks and tabs too, stays."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text
