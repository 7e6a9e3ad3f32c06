"""Reading any table an office sends into rows with their sheet row numbers, whatever form the file takes.

The file is recognised by its content, not its name: Excel and WPS workbooks (.xlsx .xlsm .xlsb .xls .ods,
through calamine), CSV/TSV text (UTF-8, GBK/GB18030, UTF-16 "Unicode 文本"), web pages saved as ".xls"
(HTML tables) and Excel 2003 XML (SpreadsheetML). Every import (roll, training records, grades and exams,
surveys) reads through open_sheets/read_table.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from services.errors import CancelledError, UnreadableFileError, ValidationError
from services.files.grouped import Grouped, group_rows, stream_grouped
from services.files.raw import (
    FORM_XLS,
    HEADER_SEARCH_ROWS,
    SUPPORTED,
    RawSheet,
    encrypted_message,
    html_form,
    read_error_message,
    too_many_rows_message,
    xml_form,
)
from services.files.text_reader import (
    csv_sheet,
    decode_markup,
    detect_encoding,
    is_text,
    markup_kind,
)
from services.files.workbook import (
    OLE_MAGIC,
    ZIP_MAGIC,
    calamine_sheets,
    is_encrypted_ole,
    zip_form,
)
from services.progress import Progress, bulk_work

__all__ = ["HEADER_SEARCH_ROWS", "SUPPORTED", "RawSheet", "ReadAhead", "detect_encoding", "open_sheets", "read_table"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
DEFAULT_MAX_ROWS = 200_000
SNIFF_BYTES = 64 * 1024
# A web page or XML workbook is read whole; beyond this it cannot be a table of 200 000 rows we could hold.
MAX_MARKUP_BYTES = 400 * 1024 * 1024

SERIAL_HEADERS = ("序号", "编号", "顺序号", "No", "NO", "No.", "序")
SIGN_OFF_PREFIXES = ("制表人", "制表", "审核人", "审核", "填表日期", "填表人", "填报人", "负责人",
                     "联系人", "注:", "注：", "说明:", "说明：", "备注:", "备注：", "单位负责人", "经办人")


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str | None
    # A second column meaning the same field (身份证号 beside 公民身份号码): its values must agree.
    twin_of: str | None = None


@dataclass(slots=True)
class TableRow:
    number: int
    cells: list[Any]
    values: dict[str, Any]
    # (column as the sheet heads it, reason): problems the reader found, e.g. two columns that disagree.
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SheetInfo:
    """A sheet of the file as the preview lists it."""

    name: str
    visible: bool = True
    chosen: bool = False

    def describe(self) -> str:
        return self.name + ("（隐藏）" if not self.visible else "") + ("（已选用）" if self.chosen else "")


@dataclass
class Table:
    """The rows under the header of the chosen sheet, keyed by field."""

    path: Path
    sheet: str
    header_row: int
    headers: list[Any]
    columns: list[Column]
    rows: list[TableRow] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    stopped_at: int | None = None
    form_label: str = ""
    sheets: list[SheetInfo] = field(default_factory=list)
    # Every cell of every row is a str (a CSV file): a row's values are str or None.
    text_only: bool = False

    def header_of(self, field_key: str) -> str | None:
        for col in self.columns:
            if col.field == field_key:
                return col.header
        return None

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}

    def source_text(self) -> str:
        return describe_source(self.form_label, self.sheets)


def describe_source(form: str, sheets: Sequence[SheetInfo]) -> str:
    """The form a file was read as and, when it has several, its sheets with the chosen one marked."""
    if len(sheets) <= 1:
        return form
    return f"{form}；工作表：{'、'.join(s.describe() for s in sheets)}"


# ---------------------------------------------------------------- header matching


def header_key(value: Any) -> str:
    """A header as compared: NFKC, no spaces or line breaks, no trailing '*' or '(必填)'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"(\*+|\(必填\)|\(选填\)|必填)$", "", text)
        text = re.sub(r"^\*+", "", text)
    return text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _filled(cells: Sequence[Any]) -> list[Any]:
    # A text cell is filled unless empty or blank (str.strip() removes exactly what isspace() sees).
    return [c for c in cells if (c.strip() if type(c) is str else c is not None and c != "")]


# The first characters of the sign-off prefixes: a text row starting with none of them is data.
_SIGN_OFF_LEADS = frozenset(p[0] for p in SIGN_OFF_PREFIXES)


def _may_lead_sign_off(lead: str) -> bool:
    """Whether a text row whose first non-blank character is `lead` could be a sign-off row."""
    return not lead.isalnum() or unicodedata.normalize("NFKC", lead)[:1] in _SIGN_OFF_LEADS


def is_empty_row(cells: Sequence[Any]) -> bool:
    return not _filled(cells)


def is_sign_off_row(cells: Sequence[Any], filled: list[Any] | None = None) -> bool:
    """制表人、审核人、填表日期、注：… under the table: the end of the data."""
    if filled is None:
        filled = _filled(cells)
    if not filled or len(filled) > 4:
        return False
    first = re.sub(r"\s+", "", _cell_text(filled[0]))
    return first.startswith(SIGN_OFF_PREFIXES)


def match_header(cells: Sequence[Any], synonyms: Mapping[str, Sequence[str]],
                 ignore: Sequence[str] = SERIAL_HEADERS) -> tuple[list[Column], list[str]]:
    """Map each cell of a candidate header row to a field; a later column for a field already found is its twin."""
    lookup: dict[str, str] = {}
    for key, names in synonyms.items():
        for name in names:
            lookup.setdefault(header_key(name), key)
    ignored = {header_key(n) for n in ignore}
    columns: list[Column] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        # Shown as the sheet has it (minus stray spaces and line breaks), so messages match what the clerk sees.
        shown = re.sub(r"[\s\u3000]+", "", str(cell)) if isinstance(cell, str) else _cell_text(cell)
        key = header_key(cell)
        if not key:
            continue
        target = lookup.get(key)
        if target is not None and target not in seen:
            seen.add(target)
            columns.append(Column(index, shown, target))
        elif target is not None:
            columns.append(Column(index, shown, None, twin_of=target))
        elif key in ignored:
            columns.append(Column(index, shown, None))
        else:
            columns.append(Column(index, shown, None))
            unknown.append(shown)
    return columns, unknown


def _header_score(columns: list[Column], required: Sequence[str]) -> int:
    found = {c.field for c in columns if c.field}
    if any(r not in found for r in required):
        return 0
    return len(found)


# ---------------------------------------------------------------- opening files


def _check_file(path: Path) -> bytes:
    if not path.exists():
        raise UnreadableFileError(f"找不到文件：{path}")
    if path.is_dir():
        raise UnreadableFileError(f"{path} 是一个文件夹，请选择{SUPPORTED}。")
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise UnreadableFileError(read_error_message(path, exc)) from exc
    if not head:
        raise UnreadableFileError(f"文件 {path.name} 是空的（0字节），里面没有表格。")
    return head


def _read_markup(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_MARKUP_BYTES:
            raise UnreadableFileError(too_many_rows_message(path, None, DEFAULT_MAX_ROWS))
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(read_error_message(path, exc)) from exc
    return decode_markup(path, data)


def open_sheets(path: Path | str, max_rows: int | None = None) -> list[RawSheet]:
    """Every sheet of the file, read lazily, recognised by content; raises UnreadableFileError with a Chinese reason.

    Each sheet's form_label names the form found (e.g. "网页表格（HTML）另存的 .xls").
    """
    path = Path(path)
    max_rows = DEFAULT_MAX_ROWS if max_rows is None else max_rows
    head = _check_file(path)
    try:
        return _sheets_of(path, head, max_rows)
    except OSError as exc:  # locked or removed since it was looked at
        raise UnreadableFileError(read_error_message(path, exc)) from exc


def _sheets_of(path: Path, head: bytes, max_rows: int) -> list[RawSheet]:
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if is_encrypted_ole(path):
            raise UnreadableFileError(encrypted_message(path))
        return calamine_sheets(path, FORM_XLS, max_rows)
    if head.startswith(ZIP_MAGIC):
        return calamine_sheets(path, zip_form(path, max_rows), max_rows)
    kind = markup_kind(head)
    # The markup readers (html.parser, ElementTree) are loaded only for the files that need them.
    if kind == "xml2003":
        from services.files.xml_reader import xml_sheets

        return xml_sheets(path, _read_markup(path), xml_form(path), max_rows)
    if kind == "html":
        from services.files.html_reader import html_sheets

        return html_sheets(path, _read_markup(path), html_form(path), max_rows)
    if kind is None and (suffix in CSV_SUFFIXES or is_text(head)):
        return [csv_sheet(path, max_rows)]
    if suffix in EXCEL_SUFFIXES:
        raise UnreadableFileError(
            f"文件 {path.name} 无法读取：已损坏，或不是真正的 {suffix} 文件（既不是 Excel 工作簿，"
            "也不是网页表格或 Excel 2003 XML 表格）。请用 Excel 或 WPS 打开它，另存为 xlsx 后再导入。")
    raise UnreadableFileError(f"文件 {path.name} 不是电子表格。请选择{SUPPORTED}。")


class ReadAhead:
    """A file's sheets opened, and those read_table would look at parsed, in a thread started now.

    A caller with other work before it reads (opening the database, loading modules) starts this
    first: python-calamine parses a workbook without holding the GIL. read_table(..., ahead=…) then
    takes the sheets up and raises, at that point, whatever opening or parsing the file raised.
    """

    def __init__(self, path: Path | str, sheet: str | None = None, max_rows: int | None = None) -> None:
        self.path, self.sheet, self.max_rows = Path(path), sheet, max_rows
        self._sheets: list[RawSheet] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            sheets = open_sheets(self.path, self.max_rows)
            self._sheets = sheets
            for raw in sheets:
                if raw.prepare is not None and (raw.name == self.sheet if self.sheet is not None else raw.visible):
                    raw.prepare()
        except BaseException as exc:  # raised again by sheets(), in the caller's thread
            self._error = exc

    def sheets(self) -> list[RawSheet]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        sheets, self._sheets = self._sheets, []  # handed over: the parsed cells go when they are read
        return sheets


# ---------------------------------------------------------------- reading a table


def expected_headers_text(synonyms: Mapping[str, Sequence[str]], required: Sequence[str]) -> str:
    keys = list(required) or list(synonyms)[:4]
    return "、".join("/".join(synonyms[k][:3]) for k in keys if k in synonyms)


@dataclass
class _Found:
    """A sheet whose header was found: what the header hunt read, and where reading goes on."""

    raw: RawSheet
    score: int
    header_row: int
    header_cells: list[Any]
    columns: list[Column]
    unknown: list[str]
    buffered: list[tuple[int, list[Any]]]
    rest: Iterator[tuple[int, list[Any]]]


def _find_header(raw: RawSheet, synonyms: Mapping[str, Sequence[str]], required: Sequence[str],
                 ignore: Sequence[str]) -> _Found | None:
    iterator = raw.rows()
    best: tuple[int, int, list[Any], list[Column], list[str]] | None = None
    buffered: list[tuple[int, list[Any]]] = []
    minimum = min(2, len(synonyms))
    for number, cells in iterator:
        buffered.append((number, cells))
        columns, unknown = match_header(cells, synonyms, ignore)
        score = _header_score(columns, required)
        if score >= minimum and (best is None or score > best[0]):
            best = (score, number, list(cells), columns, unknown)
        if number >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        return None
    return _Found(raw, best[0], best[1], best[2], best[3], best[4], buffered, iterator)


def _where(path: Path, form: str) -> str:
    return f"文件 {path.name}（{form}）" if form else f"文件 {path.name}"


@bulk_work
def read_table(
    path: Path | str,
    synonyms: Mapping[str, Sequence[str]],
    *,
    sheet: str | None = None,
    required: Sequence[str] = (),
    ignore: Sequence[str] = SERIAL_HEADERS,
    max_rows: int | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    ahead: ReadAhead | None = None,
) -> Table:
    """Find the header among the first 20 rows, then collect the data rows under it.

    The sheet is the named one, else the visible sheet whose header matches most fields (the first
    of equals); a hidden sheet is never chosen on its own. Empty rows are skipped; reading stops at
    the sign-off rows (制表人, 审核人, 注：…) under the table. A header with no data rows under it is
    refused (ValidationError, exit 1). `ahead`: the same file, sheet and max_rows opened ahead.
    """
    path = Path(path)
    max_rows = DEFAULT_MAX_ROWS if max_rows is None else max_rows
    sheets, chosen = _choose(path, synonyms, sheet, required, ignore, max_rows, ahead)
    table = _read_rows(path, chosen, max_rows, progress, cancel)
    table.sheets = [SheetInfo(s.name, s.visible, s is chosen.raw) for s in sheets]
    if not table.rows:
        raise _no_rows(path, table)
    return table


@bulk_work
def read_grouped(
    path: Path | str,
    synonyms: Mapping[str, Sequence[str]],
    groups: Sequence[Sequence[str]],
    *,
    sheet: str | None = None,
    required: Sequence[str] = (),
    ignore: Sequence[str] = SERIAL_HEADERS,
    max_rows: int | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> tuple[Table, Grouped]:
    """read_table's rows as indexes into the distinct values of each group of fields (see grouped.py).

    The same sheet, header, rows, values and messages as read_table; the returned Table holds no rows.
    A text file (CSV) without twin columns is read straight into the groups, no row object kept.
    """
    path = Path(path)
    max_rows = DEFAULT_MAX_ROWS if max_rows is None else max_rows
    sheets, chosen = _choose(path, synonyms, sheet, required, ignore, max_rows)
    if chosen.raw.text_only and not any(c.twin_of for c in chosen.columns):
        table = _new_table(path, chosen)
        grouped = stream_grouped(table, _data_rows(path, table, chosen, max_rows, progress, cancel), groups)
    else:
        table = _read_rows(path, chosen, max_rows, progress, cancel)
        grouped = group_rows(table, groups)
        table.rows = []
    table.sheets = [SheetInfo(s.name, s.visible, s is chosen.raw) for s in sheets]
    if not len(grouped):
        raise _no_rows(path, table)
    return table, grouped


def _no_rows(path: Path, table: Table) -> ValidationError:
    return ValidationError(
        f"{_where(path, table.form_label)}的工作表“{table.sheet}”第{table.header_row}行是表头，"
        "下面没有数据行，没有可导入的内容。")


def _choose(path: Path, synonyms: Mapping[str, Sequence[str]], sheet: str | None, required: Sequence[str],
            ignore: Sequence[str], max_rows: int, ahead: ReadAhead | None = None) -> tuple[list[RawSheet], _Found]:
    """The file's sheets and the one to read, its header found; raises UnreadableFileError."""
    sheets = ahead.sheets() if ahead is not None else open_sheets(path, max_rows)
    if not sheets:
        raise UnreadableFileError(f"文件 {path.name} 中没有工作表。")
    form = sheets[0].form_label
    if sheet is not None:
        candidates = [s for s in sheets if s.name == sheet] or [
            s for s in sheets if header_key(s.name) == header_key(sheet)]
        if not candidates:
            raise UnreadableFileError(
                f"文件 {path.name} 中没有名为“{sheet}”的工作表；现有：{'、'.join(s.name for s in sheets)}")
    else:
        candidates = [s for s in sheets if s.visible] or sheets
    chosen: _Found | None = None
    for raw in candidates:
        found = _find_header(raw, synonyms, required, ignore)
        if found is not None and (chosen is None or found.score > chosen.score):
            chosen = found
    if chosen is None:
        where = f"工作表“{candidates[0].name}”" if sheet is not None or len(sheets) == 1 else "任何工作表"
        hidden = [s.name for s in sheets if s not in candidates
                  and _find_header(s, synonyms, required, ignore) is not None]
        hint = (f"隐藏的工作表“{'、'.join(hidden)}”里有表头：如要导入它，请先在 Excel 或 WPS 中取消隐藏，"
                "或指定工作表。" if hidden else "")
        raise UnreadableFileError(
            f"在{_where(path, form)}的{where}前{HEADER_SEARCH_ROWS}行中找不到表头。"
            f"表头应含有这些列：{expected_headers_text(synonyms, required)}。{hint}")
    return sheets, chosen


def _same(a: Any, b: Any) -> bool:
    """Two cells saying the same thing (case, width and spaces aside: 11010…x and １１０１０…X agree)."""
    return re.sub(r"\s+", "", _cell_text(a)).upper() == re.sub(r"\s+", "", _cell_text(b)).upper()


def _new_table(path: Path, found: _Found) -> Table:
    raw = found.raw
    return Table(path=path, sheet=raw.name, header_row=found.header_row, headers=found.header_cells,
                 columns=found.columns, unknown_columns=found.unknown, form_label=raw.form_label,
                 text_only=raw.text_only)


def _first_lead(cells: Sequence[Any]) -> str | None:
    """The first non-blank character of a row's first filled cell; "" for a number or date; None: empty."""
    for cell in cells:
        if type(cell) is str:
            if cell and not cell.isspace():
                return cell.lstrip()[0]
        elif cell is not None and cell != "":
            return ""
    return None


def _data_rows(path: Path, table: Table, found: _Found, max_rows: int, progress: Progress | None,
               cancel: threading.Event | None) -> Iterator[tuple[int, list[Any]]]:
    """The (row number, cells) of the data rows under the header: empty rows skipped, up to the
    sign-off rows (table.stopped_at), at most max_rows of them."""
    header_row = found.header_row
    text_only = table.text_only
    leads: dict[str, bool] = {}
    data_rows = 0
    for number, cells in chain(found.buffered, found.rest):
        if number <= header_row:
            continue
        if text_only:  # one join instead of a test per cell
            joined = "".join(cells).lstrip()  # the same string when it starts with no blank
            lead = joined[0] if joined else None
        else:
            lead = _first_lead(cells)
        if lead is None:
            continue  # nothing filled: an empty row
        maybe = leads.get(lead)
        if maybe is None:  # once per distinct first character (序号 digits, surnames)
            maybe = leads[lead] = lead != "" and _may_lead_sign_off(lead)
        if maybe:  # a row led by a text like a sign-off row's (never by a number or date)
            filled = _filled(cells)
            if len(filled) <= 4 and is_sign_off_row(cells, filled):
                table.stopped_at = number
                return
        data_rows += 1
        if data_rows > max_rows:
            raise UnreadableFileError(too_many_rows_message(path, None, max_rows))
        if data_rows % 1000 == 0:
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            if progress is not None and data_rows % 5000 == 0:
                progress(0, f"正在读取第{number}行……")
        yield number, cells


def _read_rows(path: Path, found: _Found, max_rows: int, progress: Progress | None,
               cancel: threading.Event | None) -> Table:
    table = _new_table(path, found)
    columns = found.columns
    mapped = [(c.index, c.field) for c in columns if c.field]
    indices = [i for i, _key in mapped]
    keys = [key for _i, key in mapped]
    last_index = max(indices, default=-1)
    # itemgetter of one index returns the cell itself, not a 1-tuple: wrap it.
    pick = (itemgetter(*indices) if len(indices) > 1
            else (lambda cells: [cells[indices[0]]]) if indices else (lambda cells: []))
    primary = {c.field: c for c in columns if c.field}
    twins = [(primary[c.twin_of], c) for c in columns if c.twin_of in primary]
    text_only = table.text_only
    for number, cells in _data_rows(path, table, found, max_rows, progress, cancel):
        width = len(cells)
        # The mapped cells in one C call when the row is long enough; a blank text cell is no value.
        if width > last_index:
            got = pick(cells)
            # Text cells none of them blank (the common row): the values as they are, in C calls.
            values = (dict(zip(keys, got)) if text_only and all(map(str.strip, got)) else
                      {key: (v if type(v) is not str or v.strip() else None) for key, v in zip(keys, got)})
        else:
            got = [cells[i] if i < width else None for i in indices]
            values = {key: (v if type(v) is not str or v.strip() else None) for key, v in zip(keys, got)}
        row = TableRow(number, cells if text_only else list(cells), values)
        for first, twin in twins:
            other = cells[twin.index] if twin.index < width else None
            if other is None or (type(other) is str and (other == "" or other.isspace())):
                continue
            assert first.field is not None
            mine = values.get(first.field)
            if mine is None:
                values[first.field] = other  # the field is given in the second column only
            elif not _same(mine, other):
                row.problems.append((first.header, (
                    f"“{first.header}”列是“{_cell_text(mine)}”，“{twin.header}”列却是“{_cell_text(other)}”："
                    "两列说的是同一项，请改成一致，或删去其中一列")))
        table.rows.append(row)
    return table


def sheet_names(path: Path | str) -> list[str]:
    return [s.name for s in open_sheets(path)]


def read_rows(path: Path) -> list[list[Any]]:
    """Every row of the first visible sheet, as lists (for short lists of names)."""
    sheets = open_sheets(path)
    if not sheets:
        raise UnreadableFileError(f"文件 {path.name} 中没有工作表。")
    first = next((s for s in sheets if s.visible), sheets[0])
    return [cells for _, cells in first.rows()]
