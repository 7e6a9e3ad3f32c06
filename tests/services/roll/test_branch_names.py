"""Branch names are the office's own writing: kept as typed (full-width brackets and spaces), found through fold_key."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from models import Branch, Member
from services.assessment import figures
from services.errors import ConflictError, NotFoundError, ValidationError
from services.roll import branches, members, roll_import
from services.safety import accounts
from services.safety.storage import Database
from tests.helpers.free_text import full_id

TEMPORARY = "第十二党支部（临时）"
SPACED = "机关　第一党支部"


def _roll(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "公民身份号码", "所在党支部"])
    for name, body, branch in rows:
        ws.append([name, full_id(body), branch])
    wb.save(path)
    return path


def _import(db: Database, path: Path, create: bool = True) -> roll_import.ImportPlan:
    with db.session_factory.begin() as s:
        plan = roll_import.plan_import(s, path)
        assert plan.can_apply, [p.describe() for p in plan.refused]
        roll_import.apply_import(s, plan, "tester", create_branches=create)
    return plan


def _stored(db: Database) -> list[str]:
    with db.session_factory() as s:
        return list(s.scalars(select(Branch.name).order_by(Branch.id)))


def test_a_roll_keeps_full_width_brackets_and_spaces(db: Database, tmp_path: Path) -> None:
    plan = _import(db, _roll(tmp_path / "r.xlsx", [
        ("张伟", "11010119800101001", f" {TEMPORARY} "),
        ("王芳", "11010119850202002", SPACED),
        # The same new branch written half-width further down: one branch, the first spelling.
        ("李明", "11010119900303003", "第十二党支部(临时)"),
    ]))
    assert plan.new_branches == [TEMPORARY, SPACED]
    assert _stored(db) == [TEMPORARY, SPACED]
    with db.session_factory() as s:
        assert [b.name for b in branches.list_branches(s)] == [TEMPORARY, SPACED]
        by_branch = {r.name: r.branch for r in members.list_members(s)}
    assert by_branch == {"张伟": TEMPORARY, "王芳": SPACED, "李明": TEMPORARY}


def test_a_roll_typing_a_stored_branch_otherwise_finds_it(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        branches.create_branch(s, TEMPORARY, "tester")
        branches.create_branch(s, SPACED, "tester")
    path = _roll(tmp_path / "r.xlsx", [("张伟", "11010119800101001", "第十二党支部(临时)"),
                                       ("王芳", "11010119850202002", "机关 第一党支部"),
                                       ("李明", "11010119900303003", "机关第一党支部")])
    plan = _import(db, path, create=False)  # nothing new: no branch to confirm
    assert plan.new_branches == [] and len(plan.added) == 3
    assert _stored(db) == [TEMPORARY, SPACED]
    with db.session_factory() as s:
        assert {r.name: r.branch for r in members.list_members(s)} == {
            "张伟": TEMPORARY, "王芳": SPACED, "李明": SPACED}
    again = _import(db, path, create=False)  # the same file again changes nothing
    assert (len(again.unchanged), len(again.updated)) == (3, 0)


def test_a_branch_is_found_by_any_spelling(db: Database) -> None:
    with db.session_factory.begin() as s:
        made = branches.create_branch(s, f"  {TEMPORARY}\t", "tester")
        assert made.name == TEMPORARY
        members.create_member(s, {"name": "张伟", "id_number": full_id("11010119800101001"),
                                  "branch": "第十二党支部(临时)"}, "tester")
    with db.session_factory() as s:
        assert branches.get_branch(s, "第十二党支部 (临时)").id == made.id
        assert [r.branch for r in members.list_members(s, branch="第十二党支部(临时)")] == [TEMPORARY]
        assert members.list_members(s, branch="第十三党支部") == []
        with pytest.raises(NotFoundError):
            branches.get_branch(s, "第十三党支部")
        assert [b.name for b in accounts.resolve_branches(s, ["第十二党支部(临时)"])] == [TEMPORARY]


def test_a_branch_differing_only_in_width_is_a_duplicate(db: Database) -> None:
    with db.session_factory.begin() as s:
        first = branches.create_branch(s, TEMPORARY, "tester")
        other = branches.create_branch(s, "第十三党支部", "tester")
    for typed in ("第十二党支部(临时)", "第十二党支部 （临时）"):
        with pytest.raises(ConflictError, match=TEMPORARY), db.session_factory.begin() as s:
            branches.create_branch(s, typed, "tester")
    with pytest.raises(ConflictError, match=TEMPORARY), db.session_factory.begin() as s:
        branches.rename_branch(s, other.id, "第十二党支部(临时)", "tester")
    with db.session_factory.begin() as s:  # a branch may be respelled itself
        branches.rename_branch(s, first.id, "第十二党支部(临时)", "tester")
    assert _stored(db) == ["第十二党支部(临时)", "第十三党支部"]


def test_empty_and_overlong_names_are_still_refused(db: Database) -> None:
    for typed in ("", "　 ", "支" * 101):
        with pytest.raises(ValidationError), db.session_factory.begin() as s:
            branches.create_branch(s, typed, "tester")
    assert _stored(db) == []


def test_an_old_database_of_folded_names_keeps_working(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:  # as the earlier versions stored it (NFKC)
        s.add(Branch(name="第十二党支部(临时)", sort_order=1))
    plan = _import(db, _roll(tmp_path / "r.xlsx", [("张伟", "11010119800101001", TEMPORARY)]), create=False)
    assert plan.new_branches == []
    assert _stored(db) == ["第十二党支部(临时)"]
    with db.session_factory() as s:
        member = s.scalars(select(Member)).one()
        assert member.branch.name == "第十二党支部(临时)"
        assert branches.get_branch(s, TEMPORARY).id == member.branch_id


def test_statistics_find_a_branch_typed_otherwise(demo_db: Database) -> None:
    import datetime as dt

    from services.assessment import stats

    with demo_db.session_factory.begin() as s:
        first = branches.list_branches(s)[0]
        branches.rename_branch(s, first.id, TEMPORARY, "tester")
    with demo_db.session_factory() as s:
        detail = stats.compute_stats_detail(s, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert detail.branch_names[first.id] == TEMPORARY
    assert figures.branch_id_by_name(detail, "第十二党支部 (临时)") == first.id
