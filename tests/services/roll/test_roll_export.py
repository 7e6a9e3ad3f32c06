"""Roll export and template: read back with a second reader, escaped cells, round trips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from services.demo.demo import seed_demo
from services.roll.branches import create_branch
from services.roll.members import create_member, list_members, record_as_raw
from services.roll.roll_export import (
    EXPORT_HEADERS,
    export_members,
    export_records,
    write_members_template,
)
from services.roll.roll_import import apply_import, plan_import
from services.safety.storage import Database, open_database
from tests.helpers.hostile_text import CONTROL, LOOKS_ESCAPED, RARE, sheet_texts, store_raw


@pytest.fixture
def demo_db(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "demo.sqlite3")
    with db.session_factory.begin() as s:
        seed_demo(s, members=120, branches=6, seed=11, actor="tester")
    yield db
    db.dispose()


def roll_json(db: Database) -> list[dict[str, object]]:
    with db.session_factory() as s:
        rows = [r.to_json() | {"left_reason": r.left_reason} for r in list_members(s)]
    return sorted(rows, key=lambda r: str(r["id_number"]))


def import_into_fresh(tmp_path: Path, path: Path, name: str = "fresh.sqlite3") -> Database:
    db = open_database(tmp_path / name)
    with db.session_factory.begin() as s:
        plan = plan_import(s, path)
        assert plan.refused == [], plan.refused[:5]
        apply_import(s, plan, "tester", create_branches=True)
    return db


@pytest.mark.parametrize("mode", ["direct", "write_only", "normal"])
def test_export_round_trip_loses_nothing(demo_db: Database, tmp_path: Path, mode: str) -> None:
    out = tmp_path / f"roll-{mode}.xlsx"
    with demo_db.session_factory() as s:
        export_records(list_members(s), out, mode=mode)
    fresh = import_into_fresh(tmp_path, out)
    assert roll_json(fresh) == roll_json(demo_db)
    fresh.dispose()


def test_export_layout_read_back_with_calamine(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "roll.xlsx"
    with demo_db.session_factory() as s:
        result = export_members(s, out)
        records = list_members(s)
    assert result.count == len(records) == 120
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][0].startswith("党员花名册")
    assert tuple(rows[1]) == EXPORT_HEADERS
    first = dict(zip(EXPORT_HEADERS, rows[2], strict=True))
    rec = records[0]
    assert first["公民身份号码"] == rec.id_number and isinstance(first["公民身份号码"], str)
    assert first["联系电话"] == (rec.phone or "") and isinstance(first["联系电话"], str)
    assert first["出生日期"] == rec.birth_date.strftime("%Y.%m.%d")
    if rec.joined_party:
        assert first["入党日期"] == rec.joined_party.replace("-", ".")
    ws = load_workbook(out).active
    assert ws.freeze_panes == "B3"
    assert "A1:" in str(ws.merged_cells)
    assert ws.column_dimensions["C"].width >= 20  # the ID column
    assert ws["F3"].data_type == "s"
    assert ws["B2"].font.b and ws["B2"].fill.fgColor.rgb == "FFB71C1C" and ws["A1"].font.sz == 16


def test_branch_export(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session_factory() as s:
        branch = list_members(s)[0].branch
        result = export_members(s, tmp_path / "b.xlsx", branch=branch)
        expected = len(list_members(s, branch=branch))
    assert result.count == expected
    rows = CalamineWorkbook.from_path(str(result.path)).get_sheet_by_index(0).to_python()
    assert {r[10] for r in rows[2:]} == {branch}
    assert rows[0][0].startswith(branch)


@pytest.mark.parametrize("mode", ["direct", "write_only", "normal"])
def test_risky_cells_escaped_and_kept(tmp_path: Path, mode: str) -> None:
    db = open_database(tmp_path / "r.sqlite3")
    risky = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-3", "@SUM(A1)"]
    with db.session_factory.begin() as s:
        create_branch(s, "=支部", "tester")
        member = create_member(s, {"name": "张三", "id_number": "110101199003071233", "branch": "=支部",
                                   "job": risky[0], "remarks": risky[1], "party_post": risky[2]}, "tester")
        create_member(s, {"name": "李四", "id_number": "110101198501020020", "branch": "=支部",
                          "job": risky[3]}, "tester")
    out = tmp_path / "risky.xlsx"
    with db.session_factory() as s:
        export_records(list_members(s), out, mode=mode)
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert len(cells) == 6  # two branch cells and four risky texts
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    fresh = import_into_fresh(tmp_path, out)
    with fresh.session_factory() as s:
        again = {r.name: r for r in list_members(s)}
    assert again["张三"].job == risky[0] and again["张三"].remarks == risky[1]
    assert again["张三"].party_post == risky[2] and again["李四"].job == risky[3]
    assert again["张三"].branch == "=支部" and member.branch == "=支部"
    fresh.dispose()
    db.dispose()


def test_template_validations_and_example_row(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    with demo_db.session_factory() as s:
        write_members_template(s, out)
        branches = sorted({r.branch for r in list_members(s)})
    wb = load_workbook(out)
    ws = wb["党员花名册"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["姓名", "公民身份号码", "性别"] and "所在党支部" in headers
    validated = {}
    for dv in ws.data_validations.dataValidation:
        column = str(dv.sqref).split(":")[0].rstrip("0123456789")
        validated[headers[ord(column) - ord("A")]] = dv.formula1
    assert set(validated) == {"性别", "学历", "党员类别", "所在党支部", "人员类别", "状态"}
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    branch_col = [c.value for c in options[validated["所在党支部"].split("!")[1].split(":")[0].replace("$", "")[0]]]
    assert sorted(v for v in branch_col[1:] if v) == branches
    assert ws["B2"].value and ws["B3"].number_format == "@"
    # The template imports back: its example row is a valid member.
    fresh = import_into_fresh(tmp_path, out, "t.sqlite3")
    with fresh.session_factory() as s:
        members = list_members(s)
    assert [m.name for m in members] == ["张示例"]
    fresh.dispose()


def test_export_record_list_is_the_filter(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session_factory() as s:
        chosen = [r for r in list_members(s) if r.sex == "女"][:7]
    result = export_records(chosen, tmp_path / "f.xlsx")
    rows = CalamineWorkbook.from_path(str(result.path)).get_sheet_by_index(0).to_python()
    assert [r[2] for r in rows[2:]] == [c.id_number for c in chosen]
    assert dataclasses.asdict(chosen[0]) and record_as_raw(chosen[0])["name"] == rows[2][1]


@pytest.mark.parametrize("mode", ["direct", "write_only", "normal"])
def test_line_breaks_wrap_and_header_repeats_in_print(tmp_path: Path, mode: str) -> None:
    db = open_database(tmp_path / "b.sqlite3")
    remarks = "（借调）２０２１年起\n第二行：全角　空格"
    with db.session_factory.begin() as s:
        create_branch(s, "机关第一党支部", "tester")
        create_member(s, {"name": "阿依古丽·买买提", "id_number": "110101199003071233", "branch": "机关第一党支部",
                          "remarks": remarks, "job": "=1+1\n兼职"}, "tester")
    out = tmp_path / f"lines-{mode}.xlsx"
    with db.session_factory() as s:
        export_records(list_members(s), out, mode=mode)
    ws = load_workbook(out).active
    assert ws.print_title_rows == "$1:$2"
    cells = {c.value: c for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str) and "\n" in c.value}
    assert set(cells) == {remarks, "=1+1\n兼职"}
    assert all(c.alignment.wrap_text for c in cells.values())
    assert cells["=1+1\n兼职"].quotePrefix and cells["=1+1\n兼职"].data_type == "s"
    values = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert remarks in values[2] and "=1+1\n兼职" in values[2]
    db.dispose()


@pytest.mark.parametrize("mode", ["direct", "write_only", "normal"])
def test_old_control_characters_and_escape_lookalikes_come_back_exactly(tmp_path: Path, mode: str) -> None:
    """A database written before entry cleaned control characters: the export neither fails nor drops them,
    and text that reads like a workbook escape (_x0041_) is not turned into another character."""
    db = open_database(tmp_path / "old.sqlite3")
    with db.session_factory.begin() as s:
        create_branch(s, "机关第一党支部", "tester")
        first = create_member(s, {"name": "张三", "id_number": "110101199003071233", "branch": "机关第一党支部"},
                              "tester")
        create_member(s, {"name": "王𠇔", "id_number": "110101198501020020", "branch": "机关第一党支部",
                          "remarks": RARE, "job": LOOKS_ESCAPED}, "tester")
    store_raw(db, "member", "remarks", first.id, CONTROL)
    store_raw(db, "member", "job", first.id, "=" + CONTROL)
    out = tmp_path / f"old-{mode}.xlsx"
    with db.session_factory() as s:
        before = roll_json(db)
        export_records(list_members(s), out, mode=mode)
    rows = {r[1]: r for r in sheet_texts(out)["党员花名册"][2:]}
    assert rows["张三"][18] == CONTROL and rows["张三"][12] == "=" + CONTROL
    assert rows["王𠇔"][12] == LOOKS_ESCAPED and rows["王𠇔"][18] == RARE
    fresh = import_into_fresh(tmp_path, out)
    again = {r["name"]: r for r in roll_json(fresh)}
    assert again["王𠇔"] == next(r for r in before if r["name"] == "王𠇔")  # the round trip, exactly
    assert again["张三"]["remarks"] == "甲乙丙"  # entry (keep_text) drops what cannot be seen; the rest is kept
    fresh.dispose()
    db.dispose()


def test_template_with_an_old_branch_name_holding_a_control_character(tmp_path: Path) -> None:
    db = open_database(tmp_path / "old.sqlite3")
    with db.session_factory.begin() as s:
        branch = create_branch(s, "机关第一党支部", "tester")
    store_raw(db, "branch", "name", branch.id, "@机关　第一党支部\x01")
    with db.session_factory() as s:
        write_members_template(s, tmp_path / "t.xlsx")
    assert sheet_texts(tmp_path / "t.xlsx")["选项"][1][3] == "@机关　第一党支部\x01"
    db.dispose()


@pytest.mark.parametrize("mode", ["direct", "write_only", "normal"])
def test_branch_export_title_with_an_old_control_character(tmp_path: Path, mode: str) -> None:
    """The title names the branch: a name stored with a control character is written, as stored."""
    db = open_database(tmp_path / "old.sqlite3")
    with db.session_factory.begin() as s:
        branch = create_branch(s, "机关第一党支部", "tester")
        create_member(s, {"name": "张三", "id_number": "110101199003071233", "branch": "机关第一党支部"}, "tester")
    store_raw(db, "branch", "name", branch.id, "=机关第一党支部\x01")
    with db.session_factory() as s:
        export_members(s, tmp_path / "b.xlsx", branch="=机关第一党支部\x01", mode=mode)
    rows = sheet_texts(tmp_path / "b.xlsx")["党员花名册"]
    assert rows[0][0].startswith("=机关第一党支部\x01党员花名册") and rows[2][10] == "=机关第一党支部\x01"
    db.dispose()
