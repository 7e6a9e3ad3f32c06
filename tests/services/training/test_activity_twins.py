"""Twin activities: the same title (by fold_key) and start date, not cancelled; found, named, refused on request."""

from __future__ import annotations

import datetime as dt

import pytest

from models import Activity, Member
from services import access
from services.roles import EDITOR
from services.training import activities, attendance, enrolment, twins

TITLE = "“学思想、强党性”专题党课（上半年）"
DAY = dt.date(2024, 5, 8)


def _lesson(s, title=TITLE, start="2024-05-08", organiser="局党委", **more):
    return activities.create_activity(s, {"title": title, "type": "专题党课", "start_date": start,
                                          "hours": 3, "organiser": organiser, **more}, "t")


def test_the_same_title_by_fold_key_and_start_is_a_twin(demo_db):
    with demo_db.session_factory.begin() as s:
        first = _lesson(s)
        ids = enrolment.select_members(s)[:3]
        enrolment.enrol(s, first.id, ids, "t")
        for m in ids:
            attendance.set_attendance(s, first.sessions[0].id, m, "出席", None, "t")
        _lesson(s, start="2024-05-09")  # another day: no twin
        _lesson(s, title="学思想、强党性专题党课（下半年）")  # another title: no twin
        found = twins.find_twins(s, " “学思想、强党性”专题党课 (上半年)", DAY)  # other width and spacing
        assert [t.id for t in found] == [first.id]
        twin = found[0]
        assert (twin.title, twin.organiser, twin.attendance_rows, twin.type_name) == (TITLE, "局党委", 3, "专题党课")
        assert twin.describe() == f"“{TITLE}”（编号{first.id}，专题党课，2024年5月8日，局党委主办，已有3条考勤记录）"
        assert twins.find_twins(s, TITLE, DAY, other_than=first.id) == []
        assert twins.find_twins(s, "", DAY) == []


def test_a_cancelled_activity_is_no_twin(db):
    with db.session_factory.begin() as s:
        first = _lesson(s, organiser="")
        assert "未填主办单位，尚无考勤记录" in twins.find_twins(s, TITLE, DAY)[0].describe()
        activities.set_status(s, first.id, "已取消", "t")
        assert twins.find_twins(s, TITLE, DAY) == []
        activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": DAY}, "t", allow_twin=False)


def test_create_refuses_a_twin_only_when_asked_and_writes_nothing(db):
    with db.session_factory.begin() as s:
        first = _lesson(s)
    with db.session_factory.begin() as s:
        with pytest.raises(twins.TwinActivityError) as refused:
            activities.create_activity(s, {"title": "“学思想、强党性”专题党课(上半年)", "type": "中心组学习",
                                           "start_date": "2024-05-08"}, "t", allow_twin=False)
        assert [t.id for t in refused.value.twins] == [first.id]
        assert refused.value.exit_code == 2 and TITLE in refused.value.message and "未保存" in refused.value.message
        assert s.query(Activity).count() == 1
        second = _lesson(s)  # allowed by default: the caller has asked the clerk
        assert second.title == TITLE and s.query(Activity).count() == 2


def test_editing_into_a_twin_is_refused_when_asked(db):
    with db.session_factory.begin() as s:
        first = _lesson(s)
        other = _lesson(s, title="中心组学习", start="2024-05-09")
        with pytest.raises(twins.TwinActivityError) as refused:
            activities.update_activity(s, other.id, {"title": "“学思想、强党性”专题党课（上半年）",
                                                     "start_date": "2024-05-08"}, "t", allow_twin=False)
        assert [t.id for t in refused.value.twins] == [first.id]
        assert activities.get_activity(s, other.id).title == "中心组学习"
        # An activity that already twins another may still be edited in what does not make it one.
        twin = _lesson(s)
        assert activities.update_activity(s, twin.id, {"place": "西柏坡", "title": TITLE.replace("（", "(")},
                                          "t", allow_twin=False).place == "西柏坡"
        moved = activities.update_activity(s, first.id, {"start_date": "2024-06-01"}, "t", allow_twin=False)
        assert moved.start_date == dt.date(2024, 6, 1)


def test_a_branch_account_is_told_of_what_it_sees_only(demo_db):
    with demo_db.session_factory.begin() as s:
        first = _lesson(s, organiser="局党委")
        members = enrolment.select_members(s)[:40]
        enrolment.enrol(s, first.id, members, "t")
        for m in members:
            attendance.set_attendance(s, first.sessions[0].id, m, "出席", None, "t")
        branch_of = dict(s.query(Member.id, Member.branch_id).filter(Member.id.in_(members)))
        own = branch_of[members[0]]
        mine = sum(1 for m in members if branch_of[m] == own)
        assert 0 < mine < len(members)
        unseen = _lesson(s, organiser="市委组织部")
    with demo_db.session_factory.begin() as s:
        access.bind(s, EDITOR, "t", [own])
        found = twins.find_twins(s, TITLE, DAY)
        assert [(t.id, t.attendance_rows) for t in found] == [(first.id, mine)]
        assert unseen.id not in [t.id for t in found]
