"""Hostile free text for exports: formulas, full-width text, rare characters, control characters, cell overflow.

Entry cleans control characters away (normalize.keep_text), so a database that holds them is an old one, or one
written by another program: `store_raw` puts text in as such a database holds it, past the services.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook
from sqlalchemy import text as sql

from services.safety.storage import Database

FORMULA = '=HYPERLINK("http://x","点我")'
# Control characters other than NUL (a PostgreSQL text cannot hold NUL), escapes written as text, rare characters.
CONTROL = "甲\x07乙\x1b丙\x01"
LOOKS_ESCAPED = "编号_x0041_与_x005F_"
RARE = "王𠇔（借调）　２０２１年，全角"
LONG = "长" * 40000


def store_raw(db: Database, table: str, column: str, row_id: int, value: str) -> None:
    with db.session_factory.begin() as s:
        s.execute(sql(f"UPDATE {table} SET {column} = :v WHERE id = :id"), {"v": value, "id": row_id})


def sheet_texts(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's rows, read with calamine (a second reader: it decodes _xHHHH_ as Excel does)."""
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def all_cells(path: Path) -> list[Any]:
    return [v for rows in sheet_texts(path).values() for row in rows for v in row]


def docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)
