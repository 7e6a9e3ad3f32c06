"""Training-record import: the sample file after the sample roll, row errors, all or nothing, idempotence."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select

from models import Activity, Attendance, Member
from services.errors import UnreadableFileError
from services.training import attendance, records_import
from tests.helpers.training_helpers import load_roll


@pytest.fixture
def roll_db(db, samples):
    with db.session_factory.begin() as s:
        assert load_roll(s, samples / "roll_clean.xlsx") == 30
    return db


def test_sample_imports_once(roll_db, samples):
    path = samples / "records.xlsx"
    with roll_db.session_factory.begin() as s:
        plan = records_import.plan_records(s, path)
        assert plan.refused == [] and plan.total_rows > 0
        assert len(plan.added) == plan.total_rows and len(plan.new_activities) == 4
        records_import.apply_records(s, plan, "tester")
    with roll_db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id))) == 4
        leave = s.execute(select(Attendance.status, Attendance.hours).where(
            Attendance.status.in_(("请假", "缺席")))).all()
        assert leave and all(h == 0 for _, h in leave)
        present = s.scalars(select(Attendance.hours).where(Attendance.status == "出席")).all()
        assert present and all(h > 0 for h in present)
    with roll_db.session_factory.begin() as s:
        again = records_import.import_records(s, path, "tester")
        summary = again.summary()
        assert summary["added"] == 0 and summary["updated"] == 0 and summary["activities_created"] == 0
        assert summary["unchanged"] == plan.total_rows and summary["refused"] == []
    with roll_db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id))) == 4


def test_row_errors_refuse_everything(roll_db, tmp_path):
    with roll_db.session_factory() as s:
        m = s.scalars(select(Member).order_by(Member.id)).first()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["学时登记"])
    ws.append(["姓名", "身份证号码", "课程名称", "类型", "日期", "学时数", "出勤", "籍贯"])
    ws.append([m.name, m.id_number, "网络学习专栏", "网络培训", "2024-02-01", "3.5学时", "参加", "x"])
    ws.append(["查无此人", "", "网络学习专栏", "网络培训", "2024-02-01", 3, "到", ""])
    ws.append([m.name, "", "网络学习专栏", "不存在的类别", "2024-13-01", "三", "打酱油", ""])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with roll_db.session_factory.begin() as s:
        plan = records_import.import_records(s, path, "tester")
        got = {(p.row, p.column) for p in plan.refused}
        assert (4, "姓名") in got
        assert {(5, "类型"), (5, "日期"), (5, "学时数"), (5, "出勤")} <= got
        assert plan.ignored_columns == ["籍贯"]
        assert all(p.message for p in plan.refused)
    with roll_db.session_factory() as s:
        assert s.scalar(select(func.count(Activity.id))) == 0


def test_organiser_place_and_audience_refused_under_their_own_columns(roll_db, tmp_path):
    """A 地点 over 200 characters was reported under “主办单位”, and hid a bad 主办单位 or 培训对象 beside it."""
    with roll_db.session_factory() as s:
        m = s.scalars(select(Member).order_by(Member.id)).first()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号码", "培训名称", "类别", "日期", "学时", "出勤情况", "主办单位", "地点", "培训对象"])
    ws.append([m.name, m.id_number, "专题党课", "专题党课", "2024-02-01", 2, "出席", "局党委", "会" * 201, "全体党员"])
    ws.append([m.name, m.id_number, "专题党课", "专题党课", "2024-03-01", 2, "出席", "委" * 101, "会议室", "党" * 101])
    path = tmp_path / "long.xlsx"
    wb.save(path)
    with roll_db.session_factory.begin() as s:
        plan = records_import.plan_records(s, path)
    assert sorted((p.row, p.column) for p in plan.refused) == sorted([(2, "地点"), (3, "主办单位"), (3, "培训对象")])
    assert all("内容过长" in p.message for p in plan.refused)


def test_online_hours_differ_and_update(roll_db, tmp_path):
    with roll_db.session_factory() as s:
        a, b = s.scalars(select(Member).order_by(Member.id).limit(2)).all()
    def write(hours_a):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["公民身份号码", "培训名称", "培训类别", "开始日期", "学时", "出勤情况"])
        ws.append([a.id_number, "网上党校", "网络培训", "2024-03-01", hours_a, "√"])
        ws.append([b.id_number, "网上党校", "网络培训", "2024-03-01", 12, "病假"])
        path = tmp_path / "online.xlsx"
        wb.save(path)
        return path
    with roll_db.session_factory.begin() as s:
        records_import.import_records(s, write(7.5), "t")
        act = s.scalar(select(Activity.id))
        assert attendance.earned_hours(s, act) == {a.id: 7.5, b.id: 0}
        assert attendance.grid(s, act).cells[(b.id, s.scalar(select(Attendance.session_id)))].reason == "病假"
    with roll_db.session_factory.begin() as s:
        refused = records_import.import_records(s, write(9), "t", on_existing="refuse")
        assert len(refused.refused) == 1
        plan = records_import.import_records(s, write(9), "t")
        assert len(plan.updated) == 1 and len(plan.unchanged) == 1
        assert attendance.earned_hours(s, act)[a.id] == 9


def test_unreadable(roll_db, tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    with roll_db.session_factory() as s, pytest.raises(UnreadableFileError):
        records_import.plan_records(s, bad)


def test_no_hours_after_a_member_left(roll_db, tmp_path):
    """A member who left (转出 on 2024-06-30, or 去世 in 2024-06, a month) keeps the hours of before, not after."""
    with roll_db.session_factory.begin() as s:
        moved, died = s.scalars(select(Member).order_by(Member.id).limit(2)).all()
        moved.status, moved.left_date = "转出", "2024-06-30"
        died.status, died.left_date = "去世", "2024-06"
        people = [(moved.name, moved.id_number), (died.name, died.id_number)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号码", "培训名称", "培训类别", "开始日期", "学时"])
    for name, number in people:
        ws.append([name, number, "上半年专题党课", "专题党课", "2024-06-30", 2])
        ws.append([name, number, "下半年专题党课", "专题党课", "2024-07-01", 2])
    path = tmp_path / "left.xlsx"
    wb.save(path)
    with roll_db.session_factory.begin() as s:
        plan = records_import.import_records(s, path, "tester")
        assert [(p.row, p.column) for p in plan.refused] == [(3, "开始日期"), (5, "开始日期")]
        assert "已于2024-06-30转出" in plan.refused[0].message and "2024-07-01" in plan.refused[0].message
        assert "已于2024-06-30去世" in plan.refused[1].message
    with roll_db.session_factory() as s:
        assert s.scalar(select(func.count(Attendance.id))) == 0
