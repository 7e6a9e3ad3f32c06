"""The roll cleaned column by column (roll_clean) gives what clean_member gives row by row, and an import
stores exactly what the per-cell path would have stored."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from models import Branch, Member
from services.files.spreadsheet import read_table
from services.roll.members import clean_member, derived_name_fields
from services.roll.roll_clean import KEYS, clean_id_column, clean_rows
from services.roll.roll_import import (
    MEMBER_KEYS,
    REQUIRED_HEADERS,
    SYNONYMS,
    apply_import,
    plan_import,
)
from services.safety.storage import Database
from tests.helpers.paths import SAMPLES
from tests.helpers.roll_factory import HEADERS, roll_rows

TODAY = dt.date(2024, 6, 30)

# Cells as offices write them, column by column, good and bad, in every type a reader hands over.
ODD_CELLS: dict[str, list[Any]] = {
    "name": ["张伟", "张　伟", " 李 娜 ", "阿依古丽.买买提", "Ma Li", "王2", "", None, "·张", "赵#", 3.0, "欧阳杰凤"],
    "id_number": ["110101199003071233", "11010119900307123x", "110101199003071234", "11010119900307123",
                  "110101900307123", "１１０１０１１９９００３０７１２３３", "110101 19900307 1233", 110101199003071233,
                  1.10101199003071e17, "1.10101E+17", "110101199002301230", "110101209003071231", None, "",
                  True, "11010119900307123X", "51010419820224057X", "110101185001011230"],
    "sex": ["男", "女", "男性", "女 ", "m", None, "", 1, "女"],
    "birth_date": ["1990-03-07", "1990.3", "1990年3月7日", "19900307", 32939, 32939.0, dt.datetime(1990, 3, 7),
                   dt.date(1990, 3, 7), "1990-02-30", "1899-01-01", "1990-13", "hello", None, True, 199003,
                   float("nan"), "1985-01-02"],
    "ethnicity": ["汉族", "汉", "蒙古", "回 族", "火星族", None, ""],
    "education": ["大学本科", "本科", "硕士", "小学", "博士后", None],
    "joined_party": ["2015.07", "2015-07-01", "2030-01-01", "1995-01-01", "2024-06", "2023-07-01", None, "abc", 42000],
    "full_member_since": ["2016-07-01", "2014-01-01", "2031-01", None, "", "2024-01"],
    "membership": ["正式党员", "预备", "预备党员", "党员", None],
    "branch": ["一支部", " 二支部 ", "第１党支部", "", None, 7, "一支部"],
    "party_post": ["支部书记", "  组织委员 ", "x" * 51, None, "宣传委员（兼）"],
    "job": ["科员", "y" * 101, None, "处长\r\n兼主任"],
    "staff_status": ["在职", "退休", "离岗", "临时", None],
    "phone": ["13800000000", "138-0000-0000", 13800000000, 13800000000.0, "(010)12345678转123", "abc", "123",
              "+8613800000000", "１３８００００００００", None],
    "joined_org": ["2018-03-01", "2099-01-01", None, "2018.3"],
    "left_date": ["2020-01-01", None, "2099-01-01", "1990-01-01", ""],
    "status": ["在册", "转出", "去世", "正常", "病故", "失联", None, "已转出"],
    "remarks": ["借调（外单位）", "z" * 1001, None, "  前后空格  ", "\x00隐形\u200b字符"],
    "left_reason": ["调动", None, "  工作\r\n调动 ", 12],
}


def good_rows(count: int, seed: int) -> list[dict[str, Any]]:
    keys = {header: key for key, names in SYNONYMS.items() for header in names}
    return [{keys[h]: v for h, v in zip(HEADERS, row, strict=True) if h in keys} for row in roll_rows(count, seed=seed)]


def odd_rows(count: int, seed: int) -> list[dict[str, Any]]:
    """Good rows with some cells (one in six) swapped for odd ones, and a few rows of odd cells only."""
    rng = random.Random(seed)
    rows = good_rows(count, seed)
    for index, row in enumerate(rows):
        for key, cells in ODD_CELLS.items():
            if index % 10 == 0 or rng.random() < 1 / 6:
                row[key] = rng.choice(cells)
    return rows


def as_columns(rows: list[dict[str, Any]], absent: tuple[str, ...] = ()) -> dict[str, list[Any] | None]:
    return {key: None if key in absent else [row.get(key) for row in rows] for key in KEYS}


def per_cell(rows: list[dict[str, Any]], absent: tuple[str, ...] = ()) -> list[Any]:
    return [clean_member({k: v for k, v in row.items() if k not in absent}, TODAY) for row in rows]


def test_odd_cells_clean_as_row_by_row() -> None:
    rows = odd_rows(3000, seed=1)
    got = clean_rows(as_columns(rows), len(rows), TODAY)
    expected = per_cell(rows)
    assert got == expected
    assert sum(1 for _clean, problems in expected if not problems) > 20  # good rows among them too
    messages = {p.message for _clean, problems in expected for p in problems}
    assert any("校验位" in m for m in messages) and any("不满18周岁" in m for m in messages)


def test_missing_columns_clean_as_row_by_row() -> None:
    rows = odd_rows(300, seed=2)
    absent = ("sex", "birth_date", "membership", "status", "left_reason")
    assert clean_rows(as_columns(rows, absent), len(rows), TODAY) == per_cell(rows, absent)


def test_generated_roll_cleans_as_row_by_row() -> None:
    rows = good_rows(2000, seed=3)
    got = clean_rows(as_columns(rows), len(rows), TODAY)
    assert got == per_cell(rows)
    assert all(not problems for _clean, problems in got)


def test_id_column_facts() -> None:
    ids, facts = clean_id_column(["110101199003071233", "51010419820224057x", "110101900307123", None,
                                  "110101198501020020"])
    assert ids[:3] == ["110101199003071233", "51010419820224057X", "110101199003071233"]
    assert facts[:3] == [(dt.date(1990, 3, 7), "男"), (dt.date(1982, 2, 24), "男"), (dt.date(1990, 3, 7), "男")]
    assert facts[3] is None and ids[3].message == "身份证号码不能为空"
    assert facts[4] == (dt.date(1985, 1, 2), "女")


@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample files not found at {SAMPLES}")
@pytest.mark.parametrize("name", ["roll_clean.xlsx", "roll_messy.xlsx", "roll_messy.xls", "roll_gbk.csv",
                                  "roll_bad.xlsx", "roll_web_html.xls", "roll_web_xml.xls"])
def test_samples_clean_as_row_by_row(name: str) -> None:
    table = read_table(SAMPLES / name, SYNONYMS, required=REQUIRED_HEADERS)
    raws = [{key: row.values.get(key) for key in SYNONYMS} for row in table.rows]
    absent = tuple(key for key in KEYS if key not in table.fields)
    assert clean_rows(as_columns(raws, absent), len(raws), TODAY) == per_cell(raws, absent)


# ---------------------------------------------------------------- what an import stores


def _varied_roll(path: Path) -> Path:
    """A roll of generated members with cells written the ways offices write them (all of them valid)."""
    rng = random.Random(11)
    wb = Workbook()
    ws = wb.active
    ws.append(["说明：本表为测试用"])
    ws.append(HEADERS)
    for row in roll_rows(400, seed=5, branches=7):
        cells: list[Any] = list(row)
        if rng.random() < 0.2:
            cells[1] = cells[1][0] + "　" + cells[1][1:]              # padded name
        if rng.random() < 0.2:
            cells[5] = cells[5].lower().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        if rng.random() < 0.3:
            cells[4] = dt.datetime.fromisoformat(cells[4])            # a date cell
        elif rng.random() < 0.3:
            cells[4] = cells[4][:7].replace("-", ".")                  # to the month
        if "-" in cells[7] and rng.random() < 0.3:
            cells[7] = cells[7].replace("-", "")[:6]                   # 201507
        cells[3] = rng.choice(["汉族", "汉", "回族", "满", ""])
        cells[6] = rng.choice(["大学本科", "本科", "硕士", "大专", ""])
        cells[9] = rng.choice(["正式党员", "正式", ""])
        cells[11] = rng.choice(["", "支部书记", " 组织委员 ", "党小组长"])
        cells[12] = rng.choice(["科员", "处长（兼）", "", "工程师  "])
        cells[13] = rng.choice(["在职", "退休", ""])
        cells[14] = rng.choice([cells[14], int(cells[14]), "010-6512 3456", ""])
        if rng.random() < 0.1:
            cells[16], cells[17] = "2023-05-01", rng.choice(["转出", "去世"])
        cells[18] = rng.choice(["", "借调（外单位）", "  原文照留  "])
        ws.append(cells)
    ws.append([])
    ws.append(["制表人：张三", None, "审核人：李四"])
    wb.save(path)
    return path


def test_import_stores_what_the_per_cell_path_stores(db: Database, tmp_path: Path) -> None:
    path = _varied_roll(tmp_path / "varied.xlsx")
    today = dt.date.today()
    table = read_table(path, SYNONYMS, required=REQUIRED_HEADERS)
    expected: dict[str, dict[str, Any]] = {}
    for row in table.rows:
        clean, problems = clean_member({key: row.values.get(key) for key in SYNONYMS}, today)
        assert not problems, (row.number, problems)
        values = {key: clean.get(key) for key in MEMBER_KEYS}
        values["membership"] = values["membership"] or "正式党员"
        values["status"] = values["status"] or "在册"
        values |= derived_name_fields(clean["name"]) | {"branch": clean["branch"]}
        expected[clean["id_number"]] = values

    with db.session_factory.begin() as session:
        plan = plan_import(session, path)
        assert not plan.refused and len(plan.added) == 400
        apply_import(session, plan, "tester", create_branches=True)
    columns = [getattr(Member, key) for key in (*MEMBER_KEYS, "name_initials", "surname_strokes", "sort_key")]
    with db.session_factory() as session:
        stored = {}
        for branch, *values in session.execute(select(Branch.name, *columns).join(Branch, Branch.id == Member.branch_id)):
            record = dict(zip((*MEMBER_KEYS, "name_initials", "surname_strokes", "sort_key"), values, strict=True))
            stored[record["id_number"]] = record | {"branch": branch}
    assert stored == expected


def test_derived_values_match_naming() -> None:
    from services.demo.demo import GIVEN, SURNAMES
    from services.roll.roll_import import DERIVED_KEYS, _derived_values

    rng = random.Random(4)
    names = ["张伟", "欧阳杰凤", "欧阳", "单雄信", "司马喆", "长孙无忌", "阿依古丽·买买提", "Ma Li", "解放", "朝阳", "乐乐",
             "堃喆", "诸葛亮", "上官婉儿", "x" * 60, "王" * 120]
    names += [rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) for _ in range(300)]
    for name in names:
        assert dict(zip(DERIVED_KEYS, _derived_values(name), strict=True)) == derived_name_fields(name), name
