"""Files as other systems write them: web pages and Excel 2003 XML saved as ".xls", text under any name."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from services.errors import UnreadableFileError
from services.files.spreadsheet import open_sheets, read_table
from tests.helpers.paths import REPO

DATA = REPO / "tests" / "data"
SYN = {"name": ("姓名",), "id_number": ("公民身份号码", "身份证号码", "身份证号"), "branch": ("所在党支部", "支部"),
       "joined": ("入党日期", "入党时间"), "remarks": ("备注",), "post": ("党内职务",)}
REQ = ("name", "id_number")
HTML_FORM = "网页表格（HTML）另存的 .xls"
XML_FORM = "Excel 2003 XML 表格另存的 .xls"


def _html(path: Path, body: str, encoding: str = "utf-8", head: str = "") -> Path:
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    path.write_bytes(page.encode(encoding))
    return path


def _xml(path: Path, sheets: str, encoding: str = "UTF-8") -> Path:
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">'
            f"{sheets}</Workbook>")
    path.write_bytes(text.encode("gb18030" if encoding.lower() in ("gb2312", "gbk") else encoding))
    return path


def _c(value: object, kind: str = "String", extra: str = "") -> str:
    return f'<Cell{extra}><Data ss:Type="{kind}">{value}</Data></Cell>'


# ---------------------------------------------------------------- the committed samples


def test_html_sample_roll() -> None:
    table = read_table(DATA / "roll_web_html.xls", SYN, required=REQ)
    assert table.form_label == HTML_FORM
    assert table.header_row == 2 and [r.number for r in table.rows] == [3, 4, 5, 6, 7, 8]
    values = [r.values for r in table.rows]
    assert values[0]["name"] == "张\u3000伟" and values[0]["post"] == "支部书记"
    assert values[0]["remarks"] is None  # &nbsp; is an empty cell
    assert values[1]["remarks"] == "（借调）２０２１年起"  # as written, full width kept
    assert values[2]["remarks"] == "研发&测试" and values[2]["id_number"] == "32010219750101019X"
    assert all(isinstance(v["id_number"], str) and len(v["id_number"]) == 18 for v in values)


def test_xml_sample_roll_skips_the_hidden_sheet() -> None:
    table = read_table(DATA / "roll_web_xml.xls", SYN, required=REQ)
    assert table.form_label == XML_FORM
    assert table.sheet == "党员名册" and table.header_row == 3
    assert [(s.name, s.visible, s.chosen) for s in table.sheets] == [
        ("旧名单", False, False), ("填表说明", True, False), ("党员名册", True, True)]
    assert table.source_text() == f"{XML_FORM}；工作表：旧名单（隐藏）、填表说明、党员名册（已选用）"
    assert [r.number for r in table.rows] == [4, 5, 6, 7, 8, 9] and table.stopped_at == 12
    second = table.rows[1].values
    assert second["joined"] == dt.date(2010, 7, 1)  # ss:Type="DateTime"
    assert second["post"] is None and second["remarks"] == "（借调）２０２１年起"  # placed by ss:Index
    assert table.rows[4].values["joined"] == "20160701"
    # Asked for by name, the hidden sheet is read.
    assert read_table(DATA / "roll_web_xml.xls", SYN, required=REQ, sheet="旧名单").rows[0].values["name"] == "旧人"


# ---------------------------------------------------------------- HTML tables


def test_html_spans_entities_and_line_breaks(tmp_path: Path) -> None:
    body = ("<h2>某某局党员名册</h2><p>&nbsp;</p>"
            "<TABLE><TR><TD COLSPAN=4>名册（2024年）</TD></TR>"
            "<tr><th>姓名</th><th>身份证号</th><th>支部</th><th>备注</th></tr>"
            "<tr><td>张&nbsp;三</td><td style='mso-number-format:\"\\@\"'>110101198003150076</td>"
            "<td rowspan=2>一&amp;二支部</td><td>甲<br>乙</td></tr>"
            "<tr><td>李四<td>0012<td>&lt;无&gt;</tr>"
            "<tr><td colspan=2>&#21512;&#35745;</td><td></td><td>&#x4E00;</td></tr>"
            "</table>")
    table = read_table(_html(tmp_path / "t.xls", body), SYN, required=REQ)
    # The page's heading takes row 1 when Excel opens it; the table starts on row 2.
    assert table.header_row == 3 and [r.number for r in table.rows] == [4, 5, 6]
    first, second, third = (r.values for r in table.rows)
    assert first == {"name": "张 三", "id_number": "110101198003150076", "branch": "一&二支部", "remarks": "甲\n乙"}
    # The rowspan keeps its value in the top cell, as a merged range does; the next cell moves right.
    assert second == {"name": "李四", "id_number": "0012", "branch": None, "remarks": "<无>"}
    assert third == {"name": "合计", "id_number": None, "branch": None, "remarks": "一"}


def test_html_first_table_that_looks_like_the_data(tmp_path: Path) -> None:
    body = ("<table><tr><td>单位：</td><td>某某局</td></tr><tr><td>导出时间</td><td>2024-01-02</td></tr></table>"
            "<table><tr><td>姓名</td><td>公民身份号码</td></tr><tr><td>王五</td><td>x</td></tr></table>"
            "<table><tr><td>姓名</td><td>公民身份号码</td></tr><tr><td>赵六</td><td>y</td></tr></table>")
    table = read_table(_html(tmp_path / "three.xls", body), SYN, required=REQ)
    assert [r.values["name"] for r in table.rows] == ["王五"] and [r.number for r in table.rows] == [4]
    assert [s.chosen for s in table.sheets] == [False, True, False]


def test_html_nested_layout_table(tmp_path: Path) -> None:
    body = ("<table><tr><td>页面</td><td><table><tr><td>姓名</td><td>身份证号</td></tr>"
            "<tr><td>孙七</td><td>z</td></tr></table></td></tr></table>")
    table = read_table(_html(tmp_path / "nested.xls", body), SYN, required=REQ)
    assert [r.values["name"] for r in table.rows] == ["孙七"]


@pytest.mark.parametrize(("encoding", "head"), [
    ("gb18030", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'),
    ("gbk", ""), ("utf-16", ""), ("utf-8", '<meta charset="gbk">'),  # a wrong declaration: the bytes win
])
def test_html_encodings(tmp_path: Path, encoding: str, head: str) -> None:
    body = "<table><tr><td>姓名</td><td>身份证号</td></tr><tr><td>闫赟琪</td><td>1</td></tr></table>"
    table = read_table(_html(tmp_path / "enc.xls", body, encoding, head), SYN, required=REQ)
    assert table.rows[0].values["name"] == "闫赟琪"


def test_html_without_a_table_is_refused(tmp_path: Path) -> None:
    path = _html(tmp_path / "page.xls", "<p>会话已过期，请重新登录</p>")
    with pytest.raises(UnreadableFileError, match="网页（HTML），里面没有表格") as info:
        open_sheets(path)
    assert info.value.exit_code == 2


# ---------------------------------------------------------------- Excel 2003 XML


def test_xml_index_merge_and_types(tmp_path: Path) -> None:
    across, down = ' ss:MergeAcross="3"', ' ss:MergeDown="1"'
    sheet = ('<Worksheet ss:Name="名单"><Table>'
             f'<Row>{_c("标题", extra=across)}</Row>'
             f'<Row ss:Index="3">{_c("姓名")}{_c("身份证号")}{_c("支部")}{_c("入党日期")}{_c("备注")}</Row>'
             f'<Row>{_c("周八")}{_c("110101198003150076")}{_c("一支部", extra=down)}'
             f'{_c("2019-07-01T00:00:00.000", "DateTime")}{_c("1.5", "Number")}</Row>'
             f'<Row>{_c("吴九")}{_c("a")}{_c("2019-07-01T08:30:00.000", "DateTime")}{_c("1", "Boolean")}</Row>'
             f'<Row ss:Index="7"><Cell ss:Index="2"><Data ss:Type="String">x</Data></Cell>'
             f'<Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>郑</B>十</ss:Data></Cell>'
             f'<Cell ss:Index="1"><Data ss:Type="String">冯十一</Data></Cell></Row>'
             '</Table></Worksheet>')
    table = read_table(_xml(tmp_path / "x.xls", sheet), SYN, required=REQ)
    assert table.header_row == 3 and [r.number for r in table.rows] == [4, 5, 7]
    a, b, c = (r.values for r in table.rows)
    assert a == {"name": "周八", "id_number": "110101198003150076", "branch": "一支部",
                 "joined": dt.date(2019, 7, 1), "remarks": 1.5}
    # Column 3 is covered by the MergeDown above: the next cells go to 4 and 5.
    assert b == {"name": "吴九", "id_number": "a", "branch": None, "joined": dt.datetime(2019, 7, 1, 8, 30),
                 "remarks": True}
    assert c == {"name": "冯十一", "id_number": "x", "branch": "郑十", "joined": None, "remarks": None}


def test_xml_several_worksheets_and_gb2312(tmp_path: Path) -> None:
    sheets = "".join(
        f'<Worksheet ss:Name="{name}"><Table><Row>{_c("姓名")}{_c("身份证号")}</Row>'
        f'<Row>{_c(person)}{_c("1")}</Row></Table></Worksheet>'
        for name, person in (("一支部", "闫赟琪"), ("二支部", "钱翀")))
    path = _xml(tmp_path / "gb.xls", sheets, encoding="GB2312")
    assert [s.name for s in open_sheets(path)] == ["一支部", "二支部"]
    assert read_table(path, SYN, required=REQ).rows[0].values["name"] == "闫赟琪"
    assert read_table(path, SYN, required=REQ, sheet="二支部").rows[0].values["name"] == "钱翀"


def test_damaged_xml_is_refused_in_chinese(tmp_path: Path) -> None:
    path = _xml(tmp_path / "cut.xls", f'<Worksheet ss:Name="a"><Table><Row>{_c("姓名")}{_c("身份证号")}</Row><Row>')
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(UnreadableFileError, match="Excel 2003 XML 表格，但.*已损坏"):
        read_table(path, SYN, required=REQ)
    bomb = tmp_path / "bomb.xls"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                    '<?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:'
                    'spreadsheet"><Worksheet><Table><Row><Cell><Data>&b;</Data></Cell></Row></Table></Worksheet>'
                    "</Workbook>", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="实体"):
        read_table(bomb, SYN, required=REQ)


# ---------------------------------------------------------------- recognised by content, not by name


def _workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号"])
    ws.append(["张三", "1"])
    wb.save(path)
    return path


def test_content_decides_not_the_name(tmp_path: Path) -> None:
    real = _workbook(tmp_path / "real.xlsx")
    renamed = tmp_path / "named.xls"
    shutil.copy(real, renamed)
    assert read_table(renamed, SYN, required=REQ).form_label == "Excel 工作簿（.xlsx）"
    html_as_csv = _html(tmp_path / "export.csv", "<table><tr><td>姓名</td><td>身份证号</td></tr>"
                        "<tr><td>李四</td><td>2</td></tr></table>")
    assert read_table(html_as_csv, SYN, required=REQ).form_label == "网页表格（HTML）另存的 .csv"
    unicode_text = tmp_path / "unicode.xls"  # Excel's "Unicode 文本" saved under an .xls name
    unicode_text.write_bytes("姓名\t身份证号\r\n王五\t3\r\n".encode("utf-16"))
    table = read_table(unicode_text, SYN, required=REQ)
    assert table.form_label == "制表符分隔的文本（Unicode（UTF-16））" and table.rows[0].values["name"] == "王五"
    gbk_tsv = tmp_path / "gbk.tsv"
    gbk_tsv.write_bytes("姓名\t身份证号\n赵六\t4\n".encode("gbk"))
    assert read_table(gbk_tsv, SYN, required=REQ).form_label == "制表符分隔的文本（GBK/GB18030）"


def test_none_of_the_known_forms(tmp_path: Path) -> None:
    other_xml = tmp_path / "feed.xls"
    other_xml.write_text('<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>', encoding="utf-8")
    binary = tmp_path / "junk.xls"
    binary.write_bytes(bytes(range(256)) * 4)
    for path in (other_xml, binary):
        with pytest.raises(UnreadableFileError, match="已损坏，或不是真正的 .xls 文件") as info:
            read_table(path, SYN, required=REQ)
        assert info.value.exit_code == 2


def test_html_absurd_spans_and_row_limit(tmp_path: Path) -> None:
    body = ('<table><tr><td colspan="99999999" rowspan="99999999">标题</td></tr>'
            "<tr><td>姓名</td><td>身份证号</td></tr><tr><td>张三</td><td>1</td></tr></table>")
    table = read_table(_html(tmp_path / "span.xls", body), SYN, required=REQ)
    # The title's rowspan covers column 1 below it: the header moves right, as Excel would show it.
    assert [(r.values["name"], r.values["id_number"]) for r in table.rows] == [("张三", "1")]
    assert table.columns[0].index == 1000  # spans are capped: a damaged page cannot fill memory
    many = "".join(f"<tr><td>人{i}</td><td>{i}</td></tr>" for i in range(300))
    path = _html(tmp_path / "many.xls", f"<table><tr><td>姓名</td><td>身份证号</td></tr>{many}</table>")
    with pytest.raises(UnreadableFileError, match="超过一次最多导入的100行"):
        read_table(path, SYN, required=REQ, max_rows=100)
    assert len(read_table(path, SYN, required=REQ, max_rows=1000).rows) == 300


def test_html_sloppy_markup(tmp_path: Path) -> None:
    """An unclosed <head>, a stray <table> between rows, self-closed cells: read as a browser would."""
    body = ('<meta charset="utf-8"><title>导出</title><style>td{}</style>'
            "<table><tr><td>姓名</td><td>身份证号</td></tr><table>"
            "<tr><td>张三</td><td>1</td><td/></tr></table>"
            "<tr><td>李四</td><td>2</td></tr></table>")
    path = tmp_path / "sloppy.xls"
    path.write_text(f"<html><head>{body}</html>", encoding="utf-8")
    table = read_table(path, SYN, required=REQ)
    assert [r.values["name"] for r in table.rows] == ["张三", "李四"]


def test_a_workbook_whose_compressed_part_is_corrupt_is_unreadable(tmp_path: Path) -> None:
    """zlib.error from a damaged deflate stream is our own refusal, not a traceback."""
    import zipfile

    from services.errors import UnreadableFileError
    from services.files.spreadsheet import open_sheets

    path = tmp_path / "坏.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types>" + "x" * 5000 + "</Types>")
    data = bytearray(path.read_bytes())
    start = data.index(b"[Content_Types].xml") + len("[Content_Types].xml")
    for i in range(start + 4, start + 40):  # scribble over the deflate stream, not the headers
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFileError, match="坏.xlsx"):
        open_sheets(path)
