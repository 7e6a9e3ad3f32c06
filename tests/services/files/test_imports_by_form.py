"""Every import reads through the one reader layer: web-page and XML ".xls" files, sheet choice, twin columns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models import Activity, Attendance, Member
from services.assessment import assessments
from services.errors import ValidationError
from services.roll import roll_import
from services.safety.storage import Database
from services.training import records_import
from tests.helpers import backend
from tests.helpers.paths import REPO, SAMPLES
from tests.helpers.training_helpers import load_roll
from ui.cli.main import run

DATA = REPO / "tests" / "data"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample files not found at {SAMPLES}")


def _count(db: Database, model: Any) -> int:
    with db.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _cli(db_path: Path | str, *args: str) -> int:
    return run(["--db", str(db_path), *args])


# ---------------------------------------------------------------- the forms, through the importers


@pytest.mark.parametrize(("name", "form"), [("roll_web_html.xls", "网页表格（HTML）另存的 .xls"),
                                            ("roll_web_xml.xls", "Excel 2003 XML 表格另存的 .xls")])
def test_roll_import_of_each_form(db: Database, name: str, form: str) -> None:
    with db.session_factory.begin() as s:
        plan = roll_import.plan_import(s, DATA / name)
        assert plan.form == form and plan.can_apply, plan.refused
        roll_import.apply_import(s, plan, "tester", create_branches=True)
    assert _count(db, Member) == 6
    with db.session_factory() as s:
        assert s.scalar(select(Member.id_number).where(Member.name == "李堃")) == "32010219750101019X"


@needs_samples
@pytest.mark.parametrize(("name", "form"), [("roll_web_html.xls", "网页表格（HTML）另存的 .xls"),
                                            ("roll_web_xml.xls", "Excel 2003 XML 表格另存的 .xls")])
def test_shared_web_samples_import_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                         form: str) -> None:
    db_path = tmp_path / "cli.sqlite3"
    assert _cli(db_path, "import-members", str(SAMPLES / name), "--create-branches", "--json") == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["added"] == 20 and out["refused"] == [] and out["form"] == form
    assert f"读取的文件：{form}" in captured.err


def test_online_hours_html_import_as_records_every_row(db: Database, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    with db.session_factory.begin() as s:
        load_roll(s, DATA / "roll_web_html.xls")
    with db.session_factory.begin() as s:
        plan = records_import.plan_records(s, DATA / "online_hours_html.xls")
        assert plan.ok, plan.refused
        assert plan.form == "网页表格（HTML）另存的 .xls" and plan.total_rows == 12
        assert plan.ignored_columns == ["所在单位"]
        records_import.apply_records(s, plan, "tester")
    assert _count(db, Activity) == 2 and _count(db, Attendance) == 12
    with db.session_factory() as s:
        hours = sorted(s.scalars(select(Attendance.hours)))
    assert hours == sorted([1.5, 2, 2.5, 3, 0.5, 1] * 2)
    # Through the command line: the same file again changes nothing, and --json names the form.
    db.dispose()
    assert _cli(backend.location(db), "import-records", str(DATA / "online_hours_html.xls"), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["form"] == "网页表格（HTML）另存的 .xls" and out["unchanged"] == 12 and out["added"] == 0


def test_grades_from_a_web_page(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        load_roll(s, DATA / "roll_web_html.xls")
    path = tmp_path / "grades.xls"
    path.write_text("<table><tr><td colspan=3>2023年度民主评议结果</td></tr>"
                    "<tr><td>姓名</td><td>评议等次</td><td>备注</td></tr>"
                    "<tr><td>李堃</td><td>优秀</td><td>&nbsp;</td></tr>"
                    "<tr><td>王喆</td><td>合格</td><td>A&amp;B</td></tr></table>", encoding="utf-8")
    with db.session_factory.begin() as s:
        assert assessments.import_grades(s, "t", 2023, path).saved == 2


# ---------------------------------------------------------------- issue 13: sheets, twin columns, empty tables


ROW = ["王喆", "440103199010100257", "男", "机关第二党支部"]
HEADER = ["姓名", "公民身份号码", "性别", "所在党支部"]


def _book(path: Path, sheets: list[tuple[str, list[list[Any]], bool]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, hidden in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def test_hidden_first_sheet_is_not_imported(db: Database, tmp_path: Path) -> None:
    old = ["旧人", "110101198003150076", "男", "已撤销支部"]
    path = _book(tmp_path / "h.xlsx", [("旧名单", [HEADER, old], True), ("名单", [HEADER, ROW], False)])
    with db.session_factory() as s:
        plan = roll_import.plan_import(s, path)
    assert plan.sheet == "名单" and [a["name"] for a in plan.added] == ["王喆"]
    assert [(i.name, i.visible, i.chosen) for i in plan.sheets] == [("旧名单", False, False), ("名单", True, True)]


def test_twin_columns_that_disagree_refuse_the_row(db: Database, tmp_path: Path) -> None:
    header = ["姓名", "身份证号", "性别", "所在党支部", "公民身份号码"]
    rows = [header,
            ["王喆", "440103199010100257", "男", "一支部", "440103199010100257"],  # the same: fine
            ["赵玥", "510104199212120306", "女", "一支部", "51010419921212030６"],  # full width: the same
            ["钱翀", "330102198808080375", "男", "一支部", "330102198808080383"],  # different: refused
            ["李堃", None, "男", "一支部", "32010219750101019x"]]  # only the second: taken
    path = _book(tmp_path / "twins.xlsx", [("名单", rows, False)])
    with db.session_factory() as s:
        plan = roll_import.plan_import(s, path)
    assert plan.ignored_columns == []
    assert [p.row for p in plan.refused] == [4]
    problem = plan.refused[0]
    assert problem.column == "身份证号" and "公民身份号码" in problem.message and "330102198808080383" in problem.message
    assert sorted(a["name"] for a in plan.added) == ["李堃", "王喆", "赵玥"]


def test_twin_conflict_in_records_and_grades(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        load_roll(s, DATA / "roll_web_html.xls")
    rows = [["姓名", "身份证号", "公民身份号码", "评议等次"], ["李堃", "32010219750101019X", "440103199010100257", "优秀"]]
    path = _book(tmp_path / "g.xlsx", [("评议", rows, False)])
    with db.session_factory.begin() as s, pytest.raises(ValidationError, match="第2行“身份证号”列.*公民身份号码"):
        assessments.import_grades(s, "t", 2023, path)
    rows = [["姓名", "身份证号", "公民身份号码", "培训名称", "培训类别", "培训日期", "学时"],
            ["李堃", "32010219750101019X", "440103199010100257", "党课", "专题党课", "2023-01-01", 2]]
    path = _book(tmp_path / "r.xlsx", [("学时", rows, False)])
    with db.session_factory() as s:
        plan = records_import.plan_records(s, path)
    assert not plan.ok and plan.refused[0].row == 2 and plan.refused[0].column == "身份证号"


def test_header_without_data_rows_is_refused(db: Database, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = _book(tmp_path / "empty.xlsx", [("名单", [["党员名册"], HEADER, [None] * 4, ["制表人：某某"]], False)])
    with db.session_factory() as s, pytest.raises(ValidationError, match="没有数据行") as info:
        roll_import.plan_import(s, path)
    assert info.value.exit_code == 1
    db.dispose()
    capsys.readouterr()
    assert _cli(backend.location(db), "import-members", str(path), "--create-branches") == 1
    assert "没有数据行" in capsys.readouterr().err
    header = ["姓名", "培训名称", "培训类别", "培训日期", "学时"]
    path = _book(tmp_path / "records.xlsx", [("学时", [header], False)])
    assert _cli(backend.location(db), "import-records", str(path)) == 1
    assert "没有数据行" in capsys.readouterr().err
