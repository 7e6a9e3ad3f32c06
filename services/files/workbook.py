"""Binary and zipped workbooks (.xlsx .xlsm .xlsb .xls .ods) read through calamine."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services.errors import UnreadableFileError
from services.files.raw import (
    FORM_ODS,
    FORM_XLS,
    FORM_XLSB,
    FORM_XLSM,
    FORM_XLSX,
    SUPPORTED,
    RawSheet,
    encrypted_message,
    read_error_message,
    too_many_rows_message,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
# A worksheet's XML beyond this many bytes is refused before it is loaded into memory.
MAX_SHEET_XML_BYTES = 600 * 1024 * 1024
# The suffix calamine needs to pick its parser from the name; a file whose content says otherwise is read by content.
_SUFFIX_OF_FORM = {FORM_XLSX: ".xlsx", FORM_XLSM: ".xlsm", FORM_XLSB: ".xlsb", FORM_XLS: ".xls", FORM_ODS: ".ods"}


def is_encrypted_ole(path: Path) -> bool:
    # An Office file saved with a password is an OLE container holding EncryptionInfo and
    # EncryptedPackage streams; the directory sits near the start or the end of the file.
    with path.open("rb") as fh:
        data = fh.read(4 * 1024 * 1024)
        size = path.stat().st_size
        if size > len(data):
            fh.seek(max(0, size - 4 * 1024 * 1024))
            data += fh.read()
    return any(marker in data for marker in _ENCRYPTION_MARKERS)


def zip_form(path: Path, max_rows: int) -> str:
    """Which zipped workbook this is, from its parts; refuses a size that would not fit in memory."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for info in zf.infolist():
                name = info.filename
                is_sheet = (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == "content.xml"
                if is_sheet and info.file_size > MAX_SHEET_XML_BYTES:
                    raise UnreadableFileError(too_many_rows_message(path, None, max_rows))
            if "mimetype" in names:
                mimetype = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mimetype:
                    return FORM_ODS
            if "xl/workbook.bin" in names:
                return FORM_XLSB
            if "[Content_Types].xml" in names:
                types = zf.read("[Content_Types].xml")
                return FORM_XLSM if b"macroEnabled" in types else FORM_XLSX
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        # A damaged archive fails in many ways: a bad directory, a corrupt deflate stream (zlib.error),
        # a truncated member, an encrypted or unknown compression method.
        raise UnreadableFileError(f"文件 {path.name} 已损坏，或不是真正的 Excel 文件（无法解压）。") from exc
    # Neither: calamine says what is wrong with it, in its words inside our message.
    return FORM_ODS if path.suffix.lower() == ".ods" else FORM_XLSX


def _reraise_interrupts(exc: BaseException) -> None:
    """Ctrl+C and exits go on; anything else calamine throws (a Rust panic included) is a damaged file."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def calamine_sheets(path: Path, form: str, max_rows: int) -> list[RawSheet]:
    import python_calamine as pc

    try:
        if path.suffix.lower() == _SUFFIX_OF_FORM[form]:
            workbook = pc.CalamineWorkbook.from_path(str(path))
        else:
            with path.open("rb") as fh:  # named otherwise: calamine then finds the format from the content
                workbook = pc.CalamineWorkbook.from_filelike(fh)
        metadata = [m for m in workbook.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        listed = [(m.name, m.visible == pc.SheetVisibleEnum.Visible) for m in metadata] or [
            (name, True) for name in workbook.sheet_names]
    except pc.PasswordError as exc:
        raise UnreadableFileError(encrypted_message(path)) from exc
    except OSError as exc:  # locked or removed since it was looked at
        raise UnreadableFileError(read_error_message(path, exc)) from exc
    except BaseException as exc:  # calamine raises its own and plain errors, or panics, on damaged files
        _reraise_interrupts(exc)
        raise UnreadableFileError(
            f"文件 {path.name} 无法读取：已损坏，或不是{SUPPORTED}（{type(exc).__name__}）。") from exc

    def make(name: str, visible: bool) -> RawSheet:
        parsed: list[Any] = []  # the sheet, or what stopped its parse, once prepared

        def parse() -> Any:
            try:
                return workbook.get_sheet_by_name(name)
            except pc.PasswordError as exc:
                raise UnreadableFileError(encrypted_message(path)) from exc
            except BaseException as exc:
                _reraise_interrupts(exc)
                raise UnreadableFileError(f"工作表“{name}”无法读取，文件可能已损坏（{type(exc).__name__}）。") from exc

        def prepare() -> None:
            # python-calamine parses without holding the GIL: another thread may do this meanwhile.
            if not parsed:
                try:
                    parsed.append(parse())
                except UnreadableFileError as exc:
                    parsed.append(exc)

        def rows() -> Iterator[tuple[int, list[Any]]]:
            sheet = parsed.pop() if parsed else parse()  # not kept once read: its cells take memory
            if isinstance(sheet, UnreadableFileError):
                raise sheet
            try:
                # iter_rows starts at sheet row 1 (leading empty rows included), so the count is the
                # row number. The range holds the cells actually present, whatever <dimension> declares.
                rows = iter(sheet.iter_rows())
            except BaseException as exc:
                _reraise_interrupts(exc)
                raise UnreadableFileError(f"工作表“{name}”无法读取，文件可能已损坏（{type(exc).__name__}）。") from exc
            number = 0
            while True:
                try:
                    cells = next(rows)
                except StopIteration:
                    return
                except BaseException as exc:  # a value calamine cannot convert (a date out of range …)
                    _reraise_interrupts(exc)
                    raise UnreadableFileError(
                        f"工作表“{name}”第{number + 1}行无法读取，文件可能已损坏（{type(exc).__name__}）。") from exc
                number += 1
                yield number, cells

        return RawSheet(name, rows, form_label=form, visible=visible, prepare=prepare)

    return [make(name, visible) for name, visible in listed]
