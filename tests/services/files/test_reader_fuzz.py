"""Fuzzing the roll and record readers (issue 13): whatever the file holds, only the program's own errors come out."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from services.errors import DangxunError
from services.roll import roll_import
from services.safety.storage import Database, open_database
from services.training import records_import

HEADERS = ["序号", "姓名", "公民身份号码", "身份证号", "性别", "出生日期", "入党时间", "所在党支部", "备注",
           "培训名称", "培训类别", "培训日期", "学时", "出勤情况", "其他"]
HUGE = ["长" * 100_000, "1" * 40_000, "11010119800315007" * 2000]

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
cell = st.one_of(
    st.none(), text, st.sampled_from(HEADERS), st.sampled_from(HUGE),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.booleans(),
    st.sampled_from(["110101198003150076", "11010119800315007x", "2019.7", "3学时", "√", "请假", "&nbsp;", "＜＞"]),
)
header_row = st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8)
rows = st.lists(st.lists(cell, max_size=10), max_size=12)
FORMS = ("xlsx", "csv-utf-8", "csv-gb18030", "csv-utf-16", "html", "xml")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_database(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3")
    yield db
    db.dispose()


def _xlsx(path: Path, table: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> None:
    wb = Workbook()
    ws = wb.active
    for row in table:
        ws.append(row)
    for r, c, h, w in merges:
        ws.merge_cells(start_row=r, start_column=c, end_row=r + h, end_column=c + w)
    wb.save(path)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _html(table: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> str:
    spans = {(r, c): (h + 1, w + 1) for r, c, h, w in merges}
    out = ["<html><body><p>导出</p><table>"]
    for r, row in enumerate(table, start=1):
        out.append("<tr>")
        for c, value in enumerate(row, start=1):
            rowspan, colspan = spans.get((r, c), (1, 1))
            out.append(f'<td rowspan="{rowspan}" colspan="{colspan}">{html.escape(_text(value))}</td>')
        out.append("</tr>")
    out.append("</table></body></html>")
    return "".join(out)


def _xml(table: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> str:
    spans = {(r, c): (h, w) for r, c, h, w in merges}
    out = ['<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="名单"><Table>']
    for r, row in enumerate(table, start=1):
        out.append(f'<Row ss:Index="{r * 2}">' if r % 3 == 0 else "<Row>")
        for c, value in enumerate(row, start=1):
            down, across = spans.get((r, c), (0, 0))
            extra = f' ss:MergeAcross="{across}" ss:MergeDown="{down}"' if (down or across) else ""
            if value is None:
                out.append(f'<Cell ss:Index="{c}"{extra}/>')
                continue
            kind = ("Number" if isinstance(value, (int, float)) and not isinstance(value, bool) else
                    "DateTime" if isinstance(value, dt.date) else "String")
            shown = value.isoformat() + "T00:00:00.000" if kind == "DateTime" else escape(_text(value))
            out.append(f'<Cell{extra}><Data ss:Type="{kind}">{shown}</Data></Cell>')
        out.append("</Row>")
    out.append("</Table></Worksheet></Workbook>")
    return "".join(out)


def _write(path: Path, form: str, table: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> None:
    if form == "xlsx":
        _xlsx(path, table, merges)
    elif form.startswith("csv-"):
        lines = "\r\n".join(",".join('"' + _text(v).replace('"', '""') + '"' for v in row) for row in table)
        path.write_bytes(lines.encode(form[4:], errors="replace"))
    elif form == "html":
        path.write_text(_html(table, merges), encoding="utf-8")
    else:
        path.write_text(_xml(table, merges), encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(form=st.sampled_from(FORMS), title=st.booleans(), header=header_row, body=rows,
       merges=st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6), st.integers(0, 3), st.integers(0, 3)),
                       max_size=3, unique_by=lambda m: (m[0], m[1])),
       damage=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8))))
def test_only_our_own_errors(database: Database, tmp_path_factory: pytest.TempPathFactory, form: str, title: bool,
                             header: list[str], body: list[list[Any]], merges: list[tuple[int, int, int, int]],
                             damage: tuple[float, bytes] | None) -> None:
    table: list[list[Any]] = ([["党员名册"]] if title else []) + [list(header)] + body
    if form == "xlsx":
        # A merged range in openpyxl may not overlap another; keep the ones that do not.
        kept: list[tuple[int, int, int, int]] = []
        for m in merges:
            if all(m[0] + m[2] < k[0] or k[0] + k[2] < m[0] or m[1] + m[3] < k[1] or k[1] + k[3] < m[1] for k in kept):
                kept.append(m)
        merges = kept
    path = tmp_path_factory.mktemp("f") / ("roll.xlsx" if form == "xlsx" else "roll.xls")
    _write(path, form, table, merges)
    if damage is not None:
        data = path.read_bytes()
        at = int(len(data) * damage[0])
        path.write_bytes(data[:at] + damage[1] + data[at + len(damage[1]):])
    for plan in (lambda s: roll_import.plan_import(s, path), lambda s: records_import.plan_records(s, path)):
        with database.session_factory() as session:
            try:
                plan(session)
            except DangxunError as exc:
                assert exc.message and any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)
