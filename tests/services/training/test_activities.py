"""Activities: types, create/update with sessions, status, deletion rules, change log."""

from __future__ import annotations

import pytest

from services.errors import ConflictError, ValidationError
from services.safety import changelog
from services.training import activities, attendance, enrolment


def _class(session):  # a three-day class
    return activities.create_activity(session, {
        "title": "党性教育培训班", "type": "党性教育培训班", "start_date": "2023-05-08", "end_date": "2023-05-10",
        "place": "西柏坡", "organiser": "局党委", "cost": "12000", "paid_by": "党费"}, "tester", sessions=[
        {"date": "2023-05-08", "start_time": "9:00", "end_time": "12:00", "hours": 3, "topic": "开班"},
        {"date": "2023-05-09", "hours": 6, "topic": "现场教学"},
        {"date": "2023-05-10", "hours": "4学时", "topic": "结业"}])


def test_types_list_add_and_exclude(db):
    with db.session_factory.begin() as s:
        types = activities.list_types(s)
        assert len(types) == 14 and types[2].name == "党性教育培训班" and types[2].code == "DX"
        t = activities.add_type(s, "读书班", "ds", "tester")
        assert t.code == "DS"
        with pytest.raises(ConflictError):
            activities.add_type(s, "读书班", "XX", "tester")
        assert not activities.set_type_counts(s, t.id, False, "tester").counts_toward_target


def test_create_with_sessions(db):
    with db.session_factory.begin() as s:
        info = _class(s)
    assert info.hours == 13 and len(info.sessions) == 3 and info.status == "计划"
    assert info.sessions[0].start_time == "09:00" and info.cost == 12000 and info.paid_by == "党费"
    assert info.date_text() == "2023年5月8日至5月10日"
    with db.session_factory() as s:
        assert changelog.entries(s, "activity", info.id)[0].action == "create"


def test_one_session_by_default_and_validation(db):
    with db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "中心组学习", "type": "中心组学习",
                                              "start_date": "2024-01-15", "hours": 2.5}, "t")
        assert [x.hours for x in info.sessions] == [2.5]
        with pytest.raises(ValidationError) as exc:
            activities.create_activity(s, {"title": "", "type": "不存在", "start_date": "2024-13-01",
                                           "paid_by": "自费"}, "t")
        fields = {p.field for p in exc.value.problems}
        assert {"title", "type", "start_date", "paid_by"} <= fields


def test_update_sessions_and_status(db):
    with db.session_factory.begin() as s:
        info = _class(s)
        sessions = [{"id": x.id, "date": x.date, "hours": x.hours, "topic": x.topic} for x in info.sessions[:2]]
        info2 = activities.update_activity(s, info.id, {"place": "延安"}, "t", sessions=sessions)
        assert info2.place == "延安" and len(info2.sessions) == 2
        assert activities.set_status(s, info.id, "进行中", "t").status == "进行中"
        with pytest.raises(ValidationError):
            activities.set_status(s, info.id, "不存在", "t")


def test_the_second_of_two_saves_of_one_activity_is_refused_saying_what_changed(db):
    with db.session_factory.begin() as s:
        opened = _class(s)  # both clerks opened this version
    with db.session_factory.begin() as s:
        saved = activities.update_activity(s, opened.id, {"place": "延安"}, "王五", expected_version=opened.version)
    assert saved.version == opened.version + 1
    with pytest.raises(ConflictError) as refused, db.session_factory.begin() as s:
        activities.update_activity(s, opened.id, {"lecturer": "李教授"}, "李四", expected_version=opened.version)
    assert "已被其他人修改" in refused.value.message and "王五" in refused.value.message
    assert "延安" in refused.value.message
    with db.session_factory.begin() as s:
        now = activities.get_activity(s, opened.id)
        assert now.place == "延安" and now.lecturer is None
        # Reopened, the clerk's save goes through; a save without a version (an import) moves it on too.
        again = activities.update_activity(s, opened.id, {"lecturer": "李教授"}, "李四", expected_version=now.version)
        assert again.lecturer == "李教授" and again.version == now.version + 1
        assert activities.update_activity(s, opened.id, {"place": "井冈山"}, "t").version == again.version + 1


def test_activity_with_attendance_is_never_deleted(demo_db):
    with demo_db.session_factory.begin() as s:
        info = _class(s)
        empty = activities.create_activity(s, {"title": "x", "type": "其他", "start_date": "2023-01-01"}, "t")
        activities.delete_activity(s, empty.id, "t")
        enrolment.enrol(s, info.id, enrolment.select_members(s)[:3], "t")
        attendance.mark_all_present(s, info.sessions[0].id, "t")
        with pytest.raises(ConflictError):
            activities.delete_activity(s, info.id, "t")
        with pytest.raises(ConflictError):  # a session with attendance stays
            activities.update_activity(s, info.id, {}, "t", sessions=[
                {"id": info.sessions[1].id, "date": info.sessions[1].date, "hours": 6}])
        assert activities.set_status(s, info.id, "已取消", "t").status == "已取消"
        listed = activities.list_activities(s, year=2023)
        assert listed[0].enrolled == 3 and listed[0].attended == 3
        assert activities.list_activities(s, type_name="党性教育培训班", query="培训班")[0].id == info.id


def test_log_of_a_new_and_a_changed_activity_reads_in_chinese(db):
    """新建/修改活动 in the log named the type by its id (其他：2) and the rule by its code (all_sessions), and a
    changed session as session_2."""
    import re

    from services.safety import audit

    with db.session_factory.begin() as s:
        info = _class(s)
        items = [{"id": x.id, "date": x.date, "hours": x.hours} for x in info.sessions]
        items[1]["hours"] = 5
        activities.update_activity(s, info.id, {"type": "专题党课", "completion_rule": "hours",
                                                "completion_value": "5"}, "t", sessions=items)
    with db.session_factory() as s:
        updated, created = audit.query_log(s, limit=2)
    assert "新建活动" in created.text and "结业条件：全部课次出勤" in created.text
    assert "类别由“党性教育培训班”改为“专题党课”" in updated.text and "第2课次：改学时" in updated.text
    assert "结业条件由“全部课次出勤”改为“学时达到”" in updated.text
    for row in (created, updated):
        assert not audit.missing_labels(row), row.changes
        assert "其他" not in row.text and not re.search(r"[A-Za-z_]{2,}", row.text), row.text
