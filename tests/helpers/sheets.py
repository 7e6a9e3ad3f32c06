"""A small workbook written for a test: one sheet, the rows given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook


def write_sheet(path: Path, *rows: list[Any]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path
