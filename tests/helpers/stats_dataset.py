"""A small hand-built bureau whose statistics the tests work out by their own arithmetic.

Period 2023-01-01 … 2024-12-31. Members (branch, roll):
  m1 甲一 第一支部, 支部书记 (target 56), on the roll throughout
  m2 乙二 第一支部, on the roll throughout
  m3 丙三 第二支部, joined this organisation 2023-06-28 (2023: 7 months)
  m4 丁四 第三支部, left 2024-06-30 (2024: 6 months)
  m5 戊五 第二支部, probationary, joined the Party 2024-03-15 (2024: 10 months)
Activities:
  a1 中心组学习 2023-03-10, one 4 h session: m1 出席, m2 迟到, m4 出席
  a2 党性教育培训班 2023-11-20, 8 h + 8 h: m1 出席 ×2, m3 出席 + 请假, m2 早退 + 缺席
  a3 自学 2024-05-01, 40 h: m1, m2, m4 出席, m5 请假
  a4 中心组学习 2024-12-20, 4 h on 2024-12-20 + 4 h on 2025-01-05: m2 出席 ×2, m1 出席 (first)
  a5 中心组学习 started 2022-12-30, session 2023-01-02, 3 h: m2 出席
  a6 专题培训 2024-03-01, cancelled, no sessions
Adjustments: m4 +30 on 2023-12-31 (no activity); m3 +10 on 2024-02-01; m2 +2 on 2024-05-02 for a3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    ActivityType,
    Attendance,
    Branch,
    HoursAdjustment,
    Member,
)
from services.normalize import id_check_digit

if TYPE_CHECKING:
    from services.safety.storage import Database

D = dt.date


@dataclass
class Dataset:
    members: dict[str, int]
    branches: dict[str, int]
    activities: dict[str, int]
    types: dict[str, int]


def _type(session: Session, name: str) -> int:
    return session.scalar(select(ActivityType.id).where(ActivityType.name == name))


def build_dataset(session: Session) -> Dataset:
    branches = {}
    for order, name in enumerate(("第一支部", "第二支部", "第三支部"), start=1):
        b = Branch(name=name, sort_order=order)
        session.add(b)
        session.flush()
        branches[name] = b.id
    specs = [
        ("m1", "甲一", "第一支部", "2000-07", None, None, "在册", "支部书记", "正式党员"),
        ("m2", "乙二", "第一支部", "2010-05-01", None, None, "在册", None, "正式党员"),
        ("m3", "丙三", "第二支部", "2015-03", "2023-06-28", None, "在册", None, "正式党员"),
        ("m4", "丁四", "第三支部", "2005-01", None, "2024-06-30", "转出", None, "正式党员"),
        ("m5", "戊五", "第二支部", "2024-03-15", None, None, "在册", None, "预备党员"),
    ]
    members = {}
    for n, (key, name, branch, joined, joined_org, left, status, post, membership) in enumerate(specs, start=1):
        body = f"11010519800101{n:03d}"
        m = Member(name=name, id_number=body + id_check_digit(body), sex="男" if n % 2 else "女",
                   birth_date=D(1980, 1, 1),
                   joined_party=joined, joined_org=joined_org, left_date=left, status=status,
                   party_post=post, membership=membership, branch_id=branches[branch],
                   sort_key=f"{n:04d}")
        session.add(m)
        session.flush()
        members[key] = m.id
    types = {name: _type(session, name) for name in ("中心组学习", "党性教育培训班", "自学", "专题培训")}

    activities: dict[str, int] = {}

    def activity(key: str, type_name: str, start: dt.date, sessions: list[tuple[dt.date, float]],
                 status: str = "已结束") -> list[int]:
        a = Activity(title=f"活动{key}", type_id=types[type_name], start_date=start, hours=sum(h for _, h in sessions),
                     status=status, organiser="局党委")
        session.add(a)
        session.flush()
        activities[key] = a.id
        ids = []
        for seq, (day, hours) in enumerate(sessions, start=1):
            s = ActivitySession(activity_id=a.id, seq=seq, date=day, hours=hours)
            session.add(s)
            session.flush()
            ids.append(s.id)
        return ids

    def attend(session_id: int, member: str, status: str, hours: float) -> None:
        session.add(Attendance(session_id=session_id, member_id=members[member], status=status, hours=hours))

    (s1,) = activity("a1", "中心组学习", D(2023, 3, 10), [(D(2023, 3, 10), 4)])
    attend(s1, "m1", "出席", 4)
    attend(s1, "m2", "迟到", 4)
    attend(s1, "m4", "出席", 4)
    s21, s22 = activity("a2", "党性教育培训班", D(2023, 11, 20), [(D(2023, 11, 20), 8), (D(2023, 11, 21), 8)])
    attend(s21, "m1", "出席", 8)
    attend(s22, "m1", "出席", 8)
    attend(s21, "m3", "出席", 8)
    attend(s22, "m3", "请假", 0)
    attend(s21, "m2", "早退", 8)
    attend(s22, "m2", "缺席", 0)
    (s3,) = activity("a3", "自学", D(2024, 5, 1), [(D(2024, 5, 1), 40)])
    for key in ("m1", "m2", "m4"):
        attend(s3, key, "出席", 40)
    attend(s3, "m5", "请假", 0)
    s41, s42 = activity("a4", "中心组学习", D(2024, 12, 20), [(D(2024, 12, 20), 4), (D(2025, 1, 5), 4)])
    attend(s41, "m2", "出席", 4)
    attend(s42, "m2", "出席", 4)
    attend(s41, "m1", "出席", 4)
    (s5,) = activity("a5", "中心组学习", D(2022, 12, 30), [(D(2023, 1, 2), 3)])
    attend(s5, "m2", "出席", 3)
    activity("a6", "专题培训", D(2024, 3, 1), [], status="已取消")
    session.add_all([
        HoursAdjustment(member_id=members["m4"], date=D(2023, 12, 31), hours=30, reason="补录外出培训", author="t"),
        HoursAdjustment(member_id=members["m3"], date=D(2024, 2, 1), hours=10, reason="补录", author="t"),
        HoursAdjustment(member_id=members["m2"], activity_id=activities["a3"], date=D(2024, 5, 2), hours=2,
                        reason="心得体会", author="t"),
    ])
    session.flush()
    return Dataset(members, branches, activities, types)


def dataset_file(path: Path) -> Path:
    """A database file at `path` holding the dataset (for tests that run the command line on it)."""
    from services.safety.storage import open_database

    db = open_database(path)
    try:
        with db.session_factory.begin() as s:
            build_dataset(s)
    finally:
        db.dispose()
    return path


def open_dataset(path: Path) -> Iterator[tuple[Database, Dataset]]:
    """A fixture's body: a database at `path` holding the dataset, disposed of after the test."""
    from services.safety.storage import open_database

    db = open_database(path)
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    yield db, ds
    db.dispose()
