"""Privacy is a rule of the services: a session bound to a 查阅 account is never handed a full number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from services.access import ADMIN, EDITOR, VIEWER
from services.errors import PermissionDeniedError
from services.printing import print_roll, print_signin
from services.roll import members, roll_export
from services.safety import audit, privacy
from services.safety.storage import Database
from services.training import enrolment
from services.workspace import Workspace

MASKED = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def test_mask_helpers() -> None:
    assert privacy.mask_text("身份证号码110105199003071234已属于张三，电话13812345678") == \
        "身份证号码110105********1234已属于张三，电话138****5678"
    assert privacy.mask_text("2024-DX-00017 共100人") == "2024-DX-00017 共100人"
    assert privacy.mask_value("id_number", "110105199003071234") == "110105********1234"
    assert privacy.mask_value("hours", 3) == 3


@pytest.mark.parametrize("role", [None, ADMIN, EDITOR])
def test_roles_that_enter_data_see_full_numbers(demo_db: Database, role: str | None) -> None:
    ws = Workspace.over(demo_db, "某人", role)
    with ws.read() as s:
        assert all(not MASKED.match(r.id_number) for r in members.list_members(s))


def test_a_reader_gets_masked_records_from_every_member_service(demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        full = members.list_members(s)
    reader = Workspace.over(demo_db, "reader", VIEWER)
    with reader.read() as s:
        shown = members.list_members(s)
        one = members.get_member(s, full[0].id)
        found = members.find_by_id_number(s, full[0].id_number)
    assert [r.id for r in shown] == [r.id for r in full]
    assert all(MASKED.match(r.id_number) for r in shown)
    assert all(r.phone is None or "*" in r.phone for r in shown)
    assert any(r.phone for r in shown)
    assert MASKED.match(one.id_number) and found is not None and MASKED.match(found.id_number)
    assert all(MASKED.match(m["id_number"]) for m in (r.to_json() for r in shown))


def test_a_reader_exports_masked_even_records_handed_in(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session_factory() as s:
        full = members.list_members(s)
    reader = Workspace.over(demo_db, "reader", VIEWER)
    with reader.read() as s:
        roll_export.export_members(s, tmp_path / "a.xlsx")
        roll_export.export_members(s, tmp_path / "b.xlsx", records=full[:5])
    ids = {r.id_number for r in full}
    for name in ("a.xlsx", "b.xlsx"):
        rows = CalamineWorkbook.from_path(str(tmp_path / name)).get_sheet_by_name("党员花名册").to_python()
        cells = {str(v) for row in rows for v in row}
        assert not ids & cells and any(MASKED.match(c) for c in cells)


def test_print_roll_refuses_full_numbers_to_a_reader(demo_db: Database, tmp_path: Path) -> None:
    reader = Workspace.over(demo_db, "reader", VIEWER)
    out = tmp_path / "r.pdf"
    with pytest.raises(PermissionDeniedError, match="查阅"), reader.write("print", needs=VIEWER) as uow:
        print_roll.print_roll(uow.session, out, full_ids=True)
    assert not out.exists()
    editor = Workspace.over(demo_db, "clerk", EDITOR)
    with editor.write("print", needs=VIEWER) as uow:
        assert print_roll.print_roll(uow.session, out, full_ids=True).members > 0


def test_sign_in_sheet_people_are_masked_for_a_reader(demo_db: Database, tmp_path: Path) -> None:
    from services.training import activities

    with demo_db.session_factory.begin() as s:
        activity_id = activities.create_activity(
            s, {"title": "专题党课", "type": "专题党课", "start_date": "2024-05-10", "hours": 2}, "t").id
        enrolment.enrol(s, activity_id, [r.id for r in members.list_members(s)[:6]], "t")
    reader = Workspace.over(demo_db, "reader", VIEWER)
    with reader.read() as s:
        people = enrolment.participants(s, activity_id)
        result = print_signin.signin_sheet(s, activity_id, tmp_path / "s.pdf", show_id=True)
    assert people and all(MASKED.match(p.id_number) for p in people) and result.rows == len(people)


def test_the_log_is_masked_for_a_reader(demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        first = members.list_members(s)[0]
    clerk = Workspace.over(demo_db, "clerk", EDITOR)
    with clerk.write("members-update") as uow:
        raw = members.record_as_raw(first) | {"phone": "13912345678", "remarks": "新号码"}
        members.update_member(uow.session, first.id, raw, uow.actor)
        uow.log(f"核对身份证号码{first.id_number}", action="check")
    reader = Workspace.over(demo_db, "reader", VIEWER)
    with reader.read() as s:
        rows = audit.query_log(s, limit=2)
    text = " ".join(r.text + r.changes_text + str(r.to_json()) for r in rows)
    assert first.id_number not in text and "13912345678" not in text and "139****5678" in text
    with clerk.read() as s:
        assert "13912345678" in " ".join(r.changes_text for r in audit.query_log(s, limit=2))
