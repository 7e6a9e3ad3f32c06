"""What every reader hands back: sheets of raw cells with the row numbers Excel shows, and the form found."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUPPORTED = "Excel（.xlsx .xlsm .xls）、WPS/LibreOffice（.ods）或 CSV 文件"
HEADER_SEARCH_ROWS = 20
# Rows (empty ones included) a reader walks through beyond the import limit before it gives up.
ROW_SLACK = HEADER_SEARCH_ROWS + 50

# The forms a file can take, as the preview and messages name them.
FORM_XLSX = "Excel 工作簿（.xlsx）"
FORM_XLSM = "Excel 启用宏的工作簿（.xlsm）"
FORM_XLSB = "Excel 二进制工作簿（.xlsb）"
FORM_XLS = "Excel 97-2003 工作簿（.xls）"
FORM_ODS = "OpenDocument 表格（.ods）"


def html_form(path: Path) -> str:
    return f"网页表格（HTML）另存的 {path.suffix.lower()}" if path.suffix.lower() not in ("", ".htm", ".html") \
        else "网页表格（HTML）"


def xml_form(path: Path) -> str:
    return f"Excel 2003 XML 表格另存的 {path.suffix.lower()}" if path.suffix.lower() not in ("", ".xml") \
        else "Excel 2003 XML 表格"


def text_form(delimiter: str, encoding: str) -> str:
    kind = {"\t": "制表符分隔的文本", ";": "分号分隔的文本", "|": "竖线分隔的文本"}.get(delimiter, "CSV 文本")
    shown = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "Unicode（UTF-16）", "gb18030": "GBK/GB18030"}
    return f"{kind}（{shown.get(encoding, encoding)}）"


@dataclass
class RawSheet:
    """One sheet: its name and a lazy iterator of (row number as Excel shows it, cell values)."""

    name: str
    rows: Callable[[], Iterator[tuple[int, list[Any]]]]
    row_count: int | None = None
    form_label: str = ""
    visible: bool = True
    # Every cell is a str (a CSV file): the reader may take faster paths that hold for text only.
    text_only: bool = False
    # Does ahead of time, on any thread, the work rows() would otherwise do first (calamine's parse of
    # the sheet); rows() then takes it up, its errors included.
    prepare: Callable[[], None] | None = None


def too_many_rows_message(path: Path, rows: int | None, max_rows: int) -> str:
    size = f"约{rows:,}行" if rows else "行数过多"
    return (f"文件 {path.name} {size}，超过一次最多导入的{max_rows:,}行。"
            "请把它拆成几个较小的文件分别导入。")


def encrypted_message(path: Path) -> str:
    return (f"文件 {path.name} 设置了打开密码，本程序无法读取。请在 Excel 或 WPS 中打开它，"
            "去掉密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存，再导入。")
