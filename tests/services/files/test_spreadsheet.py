"""The generic spreadsheet reader: formats, encodings, header detection, damaged files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from services.errors import UnreadableFileError
from services.files.spreadsheet import (
    detect_encoding,
    header_key,
    is_sign_off_row,
    open_sheets,
    read_table,
)
from services.roll.roll_import import SYNONYMS
from tests.helpers.bad_files import make_encrypted_ole
from tests.helpers.paths import SAMPLES as SAMPLES_DIR

SAMPLES = SAMPLES_DIR
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample files not found at {SAMPLES}")

SYN = {"name": ("姓名",), "id_number": ("公民身份号码", "身份证号码", "身份证号"), "branch": ("所在党支部", "支部"),
       "joined": ("入党日期", "入党时间")}
REQ = ("name", "id_number")


def _xlsx(path: Path, rows: list[list[object]], title: str = "Sheet", extra: dict[str, list[list[object]]] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for name, more in (extra or {}).items():
        other = wb.create_sheet(name)
        for row in more:
            other.append(row)
    wb.save(path)
    return path


@needs_samples
@pytest.mark.parametrize(("name", "header_row", "count", "first", "last", "unknown"), [
    ("roll_clean.xlsx", 1, 30, 2, 31, []),
    ("roll_messy.xlsx", 3, 40, 4, 43, ["籍贯"]),
    ("roll_messy.xls", 2, 40, 3, 42, []),
    ("roll_gbk.csv", 1, 25, 2, 26, []),
    ("roll_bad.xlsx", 2, 30, 3, 32, []),
])
def test_samples_read_with_sheet_row_numbers(name: str, header_row: int, count: int, first: int, last: int,
                                             unknown: list[str]) -> None:
    table = read_table(SAMPLES / name, SYNONYMS, required=REQ)
    assert table.header_row == header_row
    assert len(table.rows) == count
    assert (table.rows[0].number, table.rows[-1].number) == (first, last)
    assert table.unknown_columns == unknown
    assert all(r.values["name"] is None or "\ufffd" not in str(r.values["name"]) for r in table.rows)


@needs_samples
def test_messy_sign_off_rows_end_the_table() -> None:
    table = read_table(SAMPLES / "roll_messy.xlsx", SYN, required=REQ)
    assert table.stopped_at == 45
    assert all(not str(r.values["name"]).startswith("制表") for r in table.rows)


@needs_samples
def test_gbk_csv_keeps_chinese() -> None:
    table = read_table(SAMPLES / "roll_gbk.csv", SYN, required=REQ)
    assert table.rows[0].values["name"] == "韩丽娜"
    assert table.rows[0].values["branch"] == "机关第一党支部"


def test_header_key_variants() -> None:
    assert header_key("姓 名") == "姓名"
    assert header_key("姓\u3000名*") == "姓名"
    assert header_key("身份证号码\n（必填）") == "身份证号码"
    assert header_key("＊入党日期") == "入党日期"
    assert header_key(None) == ""


def test_header_found_below_title_rows_any_order_serial_ignored(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "t.xlsx", [
        ["某局党员名单"], [None], ["填报单位：xx"],
        ["序号", "支部", "身份证号码*", "姓 名", "籍贯", "入党时间（必填）"],
        [1, "一支部", "110101199003071234", "张三", "北京", dt.datetime(2015, 7, 1)],
        [None, None, None, None, None, None],
        [2, "二支部", "110101199003071234", "李四", "天津", "2015.07"],
        ["制表人：王某", None, None, "审核人：李某"],
        ["不该读到这里", None, "x", "y"],
    ])
    table = read_table(path, SYN, required=REQ)
    assert table.header_row == 4
    assert [r.number for r in table.rows] == [5, 7]
    assert table.rows[0].values == {"branch": "一支部", "id_number": "110101199003071234", "name": "张三",
                                    "joined": dt.date(2015, 7, 1)}
    assert table.unknown_columns == ["籍贯"]
    assert table.header_of("joined") == "入党时间（必填）"
    assert table.stopped_at == 8


def test_sheet_choice_first_with_header_or_named(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "m.xlsx", [["说明"], ["本工作簿第二页是名单"]], title="说明",
                 extra={"名单": [["姓名", "身份证号"], ["张三", "x"]], "另一份": [["姓名", "身份证号"], ["李四", "y"], ["王五", "z"]]})
    assert read_table(path, SYN, required=REQ).sheet == "名单"
    table = read_table(path, SYN, required=REQ, sheet="另一份")
    assert [r.values["name"] for r in table.rows] == ["李四", "王五"]
    with pytest.raises(UnreadableFileError, match="没有名为“不存在”的工作表"):
        read_table(path, SYN, required=REQ, sheet="不存在")
    with pytest.raises(UnreadableFileError, match="找不到表头"):
        read_table(path, SYN, required=REQ, sheet="说明")


def test_no_header_names_the_expected_columns(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "n.xlsx", [["a", "b"], [1, 2]])
    with pytest.raises(UnreadableFileError) as info:
        read_table(path, SYN, required=REQ)
    assert "姓名" in info.value.message and "公民身份号码" in info.value.message
    assert info.value.exit_code == 2


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b"")])
def test_csv_encodings(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = "序号,姓名,身份证号码,支部\r\n1,闫赟琪,320102198404301766,机关第一党支部\r\n2,张　伟,x,二支部\r\n"
    path = tmp_path / "r.csv"
    path.write_bytes(bom + text.encode(encoding))
    table = read_table(path, SYN, required=REQ)
    assert [r.values["name"] for r in table.rows] == ["闫赟琪", "张　伟"]
    assert table.rows[0].values["branch"] == "机关第一党支部"


def test_csv_semicolon_and_tab_delimiters(tmp_path: Path) -> None:
    for sep in (";", "\t"):
        path = tmp_path / "s.csv"
        path.write_text(sep.join(["姓名", "身份证号码", "支部"]) + "\n" + sep.join(["张三", "1", "一支部"]) + "\n",
                        encoding="utf-8")
        table = read_table(path, SYN, required=REQ)
        assert table.rows[0].values == {"name": "张三", "id_number": "1", "branch": "一支部"}


def test_detect_encoding() -> None:
    assert detect_encoding("姓名".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfabc") == "utf-8-sig"
    assert detect_encoding("姓名".encode("gbk")) == "gb18030"


def test_sign_off_rows() -> None:
    assert is_sign_off_row(["制表人：李某某        审核人：王某某", "", ""])
    assert is_sign_off_row(["注：本表数据截至2023年12月31日"])
    assert is_sign_off_row([None, "填表日期：2024年1月"])
    assert not is_sign_off_row([1, "张三", "男", "汉族", "x", "y"])


TEXT_ROWS = [
    "序号,姓名,公民身份号码,所在党支部,入党日期",
    "1,张三,110101199003071234,第一支部,2001-07-01",
    " , ,\u3000,\t,",  # blank cells only (a full-width space among them): skipped
    "2,李四 ,110101199003072345,   ,2001-07-01",  # a blank cell is no value; others kept as written
    "3,\uff08王五\uff09,110101199003073456,第二支部",  # a short row: the missing cell is no value
    "4,制表员张,110101199003074567,第三支部,2002-01-01",  # a name starting like a sign-off, 5 cells: data
    "",
    "5,赵六,110101199003075678,第一支部,2003-03-03",
    "  \u5236 表 人\uff1a李某某,,审核人：王某某,,",  # the sign-off row, spaced out: the end
    "6,钱七,110101199003076789,第一支部,2004-04-04",
]


def test_text_rows_read_as_the_general_path_reads_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A CSV's rows take the text-only path (one join per row); it must find what the cell-by-cell path finds.
    from services.files import raw as raw_module
    from services.files import text_reader

    path = tmp_path / "roll.csv"
    path.write_text("\n".join(TEXT_ROWS) + "\n", encoding="utf-8")
    fast = read_table(path, SYN, required=REQ)
    assert fast.text_only

    def general(*args: object, **kwargs: object) -> raw_module.RawSheet:
        kwargs.pop("text_only", None)
        return raw_module.RawSheet(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(text_reader, "RawSheet", general)
    slow = read_table(path, SYN, required=REQ)
    assert not slow.text_only
    assert [(r.number, r.values, r.cells) for r in fast.rows] == [(r.number, r.values, r.cells) for r in slow.rows]
    assert fast.stopped_at == slow.stopped_at == 9
    assert [r.values["name"] for r in fast.rows] == ["张三", "李四 ", "（王五）", "制表员张", "赵六"]
    assert fast.rows[1].values["branch"] is None and fast.rows[2].values["joined"] is None


WORKBOOK_ROWS: list[list[object]] = [
    ["序号", "姓名", "公民身份号码", "所在党支部", "入党日期"],
    [1, "张三", "110101199003071234", "第一支部", dt.datetime(2001, 7, 1)],
    [None, "  ", "\u3000", None, " "],  # blank cells only: skipped
    [" ", 2, "李四", None, dt.datetime(2002, 7, 1)],  # a number is the first filled cell: data
    [None, "  ", dt.datetime(2003, 1, 1), None, None],  # a date only: data
    [3, "制表员张", "110101199003074567", "第三支部", None],  # a name starting like a sign-off, 4 cells: data
    [" ", "制表人：李某某", " ", "\u3000", "审核人：王某某"],  # the sign-off row between blank cells: the end
    [4, "钱七", "110101199003076789", "第一支部", None],
]


def test_workbook_rows_kept_and_ended_as_each_row_s_filled_cells_say(tmp_path: Path) -> None:
    # The reader looks only at a row's first filled cell unless it could start a sign-off row; the
    # rows it keeps and where it stops must be those every filled cell of the row gives.
    table = read_table(_xlsx(tmp_path / "t.xlsx", WORKBOOK_ROWS), SYN, required=REQ)
    expected: list[int] = []
    stop = None
    for number, cells in enumerate(WORKBOOK_ROWS[1:], start=2):
        filled = [c for c in cells if c is not None and (not isinstance(c, str) or c.strip())]
        if filled and len(filled) <= 4 and is_sign_off_row(cells):
            stop = number
            break
        if filled:
            expected.append(number)
    assert [r.number for r in table.rows] == expected == [2, 4, 5, 6]
    assert table.stopped_at == stop == 7


# ---------------------------------------------------------------- damaged and odd files


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="找不到文件"):
        open_sheets(tmp_path / "nope.xlsx")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFileError, match="是空的"):
        open_sheets(path)


def test_random_bytes_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(os.urandom(5000))
    with pytest.raises(UnreadableFileError, match="已损坏"):
        read_table(path, SYN, required=REQ)


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "good.xlsx", [["姓名", "身份证号"], ["张三", "1"]])
    data = good.read_bytes()
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFileError):
        read_table(bad, SYN, required=REQ)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    with pytest.raises(UnreadableFileError, match="无法读取"):
        read_table(path, SYN, required=REQ)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_password_protected(tmp_path: Path, suffix: str) -> None:
    path = make_encrypted_ole(tmp_path / f"locked{suffix}")
    with pytest.raises(UnreadableFileError, match="密码"):
        read_table(path, SYN, required=REQ)


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(100))
    with pytest.raises(UnreadableFileError, match="不是电子表格"):
        open_sheets(path)
    binary_csv = tmp_path / "x.csv"
    binary_csv.write_bytes(b"\x00\x01\x02abc" * 10)
    with pytest.raises(UnreadableFileError, match="二进制"):
        open_sheets(binary_csv)


def test_folder(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="文件夹"):
        open_sheets(tmp_path)


def test_row_limit_xlsx_and_csv(tmp_path: Path) -> None:
    rows: list[list[object]] = [["姓名", "身份证号"]] + [[f"张{i}", str(i)] for i in range(300)]
    path = _xlsx(tmp_path / "big.xlsx", rows)
    with pytest.raises(UnreadableFileError, match="超过一次最多导入的100行"):
        read_table(path, SYN, required=REQ, max_rows=100)
    csv_path = tmp_path / "big.csv"
    csv_path.write_text("\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="超过"):
        read_table(csv_path, SYN, required=REQ, max_rows=100)
    assert len(read_table(path, SYN, required=REQ, max_rows=1000).rows) == 300


def test_declared_dimension_does_not_matter(tmp_path: Path) -> None:
    """A sheet declaring 1,048,576 rows but holding two is read as the two rows it holds (issue 13)."""
    import zipfile

    src = _xlsx(tmp_path / "s.xlsx", [["姓名", "身份证号"], ["张三", "1"]])
    out = tmp_path / "million.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:B1048576"/>')
                assert b"B1048576" in data
            zout.writestr(item, data)
    table = read_table(out, SYN, required=REQ)
    assert [(r.number, r.values["name"]) for r in table.rows] == [(2, "张三")]


def test_million_row_csv_refused(tmp_path: Path) -> None:
    path = tmp_path / "million.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("姓名,身份证号\n")
        fh.write("张三,1\n" * 1_000_000)
    with pytest.raises(UnreadableFileError, match="200,000"):
        read_table(path, SYN, required=REQ)
