"""The 参加 count of the training list: members who attended an activity at least once, however many
sessions it has, read without a distinct count over all attendance (services/assessment/stats_sums.py)."""

from __future__ import annotations

import functools
import itertools

from sqlalchemy import select

from models import ActivitySession, Attendance
from services import access
from services.assessment.stats_sums import attended_counts
from services.normalize import ATTENDED_STATUSES
from services.training import activities, attendance, enrolment
from tests.helpers.many_rows import add_activities, add_members, old_sqlite_limit

STATUSES = ("出席", "迟到", "早退", "请假", "缺席")


def _brute_force(s, activity_ids):
    seen: dict[int, set[int]] = {}
    for aid, mid, status in s.execute(select(ActivitySession.activity_id, Attendance.member_id, Attendance.status)
                                      .join(Attendance, Attendance.session_id == ActivitySession.id)):
        if aid in activity_ids and status in ATTENDED_STATUSES:
            seen.setdefault(aid, set()).add(mid)
    return {aid: len(mids) for aid, mids in seen.items()}


def test_single_and_multi_session_activities_counted_as_distinct_attenders(demo_db):
    with demo_db.session_factory.begin() as s:
        members = enrolment.select_members(s)[:12]
        one = activities.create_activity(s, {"title": "专题讲座", "type": "专题讲座", "start_date": "2024-03-01",
                                             "hours": 2}, "t")
        three = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                               "start_date": "2024-05-06", "end_date": "2024-05-08"}, "t",
                                           sessions=[{"date": f"2024-05-0{d}", "hours": 4} for d in (6, 7, 8)])
        nobody = activities.create_activity(s, {"title": "中心组学习", "type": "中心组学习",
                                                "start_date": "2024-06-01", "hours": 2}, "t")
        statuses = itertools.cycle(STATUSES)
        for info in (one, three, nobody):
            enrolment.enrol(s, info.id, members, "t")
            got = activities.get_activity(s, info.id)
            for sess in got.sessions:
                for mid in members:
                    # `nobody`: everyone on leave or absent; the others a mix, some attending only one session.
                    status = next(statuses) if info is not nobody else ("请假" if mid % 2 else "缺席")
                    attendance.set_attendance(s, sess.id, mid, status, None, "t")
    with demo_db.session_factory() as s:
        ids = [one.id, three.id, nobody.id]
        got = attended_counts(s, ids, functools.partial(access.scope, s))
        expected = _brute_force(s, set(ids))
        assert got == expected
        assert nobody.id not in got and 0 < got[one.id] < len(members) and got[three.id] > got[one.id]
        # The list shows the same numbers.
        listed = {a.id: a.attended for a in activities.list_activities(s)}
        assert [listed[i] for i in ids] == [expected.get(i, 0) for i in ids]


def test_more_activities_than_a_statement_binds(db):
    with db.session_factory.begin() as s:
        acts, sessions = add_activities(s, 1200)  # more than old SQLite's 999 values
        people = add_members(s, 2)
        for act in (acts[0], acts[-1]):
            enrolment.enrol(s, act, people, "t")
        for session_id in (sessions[0], sessions[-1]):
            for mid in people:
                attendance.set_attendance(s, session_id, mid, "出席", None, "t")
    with old_sqlite_limit(db), db.session_factory() as s:
        got = attended_counts(s, acts, functools.partial(access.scope, s))
    assert got == {acts[0]: 2, acts[-1]: 2}
