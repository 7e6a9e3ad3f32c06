"""Attendance statuses, import synonyms, the credit rule, adjustments, completion rules."""

from __future__ import annotations

import pytest

from services.errors import ConflictError, NormalizeError, ValidationError
from services.training import activities, attendance, enrolment


@pytest.mark.parametrize(("text", "expected"), [
    ("到", ("出席", None)), ("参加", ("出席", None)), ("√", ("出席", None)), ("", ("出席", None)),
    ("病假", ("请假", "病假")), ("事假", ("请假", "事假")), ("公假", ("请假", "公假")),
    ("未到", ("缺席", None)), ("迟到", ("迟到", None)), ("早退", ("早退", None)),
])
def test_synonyms(text, expected):
    assert attendance.normalize_status(text) == expected


def test_unknown_status_refused():
    with pytest.raises(NormalizeError):
        attendance.normalize_status("不知道")


def test_credit_rule():
    assert [attendance.credited_hours(s, 3) for s in attendance.STATUSES] == [3, 3, 3, 0, 0]


@pytest.fixture
def klass(demo_db):
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "培训班", "type": "专题培训", "start_date": "2023-06-01",
                                              "end_date": "2023-06-02"}, "t",
                                          sessions=[{"date": "2023-06-01", "hours": 4}, {"date": "2023-06-02", "hours": 3}])
        ids = enrolment.select_members(s)[:4]
        enrolment.enrol(s, info.id, ids, "t")
    return info, ids


def test_set_attendance_hours_and_counts(demo_db, klass):
    info, ids = klass
    s1, s2 = (x.id for x in info.sessions)
    with demo_db.session_factory.begin() as s:
        assert attendance.mark_all_present(s, s1, "t") == 4
        attendance.set_attendance(s, s1, ids[1], "病假", None, "t")
        attendance.set_attendance(s, s2, ids[0], "迟到", None, "t")
        attendance.set_attendance(s, s2, ids[1], "请假", "公出", "t")
        attendance.set_attendance(s, s2, ids[2], "缺席", "ignored", "t")
        cell = attendance.set_attendance(s, s2, ids[3], "早退", None, "t")
        assert cell is not None and cell.hours == 3
        hours = attendance.earned_hours(s, info.id)
        assert hours == {ids[0]: 7, ids[1]: 0, ids[2]: 4, ids[3]: 7}
        assert attendance.counts(s, info.id) == {"出席": 3, "迟到": 1, "早退": 1, "请假": 2, "缺席": 1}
        g = attendance.grid(s, info.id)
        assert g.cells[(ids[1], s1)].reason == "病假" and g.cells[(ids[2], s2)].reason is None
        # a session's hours change: grid attendance is credited again
        activities.update_activity(s, info.id, {}, "t", sessions=[
            {"id": s1, "date": "2023-06-01", "hours": 5}, {"id": s2, "date": "2023-06-02", "hours": 3}])
        assert attendance.earned_hours(s, info.id)[ids[0]] == 8
        attendance.set_attendance(s, s1, ids[0], None, None, "t")
        assert attendance.earned_hours(s, info.id)[ids[0]] == 3


def test_not_enrolled_refused(demo_db, klass):
    info, ids = klass
    with demo_db.session_factory.begin() as s:
        other = enrolment.select_members(s)[10]
        with pytest.raises(ConflictError):
            attendance.set_attendance(s, info.sessions[0].id, other, "出席", None, "t")


def test_adjustment_kept_apart(demo_db, klass):
    info, ids = klass
    with demo_db.session_factory.begin() as s:
        attendance.mark_all_present(s, info.sessions[0].id, "t")
        adj = attendance.add_adjustment(s, ids[0], 2, "补录外出学习", "张三", date="2023-06-03", activity_id=info.id)
        assert adj.author == "张三"
        assert attendance.earned_hours(s, info.id)[ids[0]] == 4
        assert [a.hours for a in attendance.adjustments(s, member_id=ids[0])] == [2]
        with pytest.raises(ValidationError):
            attendance.add_adjustment(s, ids[0], 2, " ", "张三")


def test_adjustment_of_three_decimals_kept_and_logged_as_rounded(demo_db, klass):
    from sqlalchemy import select

    from models import ChangeLog

    info, ids = klass
    with demo_db.session_factory.begin() as s:
        adj = attendance.add_adjustment(s, ids[0], 1.125, "网上补学", "张三", date="2023-06-03")
        assert adj.hours == 1.13
        assert [a.hours for a in attendance.adjustments(s, member_id=ids[0])] == [1.13]
        summary = s.scalars(select(ChangeLog.summary).order_by(ChangeLog.id.desc())).first()
        assert "+1.13" in summary and "1.125" not in summary
        with pytest.raises(ValidationError, match="四舍五入后为0"):
            attendance.add_adjustment(s, ids[0], 0.004, "网上补学", "张三")
        assert len(attendance.adjustments(s, member_id=ids[0])) == 1


def test_no_adjustment_after_a_member_left(demo_db, klass):
    from models import Member

    _info, ids = klass
    with demo_db.session_factory.begin() as s:
        member = s.get(Member, ids[0])
        member.status, member.left_date = "转出", "2023-06-30"
        with pytest.raises(ValidationError, match="已于2023-06-30转出"):
            attendance.add_adjustment(s, ids[0], 2, "补学", "张三", date="2023-07-01")
        with pytest.raises(ValidationError, match="已于2023-06-30转出"):
            attendance.add_adjustment(s, ids[0], 2, "补学", "张三")  # today
        assert attendance.add_adjustment(s, ids[0], 2, "补学", "张三", date="2023-06-30").hours == 2
        assert len(attendance.adjustments(s, member_id=ids[0])) == 1


def test_no_attendance_credited_after_a_member_left(demo_db, klass):
    """Enrolled before leaving (转出 on the class's first day): 出席 on the first day, not on the second."""
    from models import Member

    info, ids = klass
    s1, s2 = info.sessions
    with demo_db.session_factory.begin() as s:
        member = s.get(Member, ids[0])
        member.status, member.left_date = "转出", "2023-06-01"
        assert attendance.mark_all_present(s, s1.id, "t") == 4
        assert attendance.mark_all_present(s, s2.id, "t") == 3
        with pytest.raises(ConflictError, match="已于2023-06-01转出，不能记为迟到"):
            attendance.set_attendance(s, s2.id, ids[0], "迟到", None, "t")
        assert attendance.set_attendance(s, s2.id, ids[0], "缺席", None, "t").hours == 0
        assert attendance.earned_hours(s, info.id)[ids[0]] == 4


def test_completion_rules(demo_db, klass):
    info, ids = klass
    s1, s2 = (x.id for x in info.sessions)
    with demo_db.session_factory.begin() as s:
        attendance.mark_all_present(s, s1, "t")
        attendance.mark_all_present(s, s2, "t")
        attendance.set_attendance(s, s2, ids[1], "请假", None, "t")
        done = {c.member_id: c.completed for c in attendance.completion(s, info.id)}
        assert done == {ids[0]: True, ids[1]: False, ids[2]: True, ids[3]: True}
        activities.update_activity(s, info.id, {"completion_rule": "hours", "completion_value": 4}, "t")
        assert all(c.completed for c in attendance.completion(s, info.id))
        activities.update_activity(s, info.id, {"completion_rule": "share", "completion_value": 0.6}, "t")
        assert {c.member_id: c.completed for c in attendance.completion(s, info.id)}[ids[1]] is False
