"""Reading any spreadsheet an office sends (.xlsx .xlsm .xls .ods .csv) into rows with their sheet row numbers."""

from __future__ import annotations

import codecs
import csv
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import CancelledError, UnreadableFileError
from services.progress import Progress

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
SUPPORTED = "Excel（.xlsx .xlsm .xls）、WPS/LibreOffice（.ods）或 CSV 文件"

HEADER_SEARCH_ROWS = 20
DEFAULT_MAX_ROWS = 200_000
# A worksheet's XML beyond this many bytes is refused before it is loaded into memory.
MAX_SHEET_XML_BYTES = 600 * 1024 * 1024

SERIAL_HEADERS = ("序号", "编号", "顺序号", "No", "NO", "No.", "序")
SIGN_OFF_PREFIXES = ("制表人", "制表", "审核人", "审核", "填表日期", "填表人", "填报人", "负责人",
                     "联系人", "注:", "注：", "说明:", "说明：", "备注:", "备注：", "单位负责人", "经办人")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))



@dataclass
class RawSheet:
    """One sheet: its name and a lazy iterator of (row number as Excel shows it, cell values)."""

    name: str
    rows: Callable[[], Iterator[tuple[int, list[Any]]]]
    row_count: int | None = None


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str | None


@dataclass
class TableRow:
    number: int
    cells: list[Any]
    values: dict[str, Any]


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

    def header_of(self, field_key: str) -> str | None:
        for col in self.columns:
            if col.field == field_key:
                return col.header
        return None

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}


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
    return [c for c in cells if c is not None and c != "" and not (type(c) is str and c.isspace())]


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
    """Map each cell of a candidate header row to a field (first matching column wins)."""
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
            head = fh.read(8)
    except OSError as exc:
        raise UnreadableFileError(f"无法打开文件 {path.name}：{exc.strerror or exc}") from exc
    if not head:
        raise UnreadableFileError(f"文件 {path.name} 是空的（0字节），里面没有表格。")
    return head


def _is_encrypted_ole(path: Path) -> bool:
    # An Office file saved with a password is an OLE container holding EncryptionInfo and
    # EncryptedPackage streams; the directory sits near the start or the end of the file.
    with path.open("rb") as fh:
        data = fh.read(4 * 1024 * 1024)
        size = path.stat().st_size
        if size > len(data):
            fh.seek(max(0, size - 4 * 1024 * 1024))
            data += fh.read()
    return any(marker in data for marker in _ENCRYPTION_MARKERS)


def _encrypted_message(path: Path) -> str:
    return (f"文件 {path.name} 设置了打开密码，本程序无法读取。请在 Excel 或 WPS 中打开它，"
            "去掉密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存，再导入。")


def _precheck_zip(path: Path, max_rows: int) -> None:
    """Refuse a huge worksheet before calamine loads it whole into memory."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = info.filename
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")) and name != "content.xml":
                    continue
                if info.file_size > MAX_SHEET_XML_BYTES:
                    raise UnreadableFileError(_too_many_rows_message(path, None, max_rows))
                if name.startswith("xl/worksheets/"):
                    with zf.open(info) as fh:
                        head = fh.read(4096).decode("utf-8", "replace")
                    m = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
                    if m and int(m.group(1)) > max_rows + HEADER_SEARCH_ROWS + 50:
                        raise UnreadableFileError(_too_many_rows_message(path, int(m.group(1)), max_rows))
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(f"文件 {path.name} 已损坏，或不是真正的 Excel 文件（无法解压）。") from exc


def _too_many_rows_message(path: Path, rows: int | None, max_rows: int) -> str:
    size = f"约{rows:,}行" if rows else "行数过多"
    return (f"文件 {path.name} {size}，超过一次最多导入的{max_rows:,}行。"
            "请把它拆成几个较小的文件分别导入。")


def open_sheets(path: Path | str, max_rows: int | None = None) -> list[RawSheet]:
    """Every sheet of the file, read lazily; raises UnreadableFileError with a Chinese reason."""
    path = Path(path)
    max_rows = DEFAULT_MAX_ROWS if max_rows is None else max_rows
    head = _check_file(path)
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC) and _is_encrypted_ole(path):
        raise UnreadableFileError(_encrypted_message(path))
    if suffix in CSV_SUFFIXES:
        return [_csv_sheet(path, max_rows)]
    if suffix in EXCEL_SUFFIXES or head.startswith((b"PK\x03\x04", _OLE_MAGIC)):
        if head.startswith(b"PK\x03\x04"):
            _precheck_zip(path, max_rows)
        elif suffix in (".xlsx", ".xlsm", ".ods"):
            raise UnreadableFileError(f"文件 {path.name} 已损坏，或不是真正的 {suffix} 文件。")
        return _calamine_sheets(path, max_rows)
    raise UnreadableFileError(f"文件 {path.name} 不是电子表格。请选择{SUPPORTED}。")


def _calamine_sheets(path: Path, max_rows: int) -> list[RawSheet]:
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_path(str(path))
        names = [m.name for m in workbook.sheets_metadata
                 if getattr(m.typ, "name", "WorkSheet") == "WorkSheet"] or list(workbook.sheet_names)
    except pc.PasswordError as exc:
        raise UnreadableFileError(_encrypted_message(path)) from exc
    except Exception as exc:  # calamine raises its own and plain errors for damaged files
        raise UnreadableFileError(
            f"文件 {path.name} 无法读取：已损坏，或不是{SUPPORTED}（{type(exc).__name__}）。") from exc

    def make(name: str) -> RawSheet:
        def rows() -> Iterator[tuple[int, list[Any]]]:
            try:
                sheet = workbook.get_sheet_by_name(name)
            except pc.PasswordError as exc:
                raise UnreadableFileError(_encrypted_message(path)) from exc
            except Exception as exc:
                raise UnreadableFileError(f"工作表“{name}”无法读取，文件可能已损坏（{type(exc).__name__}）。") from exc
            if sheet.start is not None and sheet.end is not None and sheet.end[0] + 1 > max_rows + HEADER_SEARCH_ROWS + 50:
                raise UnreadableFileError(_too_many_rows_message(path, sheet.end[0] + 1, max_rows))
            # iter_rows starts at sheet row 1 (leading empty rows included), so the count is the row number.
            yield from enumerate(sheet.iter_rows(), start=1)

        return RawSheet(name, rows)

    return [make(n) for n in names]


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


def _csv_sheet(path: Path, max_rows: int) -> RawSheet:
    with path.open("rb") as fh:
        sample = fh.read(256 * 1024)
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
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
                    if number > max_rows + HEADER_SEARCH_ROWS + 50:
                        raise UnreadableFileError(_too_many_rows_message(path, None, max_rows))
                    yield number, cells
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(
                f"文件 {path.name} 的文字编码无法识别（既不是 UTF-8 也不是 GBK）。请用 Excel 另存为 xlsx 后再导入。") from exc
        except csv.Error as exc:
            raise UnreadableFileError(f"文件 {path.name} 不是有效的 CSV：{exc}") from exc

    return RawSheet(path.stem, rows)


# ---------------------------------------------------------------- reading a table


def expected_headers_text(synonyms: Mapping[str, Sequence[str]], required: Sequence[str]) -> str:
    keys = list(required) or list(synonyms)[:4]
    return "、".join("/".join(synonyms[k][:3]) for k in keys if k in synonyms)


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
) -> Table:
    """Find the header among the first 20 rows, then collect the data rows under it.

    The sheet is the named one, else the first whose header is found. Empty rows are skipped;
    reading stops at the sign-off rows (制表人, 审核人, 注：…) under the table.
    """
    path = Path(path)
    max_rows = DEFAULT_MAX_ROWS if max_rows is None else max_rows
    sheets = open_sheets(path, max_rows)
    if sheet is not None:
        wanted = [s for s in sheets if s.name == sheet] or [
            s for s in sheets if header_key(s.name) == header_key(sheet)]
        if not wanted:
            raise UnreadableFileError(
                f"文件 {path.name} 中没有名为“{sheet}”的工作表；现有：{'、'.join(s.name for s in sheets)}")
        sheets = wanted
    if not sheets:
        raise UnreadableFileError(f"文件 {path.name} 中没有工作表。")
    for raw in sheets:
        table = _read_sheet(path, raw, synonyms, required, ignore, max_rows, progress, cancel)
        if table is not None:
            return table
    where = f"工作表“{sheets[0].name}”" if sheet is not None or len(sheets) == 1 else "任何工作表"
    raise UnreadableFileError(
        f"在文件 {path.name} 的{where}前{HEADER_SEARCH_ROWS}行中找不到表头。"
        f"表头应含有这些列：{expected_headers_text(synonyms, required)}。")


def _read_sheet(path: Path, raw: RawSheet, synonyms: Mapping[str, Sequence[str]], required: Sequence[str],
                ignore: Sequence[str], max_rows: int, progress: Progress | None,
                cancel: threading.Event | None) -> Table | None:
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
    _, header_row, header_cells, columns, unknown = best
    table = Table(path=path, sheet=raw.name, header_row=header_row, headers=header_cells,
                  columns=columns, unknown_columns=unknown)
    mapped = [(c.index, c.field) for c in columns if c.field]

    def all_rows() -> Iterator[tuple[int, list[Any]]]:
        yield from buffered
        yield from iterator

    data_rows = 0
    for number, cells in all_rows():
        if number <= header_row:
            continue
        filled = _filled(cells)
        if not filled:
            continue
        if len(filled) <= 4 and is_sign_off_row(cells, filled):
            table.stopped_at = number
            break
        data_rows += 1
        if data_rows > max_rows:
            raise UnreadableFileError(_too_many_rows_message(path, None, max_rows))
        if cancel is not None and data_rows % 1000 == 0 and cancel.is_set():
            raise CancelledError()
        if progress is not None and data_rows % 5000 == 0:
            progress(0, f"正在读取第{number}行……")
        width = len(cells)
        values = {}
        for i, key in mapped:
            value = cells[i] if i < width else None
            if type(value) is str and (value == "" or value.isspace()):
                value = None
            values[key] = value
        table.rows.append(TableRow(number, list(cells), values))
    return table


def sheet_names(path: Path | str) -> list[str]:
    return [s.name for s in open_sheets(path)]


def read_rows(path: Path) -> list[list[Any]]:
    """Every row of the first sheet, as lists (for short lists of names)."""
    sheets = open_sheets(path)
    if not sheets:
        raise UnreadableFileError(f"文件 {path.name} 中没有工作表。")
    return [cells for _, cells in sheets[0].rows()]
