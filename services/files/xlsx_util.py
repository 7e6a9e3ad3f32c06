"""Safe values for exported spreadsheets: text that could run as a formula stays text."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")


def needs_escape(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def write_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell; text starting with = + - @ tab or NUL becomes a quoted text cell, text with line
    breaks wraps (Excel shows it on one line otherwise)."""
    cell = ws.cell(row=row, column=column)
    if needs_escape(value):
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel's ' prefix: shown and kept as text, never evaluated
    else:
        cell.value = value
    if isinstance(value, str) and "\n" in value:
        from openpyxl.styles import Alignment

        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def csv_safe(value: Any) -> Any:
    """In CSV the escape is a leading apostrophe."""
    return "'" + value if needs_escape(value) else value
