"""A records import puts back its own texts as the file writes them, never the clerk's: an activity made in the
window, or a text a clerk changed there, keeps the clerk's spelling while the rows still land on it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Activity, ActivitySession, Attendance, ChangeLog, Member
from services.training import activities, records_import
from tests.helpers.training_helpers import load_roll

TITLE = "“学思想、强党性”专题党课（上半年）"
FILE_TITLE = "“学思想、强党性”专题党课 (上半年)"  # the same by fold_key: half-width brackets, a space


@pytest.fixture
def roll_db(db, samples):
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
    return db


def _write(db, tmp_path, title: str, organiser: str, place: str, name: str = "records.csv"):
    with db.session_factory() as s:
        rows = s.execute(select(Member.name, Member.id_number).order_by(Member.id).limit(2)).all()
    path = tmp_path / name
    path.write_text("\n".join(["姓名,身份证号码,培训名称,培训类别,开始日期,学时,主办单位,地点",
                               *(f"{n},{i},{title},专题党课,2024-05-08,3,{organiser},{place}" for n, i in rows)])
                    + "\n", encoding="utf-8")
    return path


def _texts(db, a_id: int) -> tuple[str, str | None, str | None]:
    with db.session_factory() as s:
        a = s.get(Activity, a_id)
        assert a is not None
        return a.title, a.organiser, a.place


def _restore_entries(db) -> int:
    with db.session_factory() as s:
        return int(s.scalar(select(func.count(ChangeLog.id)).where(
            ChangeLog.summary.startswith(records_import.IMPORT_RESTORED))) or 0)


def test_an_activity_typed_in_the_window_keeps_the_clerks_spelling(roll_db, tmp_path):
    with roll_db.session_factory.begin() as s:
        made = activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": "2024-05-08",
                                              "hours": 3, "organiser": "局党委（机关党委）",
                                              "place": "党员活动室（三楼）"}, "clerk")
    path = _write(roll_db, tmp_path, FILE_TITLE, "局党委(机关党委)", "党员活动室 (三楼)")
    with roll_db.session_factory.begin() as s:
        plan = records_import.import_records(s, path, "tester")
    assert plan.ok and plan.restored == {}
    assert (len(plan.added), plan.summary()["activities_created"]) == (2, 0)
    assert _texts(roll_db, made.id) == (TITLE, "局党委（机关党委）", "党员活动室（三楼）")
    assert _restore_entries(roll_db) == 0
    with roll_db.session_factory() as s:  # the rows landed on it all the same
        assert s.scalar(select(func.count(Attendance.id)).join(
            ActivitySession, ActivitySession.id == Attendance.session_id)
            .where(ActivitySession.activity_id == made.id)) == 2


def test_an_imported_activity_is_restored_but_not_in_a_text_the_clerk_changed(roll_db, tmp_path):
    path = _write(roll_db, tmp_path, FILE_TITLE, "局党委(机关党委)", "党员活动室 (三楼)")
    with roll_db.session_factory.begin() as s:
        assert records_import.import_records(s, path, "tester").ok
        a_id = int(s.scalar(select(Activity.id)) or 0)
    with roll_db.session_factory.begin() as s:  # an older version stored its texts folded
        a = s.get(Activity, a_id)
        assert a is not None
        a.organiser, a.place = "局党委（机关党委）", "党员活动室（三楼）"
    with roll_db.session_factory.begin() as s:
        activities.update_activity(s, a_id, {"title": TITLE}, "clerk")  # the clerk's own spelling
    with roll_db.session_factory.begin() as s:
        again = records_import.import_records(s, path, "tester")
    assert again.ok and again.summary()["unchanged"] == 2
    assert again.restored == {a_id: {"organiser": ("局党委（机关党委）", "局党委(机关党委)"),
                                     "place": ("党员活动室（三楼）", "党员活动室 (三楼)")}}
    assert _texts(roll_db, a_id) == (TITLE, "局党委(机关党委)", "党员活动室 (三楼)")
    assert _restore_entries(roll_db) == 1


def test_a_cancelled_activity_is_not_restored(roll_db, tmp_path):
    path = _write(roll_db, tmp_path, FILE_TITLE, "局党委", "")
    with roll_db.session_factory.begin() as s:
        assert records_import.import_records(s, path, "tester").ok
        a_id = int(s.scalar(select(Activity.id)) or 0)
    with roll_db.session_factory.begin() as s:
        a = s.get(Activity, a_id)
        assert a is not None
        a.title = TITLE
        activities.set_status(s, a_id, "已取消", "clerk")
    with roll_db.session_factory.begin() as s:
        again = records_import.import_records(s, path, "tester", on_existing="refuse")
    assert again.ok and again.summary()["unchanged"] == 2 and again.restored == {}
    assert _texts(roll_db, a_id)[0] == TITLE
