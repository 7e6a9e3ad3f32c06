"""The figures the implementation report tells in words: activities by form, audience and organiser.

Activities are told apart by their type, their audience (培训对象, `Activity.target_group`) and
their organiser's level, never by words in their titles. Cancelled activities do not count; an
activity belongs to the period when it starts inside it. "人次" counts attendances (a member at
an activity, 出席/迟到/早退); "人" counts distinct members.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, ActivityType, Attendance, Branch, Member
from services import access
from services.normalize import ATTENDED_STATUSES, CANCELLED_ACTIVITY, partial_start
from services.plan import audience as aud
from services.plan.materials import PARTY_TEXTBOOK, members_given

CENTRAL_GROUP_TYPE = "中心组学习"
CENTRAL_GROUP_AUDIENCE = "党委理论学习中心组成员"
SECRETARY_AUDIENCE = "基层党组织书记和党务干部"
DISCIPLINE_AUDIENCE = "纪检干部"
LECTURE_TYPE = "专题讲座"
PARTY_SPIRIT_TYPE = "党性教育培训班"
ONSITE_TYPE = "现场教学"
TYPICAL_TYPE = "报告会"  # 典型事迹报告会、先进事迹报告会
ONLINE_TYPE = "网络培训"
BRANCH_TYPES = ("三会一课", "主题党日", "组织生活会", "专题党课")


@dataclass
class Group:
    """A set of activities and who attended them."""

    activity_ids: list[int] = field(default_factory=list)
    person_times: int = 0
    members: set[int] = field(default_factory=set)
    places: list[str] = field(default_factory=list)
    organisers: Counter[str] = field(default_factory=Counter)

    @property
    def activities(self) -> int:
        return len(self.activity_ids)

    @property
    def main_organiser(self) -> str:
        return self.organisers.most_common(1)[0][0] if self.organisers else ""


@dataclass(frozen=True)
class NamedMember:
    id: int
    name: str
    branch: str


@dataclass
class ReportFigures:
    date_from: dt.date
    date_to: dt.date
    central_group: Group
    secretaries: Group
    discipline: Group
    lectures: Group
    party_spirit: Group
    onsite_higher: Group
    typical: Group
    online: Group
    branch: Group
    by_audience: dict[str, Group]
    new_members: list[NamedMember]
    new_with_textbook: list[NamedMember]


@dataclass(frozen=True)
class _Row:
    id: int
    type: str
    organiser: str
    place: str
    audience: str


def _activities(session: Session, date_from: dt.date, date_to: dt.date) -> list[_Row]:
    query = (select(Activity.id, ActivityType.name, Activity.organiser, Activity.place, Activity.target_group)
             .join(ActivityType, ActivityType.id == Activity.type_id)
             .where(Activity.start_date >= date_from, Activity.start_date <= date_to, Activity.status != CANCELLED_ACTIVITY)
             .order_by(Activity.start_date, Activity.id))
    query = access.scope(session, query, activity=Activity.id)  # a branch account: its branches' figures
    return [_Row(i, t, o or "", p or "", aud.audience_of(g)) for i, t, o, p, g in session.execute(query)]


def _attendees(session: Session, ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        query = (select(ActivitySession.activity_id, Attendance.member_id).distinct()
                 .join(Attendance, Attendance.session_id == ActivitySession.id)
                 .where(ActivitySession.activity_id.in_(chunk), Attendance.status.in_(ATTENDED_STATUSES)))
        for aid, mid in session.execute(access.scope(session, query, member=Attendance.member_id)):
            out.setdefault(aid, set()).add(mid)
    return out


def _group(rows: list[_Row], attendees: dict[int, set[int]]) -> Group:
    g = Group()
    for r in rows:
        g.activity_ids.append(r.id)
        people = attendees.get(r.id, set())
        g.person_times += len(people)
        g.members |= people
        if r.place and r.place not in g.places:
            g.places.append(r.place)
        if r.organiser:
            g.organisers[r.organiser] += 1
    return g


def _new_members(session: Session, date_from: dt.date, date_to: dt.date) -> list[NamedMember]:
    """Members who joined the Party inside the period (by their 入党 date, month precision kept)."""
    rows = session.execute(access.scope(
        session, select(Member.id, Member.name, Branch.name, Member.joined_party)
        .join(Branch, Branch.id == Member.branch_id).order_by(Branch.sort_order, Branch.id, Member.sort_key),
        branch=Member.branch_id))
    out = []
    for mid, name, branch, joined in rows:
        if joined and date_from <= partial_start(joined) <= date_to:
            out.append(NamedMember(mid, name, branch))
    return out


def report_figures(session: Session, date_from: dt.date, date_to: dt.date) -> ReportFigures:
    rows = _activities(session, date_from, date_to)
    attendees = _attendees(session, [r.id for r in rows])

    def pick(test: object) -> Group:
        return _group([r for r in rows if test(r)], attendees)  # type: ignore[operator]

    by_audience: dict[str, Group] = {}
    for name in dict.fromkeys(r.audience for r in rows):
        by_audience[name] = pick(lambda r, n=name: r.audience == n)
    new = _new_members(session, date_from, date_to)
    given = members_given(session, PARTY_TEXTBOOK, date_from, date_to)
    return ReportFigures(
        date_from, date_to,
        central_group=pick(lambda r: r.type == CENTRAL_GROUP_TYPE or r.audience == CENTRAL_GROUP_AUDIENCE),
        secretaries=pick(lambda r: r.audience == SECRETARY_AUDIENCE),
        discipline=pick(lambda r: r.audience == DISCIPLINE_AUDIENCE),
        lectures=pick(lambda r: r.type == LECTURE_TYPE),
        party_spirit=pick(lambda r: r.type == PARTY_SPIRIT_TYPE),
        onsite_higher=pick(lambda r: r.type == ONSITE_TYPE and aud.organiser_level(r.organiser) == aud.HIGHER),
        typical=pick(lambda r: r.type == TYPICAL_TYPE),
        online=pick(lambda r: r.type == ONLINE_TYPE),
        branch=pick(lambda r: r.type in BRANCH_TYPES and aud.organiser_level(r.organiser) == aud.BUREAU),
        by_audience=by_audience,
        new_members=new,
        new_with_textbook=[m for m in new if m.id in given],
    )
