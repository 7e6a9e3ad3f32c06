"""Twin activities: another activity, not cancelled, with the same title (by `fold_key`) and start date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, ActivityType, Attendance
from services import access
from services.errors import ConflictError
from services.normalize import CANCELLED_ACTIVITY, fold_key


@dataclass(frozen=True)
class ActivityTwin:
    """An existing activity that a new or edited one would twin."""

    id: int
    title: str
    type_name: str
    start_date: dt.date
    organiser: str | None
    status: str
    attendance_rows: int

    def describe(self) -> str:
        """“党性教育培训班”（编号3，党性教育培训班，2023年5月8日，局党委主办，已有12条考勤记录）."""
        day = f"{self.start_date.year}年{self.start_date.month}月{self.start_date.day}日"
        organiser = f"{self.organiser}主办" if self.organiser else "未填主办单位"
        rows = f"已有{self.attendance_rows}条考勤记录" if self.attendance_rows else "尚无考勤记录"
        return f"“{self.title}”（编号{self.id}，{self.type_name}，{day}，{organiser}，{rows}）"


def twins_text(twins: Sequence[ActivityTwin]) -> str:
    """The twins named one after another, for a warning or a question."""
    return "；".join(t.describe() for t in twins)


class TwinActivityError(ConflictError):
    """Saving would make a second activity of the same title and start date; nothing was written."""

    exit_code = 2  # `activities create --no-duplicate`: refused, as scripts are told

    def __init__(self, twins: Sequence[ActivityTwin]) -> None:
        self.twins = tuple(twins)
        super().__init__(f"已有同名、同一开始日期的活动：{twins_text(twins)}；未保存")


def find_twins(session: Session, title: str, start_date: dt.date, *,
               other_than: int | None = None) -> list[ActivityTwin]:
    """The activities, not cancelled, whose title has the key of `title` and that start on `start_date`.

    `other_than` leaves out the activity being edited (or just created). A branch account is told
    only of activities it sees, and counts only its own members' attendance rows.
    """
    key = fold_key(title)
    if not key:
        return []
    return twins_by_key(session, [(key, start_date)], other_than=other_than).get((key, start_date), [])


def twins_by_key(session: Session, keys: Iterable[tuple[str, dt.date]], *,
                 other_than: int | None = None) -> dict[tuple[str, dt.date], list[ActivityTwin]]:
    """`find_twins` for many (folded title, start date) at once (an import's new activities): the twins of each."""
    wanted = {k for k in keys if k[0]}
    dates = sorted({start for _key, start in wanted})
    found = []
    for first in range(0, len(dates), 500):
        stmt = (select(Activity.id, Activity.title, ActivityType.name, Activity.start_date, Activity.organiser,
                       Activity.status)
                .join(ActivityType, ActivityType.id == Activity.type_id)
                .where(Activity.start_date.in_(dates[first:first + 500]), Activity.status != CANCELLED_ACTIVITY)
                .order_by(Activity.id))
        if other_than is not None:
            stmt = stmt.where(Activity.id != other_than)
        found += [row for row in session.execute(access.scope(session, stmt, activity=Activity.id))
                  if (fold_key(row[1]), row[3]) in wanted]
    if not found:
        return {}
    counts: dict[int, int] = {}
    ids = sorted(row[0] for row in found)
    for first in range(0, len(ids), 500):
        counts.update((a_id, n) for a_id, n in session.execute(access.scope(
            session, select(ActivitySession.activity_id, func.count(Attendance.id))
            .join(Attendance, Attendance.session_id == ActivitySession.id)
            .where(ActivitySession.activity_id.in_(ids[first:first + 500]))
            .group_by(ActivitySession.activity_id), member=Attendance.member_id)))
    twins: dict[tuple[str, dt.date], list[ActivityTwin]] = {}
    for a_id, a_title, type_name, start, organiser, status in sorted(found, key=lambda row: row[0]):
        twins.setdefault((fold_key(a_title), start), []).append(
            ActivityTwin(a_id, a_title, type_name, start, organiser, status, int(counts.get(a_id, 0))))
    return twins


def refuse_twins(session: Session, title: str, start_date: dt.date, *, other_than: int | None = None) -> None:
    """Raise TwinActivityError, naming them, when `find_twins` finds any."""
    twins = find_twins(session, title, start_date, other_than=other_than)
    if twins:
        raise TwinActivityError(twins)
