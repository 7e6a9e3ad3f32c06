"""Excel 2003 XML (SpreadsheetML) workbooks, often saved by web systems under the name ".xls".

Read with the standard library's XML parser, streaming: ss:Index places a row or cell after a gap,
ss:MergeAcross/ss:MergeDown leave the merged cells empty as a merged range does, ss:Type gives
Number, DateTime, Boolean or String values, x:Visible marks hidden worksheets.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.errors import UnreadableFileError
from services.files.raw import ROW_SLACK, RawSheet, too_many_rows_message

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
X = "{urn:schemas-microsoft-com:office:excel}"
MAX_COLUMNS = 16_384
MAX_ROWS_INDEX = 1_048_576
_CHUNK = 1 << 20
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class _SheetInfo:
    name: str
    visible: bool


def _events(path: Path, text: str) -> Iterator[tuple[str, ET.Element]]:
    """Start and end events over the whole document; a damaged document is refused in Chinese."""
    if "<!ENTITY" in text[:65536]:
        raise UnreadableFileError(f"文件 {path.name} 含有实体定义，不是 Excel 保存的表格，为安全起见不读取。")
    # Already decoded: the declaration's encoding (perhaps GB2312, unknown to expat) must not apply again.
    text = _DECLARATION.sub("", text, count=1)
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    try:
        for offset in range(0, len(text), _CHUNK):
            parser.feed(text[offset:offset + _CHUNK])
            yield from parser.read_events()  # type: ignore[misc]
        parser.close()
        yield from parser.read_events()  # type: ignore[misc]
    except ET.ParseError as exc:
        line = getattr(exc, "position", (None,))[0]
        where = f"第{line}行附近" if line else ""
        raise UnreadableFileError(
            f"文件 {path.name} 是 Excel 2003 XML 表格，但{where}已损坏，无法读取。请用 Excel 打开后另存为 xlsx 再导入。") from exc


def _int(value: str | None, default: int, limit: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return max(1, min(number, limit))


def _value(kind: str, text: str) -> Any:
    if kind == "Number":
        try:
            return float(text.strip())
        except ValueError:
            return text
    if kind == "DateTime":
        try:
            moment = dt.datetime.fromisoformat(text.strip()[:19])
        except ValueError:
            return text
        return moment.date() if moment.time() == dt.time() else moment
    if kind == "Boolean":
        return text.strip() in ("1", "true", "TRUE")
    return text if text != "" else None


def worksheets(path: Path, text: str) -> list[_SheetInfo]:
    found: list[_SheetInfo] = []
    depth = 0
    for event, element in _events(path, text):
        if element.tag == f"{SS}Worksheet":
            if event == "start":
                found.append(_SheetInfo(element.get(f"{SS}Name") or f"Sheet{len(found) + 1}", True))
                depth += 1
            else:
                depth -= 1
                element.clear()
        elif event == "end" and element.tag == f"{X}Visible" and found and depth:
            if (element.text or "").strip() in ("SheetHidden", "SheetVeryHidden"):
                found[-1].visible = False
        elif event == "end" and element.tag == f"{SS}Row":
            element.clear()
    return found


def _rows(path: Path, text: str, index: int, max_rows: int) -> Iterator[tuple[int, list[Any]]]:
    sheet = -1
    inside = False
    row_number = 0
    covered: dict[int, int] = {}  # column -> rows a MergeDown still covers
    for event, element in _events(path, text):
        tag = element.tag
        if tag == f"{SS}Worksheet":
            if event == "start":
                sheet += 1
                inside = sheet == index
            else:
                element.clear()
                if inside:
                    return
            continue
        if not inside or tag != f"{SS}Row":
            continue
        if event == "start":
            continue
        row_number = _int(element.get(f"{SS}Index"), row_number + 1, MAX_ROWS_INDEX)
        cells: list[Any] = []
        col = 0
        here = {c for c, n in covered.items() if n > 0}
        for cell in element.iter(f"{SS}Cell"):
            wanted = cell.get(f"{SS}Index")
            if wanted is not None:
                col = _int(wanted, col + 1, MAX_COLUMNS)
            else:
                col += 1
                while col in here:
                    col += 1
            if col > MAX_COLUMNS:
                raise UnreadableFileError(f"文件 {path.name} 的工作表超过{MAX_COLUMNS:,}列，文件可能已损坏。")
            data = cell.find(f"{SS}Data")
            value = None
            if data is not None:
                value = _value(data.get(f"{SS}Type") or "String", "".join(data.itertext()))
            if len(cells) < col:
                cells.extend([None] * (col - len(cells)))
            cells[col - 1] = value
            across = _int(cell.get(f"{SS}MergeAcross"), 0, MAX_COLUMNS) if cell.get(f"{SS}MergeAcross") else 0
            down = _int(cell.get(f"{SS}MergeDown"), 0, MAX_ROWS_INDEX) if cell.get(f"{SS}MergeDown") else 0
            last = min(col + across, MAX_COLUMNS)
            for c in range(col, last + 1):
                if down:
                    covered[c] = down + 1
            if last > len(cells):
                cells.extend([None] * (last - len(cells)))
            col = last
        covered = {c: n - 1 for c, n in covered.items() if n > 1}
        element.clear()
        yield row_number, cells


def xml_sheets(path: Path, text: str, form: str, max_rows: int) -> list[RawSheet]:
    infos = worksheets(path, text)
    if not infos:
        raise UnreadableFileError(f"文件 {path.name} 是 Excel 2003 XML 表格，但里面没有工作表。")

    def make(index: int, info: _SheetInfo) -> RawSheet:
        def rows() -> Iterator[tuple[int, list[Any]]]:
            for count, (number, cells) in enumerate(_rows(path, text, index, max_rows), start=1):
                if count > max_rows + ROW_SLACK:
                    raise UnreadableFileError(too_many_rows_message(path, None, max_rows))
                yield number, cells

        return RawSheet(info.name, rows, form_label=form, visible=info.visible)

    return [make(i, info) for i, info in enumerate(infos)]
