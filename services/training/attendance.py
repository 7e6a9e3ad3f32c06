"""Attendance per member and session, the credit rule, manual adjustments, and completion of a class."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    Attendance,
    Certificate,
    Enrolment,
    HoursAdjustment,
    Member,
)
from services import access
from services.assessment.stats_sums import member_hours_in_year
from services.bulk import chunked
from services.errors import ConflictError, NormalizeError, NotFoundError, ValidationError
from services.normalize import (
    ATTENDED_STATUSES,
    CLOSED_ACTIVITY_STATUSES,
    clean_text,
    keep_text,
    last_day_on_roll,
    parse_full_date,
    round_hours,
)
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
        """The member's hours at this activity: their cells only, one per session (a class of 20 000
        members asks this for each of them)."""
        get = self.cells.get
        return round(sum(c.hours for sid, *_ in self.sessions if (c := get((member_id, sid))) is not None), 2)

    def counts(self, session_id: int | None = None) -> dict[str, int]:
        counter = Counter(c.status for (_, s), c in self.cells.items() if session_id is None or s == session_id)
        return {status: counter.get(status, 0) for status in STATUSES}


def grid(session: Session, activity_id: int) -> Grid:
    access.require_activity(session, activity_id)  # its sessions are its details: the list's rule
    sessions: Any = tuple(tuple(row) for row in session.execute(
        select(ActivitySession.id, ActivitySession.seq, ActivitySession.date, ActivitySession.hours)
        .where(ActivitySession.activity_id == activity_id).order_by(ActivitySession.seq)))
    members = tuple(participants(session, activity_id))
    cells = {(m, s): Cell(status, reason, hours) for m, s, status, reason, hours in session.execute(access.scope(
        session,
        select(Attendance.member_id, Attendance.session_id, Attendance.status, Attendance.reason, Attendance.hours)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .where(ActivitySession.activity_id == activity_id), member=Attendance.member_id))}
    return Grid(activity_id, sessions, members, cells)


def _session(session: Session, session_id: int) -> ActivitySession:
    s = session.get(ActivitySession, session_id)
    if s is None:
        raise NotFoundError(f"编号为{session_id}的课次不存在")
    access.require_activity_joinable(session, s.activity_id)
    return s


# ---------------------------------------------------------------- certificates at stake

REVOKED = "已作废"


@dataclass(frozen=True)
class CertificateAtStake:
    """A valid certificate that an attendance change would revoke."""

    certificate_id: int
    number: str
    member_id: int
    name: str
    activity_title: str


class CertifiedAttendanceError(ConflictError):
    """An attendance change refused because it would revoke certificates (confirm with `revoke=True`)."""

    def __init__(self, at_stake: list[CertificateAtStake]) -> None:
        self.at_stake = at_stake
        first = at_stake[0]
        who = "、".join(f"“{c.name}”（证书{c.number}）" for c in at_stake[:5]) + ("等" if len(at_stake) > 5 else "")
        super().__init__(f"{who}已获“{first.activity_title}”结业证书，更改其考勤将作废证书；"
                         f"未作改动。确认作废后才能更改，作废后可重新颁发（新编号）。")


def _cleaned(status: str | None, reason: str | None) -> tuple[str | None, str | None]:
    if status is None:
        return None, None
    status, default_reason = normalize_status(status)
    reason = keep_text(reason) or default_reason
    return status, (reason if status == "请假" else None)


def certificates_at_stake(session: Session, session_id: int, member_ids: Iterable[int], status: str | None,
                          reason: str | None = None) -> list[CertificateAtStake]:
    """The valid certificates that recording `status` (None: clearing) for `member_ids` would revoke.

    The window asks this before it confirms a change; a member whose record would stay the same
    puts nothing at stake.
    """
    s = _session(session, session_id)
    status, reason = _cleaned(status, reason)
    wanted = None if status is None else (status, reason, credited_hours(status, s.hours))
    ids = set(member_ids)
    if not ids:
        return []
    current: dict[int, tuple[str, str | None, float]] = {}
    for run in chunked(sorted(ids)):  # any number of members: in runs (services/bulk.py)
        current.update((m, (st, r, h)) for m, st, r, h in session.execute(
            select(Attendance.member_id, Attendance.status, Attendance.reason, Attendance.hours)
            .where(Attendance.session_id == session_id, Attendance.member_id.in_(run))))
    changing = {m for m in ids if current.get(m) != wanted}
    return _valid_certificates(session, s.activity_id, changing)


def _valid_certificates(session: Session, activity_id: int, member_ids: set[int]) -> list[CertificateAtStake]:
    found: list[CertificateAtStake] = []
    for run in chunked(sorted(member_ids)):
        found.extend(CertificateAtStake(*row) for row in session.execute(
            select(Certificate.id, Certificate.number, Certificate.member_id, Member.name, Activity.title)
            .join(Member, Member.id == Certificate.member_id).join(Activity, Activity.id == Certificate.activity_id)
            .where(Certificate.activity_id == activity_id, Certificate.status == "有效",
                   Certificate.member_id.in_(run))))
    return sorted(found, key=lambda c: c.number)


def revoke_certificates(session: Session, certificate_ids: Iterable[int], reason: str, actor: str,
                        on: dt.date | None = None) -> list[str]:
    """Mark certificates 已作废 with the date, the reason and who did it; returns their numbers."""
    numbers: list[str] = []
    why = keep_text(reason) or "作废"
    certificates = [cert for run in chunked(sorted(set(certificate_ids))) for cert in session.scalars(
        select(Certificate).where(Certificate.id.in_(run), Certificate.status == "有效"))]
    for cert in certificates:
        cert.status, cert.revoked_on, cert.revoked_reason, cert.revoked_by = REVOKED, on or dt.date.today(), why, actor
        numbers.append(cert.number)
        changelog.record(session, actor, "revoke", "certificate", cert.id, f"作废结业证书{cert.number}（{why}）",
                         {"status": ("有效", REVOKED), "revoked_reason": (None, why)})
    session.flush()
    return numbers


def _guard(session: Session, at_stake: list[CertificateAtStake], revoke: bool, why: str, actor: str) -> None:
    """Refuse a change that would revoke certificates, unless `revoke` confirms it (then revoke them)."""
    if not at_stake:
        return
    if not revoke:
        raise CertifiedAttendanceError(at_stake)
    revoke_certificates(session, [c.certificate_id for c in at_stake], why, actor)


def _gone_before(session: Session, member_ids: Iterable[int], day: dt.date) -> dict[int, str]:
    """Of these members, those who left (转出, 去世 …) before `day`: how to say so (已于2024-09-30转出)."""
    ids = set(member_ids)
    gone = {m_id: (last_day_on_roll(status, left), status) for m_id, left, status in session.execute(
        select(Member.id, Member.left_date, Member.status).where(Member.status != "在册",
                                                                 Member.left_date.is_not(None))) if m_id in ids}
    return {m_id: f"已于{last.isoformat()}{status}" for m_id, (last, status) in gone.items() if last and last < day}


def set_attendance(session: Session, session_id: int, member_id: int, status: str | None,
                   reason: str | None, actor: str, *, revoke: bool = False) -> Cell | None:
    """Record one member at one session (credited by the rule); `status=None` clears the cell.

    A member who holds a valid certificate of this class: the change is refused
    (CertifiedAttendanceError) unless `revoke`, which revokes the certificate.
    """
    s = _session(session, session_id)
    a = session.get(Activity, s.activity_id)
    assert a is not None
    access.require_members(session, [member_id], "记录")
    if a.status in CLOSED_ACTIVITY_STATUSES:
        raise ConflictError(f"活动“{a.title}”{a.status}，考勤不能再修改")
    enrolled = session.scalar(select(Enrolment.id).where(Enrolment.activity_id == a.id,
                                                         Enrolment.member_id == member_id))
    if enrolled is None:
        raise ConflictError("该党员没有报名这项活动，请先报名")
    status, reason = _cleaned(status, reason)
    if status in ATTENDED and (gone := _gone_before(session, [member_id], s.date)):
        name = session.scalar(select(Member.name).where(Member.id == member_id))
        raise ConflictError(f"“{name}”{gone[member_id]}，不能记为{status}（第{s.seq}课次在{s.date.isoformat()}）")
    _guard(session, certificates_at_stake(session, session_id, [member_id], status, reason), revoke,
           f"考勤更改：第{s.seq}课次改为{status or '未记录'}", actor)
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


def mark_all_present(session: Session, session_id: int, actor: str, *, overwrite: bool = False,
                     revoke: bool = False) -> int:
    """Every enrolled member not yet marked becomes 出席 (with `overwrite`, everyone); returns the count.
    A member who left before the session's day is left as they are: no hours after leaving.

    Certificates of members whose record would change: refused unless `revoke` (see set_attendance).
    """
    s = _session(session, session_id)
    a = session.get(Activity, s.activity_id)
    assert a is not None
    if a.status in CLOSED_ACTIVITY_STATUSES:
        raise ConflictError(f"活动“{a.title}”{a.status}，考勤不能再修改")
    enrolled = set(session.scalars(access.scope(session, select(Enrolment.member_id).where(
        Enrolment.activity_id == a.id), member=Enrolment.member_id)))  # a branch account: its own members
    enrolled -= set(_gone_before(session, enrolled, s.date))
    existing = {att.member_id: att for att in session.scalars(
        select(Attendance).where(Attendance.session_id == session_id))}
    touched = enrolled if overwrite else enrolled - set(existing)
    _guard(session, certificates_at_stake(session, session_id, touched, "出席"), revoke,
           f"考勤更改：第{s.seq}课次全部记为出席", actor)
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


def clear_session(session: Session, session_id: int, actor: str, *, revoke: bool = False) -> int:
    s = _session(session, session_id)
    marked = set(session.scalars(access.scope(session, select(Attendance.member_id).where(
        Attendance.session_id == session_id), member=Attendance.member_id)))  # a branch account: its own
    _guard(session, certificates_at_stake(session, session_id, marked, None), revoke,
           f"考勤更改：清除第{s.seq}课次的考勤", actor)
    removed = 0
    for run in chunked(sorted(marked)):  # any number of members: in runs (services/bulk.py)
        removed += session.execute(  # type: ignore[attr-defined]
            delete(Attendance).where(Attendance.session_id == session_id,
                                     Attendance.member_id.in_(run))).rowcount or 0
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
    found = {k: v for k, v in session.execute(access.scope(session, stmt, member=Attendance.member_id))}
    return {status: int(found.get(status, 0)) for status in STATUSES}


def earned_hours(session: Session, activity_id: int) -> dict[int, float]:
    """Each enrolled member's credited hours at this activity (adjustments not included)."""
    hours = {m: 0.0 for m in session.scalars(access.scope(session, select(Enrolment.member_id).where(
        Enrolment.activity_id == activity_id), member=Enrolment.member_id))}
    for member_id, total in session.execute(access.scope(
            session, select(Attendance.member_id, func.sum(Attendance.hours))
            .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            .where(ActivitySession.activity_id == activity_id).group_by(Attendance.member_id),
            member=Attendance.member_id)):
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
    access.require_branch(session, member.branch_id, "调整")
    if activity_id is not None:
        if session.get(Activity, activity_id) is None:
            raise NotFoundError(f"编号为{activity_id}的活动不存在")
        access.require_activity(session, activity_id, "为它调整学时")  # the activities its list shows
    reason = keep_text(reason)
    if not reason:
        raise ValidationError("调整学时须写明原因", field="reason")
    try:
        hours = float(hours)
    except (TypeError, ValueError):
        raise ValidationError("调整的学时应为数字（可为负数）", field="hours") from None
    if not 0 < abs(hours) <= 1000:  # also refuses nan and inf, which no comparison holds for
        raise ValidationError("调整的学时应为非零数字，且不超过1000", field="hours")
    hours = round_hours(hours)  # what is kept, and so what the log says
    if not hours:
        raise ValidationError("调整的学时按两位小数四舍五入后为0，请核对", field="hours")
    when = parse_full_date(date) if date is not None and not isinstance(date, dt.date) else date
    when = when or dt.date.today()
    last = last_day_on_roll(member.status, member.left_date)
    if last and when > last:
        raise ValidationError(f"“{member.name}”已于{last.isoformat()}{member.status}，"
                              f"学时不能计入其后的{when.isoformat()}；请核对计入日期", field="date")
    if hours < 0:  # a deduction takes back hours credited in its year: the year's hours never go below 0
        have = member_hours_in_year(session, member_id, when.year)
        if have + hours < -0.005:
            raise ValidationError(f"“{member.name}”{when.year}年已计{round(have, 2):g}学时，扣减{-hours:g}学时后将为负数；"
                                  "请核对调整的学时和日期（计入哪一年）", field="hours")
    adj = HoursAdjustment(member_id=member_id, activity_id=activity_id, date=when, hours=hours,
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
    stmt = access.scope(session, stmt, member=HoursAdjustment.member_id)
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


def completion(session: Session, activity_id: int, read: Grid | None = None) -> list[Completion]:
    """Who completed the class by its rule: every session (default), hours ≥ N, or a share of sessions ≥ p.

    `read`: the activity's grid as the caller has just read it (not read again)."""
    a = session.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    g = read if read is not None and read.activity_id == activity_id else grid(session, activity_id)
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
