"""The records behind a figure of the ledger or the statistics (钻取): attendance rows and adjustments.

Of services/assessment/ledger.py (which re-exports `hours_detail` and `HoursRow`); a list of activities of
any length is read in runs (services/bulk.py), the newest `limit` records of each part kept over all runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, ActivityType, Attendance, HoursAdjustment, Member
from services import access
from services.bulk import chunked

ADJUSTMENT_COLUMN = "调整"


@dataclass(frozen=True)
class HoursRow:
    """One record behind a number: an attendance or an adjustment."""

    date: dt.date
    member_id: int
    member: str
    activity_id: int | None
    activity: str
    type: str
    session: str
    status: str
    hours: float
    note: str


def _newest(session: Session, q: Any, column: Any, ids: list[int] | None, limit: int,
            order: Any) -> list[Any]:
    """The first `limit` rows of `q` in the order `order` gives them (newest first), limited to `ids` in
    `column` when given: each run of `ids` read on its own, the rows of all runs ordered again and cut."""
    if ids is None:
        return list(session.execute(q.limit(limit)))
    runs = list(chunked(dict.fromkeys(ids)))
    rows = [row for run in runs for row in session.execute(q.where(column.in_(run)).limit(limit))]
    return sorted(rows, key=order)[:limit] if len(runs) > 1 else rows


def hours_detail(session: Session, year: int | None = None, member_id: int | None = None,
                 type_name: str | None = None, activity_ids: list[int] | None = None,
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 limit: int = 5000) -> list[HoursRow]:
    """The attendance rows and adjustments behind a figure, newest first.

    `type_name` 调整 lists only adjustments. Dates filter the session date (adjustment date).
    """
    if year is not None:
        date_from, date_to = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out: list[HoursRow] = []
    if type_name != ADJUSTMENT_COLUMN:
        q = (
            select(ActivitySession.date, Member.id, Member.name, Activity.id, Activity.title, ActivityType.name,
                   ActivitySession.seq, ActivitySession.topic, Attendance.status, Attendance.hours, Attendance.reason,
                   Member.sort_key)
            .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            .join(Activity, Activity.id == ActivitySession.activity_id)
            .join(ActivityType, ActivityType.id == Activity.type_id)
            .join(Member, Member.id == Attendance.member_id)
        )
        if member_id is not None:
            q = q.where(Attendance.member_id == member_id)
        if type_name is not None:
            q = q.where(ActivityType.name == type_name)
        if date_from is not None:
            q = q.where(ActivitySession.date >= date_from)
        if date_to is not None:
            q = q.where(ActivitySession.date <= date_to)
        q = access.scope(session, q, branch=Member.branch_id)
        q = q.order_by(ActivitySession.date.desc(), Activity.id, Member.sort_key)
        by = lambda r: (-r[0].toordinal(), r[3], r[11])  # noqa: E731  (the statement's order)
        for day, mid, mname, aid, title, tname, seq, topic, status, hours, reason, _key in _newest(
                session, q, Activity.id, activity_ids, limit, by):
            out.append(HoursRow(day, mid, mname, aid, title, tname, f"第{seq}次" + (f" {topic}" if topic else ""),
                                status, hours or 0.0, reason or ""))
    if type_name is None or type_name == ADJUSTMENT_COLUMN or activity_ids is not None:
        q2 = (
            select(HoursAdjustment.date, Member.id, Member.name, Activity.id, Activity.title, ActivityType.name,
                   HoursAdjustment.hours, HoursAdjustment.reason, HoursAdjustment.author)
            .join(Member, Member.id == HoursAdjustment.member_id)
            .outerjoin(Activity, Activity.id == HoursAdjustment.activity_id)
            .outerjoin(ActivityType, ActivityType.id == Activity.type_id)
        )
        if member_id is not None:
            q2 = q2.where(HoursAdjustment.member_id == member_id)
        if date_from is not None:
            q2 = q2.where(HoursAdjustment.date >= date_from)
        if date_to is not None:
            q2 = q2.where(HoursAdjustment.date <= date_to)
        q2 = access.scope(session, q2, branch=Member.branch_id)
        q2 = q2.order_by(HoursAdjustment.date.desc())
        for day, mid, mname, aid, title, tname, hours, reason, author in _newest(
                session, q2, HoursAdjustment.activity_id, activity_ids, limit, lambda r: -r[0].toordinal()):
            out.append(HoursRow(day, mid, mname, aid, title or "", tname or "", "", ADJUSTMENT_COLUMN,
                                hours or 0.0, f"{reason}（{author}）"))
    out.sort(key=lambda r: r.date, reverse=True)
    return out
