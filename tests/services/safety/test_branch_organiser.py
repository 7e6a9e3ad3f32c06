"""Which branch an activity's organiser (主办单位) names: one rule, through fold_key and the branches' former names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Activity, Branch
from services import access
from services.access import ADMIN, EDITOR, VIEWER
from services.errors import PermissionDeniedError
from services.roll import branches as branch_service
from services.safety import accounts
from services.safety.storage import Database
from services.training import activities
from services.workspace import Workspace

PASSWORD = "branch-secret-1"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)


def _activity(session: object, title: str, organiser: str) -> int:
    # Stored as given (older data, another program's import): the rule must not depend on how it was typed.
    a = Activity(title=title, type_id=1, organiser=organiser, start_date=dt.date(2025, 3, 1), hours=2)
    session.add(a)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return a.id


def _titles(db: Database, username: str) -> set[str]:
    ws = Workspace.over(db)
    ws.login(username, PASSWORD)
    with ws.read() as s:
        return {a.title for a in activities.list_activities(s)}


def test_an_organiser_names_its_branch_in_any_spelling_and_by_a_former_name(db: Database) -> None:
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", ADMIN, PASSWORD, "测试")
        first = branch_service.create_branch(s, "第一党支部（机关）", "boss")
        second = branch_service.create_branch(s, "第２党支部", "boss")
        gone = branch_service.create_branch(s, "后勤党支部", "boss")
        _activity(s, "exact", "第一党支部（机关）")
        _activity(s, "spaces", "第一党支部（机关） ")
        _activity(s, "half-width", "第一党支部(机关)")
        _activity(s, "digits", "第2党支部")
        _activity(s, "old name", "老一支部")
        _activity(s, "merged", "后勤党支部")
        _activity(s, "bureau", "局党委")
        _activity(s, "joint", "局党委、第一党支部（机关）联合举办")
        branch_service.rename_branch(s, first.id, "老一支部", "boss")
        branch_service.rename_branch(s, first.id, "第一党支部（机关）", "boss")  # back again, 老一支部 is former
        branch_service.merge_branches(s, gone.id, first.id, "boss")
        accounts.create_account(s, "one", EDITOR, PASSWORD, "boss", branches=["第一党支部（机关）"])
        accounts.create_account(s, "two", EDITOR, PASSWORD, "boss", branches=[second.name])
    assert _titles(db, "one") == {"exact", "spaces", "half-width", "old name", "merged"}
    assert _titles(db, "two") == {"digits"}


def test_a_present_name_wins_over_a_former_one(db: Database) -> None:
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", ADMIN, PASSWORD, "测试")
        old = branch_service.create_branch(s, "第三党支部", "boss")
        branch_service.rename_branch(s, old.id, "综合党支部", "boss")
        new = branch_service.create_branch(s, "第三党支部", "boss")
        _activity(s, "third", "第三党支部")
        accounts.create_account(s, "old", EDITOR, PASSWORD, "boss", branches=["综合党支部"])
        accounts.create_account(s, "new", EDITOR, PASSWORD, "boss", branches=[new.name])
        rule = access.BranchOrganisers.load(s)
        assert rule.branch_of("第三党支部") == new.id and rule.branch_of("局党委") is None
    assert _titles(db, "old") == set()
    assert _titles(db, "new") == {"third"}


def test_a_deleted_branchs_names_name_nobody() -> None:
    history = [(7, "create", '{"name": [null, "甲支部"]}'), (7, "update", '{"name": ["甲支部", "乙支部"]}'),
               (7, "delete", '{"name": ["乙支部", null]}'), (8, "create", '{"name": [null, "丙支部"]}'),
               (8, "update", "not json")]
    rule = access.BranchOrganisers([(8, "丙支部")], history)
    assert rule.branch_of("甲支部") is None and rule.branch_of("乙支部") is None
    assert rule.branch_of(" 丙支部") == 8


def _two_branches(db: Database) -> tuple[Workspace, Workspace]:
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", ADMIN, PASSWORD, "测试")
        branch_service.create_branch(s, "第一党支部（机关）", "boss")
        branch_service.create_branch(s, "第二党支部", "boss")
        accounts.create_account(s, "one", EDITOR, PASSWORD, "boss", branches=["第一党支部（机关）"])
    one, office = Workspace.over(db), Workspace.over(db)
    one.login("one", PASSWORD)
    office.login("boss", PASSWORD)
    return one, office


def _raw(organiser: str) -> dict[str, object]:
    return {"title": f"{organiser}的活动", "type": "专题党课", "start_date": "2026-12-20", "hours": 2,
            "organiser": organiser}


def test_a_branch_account_does_not_write_in_another_branchs_name(db: Database) -> None:
    one, _ = _two_branches(db)
    for other in ("第二党支部", "第二党支部 ", "第二　党支部"):
        with pytest.raises(PermissionDeniedError, match="其他党支部"), one.write("activities-create") as uow:
            activities.create_activity(uow.session, _raw(other), uow.actor)
    with one.write("activities-create") as uow:
        own = activities.create_activity(uow.session, _raw("第一党支部(机关)"), uow.actor).id
        city = activities.create_activity(uow.session, _raw("市委组织部"), uow.actor).id
    with pytest.raises(PermissionDeniedError, match="其他党支部"), one.write("activities-update") as uow:
        activities.update_activity(uow.session, own, {"organiser": "第二党支部"}, uow.actor)
    with db.session_factory() as s:
        assert {a.organiser for a in s.scalars(select(Activity))} == {"第一党支部(机关)", "市委组织部"}
    with one.write("activities-update") as uow:  # its own, and the one it made for a class of the city
        activities.update_activity(uow.session, own, {"place": "会议室"}, uow.actor)
        activities.set_status(uow.session, city, "已取消", uow.actor)


def test_a_branch_account_leaves_other_plans_alone(db: Database) -> None:
    one, office = _two_branches(db)
    with office.write("activities-create") as uow:
        theirs = activities.create_activity(uow.session, _raw("第二党支部"), uow.actor).id
        bureau = activities.create_activity(uow.session, _raw("局党委"), uow.actor).id
    for activity_id in (theirs, bureau):
        with pytest.raises(PermissionDeniedError, match="不是本支部的活动"), one.write("activities-status") as uow:
            activities.set_status(uow.session, activity_id, "已取消", uow.actor)
        with pytest.raises(PermissionDeniedError, match="不是本支部的活动"), one.write("activities-delete") as uow:
            activities.delete_activity(uow.session, activity_id, uow.actor)
        with pytest.raises(PermissionDeniedError, match="不是本支部的活动"), one.write("activities-update") as uow:
            activities.update_activity(uow.session, activity_id, {"place": "别处"}, uow.actor)
    with db.session_factory() as s:
        assert [(a.status, a.place) for a in s.scalars(select(Activity))] == [("计划", None), ("计划", None)]


def test_an_activity_a_branch_account_entered_for_a_higher_body_is_in_its_list(db: Database) -> None:
    """A class of 市委组织部 a branch clerk has just entered, nobody enrolled yet, stays in its list (and only
    in the lists of its branches' accounts), where before it vanished until someone was enrolled."""
    one, office = _two_branches(db)
    with db.session_factory.begin() as s:
        accounts.create_account(s, "two", EDITOR, PASSWORD, "boss", branches=["第二党支部"])
    two = Workspace.over(db)
    two.login("two", PASSWORD)
    with one.write("activities-create") as uow:
        activities.create_activity(uow.session, _raw("市委组织部"), uow.actor)
    with office.write("activities-create") as uow:
        activities.create_activity(uow.session, _raw("市直机关工委"), uow.actor)
    with one.read() as s:
        assert {a.title for a in activities.list_activities(s)} == {"市委组织部的活动"}
    with two.read() as s:
        assert activities.list_activities(s) == []


def test_a_branch_accounts_records_import_refuses_another_branchs_new_activity_at_the_check(
        db: Database, tmp_path: Path) -> None:
    """导入学时记录 by a branch account: a new activity organised by another branch is a refused row, named by
    row and column at the check; nothing is written (before, the whole import failed only on writing)."""
    from services.roll import members as member_service
    from services.training import records_import

    one, _office = _two_branches(db)
    with db.session_factory.begin() as s:
        branch = s.scalar(select(Branch).where(Branch.name == "第一党支部（机关）"))
        assert branch is not None
        member_service.create_member(s, {"name": "张三", "id_number": "110105199003071239", "sex": "男",
                                         "birth_date": "1990-03-07", "branch": branch.name}, "boss")
    path = tmp_path / "records.csv"
    path.write_text("姓名,培训名称,培训类别,开始日期,学时,主办单位\n"
                    "张三,支部书记轮训,专题培训,2025-03-01,4,市委组织部\n"
                    "张三,党课,专题党课,2025-04-01,2,第二党支部 \n", encoding="utf-8")
    with one.write("import-records") as uow:
        plan = records_import.import_records(uow.session, path, uow.actor)
    assert [(p.row, p.column) for p in plan.refused] == [(3, "主办单位")]
    assert "其他党支部" in plan.refused[0].message
    with db.session_factory() as s:
        assert s.scalars(select(Activity.title)).all() == []


def test_a_branch_account_is_not_told_to_add_a_type_it_may_not_add(db: Database, tmp_path: Path) -> None:
    """An unknown 培训类别: the office is told to add it to the list; a branch account, which may not, is told to
    use a listed one or ask the office."""
    from services.training import records_import

    one, office = _two_branches(db)
    path = tmp_path / "records.csv"
    path.write_text("姓名,培训名称,培训类别,开始日期,学时\n张三,党课,读书分享,2025-03-01,2\n", encoding="utf-8")
    said = {}
    for who, ws in (("office", office), ("branch", one)):
        with ws.read() as s:
            plan = records_import.plan_records(s, path)
        said[who] = " ".join(p.message for p in plan.refused if p.column == "培训类别")
    assert "可先在类别表中新增" in said["office"]
    assert "请党委办公室在类别表中新增" in said["branch"] and "可先在类别表中新增" not in said["branch"]


def test_one_activity_opened_by_its_number_follows_the_lists_rule(db: Database, tmp_path: Path) -> None:
    """Another branch's activity, or a bureau one, that none of the branch's members joined: absent from its list,
    and refused by every read of one activity (details, attendance sheet, prints, certificates), where before
    any activity nobody had joined opened by its number. Office accounts, a 查阅 one too, open everything."""
    from services.errors import NotFoundError
    from services.printing import print_signin
    from services.roll import members as member_service
    from services.training import attendance, certificates, enrolment

    one, office = _two_branches(db)
    with db.session_factory.begin() as s:
        accounts.create_account(s, "reader", VIEWER, PASSWORD, "boss")
        branch = s.scalar(select(Branch).where(Branch.name == "第一党支部（机关）"))
        assert branch is not None
        own_member = member_service.create_member(s, {"name": "张三", "id_number": "110105199003071239", "sex": "男",
                                                      "birth_date": "1990-03-07", "branch": branch.name}, "boss").id
    reader = Workspace.over(db)
    reader.login("reader", PASSWORD)
    with office.write("activities-create") as uow:
        theirs = activities.create_activity(uow.session, _raw("第二党支部"), uow.actor).id
        bureau = activities.create_activity(uow.session, _raw("局党委"), uow.actor).id
    with one.write("activities-create") as uow:  # its own, read back in the transaction that made it
        own = activities.create_activity(uow.session, _raw("市委组织部"), uow.actor).id

    reads = {
        "details": lambda s, a: activities.get_activity(s, a),
        "grid": lambda s, a: attendance.grid(s, a),
        "completion": lambda s, a: attendance.completion(s, a),
        "certificates due": lambda s, a: certificates.issuing_refusal(s, a),
        "register": lambda s, a: certificates.list_certificates(s, activity_id=a),
        "sign-in sheet": lambda s, a: print_signin.signin_sheet(s, a, tmp_path / f"signin{a}.pdf"),
        "register sheet": lambda s, a: print_signin.attendance_register(s, a, tmp_path / f"register{a}.pdf"),
    }
    with one.read() as s:
        assert {a.id for a in activities.list_activities(s)} == {own}
        for what, read in reads.items():
            read(s, own)
            for activity_id in (theirs, bureau):
                with pytest.raises(PermissionDeniedError, match="不属于本支部"):
                    read(s, activity_id)
                    pytest.fail(f"{what} of activity {activity_id} was not refused")
        with pytest.raises(NotFoundError, match="不存在"):  # no such number: said so, as before
            activities.get_activity(s, 999)
    assert not list(tmp_path.glob("signin[12].pdf")) and not list(tmp_path.glob("register[12].pdf"))
    for ws in (office, reader):
        with ws.read() as s:
            assert {activities.get_activity(s, a).id for a in (theirs, bureau, own)} == {theirs, bureau, own}
            attendance.grid(s, theirs)
    # Its members join the bureau's class: then it is in its list, and opens.
    with one.write("enrol") as uow:
        enrolment.enrol(uow.session, bureau, [own_member], uow.actor)
    with one.read() as s:
        assert {a.id for a in activities.list_activities(s)} == {own, bureau}
        assert activities.get_activity(s, bureau).title == "局党委的活动"
