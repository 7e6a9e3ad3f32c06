"""Demo data: only into an empty database, and removable exactly, leaving what the office entered."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Activity, ActivitySession, Attendance, Branch, Certificate, Enrolment, Member
from services.demo import records
from services.demo.demo import seed_demo, seed_demo_bureau
from services.errors import ConflictError
from services.roll import branches, members
from services.training import activities, attendance, enrolment
from tests.helpers.free_text import full_id
from tests.helpers.many_rows import add_activities, add_members, old_sqlite_limit


def _count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model)) or 0


def test_demo_refuses_a_database_with_data(db) -> None:
    with db.session_factory.begin() as s:
        branches.create_branch(s, "机关第一党支部", "t")
        members.create_member(s, {"name": "赵敏", "id_number": full_id("11010119800101001"),
                                  "branch": "机关第一党支部"}, "t")
    with db.session_factory.begin() as s, pytest.raises(ConflictError, match="党员1名"):
        seed_demo_bureau(s, members=10, branches=2)
    with db.session_factory() as s:
        assert _count(s, Member) == 1 and not records.has_demo(s)


def test_a_branch_set_up_first_is_reused_and_kept(db) -> None:
    with db.session_factory.begin() as s:
        branches.create_branch(s, "办公室党支部", "t")  # the demo's first branch name
        seed_demo(s, members=12, branches=3, seed=3)
    with db.session_factory.begin() as s:
        removed = records.remove_demo(s)
    assert (removed.members, removed.branches) == (12, 2)
    with db.session_factory() as s:
        assert set(s.scalars(select(Branch.name))) == {"办公室党支部"}


def test_remove_demo_keeps_what_the_office_entered(db) -> None:
    with db.session_factory.begin() as s:
        seed_demo_bureau(s, members=30, branches=3, seed=5)
    with db.session_factory.begin() as s:
        assert records.has_demo(s) and _count(s, Certificate) > 0
        demo_branch = s.scalars(select(Branch).order_by(Branch.id)).first()
        office_branch = branches.create_branch(s, "本单位党支部", "t")
        mine = members.create_member(s, {"name": "赵敏", "id_number": full_id("11010119800101001"),
                                         "branch": office_branch.name}, "t")
        moved = members.create_member(s, {"name": "钱进", "id_number": full_id("11010119800202002"),
                                          "branch": demo_branch.name}, "t")
        act = activities.create_activity(s, {"title": "本单位专题党课", "type": "专题党课", "start_date": "2024-03-01"},
                                          "t", sessions=[{"date": "2024-03-01", "hours": 2}])
        demo_member = s.scalars(select(Member.id).where(Member.id.not_in((mine.id, moved.id)))).first()
        enrolment.enrol(s, act.id, [mine.id, demo_member], "t")
        attendance.mark_all_present(s, act.sessions[0].id, "t")
    with db.session_factory.begin() as s:
        removed = records.remove_demo(s, "t")
    assert (removed.members, removed.branches) == (30, 2) and removed.activities > 0
    assert removed.kept_branches == (demo_branch.name,)
    with db.session_factory() as s:
        assert set(s.scalars(select(Member.name))) == {"赵敏", "钱进"}
        assert set(s.scalars(select(Activity.title))) == {"本单位专题党课"}
        assert set(s.scalars(select(Branch.name))) == {"本单位党支部", demo_branch.name}
        assert set(s.scalars(select(Attendance.member_id))) == {mine.id}
        assert _count(s, Certificate) == 0 and not records.has_demo(s)
    with db.session_factory.begin() as s, pytest.raises(ConflictError, match="没有示例数据"):
        records.remove_demo(s, "t")


def test_roll_only_demo_is_removed_too(db) -> None:
    with db.session_factory.begin() as s:
        seed_demo(s, members=12, branches=2, seed=3)
    with db.session_factory.begin() as s:
        removed = records.remove_demo(s)
    assert (removed.members, removed.branches, removed.activities) == (12, 2, 0)
    with db.session_factory() as s:
        assert records.contents(s) == []


def test_a_demo_larger_than_a_statement_binds_is_removed(db) -> None:
    with db.session_factory.begin() as s:
        ids = add_members(s, 1200)  # more than old SQLite's 999 values
        acts, sessions = add_activities(s, 1200)
        enrolment.enrol(s, acts[-1], ids[-2:], "t")
        attendance.set_attendance(s, sessions[-1], ids[-1], "出席", None, "t")
        records.mark_demo(s, "member", ids)
        records.mark_demo(s, "activity", acts)
        records.mark_demo(s, "branch", [s.scalar(select(Member.branch_id).where(Member.id == ids[0]))])
        kept = add_members(s, 1, prefix="留")  # the office's own
    with old_sqlite_limit(db), db.session_factory.begin() as s:
        removed = records.remove_demo(s, "t")
    assert (removed.branches, removed.members, removed.activities) == (1, 1200, 1200)
    with db.session_factory() as s:
        assert s.scalars(select(Member.id)).all() == kept
        assert _count(s, Activity) == _count(s, ActivitySession) == _count(s, Attendance) == _count(s, Enrolment) == 0
