"""Branch accounts (支部账号): an account limited to some branches sees and edits only them, through the services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Activity, ActivitySession, Attendance, Branch, Enrolment, Member
from services import access
from services.access import ADMIN, EDITOR, VIEWER
from services.assessment import ledger, stats
from services.errors import ConflictError, PermissionDeniedError, ValidationError
from services.roll import branches as branch_service
from services.roll import members as member_service
from services.roll import roll_export
from services.safety import accounts
from services.safety.storage import Database
from services.training import activities, attendance, certificates, enrolment
from services.workspace import Workspace

PASSWORD = "branch-secret-1"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)


@pytest.fixture
def demo_db(db: Database) -> Database:
    """The demonstration bureau with its five years of activities (100 members, 11 branches)."""
    from services.demo.demo import seed_demo_bureau

    with db.session_factory.begin() as session:
        seed_demo_bureau(session, members=100, branches=11, seed=7)
    return db


def _branch(demo_db: Database, n: int = 3) -> Branch:
    with demo_db.session_factory() as s:
        return s.scalars(select(Branch).order_by(Branch.sort_order, Branch.id)).all()[n]


def _login(db: Database, username: str, role: str, branches: list[str]) -> Workspace:
    with db.session_factory.begin() as s:
        if not accounts.has_accounts(s):
            accounts.create_account(s, "boss", ADMIN, PASSWORD, "测试")
        accounts.create_account(s, username, role, PASSWORD, "boss", branches=branches)
    ws = Workspace.over(db)
    ws.login(username, PASSWORD)
    return ws


def _office(db: Database) -> Workspace:
    ws = Workspace.over(db)
    ws.login("boss", PASSWORD)
    return ws


def test_login_binds_the_branches_and_members_are_scoped(demo_db: Database) -> None:
    branch = _branch(demo_db)
    ws = _login(demo_db, "sec", EDITOR, [branch.name])
    assert ws.branch_ids == (branch.id,)
    with ws.read() as s:
        assert access.current_branches(s) == {branch.id}
        mine = member_service.list_members(s)
        assert mine and {m.branch for m in mine} == {branch.name}
        assert [b.name for b in branch_service.list_branches(s)] == [branch.name]
        # Search and lookups stay inside the branch too.
        other = s.scalar(select(Member).where(Member.branch_id != branch.id))
        assert other is not None
        assert member_service.find_by_id_number(s, other.id_number) is None
        assert not member_service.list_members(s, query=other.name[-1]) or all(
            m.branch == branch.name for m in member_service.list_members(s, query=other.name[-1]))
    with _office(demo_db).read() as s:
        assert access.current_branches(s) is None
        assert len(member_service.list_members(s)) == 100


def test_a_branch_account_cannot_touch_another_branchs_member(demo_db: Database) -> None:
    branch = _branch(demo_db)
    ws = _login(demo_db, "sec", EDITOR, [branch.name])
    with demo_db.session_factory() as s:
        other = s.scalar(select(Member).where(Member.branch_id != branch.id).order_by(Member.id))
        own = s.scalar(select(Member).where(Member.branch_id == branch.id).order_by(Member.id))
        assert other is not None and own is not None
        other_id, own_id, other_name = other.id, own.id, other.name
        other_branch = other.branch.name
    with ws.read() as s:
        raw = member_service.record_as_raw(member_service.get_member(s, own_id))
    with pytest.raises(PermissionDeniedError, match="本支部"), ws.write("members-update") as uow:
        member_service.mark_left(uow.session, other_id, "转出", "2024-01", "调动", uow.actor)
    with pytest.raises(PermissionDeniedError, match="本支部"), ws.write("adjust-hours") as uow:
        attendance.add_adjustment(uow.session, other_id, 2, "补录", uow.actor)
    # Nor move its own member into another branch.
    with pytest.raises(PermissionDeniedError), ws.write("members-update") as uow:
        member_service.update_member(uow.session, own_id, raw | {"branch": other_branch}, uow.actor)
    with demo_db.session_factory() as s:
        member = s.get(Member, other_id)
        assert member is not None and member.status == "在册" and member.name == other_name
    # Its own members it edits as any clerk.
    with ws.write("members-update") as uow:
        member_service.update_member(uow.session, own_id, raw | {"remarks": "支部录入"}, uow.actor)
    with _office(demo_db).write("members-update") as uow:  # the office is unaffected
        member_service.mark_left(uow.session, other_id, "转出", "2024-01", "调动", uow.actor)


def test_activities_attendance_and_stats_are_scoped(demo_db: Database) -> None:
    branch = _branch(demo_db)
    ws = _login(demo_db, "sec", VIEWER, [branch.name])
    office = _office(demo_db)
    with office.read() as s:
        everything = activities.list_activities(s)
        before = stats.compute_stats(s, dt.date(2020, 1, 1), dt.date(2026, 12, 31))
        own = set(s.scalars(select(Member.id).where(Member.branch_id == branch.id)))
        # The rule: organised by the branch, or with one of its members enrolled or on a sheet.
        expected = set(s.scalars(select(Activity.id).where(Activity.organiser == branch.name)))
        expected |= set(s.scalars(select(Enrolment.activity_id).where(Enrolment.member_id.in_(own))))
        expected |= set(s.scalars(select(ActivitySession.activity_id).join(
            Attendance, Attendance.session_id == ActivitySession.id).where(Attendance.member_id.in_(own))))
        other_activity = next(a.id for a in everything if a.id not in expected)
    with ws.read() as s:
        listed = activities.list_activities(s)
        assert {a.id for a in listed} == expected and len(listed) < len(everything)
        shared = next(a for a in listed if a.enrolled)
        assert {p.member_id for p in enrolment.participants(s, shared.id)} <= own
        g = attendance.grid(s, shared.id)
        assert {m for m, _ in g.cells} <= own
        with pytest.raises(PermissionDeniedError):
            activities.get_activity(s, other_activity)
        figures = stats.compute_stats(s, dt.date(2020, 1, 1), dt.date(2026, 12, 31))
        on_roll = [r for r in member_service.list_members(s, status="在册")]
        assert figures["members"] == len(on_roll) and figures["branches"] == 1
        assert figures["members"] < before["members"]
        assert sum(figures["person_times"].values()) < sum(before["person_times"].values())
        assert {r.member_id for r in ledger.year_ledger(s, 2024).rows} <= own
        assert {c.member_id for c in certificates.list_certificates(s)} <= own
    with office.read() as s:
        assert stats.compute_stats(s, dt.date(2020, 1, 1), dt.date(2026, 12, 31)) == before


def test_attendance_of_another_branch_is_refused(demo_db: Database) -> None:
    branch = _branch(demo_db)
    ws = _login(demo_db, "sec", EDITOR, [branch.name])
    with demo_db.session_factory() as s:
        own = set(s.scalars(select(Member.id).where(Member.branch_id == branch.id)))
        row = s.execute(select(Enrolment.activity_id, Enrolment.member_id).where(
            Enrolment.member_id.not_in(own), Enrolment.activity_id.in_(
                select(Enrolment.activity_id).where(Enrolment.member_id.in_(own))))).first()
        assert row is not None
        activity_id, other = row
        session_id = s.scalar(select(ActivitySession.id).where(ActivitySession.activity_id == activity_id))
        a = s.get(Activity, activity_id)
        assert a is not None
        a.status = "进行中"
        s.commit()
    with pytest.raises(PermissionDeniedError, match="本支部"), ws.write("attendance-set") as uow:
        attendance.set_attendance(uow.session, session_id, other, "缺席", None, uow.actor)
    with pytest.raises(PermissionDeniedError, match="其他党支部"), ws.write("activities-status") as uow:
        activities.set_status(uow.session, activity_id, "已归档", uow.actor)
    with ws.write("attendance-clear") as uow:  # clearing a session clears its own members only
        attendance.clear_session(uow.session, session_id, uow.actor, revoke=True)
    with demo_db.session_factory() as s:
        left = set(s.scalars(select(Attendance.member_id).where(Attendance.session_id == session_id)))
        assert not left & own and left


def test_accounts_and_branches(demo_db: Database) -> None:
    branch = _branch(demo_db)
    with demo_db.session_factory.begin() as s:
        accounts.create_account(s, "boss", ADMIN, PASSWORD, "测试")
        with pytest.raises(ValidationError, match="没有名为“无此支部”的党支部"):
            accounts.create_account(s, "x", EDITOR, PASSWORD, "boss", branches=["无此支部"])
        with pytest.raises(ValidationError, match="管理员"):
            accounts.create_account(s, "y", ADMIN, PASSWORD, "boss", branches=[branch.name])
        info = accounts.create_account(s, "sec", EDITOR, PASSWORD, "boss", branches=[branch.name])
        assert info.branches == (branch.name,) and info.is_branch_account
        with pytest.raises(ConflictError):
            accounts.update_account(s, "sec", "boss", role=ADMIN)
        # A branch an account is limited to cannot be deleted (the account would see everything).
        empty = branch_service.create_branch(s, "新建党支部", "boss")
        accounts.set_account_branches(s, "sec", [branch.name, empty.name], "boss")
        with pytest.raises(ConflictError, match="支部账号"):
            branch_service.delete_branch(s, empty.id, "boss")
        # Merged away: the account follows its members into the target branch.
        branch_service.merge_branches(s, empty.id, branch.id, "boss")
        assert accounts.get_account(s, "sec").branches == (branch.name,)
    ws = Workspace.over(demo_db)
    ws.login("sec", PASSWORD)
    with pytest.raises(PermissionDeniedError, match="支部账号不能新建党支部"), ws.write("branches-create") as uow:
        branch_service.create_branch(uow.session, "另一支部", uow.actor)
    with pytest.raises(PermissionDeniedError, match="支部账号不能备份数据库"):
        access.require_office(ws.branch_ids, "备份数据库", access.SNAPSHOT_REASON)


def test_roll_export_and_import_stay_in_the_branch(demo_db: Database, tmp_path: Path) -> None:
    from services.roll import roll_import

    branch = _branch(demo_db)
    ws = _login(demo_db, "sec", EDITOR, [branch.name])
    with _office(demo_db).read() as s:
        assert roll_export.export_members(s, tmp_path / "all.xlsx").count == 100
    with ws.read() as s:
        assert 0 < roll_export.export_members(s, tmp_path / "mine.xlsx").count < 100
        plan = roll_import.plan_import(s, tmp_path / "all.xlsx", on_duplicate="update")
    mine = len([1 for p in plan.refused if "本账号只能导入" in p.message])
    with demo_db.session_factory() as s:
        others = s.scalar(select(Member.id).where(Member.branch_id != branch.id).limit(1))
        n_others = len(s.scalars(select(Member.id).where(Member.branch_id != branch.id)).all())
    assert others is not None and mine == n_others
    with ws.read() as s:
        own_plan = roll_import.plan_import(s, tmp_path / "mine.xlsx", on_duplicate="update")
    assert not own_plan.refused


def test_records_handed_in_are_kept_to_the_branch(demo_db: Database, tmp_path: Path) -> None:
    from services.printing.print_roll import print_roll

    branch = _branch(demo_db)
    ws = _login(demo_db, "sec", EDITOR, [branch.name])
    with _office(demo_db).read() as s:
        everyone = member_service.list_members(s)  # e.g. a list kept from an office session
    with ws.read() as s:
        mine = len(member_service.list_members(s))
        assert roll_export.export_members(s, tmp_path / "x.xlsx", records=everyone).count == mine
        assert print_roll(s, tmp_path / "x.pdf", records=everyone, actor="sec").members == mine


def test_verifying_another_branchs_certificate_does_not_name_its_holder(demo_db: Database) -> None:
    branch = _branch(demo_db)
    ws = _login(demo_db, "sec", VIEWER, [branch.name])
    with _office(demo_db).read() as s:
        every = certificates.list_certificates(s)
        theirs = next(c for c in every if c.branch != branch.name)
        own = next(c for c in every if c.branch == branch.name)
        assert theirs.name in certificates.verify_certificate(s, theirs.number).message
    with ws.read() as s:
        result = certificates.verify_certificate(s, theirs.number)
        assert result.genuine and result.certificate is None
        assert theirs.name not in result.message and theirs.activity_title not in result.message
        assert "其他党支部" in result.message
        mine = certificates.verify_certificate(s, own.number)
        assert mine.genuine and own.name in mine.message


def test_a_branch_account_does_not_fill_another_branchs_activity(demo_db: Database) -> None:
    branch, other = _branch(demo_db), _branch(demo_db, 5)
    ws = _login(demo_db, "sec", EDITOR, [branch.name])
    raw = {"type": "专题党课", "start_date": "2026-12-20", "hours": 2}
    with _office(demo_db).write("activities-create") as uow:
        theirs = activities.create_activity(uow.session, raw | {"title": "他支部党课", "organiser": other.name}, uow.actor)
        bureau = activities.create_activity(uow.session, raw | {"title": "局党课", "organiser": "局党委"}, uow.actor)
    with demo_db.session_factory() as s:
        own = s.scalar(select(Member.id).where(Member.branch_id == branch.id, Member.status == "在册"))
        assert own is not None
    with pytest.raises(PermissionDeniedError, match="其他党支部"), ws.write("enrol") as uow:
        enrolment.enrol(uow.session, theirs.id, [own], uow.actor)
    with pytest.raises(PermissionDeniedError, match="其他党支部"), ws.write("attendance-set") as uow:
        attendance.set_attendance(uow.session, theirs.sessions[0].id, own, "出席", None, uow.actor)
    with ws.write("enrol") as uow:  # a bureau class: its members join it
        assert enrolment.enrol(uow.session, bureau.id, [own], uow.actor).added == [own]
    with demo_db.session_factory() as s:
        assert s.scalar(select(Enrolment.id).where(Enrolment.activity_id == theirs.id)) is None
