"""Writes that bypass the ORM's objects (bulk inserts, Core UPDATE/DELETE through the session) still announce
the kinds of records they changed, so that every view showing them refreshes (services/changes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services import changes
from services.assessment import targets
from services.normalize import id_check_digit
from services.roll import branches, roll_import
from services.roll import members as member_service
from services.safety.storage import Database
from services.training import activities, enrolment
from services.workspace import Workspace
from tests.helpers.roll_factory import write_roll_xlsx


@pytest.fixture
def ws(db: Database) -> Workspace:
    return Workspace.over(db, "测试员")


def _heard(ws: Workspace) -> list[changes.Changes]:
    heard: list[changes.Changes] = []
    ws.subscribe(heard.append)
    return heard


def _import(ws: Workspace, path: Path, on_duplicate: str = "refuse") -> None:
    with ws.read() as session:
        plan = roll_import.plan_import(session, path, on_duplicate=on_duplicate)
    assert not plan.refused
    with ws.write("import-roll") as uow:
        roll_import.apply_import(uow.session, plan, uow.actor, create_branches=True)


def test_a_roll_import_of_new_members_into_known_branches_announces_members(ws: Workspace, tmp_path: Path) -> None:
    _import(ws, write_roll_xlsx(tmp_path / "first.xlsx", 5, seed=1))
    heard = _heard(ws)
    _import(ws, write_roll_xlsx(tmp_path / "second.xlsx", 5, seed=2))  # the same branches: only members
    assert heard and heard[-1].touches("member")


def test_core_updates_and_deletes_through_the_session_are_announced(ws: Workspace) -> None:
    with ws.write("setup") as uow:
        first = branches.create_branch(uow.session, "第一党支部", uow.actor)
        second = branches.create_branch(uow.session, "第二党支部", uow.actor)
        member = member_service.create_member(uow.session, {"name": "张三", "id_number": "11010519900307123" + id_check_digit("11010519900307123"),
                                                                  "branch": "第一党支部", "membership": "正式党员"}, uow.actor)
        act = activities.create_activity(uow.session, {"title": "专题党课", "type": "专题党课",
                                                       "start_date": "2024-03-01"}, uow.actor,
                                         sessions=[{"date": "2024-03-01", "hours": 2}])
        enrolment.enrol(uow.session, act.id, [member.id], uow.actor)
        targets.set_type_excluded(uow.session, uow.actor, 2024, "专题党课", True)
    heard = _heard(ws)
    with ws.write("unenrol") as uow:  # DELETE FROM enrolment
        enrolment.unenrol(uow.session, act.id, [member.id], uow.actor)
    assert heard[-1].touches("enrolment")
    with ws.write("target-types") as uow:  # DELETE FROM target_excluded_type: the type counts again
        targets.set_type_excluded(uow.session, uow.actor, 2024, "专题党课", False)
    assert heard[-1].touches("target_excluded_type")
    with ws.write("branch-merge") as uow:  # UPDATE member SET branch_id …
        branches.merge_branches(uow.session, first.id, second.id, uow.actor)
    assert heard[-1].touches("member") and member.id not in heard[-1].ids("member")  # no ids: every row may have
