"""What every reader hands back: sheets of raw cells with the row numbers Excel shows, and the form found."""

from __future__ import annotations

import errno
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


# Why a file could not be read, as a clerk reads it (errno; Windows: sharing and lock violations, access denied).
_READ_REASONS = {
    errno.EACCES: "没有读取权限，或文件正被其他程序锁定（如已在 Excel、WPS 中打开，请先关闭）",
    errno.EPERM: "没有读取权限，或文件正被其他程序锁定（如已在 Excel、WPS 中打开，请先关闭）",
    errno.EBUSY: "文件正被其他程序占用（如已在 Excel、WPS 中打开，请先关闭）",
    errno.ENOENT: "文件已不存在（可能已被移动、改名或删除）",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EIO: "磁盘读写出错（U盘或网络盘是否已拔出或断开？）",
    errno.ENAMETOOLONG: "文件名太长",
}
_READ_WINERRORS = {32: "文件正被其他程序占用（如已在 Excel、WPS 中打开，请先关闭）",
                   33: "文件的一部分被其他程序锁定（如已在 Excel、WPS 中打开，请先关闭）",
                   5: "没有读取权限，或文件正被其他程序锁定（如已在 Excel、WPS 中打开，请先关闭）"}


def read_error_message(path: Path, exc: OSError) -> str:
    """The refusal for a file the system would not let us read: names the file and says why, in Chinese."""
    winerror = getattr(exc, "winerror", None)
    reason = (_READ_WINERRORS.get(winerror) if isinstance(winerror, int) else None) or _READ_REASONS.get(
        exc.errno or 0) or f"读取出错（{exc.strerror or type(exc).__name__}）"
    return f"无法打开文件 {path.name}：{reason}。"
