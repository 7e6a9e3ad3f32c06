"""A records file naming a cancelled or archived activity: refused at the check, as the attendance grid refuses it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Activity, ActivitySession, Attendance, Member
from services.errors import ConflictError
from services.normalize import CLOSED_ACTIVITY_STATUSES
from services.training import activities, attendance, enrolment, records_import
from tests.helpers.training_helpers import load_roll

TITLE = "“学思想、强党性”专题党课（上半年）"


@pytest.fixture
def roll_db(db, samples):
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
    return db


def _members(db, n: int) -> list[tuple[int, str, str]]:
    with db.session_factory() as s:
        return [tuple(r) for r in s.execute(select(Member.id, Member.name, Member.id_number)
                                            .order_by(Member.id).limit(n))]


def _write(tmp_path, rows: list[str], name: str = "records.csv"):
    path = tmp_path / name
    path.write_text("\n".join(["姓名,身份证号码,培训名称,培训类别,开始日期,学时,出勤情况", *rows]) + "\n", encoding="utf-8")
    return path


def _attendance_count(db) -> int:
    with db.session_factory() as s:
        return int(s.scalar(select(func.count(Attendance.id))) or 0)


@pytest.mark.parametrize("status", CLOSED_ACTIVITY_STATUSES)
def test_rows_of_a_closed_activity_are_refused_under_the_title(roll_db, tmp_path, status):
    (_i1, n1, id1), (_i2, n2, id2) = _members(roll_db, 2)
    with roll_db.session_factory.begin() as s:
        made = activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": "2024-05-08",
                                              "hours": 3}, "clerk")
        activities.set_status(s, made.id, status, "clerk")
    path = _write(tmp_path, [f"{n1},{id1},“学思想、强党性”专题党课 (上半年),专题党课,2024-05-08,3,出席",
                             f"{n2},{id2},网络学习专栏,网络培训,2024-06-01,2,出席",
                             f"{n2},{id2},{TITLE},专题党课,2024/5/8,3,请假"])
    with roll_db.session_factory.begin() as s:
        plan = records_import.import_records(s, path, "tester")
    assert not plan.ok
    assert [p.describe() for p in plan.refused] == [
        f"第2行“培训名称”列：活动“{TITLE}”{status}，不能再记录学时",
        f"第4行“培训名称”列：活动“{TITLE}”{status}，不能再记录学时"]
    # refused as a whole: not even the good row's new activity was written
    assert _attendance_count(roll_db) == 0
    with roll_db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id))) == 1


def test_the_grid_refuses_the_same_statuses(roll_db):
    (m_id, _n, _id), = _members(roll_db, 1)
    for status in CLOSED_ACTIVITY_STATUSES:
        with roll_db.session_factory.begin() as s:
            made = activities.create_activity(s, {"title": f"党课{status}", "type": "专题党课",
                                                  "start_date": "2024-05-08", "hours": 3}, "clerk")
            s_id = made.sessions[0].id
            enrolment.enrol(s, made.id, [m_id], "clerk")
            activities.set_status(s, made.id, status, "clerk")
        with roll_db.session_factory.begin() as s, pytest.raises(ConflictError, match=status):
            attendance.set_attendance(s, s_id, m_id, "出席", None, "clerk")


def test_an_archived_activity_reimported_unchanged_passes(roll_db, tmp_path):
    """Archiving last year's activities does not stop the same file being imported again: nothing changes."""
    (_i1, n1, id1), (_i2, n2, id2) = _members(roll_db, 2)
    path = _write(tmp_path, [f"{n1},{id1},{TITLE},专题党课,2024-05-08,3,出席"])
    with roll_db.session_factory.begin() as s:
        assert records_import.import_records(s, path, "tester").ok
        a_id = s.scalar(select(Activity.id))
        activities.set_status(s, a_id, "已归档", "clerk")
    with roll_db.session_factory.begin() as s:
        again = records_import.import_records(s, path, "tester", on_existing="refuse")
    assert again.ok and again.summary()["unchanged"] == 1
    changed = _write(tmp_path, [f"{n1},{id1},{TITLE},专题党课,2024-05-08,2,出席",
                                f"{n2},{id2},{TITLE},专题党课,2024-05-08,3,出席"], "changed.csv")
    with roll_db.session_factory.begin() as s:
        plan = records_import.import_records(s, changed, "tester", on_existing="update")
    assert [(p.row, p.column) for p in plan.refused] == [(2, "培训名称"), (3, "培训名称")]
    with roll_db.session_factory.begin() as s:  # skipping the changed record writes nothing; the new one would
        plan = records_import.import_records(s, changed, "tester", on_existing="skip")
    assert [(p.row, p.column) for p in plan.refused] == [(3, "培训名称")]
    assert _attendance_count(roll_db) == 1


def test_rows_land_on_the_open_activity_of_a_key_a_cancelled_one_shares(roll_db, tmp_path):
    (_i1, n1, id1), = _members(roll_db, 1)
    with roll_db.session_factory.begin() as s:
        first = activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": "2024-05-08",
                                               "hours": 3}, "clerk")
        activities.set_status(s, first.id, "已取消", "clerk")
        second = activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": "2024-05-08",
                                                "hours": 3}, "clerk")
    path = _write(tmp_path, [f"{n1},{id1},{TITLE},专题党课,2024-05-08,3,出席"])
    with roll_db.session_factory.begin() as s:
        plan = records_import.import_records(s, path, "tester")
    assert plan.ok and plan.summary()["activities_created"] == 0
    with roll_db.session_factory() as s:
        on = s.scalars(select(ActivitySession.activity_id).join(
            Attendance, Attendance.session_id == ActivitySession.id)).all()
    assert on == [second.id]
    with roll_db.session_factory() as s:  # one rule: the activity of a key is the one the import writes to
        assert activities.find_activity(s, TITLE, second.type_id, second.start_date) == second.id


def test_of_a_key_whose_activities_are_all_closed_the_first_is_found(roll_db):
    with roll_db.session_factory.begin() as s:
        made = [activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": "2024-05-08",
                                               "hours": 3}, "clerk") for _ in range(3)]
        activities.set_status(s, made[0].id, "已归档", "clerk")
        activities.set_status(s, made[1].id, "已取消", "clerk")
        assert activities.find_activity(s, TITLE, made[0].type_id, made[0].start_date) == made[2].id
        activities.set_status(s, made[2].id, "已取消", "clerk")
        assert activities.find_activity(s, TITLE, made[0].type_id, made[0].start_date) == made[0].id
