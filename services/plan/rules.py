"""The rules of the 条例 and the plans that inspectors ask about, each with its list of members.

* New members (预备党员, and full members within a year of 转正): at least one concentrated class
  (a type marked 集中培训) run by a higher-level organisation, attended during probation or within
  a year after becoming a full member.
* New branch secretaries (post history: 支部书记 from a date): 任职培训 — a class for 基层党组织书记和
  党务干部 attended within six months of taking office.
* Members exempted for a year (年老体弱、长期病休, art. 23), with a reason: shown, never counted
  below target.
* 流动党员 (art. 32–33): flagged; trained where they are, their hours recorded here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    ActivityType,
    Attendance,
    Branch,
    Exemption,
    Member,
    MemberPost,
    MobileMember,
)
from services import access
from services.errors import NormalizeError, NotFoundError, ValidationError
from services.normalize import (
    ATTENDED_STATUSES,
    CANCELLED_ACTIVITY,
    normalize_id_number,
    parse_partial_date,
    partial_end,
    partial_start,
)
from services.pdf.pdf_layout import cn_date
from services.plan import audience as aud
from services.safety import changelog

SECRETARY = "支部书记"
PROBATIONARY = "预备党员"
EXEMPT_REASONS = ("年老体弱", "长期病休")


@dataclass(frozen=True)
class RuleCase:
    """One member a rule applies to: whether it is met, and what shows it (or what is missing)."""

    rule: str  # new_member / new_secretary / exempt / mobile
    member_id: int
    name: str
    branch: str
    met: bool | None  # None: nothing to meet (exempt, mobile) or still within its time limit
    detail: str

    def to_json(self) -> dict[str, object]:
        return {"rule": self.rule, "member_id": self.member_id, "name": self.name, "branch": self.branch,
                "met": self.met, "detail": self.detail}


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(day.day, last))


def _member(session: Session, id_number: str) -> Member:
    try:
        number = normalize_id_number(id_number)
    except NormalizeError as exc:
        raise ValidationError(exc.message, "member") from exc
    member = session.scalar(select(Member).where(Member.id_number == number))
    if member is None:
        raise NotFoundError(f"名册中没有身份证号码为{number}的党员")
    access.require_branch(session, member.branch_id)  # a branch account: its own members only
    return member


def _partial(value: str | None, field: str, required: bool = True) -> str | None:
    try:
        parsed = parse_partial_date(value)
    except NormalizeError as exc:
        raise ValidationError(exc.message, field) from exc
    if parsed is None and required:
        raise ValidationError("请填写日期", field)
    return parsed


# ---------------------------------------------------------------- recording


def add_post(session: Session, actor: str, id_number: str, post: str, start: str, end: str | None = None) -> int:
    member = _member(session, id_number)
    post = (post or "").strip()
    if not post:
        raise ValidationError("请填写职务", "post")
    begin = _partial(start, "start")
    finish = _partial(end, "end", required=False)
    assert begin is not None
    if finish is not None and partial_end(finish) < partial_start(begin):
        raise ValidationError("任职结束日期早于开始日期", "end")
    row = MemberPost(member_id=member.id, post=post, start=begin, end=finish)
    session.add(row)
    session.flush()
    changelog.record(session, actor, "create", "member_post", row.id,
                     f"登记“{member.name}”任{post}（{begin}起）", {"post": (None, post), "start": (None, begin)})
    return row.id


def exempt(session: Session, actor: str, id_number: str, year: int, reason: str) -> int:
    member = _member(session, id_number)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"请填写免予参训的原因（如{'、'.join(EXEMPT_REASONS)}）", "reason")
    if not 1990 <= year <= 2100:
        raise ValidationError(f"年度“{year}”不合理", "year")
    row = session.scalar(select(Exemption).where(Exemption.member_id == member.id, Exemption.year == year))
    before = row.reason if row else None
    if row is None:
        row = Exemption(member_id=member.id, year=year, reason=reason)
        session.add(row)
    else:
        row.reason = reason
    session.flush()
    changelog.record(session, actor, "update" if before else "create", "exemption", row.id,
                     f"“{member.name}”{year}年度免予学时考核：{reason}", {"reason": (before, reason)})
    return row.id


def add_mobile(session: Session, actor: str, id_number: str, start: str, end: str | None = None,
               place: str | None = None) -> int:
    member = _member(session, id_number)
    begin = _partial(start, "start")
    assert begin is not None
    row = MobileMember(member_id=member.id, start=begin, end=_partial(end, "end", required=False),
                       place=(place or "").strip() or None)
    session.add(row)
    session.flush()
    changelog.record(session, actor, "create", "mobile_member", row.id,
                     f"登记“{member.name}”为流动党员（{begin}起{('，' + row.place) if row.place else ''}）")
    return row.id


def exempt_ids(session: Session, year: int) -> set[int]:
    """Members exempted for `year`: never counted below target."""
    t = Exemption.__table__.c
    return set(session.scalars(select(t.member_id).where(t.year == year)))


# ---------------------------------------------------------------- checking


class _Who(NamedTuple):
    """A member as the rules read them: plain columns (the roll of a large bureau is read at once)."""

    name: str
    branch: str
    status: str
    joined_party: str | None
    membership: str
    full_member_since: str | None


Names = dict[int, _Who]


def _names(session: Session) -> Names:
    m = Member.__table__.c
    rows = session.execute(access.scope(session, select(
        m.id, m.name, Branch.name, m.status, m.joined_party, m.membership, m.full_member_since).join(
        Branch, Branch.id == m.branch_id), branch=m.branch_id))
    return {mid: _Who(*rest) for mid, *rest in rows}


def _attended(session: Session, member_ids: set[int]) -> dict[int, list[tuple[dt.date, str, str, str, bool]]]:
    """member → (session date, title, organiser, audience, type is a class) of what they attended."""
    out: dict[int, list[tuple[dt.date, str, str, str, bool]]] = {}
    if not member_ids:
        return out
    ids = sorted(member_ids)
    for start in range(0, len(ids), 500):
        query = (select(Attendance.member_id, ActivitySession.date, Activity.title, Activity.organiser,
                        Activity.target_group, ActivityType.is_class)
                 .join(ActivitySession, ActivitySession.id == Attendance.session_id)
                 .join(Activity, Activity.id == ActivitySession.activity_id)
                 .join(ActivityType, ActivityType.id == Activity.type_id)
                 .where(Attendance.member_id.in_(ids[start:start + 500]),
                        Attendance.status.in_(ATTENDED_STATUSES), Activity.status != CANCELLED_ACTIVITY))
        for mid, day, title, organiser, group, is_class in session.execute(query):
            out.setdefault(mid, []).append((day, title, organiser or "", aud.audience_of(group), bool(is_class)))
    return out


def new_member_cases(session: Session, day: dt.date, names: Names | None = None) -> list[RuleCase]:
    names = _names(session) if names is None else names
    new: dict[int, tuple[dt.date, dt.date, bool]] = {}  # member → window of the class, still probationary
    for mid, m in names.items():
        if m.status != "在册" or not m.joined_party:
            continue
        joined = partial_start(m.joined_party)
        if joined > day:  # joined the Party after the day asked about: not a new member then
            continue
        if m.membership == PROBATIONARY and not m.full_member_since:
            new[mid] = (joined, day, True)
        elif m.full_member_since:
            full = partial_start(m.full_member_since)
            if full <= day <= _add_months(full, 12):
                new[mid] = (joined, _add_months(full, 12), False)
    attended = _attended(session, set(new))
    out = []
    for mid, (lo, hi, probation) in new.items():
        name, branch = names[mid][:2]
        fits = [(d, t, o) for d, t, o, _a, is_class in attended.get(mid, ())
                if is_class and lo <= d <= hi and aud.organiser_level(o) == aud.HIGHER]
        if fits:
            d, t, o = min(fits)
            out.append(RuleCase("new_member", mid, name, branch, True, f"已参加{o}举办的“{t}”（{cn_date(d)}）"))
        else:
            when = (f"{cn_date(lo)}入党，应在预备期内或转正后一年内参加" if probation
                    else f"应在{cn_date(lo)}至{cn_date(hi)}之间参加")
            out.append(RuleCase("new_member", mid, name, branch, False, f"尚未参加上级党组织举办的集中培训（{when}）"))
    return sorted(out, key=lambda c: (c.branch, c.name))


def new_secretary_cases(session: Session, date_from: dt.date, date_to: dt.date,
                        names: Names | None = None) -> list[RuleCase]:
    names = _names(session) if names is None else names
    posts = [p for p in session.scalars(select(MemberPost).where(MemberPost.post == SECRETARY))
             if date_from <= partial_start(p.start) <= date_to and p.member_id in names]
    attended = _attended(session, {p.member_id for p in posts})
    out = []
    for p in posts:
        name, branch = names[p.member_id][:2]
        start = partial_start(p.start)
        limit = _add_months(start, 6)
        fits = [(d, t) for d, t, _o, audience, _c in attended.get(p.member_id, ())
                if audience == "基层党组织书记和党务干部" and start <= d <= limit]
        if fits:
            d, t = min(fits)
            out.append(RuleCase("new_secretary", p.member_id, name, branch, True, f"已参加任职培训“{t}”（{cn_date(d)}）"))
        else:
            met = None if limit > date_to else False
            out.append(RuleCase("new_secretary", p.member_id, name, branch, met,
                                f"{p.start}任支部书记，应于{cn_date(limit)}前参加任职培训"
                                + ("（尚在期限内）" if met is None else "，尚未参加")))
    return sorted(out, key=lambda c: (c.branch, c.name))


def exempt_cases(session: Session, date_from: dt.date, date_to: dt.date, names: Names | None = None) -> list[RuleCase]:
    names = _names(session) if names is None else names
    rows = session.scalars(select(Exemption).where(Exemption.year >= date_from.year, Exemption.year <= date_to.year)
                           .order_by(Exemption.year))
    return [RuleCase("exempt", e.member_id, names[e.member_id][0], names[e.member_id][1], None,
                     f"{e.year}年度免予学时考核：{e.reason}") for e in rows if e.member_id in names]


def mobile_cases(session: Session, date_from: dt.date, date_to: dt.date, names: Names | None = None) -> list[RuleCase]:
    names = _names(session) if names is None else names
    out = []
    for m in session.scalars(select(MobileMember).order_by(MobileMember.start)):
        if m.member_id in names and partial_start(m.start) <= date_to and (
                m.end is None or partial_end(m.end) >= date_from):
            until = f"至{m.end}" if m.end else "至今"
            out.append(RuleCase("mobile", m.member_id, names[m.member_id][0], names[m.member_id][1], None,
                                f"流动党员（{m.start}{until}{('，' + m.place) if m.place else ''}）"))
    return out


def check_rules(session: Session, date_from: dt.date, date_to: dt.date) -> dict[str, list[RuleCase]]:
    names = _names(session)  # the roll read once for the four rules
    return {"new_member": new_member_cases(session, date_to, names),
            "new_secretary": new_secretary_cases(session, date_from, date_to, names),
            "exempt": exempt_cases(session, date_from, date_to, names),
            "mobile": mobile_cases(session, date_from, date_to, names)}
