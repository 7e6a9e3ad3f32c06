"""A records file that writes an existing activity's title in another width or spacing makes no twin of it."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Activity, ActivitySession, Attendance, Member
from services.normalize import fold_key
from services.training import activities, records_import, twins
from tests.helpers.training_helpers import load_roll

TITLE = "“学思想、强党性”专题党课（上半年）"


def test_records_land_on_the_activity_typed_in_the_window(db, samples, tmp_path):
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
        made = activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": "2024-05-08",
                                              "hours": 3, "organiser": "局党委"}, "t")
        names = list(s.scalars(select(Member.name).order_by(Member.id).limit(3)))
    rows = ["姓名,培训名称,培训类别,开始日期,学时",
            f"{names[0]},“学思想、强党性”专题党课 (上半年),专题党课,2024/5/8,3",  # half-width brackets, a space
            f"{names[1]},“学思想、强党性”　专题党课（上半年） ,专题党课,2024年5月8日,３",  # a full-width space
            f"{names[2]},“学思想、强党性”专题党课（上半年）,专题党课,20240508,3"]
    path = tmp_path / "records.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with db.session_factory.begin() as s:
        plan = records_import.import_records(s, path, "tester")
    assert plan.ok, [p.describe() for p in plan.refused]
    assert plan.summary()["activities_created"] == 0 and len(plan.added) == 3
    with db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id))) == 1
        on_it = s.scalar(select(func.count(Attendance.id)).join(
            ActivitySession, ActivitySession.id == Attendance.session_id).where(ActivitySession.activity_id == made.id))
        assert on_it == 3
        assert [t.attendance_rows for t in twins.find_twins(s, TITLE, made.start_date)] == [3]


def test_a_new_activity_twinning_another_type_is_created_and_named(db, samples, tmp_path):
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
        online = activities.create_activity(s, {"title": TITLE, "type": "网络培训", "start_date": "2024-05-08",
                                                "hours": 3}, "t")
        cancelled = activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": "2024-05-08",
                                                   "hours": 3}, "t")
        activities.set_status(s, cancelled.id, "已取消", "t")
        names = list(s.scalars(select(Member.name).order_by(Member.id).limit(2)))
    rows = ["姓名,培训名称,培训类别,开始日期,学时",
            f"{names[0]},“学思想、强党性”专题党课 (上半年),网络培训,2024-05-08,3",  # the same activity
            f"{names[0]},“学思想、强党性”专题党课 (上半年),专题培训,2024-05-08,3",  # another type: a twin
            f"{names[1]},“学思想、强党性”专题党课 (上半年),专题培训,2024-05-08,3",
            f"{names[1]},“学思想、强党性”专题党课 (上半年),专题培训,2024-05-09,3"]  # another day: no twin
    path = tmp_path / "records.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with db.session_factory.begin() as s:
        plan = records_import.import_records(s, path, "tester")
    assert plan.ok and plan.summary()["activities_created"] == 2  # the rule (title, type, start) kept
    # the cancelled one credits nobody: not named
    assert plan.warnings() == [f"第3行：将新建““学思想、强党性”专题党课 (上半年)”（专题培训），库中已有同名同日的“{TITLE}”（网络培训）"]
    assert plan.warnings(written=True)[0].startswith("第3行：已新建")
    assert [(new.type_name, [t.id for t in others]) for new, others in plan.twinned] == [("专题培训", [online.id])]


def test_twins_by_key_finds_each_keys_twins_at_once(db):
    with db.session_factory.begin() as s:
        a = activities.create_activity(s, {"title": TITLE, "type": "网络培训", "start_date": "2024-05-08"}, "t")
        b = activities.create_activity(s, {"title": "警示教育大会", "type": "警示教育", "start_date": "2024-06-01"}, "t")
        activities.create_activity(s, {"title": "警示教育大会", "type": "警示教育", "start_date": "2024-06-02"}, "t")
    with db.session_factory() as s:
        found = twins.twins_by_key(s, [(fold_key(TITLE), a.start_date), (fold_key("警示教育大会 "), b.start_date),
                                       (fold_key("无此活动"), b.start_date)])
        assert {k: [t.id for t in v] for k, v in found.items()} == {
            (fold_key(TITLE), a.start_date): [a.id], (fold_key("警示教育大会"), b.start_date): [b.id]}
        assert twins.find_twins(s, "警示教育大会", b.start_date) == found[(fold_key("警示教育大会"), b.start_date)]


def test_two_new_activities_of_one_file_alike_but_for_their_type_are_named(db, samples, tmp_path):
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
        names = list(s.scalars(select(Member.name).order_by(Member.id).limit(2)))
    rows = ["姓名,培训名称,培训类别,开始日期,学时",
            f"{names[0]},{TITLE},网络培训,2024-05-08,3",
            f"{names[1]},{TITLE},网络培训,2024-05-08,3",  # the same new activity: no word
            f"{names[0]},“学思想、强党性”专题党课 (上半年),专题培训,2024-05-08,3",  # its type twin, another width
            f"{names[0]},{TITLE},专题培训,2024-05-09,3"]  # another day: no twin
    path = tmp_path / "records.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with db.session_factory.begin() as s:
        plan = records_import.import_records(s, path, "tester")
    assert plan.ok and plan.summary()["activities_created"] == 3 and plan.twinned == []
    assert plan.warnings() == [f"第4行：将新建““学思想、强党性”专题党课 (上半年)”（专题培训），与第2行将新建的“{TITLE}”"
                               "（网络培训）同名同日，类别不同"]
    assert plan.warnings(written=True)[0].startswith("第4行：已新建")
