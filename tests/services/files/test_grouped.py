"""read_grouped: the rows of a text file streamed into distinct groups hold exactly what read_table reads."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from services.errors import UnreadableFileError, ValidationError
from services.files.grouped import group_rows
from services.files.spreadsheet import read_grouped, read_table

HEADERS = {"name": ("姓名",), "id_number": ("公民身份号码", "身份证号"), "title": ("培训名称",),
           "date": ("日期",), "hours": ("学时",), "place": ("地点",)}
GROUPS = (("name", "id_number"), ("title", "date", "hours", "place"), ("missing",))

TRICKY = (
    "培训情况登记表\n"
    "\n"
    "序号,姓名,公民身份号码,培训名称,日期,学时,备注\n"
    "1,张三,110101199003070011,党课,2024-01-05,2,\n"
    "2, 张三 ,110101199003070011,党课,2024-01-05,2,x\n"
    "3,李四,110101199003070012,\"党课,第二讲\",2024-01-05,,\n"
    "3,李四,110101199003070012,\"党课,第二讲\",2024-01-05, ,\n"
    "4,李四,110101199003070012,\"党课\n分行\",2024-01-05,   ,\n"
    ",,,,,,\n"
    "   ,  ,\t,,,,\n"
    "\n"
    "5,王五,１１０１０１１９９００３０７００１Ｘ,党课,2024/1/5,2\n"
    "6,赵六\n"
    "7,\"钱\"\"七\",bad,党课,2024-13-01,三,\n"
    "  8,孙八,110101199003070013,党课,2024-01-05,2,\n"
    "9,,,党课,2024-01-05,2,\n"
    "制表人：周九,,,,,,\n"
    "10,吴十,110101199003070014,党课,2024-01-05,2,\n"
)


def _same(path: Path) -> None:
    table = read_table(path, HEADERS, required=("title",))
    meta, grouped = read_grouped(path, HEADERS, GROUPS, required=("title",))
    assert meta.rows == []
    for key in ("path", "sheet", "header_row", "headers", "columns", "unknown_columns", "stopped_at",
                "form_label", "sheets", "text_only"):
        assert getattr(meta, key) == getattr(table, key), key
    assert list(grouped.numbers) == [r.number for r in table.rows]
    assert grouped.problems == {i: r.problems for i, r in enumerate(table.rows) if r.problems}
    for g, fields in enumerate(GROUPS):
        for position, row in enumerate(table.rows):
            got = grouped.full(g, grouped.distinct[g][grouped.index[g][position]])
            assert got == tuple(row.values.get(f) for f in fields), (row.number, fields)
        # Each distinct value once.
        assert len(set(grouped.distinct[g])) == len(grouped.distinct[g])
    # Built from the table, the same rows and values.
    again = group_rows(table, GROUPS)
    assert list(again.numbers) == list(grouped.numbers) and again.problems == grouped.problems
    for g in range(len(GROUPS)):
        assert [again.distinct[g][i] for i in again.index[g]] == [grouped.distinct[g][i] for i in grouped.index[g]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_tricky_text_rows_as_read_table_reads_them(tmp_path, encoding):
    path = tmp_path / "t.csv"
    path.write_text(TRICKY, encoding=encoding, newline="")
    _same(path)
    meta, grouped = read_grouped(path, HEADERS, GROUPS, required=("title",))
    assert meta.text_only and meta.stopped_at == 17
    # Blank cells are None, and cells blank in different ways are the same distinct values.
    assert grouped.present[1] == ("title", "date", "hours")
    assert grouped.distinct[1][grouped.index[1][2]] == ("党课,第二讲", "2024-01-05", None)
    assert grouped.index[1][2] == grouped.index[1][3] != grouped.index[1][4]
    assert grouped.index[0][0] != grouped.index[0][1]  # " 张三 " is checked as written
    short = grouped.numbers.tolist().index(13)
    assert grouped.distinct[1][grouped.index[1][short]] == (None, None, None)
    assert grouped.present[2] == () and grouped.full(2, ()) == (None,)


def test_tab_separated_and_twin_columns(tmp_path):
    tsv = tmp_path / "t.txt"
    tsv.write_text(TRICKY.replace(",", "\t").replace('"党课\t第二讲"', "党课第二讲"), encoding="utf-8")
    _same(tsv)
    twins = tmp_path / "twins.csv"
    twins.write_text("姓名,公民身份号码,培训名称,身份证号\n张三,110101199003070011,党课,110101199003070012\n"
                     "李四,,党课,110101199003070013\n王五,110101199003070014,党课,\n", encoding="utf-8")
    _same(twins)
    _meta, grouped = read_grouped(twins, HEADERS, GROUPS, required=("title",))
    assert list(grouped.problems) == [0]
    assert grouped.distinct[0][grouped.index[0][1]] == ("李四", "110101199003070013")


def test_workbook_and_typed_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "公民身份号码", "培训名称", "学时"])
    ws.append(["张三", "110101199003070011", "党课", 1])
    ws.append(["张三", "110101199003070011", "党课", 1.5])
    ws.append(["张三", "110101199003070011", "党课", "1"])
    ws.append(["张三", "110101199003070011", "党课", 1])
    ws.append(["张三", "110101199003070011", "党课", "  "])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    _same(path)
    meta, grouped = read_grouped(path, HEADERS, GROUPS, required=("title",))
    assert not meta.text_only
    # 1 and "1" are told apart (each is checked on its own); the same 1 again is not.
    assert list(grouped.index[1]) == [0, 1, 2, 0, 3]


def test_refusals_as_read_table(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("姓名,培训名称\n,\n制表人：张三\n", encoding="utf-8")
    with pytest.raises(ValidationError) as a:
        read_table(empty, HEADERS, required=("title",))
    with pytest.raises(ValidationError) as b:
        read_grouped(empty, HEADERS, GROUPS, required=("title",))
    assert str(a.value) == str(b.value)
    many = tmp_path / "many.csv"
    many.write_text("姓名,培训名称\n" + "张三,党课\n" * 12, encoding="utf-8")
    with pytest.raises(UnreadableFileError) as a:
        read_table(many, HEADERS, required=("title",), max_rows=10)
    with pytest.raises(UnreadableFileError) as b:
        read_grouped(many, HEADERS, GROUPS, required=("title",), max_rows=10)
    assert str(a.value) == str(b.value)
    headless = tmp_path / "headless.csv"
    headless.write_text("甲,乙\n1,2\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError) as a:
        read_table(headless, HEADERS, required=("title",))
    with pytest.raises(UnreadableFileError) as b:
        read_grouped(headless, HEADERS, GROUPS, required=("title",))
    assert str(a.value) == str(b.value)
