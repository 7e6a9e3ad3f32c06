"""Training by audience (培训对象): figures per audience for a period, and the members an audience names.

Figures (`stats --by-audience`, the statistics tab's 按培训对象 page) follow the definitions of
services/assessment/stats.py: activities start inside the period and are not cancelled;
``person_times`` counts distinct (member, activity) attendances 出席/迟到/早退; ``members``
distinct members; ``hours`` every hour credited for those activities (attendance hours of all
their sessions plus adjustments linked to them). Audiences are grouped by
`audience.audience_of` (empty means 全体党员; a canonical audience however typed); the office's
own words are kept as written. Every canonical audience is listed, with zeros when none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    Attendance,
    Branch,
    HoursAdjustment,
    Member,
    MobileMember,
)
from services import access
from services.errors import ValidationError
from services.normalize import ATTENDED_STATUSES, CANCELLED_ACTIVITY, partial_end, partial_start
from services.plan import audience as aud

SECRETARY_AUDIENCE = "基层党组织书记和党务干部"
DISCIPLINE_AUDIENCE = "纪检干部"
NEW_MEMBERS = "新党员"
MOBILE_AUDIENCE = "流动党员"
PROBATIONARY = "预备党员"
DISCIPLINE_POSTS = ("纪委书记", "纪委副书记", "纪委委员", "纪检委员")
# The audiences the roll can name members for (the others need lists the roll does not keep).
ENROLLABLE = (aud.ALL_MEMBERS, SECRETARY_AUDIENCE, DISCIPLINE_AUDIENCE, NEW_MEMBERS, MOBILE_AUDIENCE)
AUDIENCE_RULES = {
    aud.ALL_MEMBERS: "名册中全部在册党员",
    SECRETARY_AUDIENCE: "担任书记、副书记或委员职务的在册党员",
    DISCIPLINE_AUDIENCE: "担任纪委书记、纪委委员或纪检委员的在册党员",
    NEW_MEMBERS: "预备党员，以及转为正式党员未满一年的党员",
    MOBILE_AUDIENCE: "活动开始时登记为流动党员的在册党员",
}


@dataclass(frozen=True)
class AudienceFigures:
    audience: str
    canonical: bool  # one of audience.AUDIENCES; else the office's own words
    activities: int
    members: int
    person_times: int
    hours: float

    def to_json(self) -> dict[str, object]:
        return {"audience": self.audience, "canonical": self.canonical, "activities": self.activities,
                "members": self.members, "person_times": self.person_times, "hours": self.hours}


def audience_figures(session: Session, date_from: dt.date, date_to: dt.date) -> list[AudienceFigures]:
    """Per audience: activities, distinct members, person-times and hours of the period."""
    if date_from > date_to:
        raise ValidationError("开始日期晚于结束日期", "date_from")
    query = access.scope(session, select(Activity.id, Activity.target_group).where(
        Activity.start_date >= date_from, Activity.start_date <= date_to, Activity.status != CANCELLED_ACTIVITY)
        .order_by(Activity.start_date, Activity.id), activity=Activity.id)
    audience_of = {aid: aud.audience_of(group) for aid, group in session.execute(query)}
    people: dict[int, set[int]] = {}
    hours: dict[int, float] = {}
    ids = list(audience_of)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        attended = access.scope(session, select(ActivitySession.activity_id, Attendance.member_id).distinct()
                                .join(Attendance, Attendance.session_id == ActivitySession.id)
                                .where(ActivitySession.activity_id.in_(chunk),
                                       Attendance.status.in_(ATTENDED_STATUSES)), member=Attendance.member_id)
        for aid, mid in session.execute(attended):
            people.setdefault(aid, set()).add(mid)
        credited = access.scope(session, select(ActivitySession.activity_id, func.sum(Attendance.hours))
                                .join(Attendance, Attendance.session_id == ActivitySession.id)
                                .where(ActivitySession.activity_id.in_(chunk))
                                .group_by(ActivitySession.activity_id), member=Attendance.member_id)
        adjusted = access.scope(session, select(HoursAdjustment.activity_id, func.sum(HoursAdjustment.hours))
                                .where(HoursAdjustment.activity_id.in_(chunk))
                                .group_by(HoursAdjustment.activity_id), member=HoursAdjustment.member_id)
        for aid, total in [*session.execute(credited), *session.execute(adjusted)]:
            hours[aid] = hours.get(aid, 0.0) + float(total or 0.0)
    names = list(aud.AUDIENCES) + [a for a in dict.fromkeys(audience_of.values()) if a not in aud.AUDIENCES]
    out = []
    for name in names:
        acts = [aid for aid, a in audience_of.items() if a == name]
        members: set[int] = set()
        for aid in acts:
            members |= people.get(aid, set())
        out.append(AudienceFigures(name, name in aud.AUDIENCES, len(acts), len(members),
                                   sum(len(people.get(aid, ())) for aid in acts),
                                   round(sum(hours.get(aid, 0.0) for aid in acts) + 0.0, 2) + 0.0))
    return out


# ---------------------------------------------------------------- who an audience names


def _year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def unmappable_message(audience: str) -> str:
    return (f"培训对象“{audience}”无法从党员名册中对应到具体党员，未报名任何人；"
            f"请按支部、职务或名单报名。可自动对应的培训对象：{'、'.join(ENROLLABLE)}")


def audience_member_ids(session: Session, target_group: str | None, day: dt.date) -> list[int]:
    """Members on the roll (在册) that the audience names on `day`, in roll order.

    Raises ValidationError (in Chinese) for an audience the roll cannot name: nothing is chosen.
    """
    audience = aud.audience_of(target_group)
    if audience not in ENROLLABLE:
        raise ValidationError(unmappable_message(audience), "target_group")
    query = access.scope(session, select(Member.id, Member.party_post, Member.membership, Member.full_member_since)
                         .join(Branch, Branch.id == Member.branch_id).where(Member.status == "在册")
                         .order_by(Branch.sort_order, Branch.id, Member.sort_key, Member.id), branch=Member.branch_id)
    rows = session.execute(query).all()
    if audience == aud.ALL_MEMBERS:
        return [r[0] for r in rows]
    if audience == SECRETARY_AUDIENCE:
        return [r[0] for r in rows if r[1] and ("书记" in r[1] or "委员" in r[1])]
    if audience == DISCIPLINE_AUDIENCE:
        return [r[0] for r in rows if r[1] in DISCIPLINE_POSTS]
    if audience == NEW_MEMBERS:
        out = []
        for mid, _post, membership, full in rows:
            if full:
                since = partial_start(full)
                if since <= day <= _year_after(since):
                    out.append(mid)
            elif membership == PROBATIONARY:
                out.append(mid)
        return out
    mobile = {m.member_id for m in session.scalars(select(MobileMember))
              if partial_start(m.start) <= day and (m.end is None or partial_end(m.end) >= day)}
    return [r[0] for r in rows if r[0] in mobile]
