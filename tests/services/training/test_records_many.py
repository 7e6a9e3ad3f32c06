"""A records file naming more activities than old SQLite binds in one statement (999)."""

from __future__ import annotations

import csv

from sqlalchemy import func, select, update

from models import Attendance, Enrolment, Member
from services.training import records_import
from tests.helpers.many_rows import add_activities, add_members, old_sqlite_limit

COUNT = 1200  # more than 999


def test_one_file_over_many_existing_activities(db, tmp_path) -> None:
    with db.session_factory.begin() as s:
        acts, _sessions = add_activities(s, COUNT)  # 党课0 … 党课1199, 专题党课, 2024-03-01
        member = add_members(s, 1)[0]
        s.execute(update(Member).where(Member.id == member).values(name="王一"))
    path = tmp_path / "学时.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["姓名", "培训名称", "培训类别", "开始日期", "学时"])
        out.writerows(["王一", f"党课{i}", "专题党课", "2024-03-01", 2] for i in range(COUNT))
    with old_sqlite_limit(db):
        with db.session_factory() as s:
            plan = records_import.plan_records(s, path)
        assert not plan.refused and not plan.new_activities and len(plan.added) == COUNT
        with db.session_factory.begin() as s:
            records_import.apply_records(s, plan, "t")
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == COUNT
        assert s.scalar(select(func.count(func.distinct(Enrolment.activity_id)))) == COUNT
