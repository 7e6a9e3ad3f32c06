"""Plan periods as data, the materials register, audiences and organiser levels."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.errors import NotFoundError, ValidationError
from services.normalize import id_check_digit
from services.plan import audience, materials, periods
from services.safety.storage import Database
from tests.helpers.paths import REPO

PLAN_2019 = "2019—2023年全国党员教育培训工作规划"
PLAN_2024 = "2024—2028年全国党员教育培训工作规划"


def test_both_national_plans_are_built_in_with_their_targets(db: Database) -> None:
    with db.session_factory() as s:
        plans = periods.list_plans(s)
    assert [p.name for p in plans] == [PLAN_2019, PLAN_2024]
    old, new = plans
    assert (old.start, old.end) == (dt.date(2019, 1, 1), dt.date(2023, 12, 31))
    assert (new.start, new.end) == (dt.date(2024, 1, 1), dt.date(2028, 12, 31))
    assert old.target("all").hours == 32 and old.target("committee").hours == 56
    assert old.target("committee").class_required and not old.target("all").carried_over
    assert new.target("all").hours == 32 and new.target("all").carried_over  # 沿用
    assert new.target("bureau").hours is None


@pytest.mark.parametrize("typed", [PLAN_2024, "2024-2028年全国党员教育培训工作规划",
                                   "2024－2028年全国党员教育培训工作规划", "《2024 - 2028年全国党员教育培训工作规划》"])
def test_a_plan_is_found_whatever_dash_is_typed(db: Database, typed: str) -> None:
    with db.session_factory.begin() as s:
        plan = periods.set_plan_target(s, "测试", typed, "bureau", 50)
    assert plan.name == PLAN_2024
    bureau = plan.target("bureau")
    assert bureau is not None and bureau.hours == 50 and not bureau.carried_over


def test_setting_a_target_ends_the_carry_over_and_is_logged(db: Database) -> None:
    from services.safety import changelog

    with db.session_factory.begin() as s:
        plan = periods.set_plan_target(s, "测试", PLAN_2024, "all", 40)
        assert plan.target("all").hours == 40 and not plan.target("all").carried_over
        assert plan.target("committee").carried_over  # the other groups are untouched
        entries = changelog.entries(s, entity="plan_target")
    assert entries and "40学时" in entries[-1].summary


def test_unknown_plan_and_bad_values_are_refused(db: Database) -> None:
    with db.session_factory.begin() as s:
        with pytest.raises(NotFoundError, match="2019—2023"):
            periods.set_plan_target(s, "测试", "2030—2034年规划", "all", 32)
        with pytest.raises(ValidationError):
            periods.set_plan_target(s, "测试", PLAN_2024, "nobody", 32)
        with pytest.raises(ValidationError):
            periods.set_plan_target(s, "测试", PLAN_2024, "all", -1)


def test_the_plan_of_a_date(db: Database) -> None:
    with db.session_factory() as s:
        assert periods.plan_for_date(s, dt.date(2023, 12, 31)).name == PLAN_2019
        assert periods.plan_for_date(s, dt.date(2024, 1, 1)).name == PLAN_2024
        assert periods.plan_for_date(s, dt.date(2018, 6, 1)) is None


def test_audiences_and_organiser_levels() -> None:
    assert audience.audience_of(None) == "全体党员"
    assert audience.audience_of(" 纪检干部 ") == "纪检干部"
    assert audience.audience_of("本局青年理论学习小组") == "本局青年理论学习小组"  # the office's own words
    assert audience.organiser_level("市委组织部") == audience.HIGHER
    assert audience.organiser_level("市直机关工委") == audience.HIGHER
    assert audience.organiser_level("局党委") == audience.BUREAU
    assert audience.organiser_level("办公室党支部") == audience.BUREAU
    assert audience.organiser_level("") == audience.BUREAU


def _ids(demo_db: Database, n: int) -> list[str]:
    from sqlalchemy import select

    from models import Member

    with demo_db.session_factory() as s:
        return list(s.scalars(select(Member.id_number).order_by(Member.id).limit(n)))


def test_materials_issue_list_and_repeat(demo_db: Database) -> None:
    ids = _ids(demo_db, 3)
    with demo_db.session_factory.begin() as s:
        first = materials.issue_material(s, "测试", "《入党教材》", "2024-07-01", ids)
        again = materials.issue_material(s, "测试", "入党教材", "2024-07-01", ids[:2])
        rows = materials.list_materials(s)
        sheet = materials.issues_of(s, "入党教材")
    assert (first.issued, first.already, first.title) == (3, 0, "入党教材")
    assert (again.issued, again.already) == (0, 2)
    assert [(r.title, r.members, r.copies) for r in rows] == [("入党教材", 3, 3)]
    assert len(sheet) == 3 and materials.book("《《入党教材》》") == "《入党教材》"


def test_materials_refuse_unknown_members_and_bad_dates(demo_db: Database) -> None:
    body = "11010519900101123"
    unknown = body + id_check_digit(body)
    with demo_db.session_factory.begin() as s:
        with pytest.raises(NotFoundError, match=unknown):
            materials.issue_material(s, "测试", "入党教材", "2024-07-01", [unknown])
        with pytest.raises(ValidationError):
            materials.issue_material(s, "测试", "入党教材", "2024-13-01", _ids(demo_db, 1))
        with pytest.raises(ValidationError, match="身份证"):
            materials.issue_material(s, "测试", "入党教材", "2024-07-01", ["12345"])
        assert materials.list_materials(s) == []


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "main.py"), "--db", str(tmp_path / "p.sqlite3"), *args],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_cli_plans_and_materials(tmp_path: Path) -> None:
    listed = _cli(tmp_path, "plans", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert [p["name"] for p in data] == [PLAN_2019, PLAN_2024]
    assert data[1]["from"] == "2024-01-01" and data[1]["to"] == "2028-12-31"
    assert {"group": "all", "hours": 32.0, "class_required": False} .items() <= data[1]["targets"][0].items()
    done = _cli(tmp_path, "plans", "set", "2024-2028年全国党员教育培训工作规划", "--group", "bureau", "--hours", "50")
    assert done.returncode == 0, done.stderr
    data = json.loads(_cli(tmp_path, "plans", "list", "--json").stdout)
    assert data[1]["targets"][2]["hours"] == 50
    assert _cli(tmp_path, "plans", "set", "没有的规划", "--group", "all", "--hours", "1").returncode == 1

    assert _cli(tmp_path, "demo").returncode == 0
    members = json.loads(_cli(tmp_path, "members", "list", "--json").stdout)
    ids = [m["id_number"] for m in members[:4]]
    args = [a for n in ids for a in ("--member", n)]
    issued = _cli(tmp_path, "materials", "issue", "《习近平谈治国理政》", "--date", "2024-05-01", *args, "--json")
    assert issued.returncode == 0, issued.stderr
    assert json.loads(issued.stdout)["issued"] == 4
    rows = json.loads(_cli(tmp_path, "materials", "list", "--json").stdout)
    assert rows[0]["title"] == "习近平谈治国理政" and rows[0]["members"] == 4
    sheet = _cli(tmp_path, "materials", "sheet", "习近平谈治国理政", str(tmp_path / "签收表.pdf"))
    assert sheet.returncode == 0, sheet.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "签收表.pdf"), "-"], capture_output=True, text=True).stdout
    assert "《习近平谈治国理政》签收表" in text and members[0]["name"] in text
