"""The records import's grouped check (each distinct member and activity cells once) against a plain
row-by-row check of the same file: the same records added, updated, unchanged, skipped and refused,
with the same messages, the same new activities in the same order, the same texts restored."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from models import Activity, ActivitySession, Attendance, Certificate, Member
from services import access
from services.files.spreadsheet import read_table
from services.normalize import fold_key
from services.progress import RowProblem
from services.training import records_import
from services.training.records_check import (
    ACTIVITY_FIELDS,
    MEMBER_FIELDS,
    activity_checker,
    member_checker,
)
from services.training.records_import import LABELS, RECORD_HEADERS, RecordRow, RecordsPlan
from tests.helpers.training_helpers import load_roll


@pytest.fixture
def roll_db(db, samples):
    with db.session_factory.begin() as s:
        assert load_roll(s, samples / "roll_clean.xlsx") == 30
    return db


def reference_plan(session, path: Path, on_existing: str) -> RecordsPlan:
    """The check row by row, each row on its own, as the import did before the grouped check."""
    table = read_table(path, RECORD_HEADERS, required=("title",))
    plan = RecordsPlan(path=str(table.path), sheet=table.sheet, header_row=table.header_row, on_existing=on_existing,
                       total_rows=len(table.rows), ignored_columns=list(table.unknown_columns),
                       form=table.form_label, sheets=list(table.sheets))
    plan.headers = {c.field: c.header for c in table.columns if c.field}
    col = lambda key: plan.headers.get(key, LABELS[key])  # noqa: E731
    by_number, by_name = {}, {}
    for m_id, m_name, m_number in session.execute(select(Member.id, Member.name, Member.id_number)):
        by_number[m_number] = (m_id, m_name)
        by_name.setdefault(fold_key(m_name), []).append(m_id)
    names_by_id = dict(by_number.values())
    types = {n: i for i, n in session.execute(select(records_import.ActivityType.id, records_import.ActivityType.name))}
    existing, stored = {}, {}
    for a in session.scalars(select(Activity).order_by(Activity.id)):
        s = session.scalar(select(ActivitySession).where(ActivitySession.activity_id == a.id,
                                                         ActivitySession.seq == 1))
        existing.setdefault((fold_key(a.title), a.type_id, a.start_date), (a.id, s.id, s.hours))
        stored[a.id] = {"title": a.title, "organiser": a.organiser, "place": a.place}
    records = {(r.session_id, r.member_id): (r.id, r.status, r.reason, r.hours)
               for r in session.scalars(select(Attendance))}
    certified = set(session.execute(select(Certificate.activity_id, Certificate.member_id)
                                    .where(Certificate.status == "有效"))) if on_existing == "update" else set()
    check_member = member_checker(by_number, by_name, access.visible_member_ids(session), names_by_id)
    check_activity = activity_checker(types)
    type_names = {i: n for n, i in types.items()}
    seen: dict[Any, int] = {}
    for row in table.rows:
        m_problems, member_id, both_empty = check_member(*(row.values.get(f) for f in MEMBER_FIELDS))
        a_problems, a_values = check_activity(*(row.values.get(f) for f in ACTIVITY_FIELDS))
        problems = [RowProblem(row.number, c, m) for c, m in row.problems]
        if both_empty and not problems:
            problems.append(RowProblem(row.number, col("name"), "姓名和身份证号码都为空"))
        problems.extend(RowProblem(row.number, col(k), m) for k, m in (*m_problems, *a_problems))
        if problems:
            plan.refused.extend(problems)
            continue
        key = a_values[0]
        if (key, member_id) in seen:
            plan.refused.append(RowProblem(row.number, col("name"),
                                           f"与第{seen[(key, member_id)]}行重复：同一党员同一培训只能有一条记录"))
            continue
        seen[(key, member_id)] = row.number
        status, reason, earned, found = records_import._activity_context(  # noqa: SLF001
            plan, a_values, existing, stored, type_names, row.number)
        record = RecordRow(row.number, member_id, names_by_id[member_id], key, status, reason, earned)
        old = records.get((found[1], member_id)) if found else None
        if old is None:
            plan.added.append(record)
        elif (old[1], old[2], old[3]) == (status, reason, earned):
            plan.unchanged.append(row.number)
        elif on_existing == "skip":
            plan.skipped.append(row.number)
        elif on_existing == "refuse":
            plan.refused.append(RowProblem(row.number, col("hours"),
                                           f"“{record.name}”在该培训已有记录（{old[1]}，{old[3]:g}学时），与本行不同；"
                                           "如需以本文件为准，请选择“以文件为准更新已有记录”（命令行加 --on-existing update）"))
        elif (found[0], member_id) in certified:
            plan.refused.append(RowProblem(row.number, col("attendance"),
                                           f"“{record.name}”已获该培训的结业证书，导入不能更改其考勤；"
                                           "如确需更改，请在考勤中确认作废证书后再导入"))
        else:
            record.attendance_id = old[0]
            plan.updated.append(record)
    return plan


def _shape(plan: RecordsPlan) -> dict[str, Any]:
    return {"summary": plan.summary(), "added": plan.added, "updated": plan.updated, "unchanged": plan.unchanged,
            "skipped": plan.skipped, "refused": plan.refused, "new": list(plan.new_activities.items()),
            "restored": plan.restored, "headers": plan.headers, "total": plan.total_rows, "sheet": plan.sheet,
            "header_row": plan.header_row, "sheets": plan.sheets}


def _rows(members: list[tuple[str, str]], variant: int) -> list[list[str]]:
    """Records with every kind of trouble: bad numbers and dates, unknown people and types, repeats,
    blank and short rows, width and space variants of the same cells, names without numbers."""
    (n1, i1), (n2, i2), (n3, i3), (n4, i4) = members[:4]
    full = i3.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    hours = "3" if variant == 0 else "2.5"
    rows = [
        ["1", n1, i1, "党课：初心", "专题培训", "2024-01-05", hours, "出席", "局党委", ""],
        ["2", n2, i2, "党课：初心", "专题培训", "2024/1/5", "2", "请假（病假）", "局党委", ""],
        ["3", n3, full, "党课:初心", "专题培训", "2024-01-05", "", "缺席", " 局党委 ", ""],
        ["4", n4, i4.lower(), "党课：初心", "专题培训", "2024-01-05", "  ", "请假", "", ""],
        ["5", n1, i1, "党课：初心", "专题培训", "2024-01-05", "3", "出席", "局党委", ""],
        ["6", "查无此人", "", "网上党校", "网络培训", "2024-02-01", "1", "出席", "", ""],
        ["7", n1, "110101199003079999", "网上党校", "网络培训", "2024-02-01", "1", "出席", "", ""],
        ["8", n2, i1, "网上党校", "网络培训", "2024-02-01", "1", "出席", "", ""],
        ["9", n2, "12345", "网上党校", "不存在的类别", "2024-13-01", "三", "打酱油", "", ""],
        ["10", "", "", "网上党校", "网络培训", "2024-02-01", "1", "出席", "", ""],
        ["", "", "", "", "", "", "", "", "", ""],
        ["   ", " ", "", "", "", "", "", "", "", ""],
        ["11", n3, i3, "网上党校", "网络培训"],
        ["12", f" {n4} ", i4, "网上党校", "网络培训", "2024-02-01", "1", "√", "", "会议室"],
        ["13", n1, i1, "网上党校", "网络培训", "2024-02-01", "1.5", "出席", "", ""],
        ["14", n2, i2, "", "网络培训", "2024-02-01", "1", "出席", "", ""],
        ["15", n2, i2, "网上党校", "网络培训", "", "1", "出席", "", ""],
        ["16", n2, i2, "网上党校", "网络培训", "2024-02-03", "1", "出席", "", "", ""],
    ]
    if variant == 1:
        rows = rows[::-1][:-3] + rows[-3:]
    return rows


HEADER = ["序号", "姓名", "公民身份号码", "培训名称", "培训类别", "开始日期", "学时", "出勤情况", "主办单位", "地点"]


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8", signoff: bool = True) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["学时记录登记表"])
        out.writerow(HEADER)
        out.writerows(rows)
        if signoff:
            out.writerow(["制表人：张三"])
            out.writerow(["17", "x", "y", "党课", "专题培训", "2024-01-05", "1", "出席"])
    return path


def _members(db) -> list[tuple[str, str]]:
    with db.session_factory() as s:
        return [tuple(r) for r in s.execute(select(Member.name, Member.id_number).order_by(Member.id).limit(4))]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_grouped_plan_matches_row_by_row(roll_db, tmp_path, encoding):
    path = _write(tmp_path / "r.csv", _rows(_members(roll_db), 0), encoding)
    with roll_db.session_factory() as s:
        for mode in records_import.ON_EXISTING:
            plan = records_import.plan_records(s, path, mode)
            assert _shape(plan) == _shape(reference_plan(s, path, mode))
            assert plan.refused and plan.added and len(plan.new_activities) == 3


def test_grouped_plan_matches_over_existing_records(roll_db, tmp_path):
    members = _members(roll_db)
    first = _write(tmp_path / "first.csv", [r for r in _rows(members, 0) if r[0] in ("1", "2", "3", "4", "12")],
                   signoff=False)
    with roll_db.session_factory.begin() as s:
        plan = records_import.import_records(s, first, "tester")
        assert plan.ok and len(plan.added) == 5
    # Again with other hours, texts written otherwise, rows in another order; an .xlsx of the same rows.
    again = _write(tmp_path / "again.csv", _rows(members, 1))
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(HEADER)
    for row in _rows(members, 1):
        sheet.append([float(c) if c.replace(".", "").isdigit() and len(c) < 4 else c for c in row])
    book = tmp_path / "again.xlsx"
    wb.save(book)
    with roll_db.session_factory() as s:
        for path in (again, book):
            for mode in records_import.ON_EXISTING:
                plan = records_import.plan_records(s, path, mode)
                assert _shape(plan) == _shape(reference_plan(s, path, mode)), (path.name, mode)
                assert plan.unchanged or plan.updated or plan.skipped or mode == "refuse"


def test_applied_rows_as_row_by_row(roll_db, tmp_path):
    """What an import writes does not depend on the check: the plan written is the row-by-row plan's."""
    members = _members(roll_db)
    good = [r for r in _rows(members, 0) if r[0] in ("1", "2", "3", "4", "12", "13")]
    path = _write(tmp_path / "good.csv", good + [["18", members[0][0], "", "网上党校", "网络培训", "2024-02-05",
                                                   "1", "迟到", "", ""]])
    with roll_db.session_factory.begin() as s:
        plan = records_import.plan_records(s, path)
        assert not plan.refused
        assert _shape(plan) == _shape(reference_plan(s, path, "update"))
        records_import.apply_records(s, plan, "tester")
    with roll_db.session_factory() as s:
        got = sorted((m, st, h) for m, st, h in s.execute(select(Attendance.member_id, Attendance.status,
                                                                 Attendance.hours)))
    assert got == sorted((r.member_id, r.status, r.hours) for r in plan.added)
