"""Remarks of the assessments and of spending are the office's own writing: kept exactly as written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from services.assessment import assessments, spending
from services.safety.storage import Database
from tests.helpers.stats_dataset import Dataset, build_dataset

REMARK = "（借调）２０２１年起，“学思想、强党性”　表现良好"


@pytest.fixture
def data(db: Database) -> tuple[Database, Dataset]:
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    return db, ds


def test_imported_grade_remarks_keep_full_width_text(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    db, _ds = data
    wb = Workbook()
    wb.active.append(["姓名", "评议等次", "备注"])
    wb.active.append(["乙二", "合格", f"  {REMARK}  "])
    path = tmp_path / "评议.xlsx"
    wb.save(path)
    with db.session_factory.begin() as s:
        assessments.import_grades(s, "t", 2024, path)
    with db.session_factory() as s:
        remarks = {r.name: r.remarks for r in assessments.list_grades(s, 2024)}
    assert remarks["乙二"] == REMARK  # trimmed at the ends only


def test_spending_remarks_keep_full_width_text(db: Database) -> None:
    with db.session_factory.begin() as s:
        row = spending.add_spending(s, "t", "2024-05-01", 1200, "书籍", "党费", "购《习近平谈治国理政》（第四卷）２０册")
    assert row.remarks == "购《习近平谈治国理政》（第四卷）２０册"
    with db.session_factory.begin() as s:
        spending.update_spending(s, "t", row.id, "2024-05-01", 1200, "书籍", "党费", REMARK)
    with db.session_factory() as s:
        listed = spending.list_spending(s, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert [r.remarks for r in listed] == [REMARK]
