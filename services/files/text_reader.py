"""Text tables (CSV, TSV, "Unicode 文本") and the decoding of text files in the encodings offices use."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services.errors import UnreadableFileError
from services.files.raw import (
    ROW_SLACK,
    SUPPORTED,
    RawSheet,
    read_error_message,
    text_form,
    too_many_rows_message,
)

_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
# What Chinese web systems declare, read through the encoding that contains it.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
          "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-16", "utf-16": "utf-16", "big5": "big5",
          "iso-8859-1": "cp1252", "windows-1252": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8"}


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        return "utf-8"


def markup_encoding(data: bytes) -> str:
    """The encoding of an HTML or XML file: its BOM, else what it declares near the top, else as for text."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return detect_encoding(data[:4])
    match = _DECLARED.search(data[:4096])
    if match:
        declared = _WIDER.get(match.group(1).decode("ascii").lower())
        if declared and declared != "utf-16":
            try:
                data.decode(declared)
                return declared
            except UnicodeDecodeError:
                pass  # a wrong declaration is common: fall back to what the bytes are
    return detect_encoding(data)


def decode_markup(path: Path, data: bytes) -> str:
    encoding = markup_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a file cut short inside a character: the parser says it is damaged
            return data[:exc.start].decode(encoding)
        raise UnreadableFileError(
            f"文件 {path.name} 的文字编码无法识别（既不是 UTF-8 也不是 GBK）。请用 Excel 另存为 xlsx 后再导入。") from exc


def looks_binary(sample: bytes) -> bool:
    return b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def csv_sheet(path: Path, max_rows: int) -> RawSheet:
    try:
        with path.open("rb") as fh:
            sample = fh.read(256 * 1024)
    except OSError as exc:
        raise UnreadableFileError(read_error_message(path, exc)) from exc
    if looks_binary(sample):
        raise UnreadableFileError(f"文件 {path.name} 不是文本表格（CSV），里面有二进制内容。请选择{SUPPORTED}。")
    encoding = detect_encoding(sample)
    text_sample = sample.decode(encoding, errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text_sample[:20000], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if "\t" in text_sample and "," not in text_sample else csv.excel

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            with path.open("r", encoding=encoding, errors="strict", newline="") as fh:
                reader = csv.reader(fh, dialect)
                for number, cells in enumerate(reader, start=1):
                    if number > max_rows + ROW_SLACK:
                        raise UnreadableFileError(too_many_rows_message(path, None, max_rows))
                    yield number, cells
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(
                f"文件 {path.name} 的文字编码无法识别（既不是 UTF-8 也不是 GBK）。请用 Excel 另存为 xlsx 后再导入。") from exc
        except csv.Error as exc:
            raise UnreadableFileError(f"文件 {path.name} 不是有效的 CSV：{exc}") from exc
        except OSError as exc:  # locked, removed or its drive pulled out while it is read
            raise UnreadableFileError(read_error_message(path, exc)) from exc

    return RawSheet(path.stem, rows, form_label=text_form(dialect.delimiter, encoding), text_only=True)


def markup_kind(head: bytes) -> str | None:
    """"xml2003" for SpreadsheetML, "html" for a web page, "other" for other markup, None for no markup."""
    text = head.decode(markup_encoding(head), errors="replace").lstrip("\ufeff \t\r\n").lower()
    if not text.startswith("<"):
        return None
    if "urn:schemas-microsoft-com:office:spreadsheet" in text and (
            "<workbook" in text or "<ss:workbook" in text or "excel.sheet" in text):
        return "xml2003"
    if any(tag in text for tag in ("<table", "<html", "<!doctype html", "<body", "<head", "<meta")):
        return "html"
    return "other" if re.match(r"<[?!a-z]", text) else None


def is_text(head: bytes) -> bool:
    """Plain text in an encoding we read, without the control characters binary files are full of."""
    if looks_binary(head):
        return False
    try:
        text = head.decode(detect_encoding(head), errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return False
        text = head[:exc.start].decode(detect_encoding(head), errors="replace")
    return not any(ord(ch) < 32 and ch not in "\t\r\n\f\v\x1a" for ch in text)
