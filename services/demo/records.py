"""Which records are demonstration data: marked when loaded, so that exactly they can be removed.

The demo's branches, members and activities are listed in one setting (`demo.records`); removing
the demo deletes them and what hangs on them (sessions, enrolments, attendance, certificates,
hours adjustments, grades, scores), and nothing the office entered. Loading the demo is only for
an empty database (`refuse_unless_empty`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    Attendance,
    Branch,
    BranchAssessment,
    Certificate,
    Enrolment,
    EvaluationGrade,
    ExamScore,
    HoursAdjustment,
    Member,
    Setting,
    Spending,
)
from services import access
from services.bulk import chunked
from services.errors import ConflictError
from services.safety import changelog

DEMO_KEY = "demo.records"
KINDS = ("branch", "member", "activity")
# What makes a database non-empty, in the words of the refusal. Branches alone do not: an office may
# set up its branch list first; the demo then reuses a branch of the same name and leaves it at removal.
_CONTENTS = ((Member, "党员{}名"), (Activity, "培训活动{}项"), (EvaluationGrade, "评议等次{}条"),
             (Spending, "经费开支{}笔"))


# What hangs on a demo member, and on a demo activity (deleted before the member or activity itself).
_BY_MEMBER = (Attendance.member_id, Enrolment.member_id, Certificate.member_id, HoursAdjustment.member_id,
              ExamScore.member_id, EvaluationGrade.member_id)
_BY_ACTIVITY = (Enrolment.activity_id, Certificate.activity_id, HoursAdjustment.activity_id, ExamScore.activity_id,
                ActivitySession.activity_id, Activity.id)


@dataclass(frozen=True)
class DemoRemoval:
    branches: int
    members: int
    activities: int
    kept_branches: tuple[str, ...] = ()  # demo branches the office has since put its own members in

    def describe(self) -> str:
        text = f"已删除示例数据：{self.branches}个党支部，{self.members}名党员，{self.activities}项培训活动"
        if self.kept_branches:
            text += f"；党支部{'、'.join(self.kept_branches)}中已有本单位录入的党员，予以保留"
        return text + "。"


def contents(session: Session) -> list[str]:
    """What the database already holds ("党员30名", …); empty for an empty database (branches aside)."""
    found = []
    for model, label in _CONTENTS:
        count = session.scalar(select(func.count()).select_from(model)) or 0
        if count:
            found.append(label.format(count))
    return found


def refuse_unless_empty(session: Session) -> None:
    """Demo data goes only into an empty database: refuse (exit 1) and say what is there."""
    found = contents(session)
    if found:
        raise ConflictError(f"数据库中已有{'、'.join(found)}，示例数据只能载入空数据库；数据库未作改动。"
                            "如需演示，请新建一个数据库文件（--db）。")


def demo_records(session: Session) -> dict[str, set[int]]:
    row = session.get(Setting, DEMO_KEY)
    data = json.loads(row.value) if row is not None and row.value else {}
    return {kind: {int(i) for i in data.get(kind, ())} for kind in KINDS}


def has_demo(session: Session) -> bool:
    return any(demo_records(session).values())


def mark_demo(session: Session, kind: str, ids: Iterable[int]) -> None:
    """Add records of `kind` (branch, member, activity) to the demo's list."""
    records = demo_records(session)
    records[kind].update(int(i) for i in ids)
    value = json.dumps({k: sorted(v) for k, v in records.items()})
    row = session.get(Setting, DEMO_KEY)
    if row is None:
        session.add(Setting(key=DEMO_KEY, value=value))
    else:
        row.value = value
    session.flush()


def remove_demo(session: Session, actor: str = "系统") -> DemoRemoval:
    """Delete exactly the demo's records and what hangs on them; refused when there is no demo data."""
    access.require_office(session, "删除示例数据", "示例数据遍及各党支部")
    records = demo_records(session)
    # Any number of records: each list in runs (services/bulk.py).
    members = [i for run in chunked(sorted(records["member"]))
               for i in session.scalars(select(Member.id).where(Member.id.in_(run)).order_by(Member.id))]
    acts = [i for run in chunked(sorted(records["activity"]))
            for i in session.scalars(select(Activity.id).where(Activity.id.in_(run)).order_by(Activity.id))]
    if not (members or acts or records["branch"]):
        raise ConflictError("数据库中没有示例数据可删除；数据库未作改动。")
    for run in chunked(members):
        for member_column in _BY_MEMBER:
            session.execute(delete(member_column.class_).where(member_column.in_(run)))
    for run in chunked(acts):
        session.execute(delete(Attendance).where(Attendance.session_id.in_(
            select(ActivitySession.id).where(ActivitySession.activity_id.in_(run)))))
        for activity_column in _BY_ACTIVITY:
            session.execute(delete(activity_column.class_).where(activity_column.in_(run)))
    for run in chunked(members):
        session.execute(delete(Member).where(Member.id.in_(run)))
    kept: list[str] = []
    removed_branches: list[int] = []
    for run in chunked(sorted(records["branch"])):
        for branch in session.scalars(select(Branch).where(Branch.id.in_(run)).order_by(Branch.id)):
            if session.scalar(select(func.count(Member.id)).where(Member.branch_id == branch.id)):
                kept.append(branch.name)
                continue
            removed_branches.append(branch.id)
    for run in chunked(removed_branches):
        session.execute(delete(BranchAssessment).where(BranchAssessment.branch_id.in_(run)))
        session.execute(delete(Branch).where(Branch.id.in_(run)))
    row = session.get(Setting, DEMO_KEY)
    if row is not None:
        session.delete(row)
    result = DemoRemoval(len(removed_branches), len(members), len(acts), tuple(kept))
    changelog.record(session, actor, "demo", "database", None, result.describe(),
                     {"branches": (len(removed_branches), 0), "members": (len(members), 0), "activities": (len(acts), 0)})
    session.flush()
    return result
