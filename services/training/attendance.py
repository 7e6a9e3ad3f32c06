"""Attendance per member and session, the credit rule, manual adjustments, and completion of a class."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, Attendance, Enrolment, HoursAdjustment, Member
from services.errors import ConflictError, NormalizeError, NotFoundError, ValidationError
from services.normalize import ATTENDED_STATUSES, clean_text, keep_text, parse_full_date
from services.safety import changelog
from services.training.enrolment import Participant, participants

STATUSES = ("出席", "迟到", "早退", "请假", "缺席")
ATTENDED = ATTENDED_STATUSES
LEAVE_REASONS = ("病假", "事假", "公假")
# What import files write for each status; 请假 synonyms keep their word as the reason.
SYNONYMS = {
    "出席": "出席", "到": "出席", "参加": "出席", "√": "出席", "✓": "出席", "✔": "出席", "已到": "出席",
    "迟到": "迟到", "早退": "早退",
    "请假": "请假", "病假": "请假", "事假": "请假", "公假": "请假",
    "缺席": "缺席", "未到": "缺席", "缺勤": "缺席", "旷课": "缺席",
}


def normalize_status(value: object) -> tuple[str, str | None]:
    """(status, reason) from what a sheet or a clerk wrote; empty means 出席 (the import default)."""
    text = clean_text(value).replace(" ", "")
    if not text:
        return "出席", None
    if text in SYNONYMS:
        return SYNONYMS[text], (text if text in LEAVE_REASONS else None)
    for reason in LEAVE_REASONS:  # 请假（病假） / 病假：住院
        if text.startswith(reason) or text.startswith("请假"):
            rest = text.removeprefix("请假").strip("（）()：:")
            return "请假", rest or None
    raise NormalizeError(f"出勤情况“{text}”无法识别（可填 出席、迟到、早退、请假、缺席，或 到、参加、√、病假、事假、公假、未到）")


def credited_hours(status: str, session_hours: float) -> float:
    """The credit rule: the session's hours for 出席/迟到/早退, nothing for 请假/缺席."""
    return float(session_hours) if status in ATTENDED else 0.0


@dataclass(frozen=True)
class Cell:
    status: str
    reason: str | None
    hours: float


@dataclass(frozen=True)
class Grid:
    """Enrolled members × sessions, with what was recorded for each pair."""

    activity_id: int
    sessions: tuple[tuple[int, int, dt.date, float], ...]  # (id, seq, date, hours)
    members: tuple[Participant, ...]
    cells: dict[tuple[int, int], Cell]  # (member_id, session_id) → cell

    def member_hours(self, member_id: int) -> float:
        return round(sum(c.hours for (m, _), c in self.cells.items() if m == member_id), 2)

    def counts(self, session_id: int | None = None) -> dict[str, int]:
        counter = Counter(c.status for (_, s), c in self.cells.items() if session_id is None or s == session_id)
        return {status: counter.get(status, 0) for status in STATUSES}


def grid(session: Session, activity_id: int) -> Grid:
    sessions: Any = tuple(tuple(row) for row in session.execute(
        select(ActivitySession.id, ActivitySession.seq, ActivitySession.date, ActivitySession.hours)
        .where(ActivitySession.activity_id == activity_id).order_by(ActivitySession.seq)))
    members = tuple(participants(session, activity_id))
    cells = {(m, s): Cell(status, reason, hours) for m, s, status, reason, hours in session.execute(
        select(Attendance.member_id, Attendance.session_id, Attendance.status, Attendance.reason, Attendance.hours)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .where(ActivitySession.activity_id == activity_id))}
    return Grid(activity_id, sessions, members, cells)


def _session(session: Session, session_id: int) -> ActivitySession:
    s = session.get(ActivitySession, session_id)
    if s is None:
        raise NotFoundError(f"编号为{session_id}的课次不存在")
    return s


def set_attendance(session: Session, session_id: int, member_id: int, status: str | None,
                   reason: str | None, actor: str) -> Cell | None:
    """Record one member at one session (credited by the rule); `status=None` clears the cell."""
    s = _session(session, session_id)
    a = session.get(Activity, s.activity_id)
    assert a is not None
    if a.status in ("已取消", "已归档"):
        raise ConflictError(f"活动“{a.title}”{a.status}，考勤不能再修改")
    enrolled = session.scalar(select(Enrolment.id).where(Enrolment.activity_id == a.id,
                                                         Enrolment.member_id == member_id))
    if enrolled is None:
        raise ConflictError("该党员没有报名这项活动，请先报名")
    if status is not None:
        status, default_reason = normalize_status(status)
        reason = keep_text(reason) or default_reason
        if status != "请假":
            reason = None
    att = session.scalar(select(Attendance).where(Attendance.session_id == session_id,
                                                  Attendance.member_id == member_id))
    name = session.scalar(select(Member.name).where(Member.id == member_id))
    old = (att.status, att.reason, att.hours) if att else (None, None, None)
    if status is None:
        if att is not None:
            session.delete(att)
            changelog.record(session, actor, "attendance", "attendance", att.id,
                             f"清除“{name}”在“{a.title}”第{s.seq}课次的考勤", {"status": (old[0], None)})
        session.flush()
        return None
    hours = credited_hours(status, s.hours)
    if att is None:
        att = Attendance(session_id=session_id, member_id=member_id, status=status, reason=reason, hours=hours,
                         source="grid")
        session.add(att)
    elif old == (status, reason, hours):
        return Cell(status, reason, hours)
    else:
        att.status, att.reason, att.hours, att.source = status, reason, hours, "grid"
    session.flush()
    changelog.record(session, actor, "attendance", "attendance", att.id,
                     f"“{name}”在“{a.title}”第{s.seq}课次：{status}" + (f"（{reason}）" if reason else ""),
                     {"status": (old[0], status), "reason": (old[1], reason), "hours": (old[2], hours)})
    return Cell(status, reason, hours)


def mark_all_present(session: Session, session_id: int, actor: str, *, overwrite: bool = False) -> int:
    """Every enrolled member not yet marked becomes 出席 (with `overwrite`, everyone); returns the count."""
    s = _session(session, session_id)
    a = session.get(Activity, s.activity_id)
    assert a is not None
    if a.status in ("已取消", "已归档"):
        raise ConflictError(f"活动“{a.title}”{a.status}，考勤不能再修改")
    enrolled = set(session.scalars(select(Enrolment.member_id).where(Enrolment.activity_id == a.id)))
    existing = {att.member_id: att for att in session.scalars(
        select(Attendance).where(Attendance.session_id == session_id))}
    changed = 0
    for member_id in enrolled:
        att = existing.get(member_id)
        if att is None:
            session.add(Attendance(session_id=session_id, member_id=member_id, status="出席", reason=None,
                                   hours=s.hours, source="grid"))
            changed += 1
        elif overwrite and (att.status != "出席" or att.hours != s.hours):
            att.status, att.reason, att.hours, att.source = "出席", None, s.hours, "grid"
            changed += 1
    session.flush()
    if changed:
        changelog.record(session, actor, "attendance", "activity_session", s.id,
                         f"“{a.title}”第{s.seq}课次：{changed}人记为出席", {"出席": (None, changed)})
    return changed


def clear_session(session: Session, session_id: int, actor: str) -> int:
    s = _session(session, session_id)
    removed = session.execute(  # type: ignore[attr-defined]
        delete(Attendance).where(Attendance.session_id == session_id)).rowcount or 0
    if removed:
        changelog.record(session, actor, "attendance", "activity_session", s.id,
                         f"清除第{s.seq}课次的{removed}条考勤", {"records": (removed, 0)})
    return int(removed)


def counts(session: Session, activity_id: int, session_id: int | None = None) -> dict[str, int]:
    stmt = (select(Attendance.status, func.count(Attendance.id))
            .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            .where(ActivitySession.activity_id == activity_id).group_by(Attendance.status))
    if session_id is not None:
        stmt = stmt.where(Attendance.session_id == session_id)
    found = {k: v for k, v in session.execute(stmt)}
    return {status: int(found.get(status, 0)) for status in STATUSES}


def earned_hours(session: Session, activity_id: int) -> dict[int, float]:
    """Each enrolled member's credited hours at this activity (adjustments not included)."""
    hours = {m: 0.0 for m in session.scalars(select(Enrolment.member_id).where(Enrolment.activity_id == activity_id))}
    for member_id, total in session.execute(
            select(Attendance.member_id, func.sum(Attendance.hours))
            .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            .where(ActivitySession.activity_id == activity_id).group_by(Attendance.member_id)):
        hours[member_id] = round(float(total or 0), 2)
    return hours


# ---------------------------------------------------------------- adjustments


@dataclass(frozen=True)
class AdjustmentInfo:
    id: int
    member_id: int
    activity_id: int | None
    date: dt.date
    hours: float
    reason: str
    author: str


def add_adjustment(session: Session, member_id: int, hours: float, reason: str, actor: str,
                   date: dt.date | str | None = None, activity_id: int | None = None) -> AdjustmentInfo:
    """A manual change of a member's hours, kept apart from the earned hours, with who and why."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFoundError(f"编号为{member_id}的党员不存在")
    reason = keep_text(reason)
    if not reason:
        raise ValidationError("调整学时须写明原因", field="reason")
    try:
        hours = float(hours)
    except (TypeError, ValueError):
        raise ValidationError("调整的学时应为数字（可为负数）", field="hours") from None
    if hours == 0 or abs(hours) > 1000:
        raise ValidationError("调整的学时应为非零数字，且不超过1000", field="hours")
    when = parse_full_date(date) if date is not None and not isinstance(date, dt.date) else date
    when = when or dt.date.today()
    adj = HoursAdjustment(member_id=member_id, activity_id=activity_id, date=when, hours=round(hours, 2),
                          reason=reason, author=actor)
    session.add(adj)
    session.flush()
    changelog.record(session, actor, "adjust", "hours_adjustment", adj.id,
                     f"调整“{member.name}”学时{hours:+g}（{reason}）", {"hours": (None, hours), "reason": (None, reason)})
    return AdjustmentInfo(adj.id, member_id, activity_id, when, adj.hours, reason, actor)


def adjustments(session: Session, member_id: int | None = None, activity_id: int | None = None) -> list[AdjustmentInfo]:
    stmt = select(HoursAdjustment).order_by(HoursAdjustment.date, HoursAdjustment.id)
    if member_id is not None:
        stmt = stmt.where(HoursAdjustment.member_id == member_id)
    if activity_id is not None:
        stmt = stmt.where(HoursAdjustment.activity_id == activity_id)
    return [AdjustmentInfo(a.id, a.member_id, a.activity_id, a.date, a.hours, a.reason, a.author)
            for a in session.scalars(stmt)]


# ---------------------------------------------------------------- completion


@dataclass(frozen=True)
class Completion:
    member_id: int
    name: str
    attended_sessions: int
    total_sessions: int
    hours: float
    completed: bool


def completion(session: Session, activity_id: int) -> list[Completion]:
    """Who completed the class by its rule: every session (default), hours ≥ N, or a share of sessions ≥ p."""
    a = session.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    g = grid(session, activity_id)
    total = len(g.sessions)
    out = []
    for p in g.members:
        attended = sum(1 for sid, *_ in g.sessions
                       if (c := g.cells.get((p.member_id, sid))) is not None and c.status in ATTENDED)
        hours = g.member_hours(p.member_id)
        if a.completion_rule == "hours":
            done = hours >= (a.completion_value or 0) and hours > 0
        elif a.completion_rule == "share":
            done = total > 0 and attended / total >= (a.completion_value or 1) - 1e-9
        else:
            done = total > 0 and attended == total
        out.append(Completion(p.member_id, p.name, attended, total, hours, done))
    return out
