"""Exporting the roll (党员花名册) to .xlsx, and the blank import template (导入模板)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Branch
from services import access
from services.errors import CancelledError
from services.files.safe_write import save_workbook
from services.files.xlsx_direct import SheetLayout, write_sheet
from services.files.xlsx_util import out_cell, write_cell
from services.normalize import (
    EDUCATIONS,
    MEMBERSHIPS,
    SEXES,
    STAFF_STATUSES,
    STATUSES,
    format_partial,
    id_check_digit,
)
from services.progress import Progress
from services.roll.branches import get_branch
from services.roll.members import MEMBER_FIELDS, MemberRecord, list_members
from services.safety import privacy

SERIAL_HEADER = "序号"
LEFT_REASON_HEADER = "离开原因"
EXPORT_KEYS: tuple[str, ...] = (*(f.key for f in MEMBER_FIELDS), "left_reason")
EXPORT_HEADERS: tuple[str, ...] = (SERIAL_HEADER, *(f.label for f in MEMBER_FIELDS), LEFT_REASON_HEADER)
PARTIAL_DATE_KEYS = {"joined_party", "full_member_since", "joined_org", "left_date"}
WIDTHS = {"name": 10, "id_number": 21, "sex": 6, "birth_date": 12, "ethnicity": 8, "education": 10,
          "joined_party": 11, "full_member_since": 11, "membership": 10, "branch": 18, "party_post": 10,
          "job": 14, "staff_status": 8, "phone": 14, "joined_org": 11, "left_date": 11, "status": 8,
          "remarks": 24, "left_reason": 16}
ACCENT = "B71C1C"
TEMPLATE_ROWS = 2000



@dataclass(frozen=True)
class ExportResult:
    path: Path
    count: int


def cell_text(record: MemberRecord, key: str) -> str:
    """A member's field as an office writes it: dates 2005.07.01 / 2005.07, everything as text."""
    value: Any = getattr(record, key)
    if value is None:
        return ""
    if key == "birth_date":
        return value.strftime("%Y.%m.%d") if isinstance(value, dt.date) else format_partial(str(value))
    if key in PARTIAL_DATE_KEYS:
        return format_partial(value)
    return str(value)


def _save(wb: Workbook, out: Path) -> None:
    save_workbook(wb, out)


def export_records(records: Sequence[MemberRecord], out: Path | str, title: str = "党员花名册",
                   mode: str = "direct", progress: Progress | None = None,
                   cancel: threading.Event | None = None) -> ExportResult:
    """Write the given members (any list: all, a branch, the current filter) to one .xlsx sheet.

    `mode`: 'direct' (default, the fastest: see tests/benchmarks/bench_roll.py), or openpyxl's
    'write_only' or 'normal' mode; all three write the same cells.
    """
    out = Path(out)
    if mode == "normal":
        return _export_normal(records, out, title)
    if mode == "direct":
        return _export_direct(records, out, title, progress, cancel)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员花名册")
    widths = _widths(records)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "B3"
    ws.print_title_rows = "1:2"  # the title and the header on every printed page
    ncols = len(EXPORT_HEADERS)
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=ncols, max_row=1))
    ws.row_dimensions[1].height = 30
    ws.append([out_cell(ws, title, font=Font(bold=True, size=16),
                        alignment=Alignment(horizontal="center", vertical="center"))])
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=ACCENT)
    header_cells = []
    for header in EXPORT_HEADERS:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for index, record in _numbered(records, progress, cancel):
        row: list[Any] = [index]
        for key in EXPORT_KEYS:
            text = cell_text(record, key)
            row.append(out_cell(ws, text) if text else None)
        ws.append(row)
    _save(wb, out)
    return ExportResult(out, len(records))


def _numbered(records: Sequence[MemberRecord], progress: Progress | None,
              cancel: threading.Event | None) -> Iterator[tuple[int, MemberRecord]]:
    """The records with their 序号, telling the progress and heeding 取消 every 2 000 rows."""
    total = max(1, len(records))
    for index, record in enumerate(records, start=1):
        if index % 2000 == 0:
            if cancel is not None and cancel.is_set():
                raise CancelledError("导出已取消。")
            if progress is not None:
                progress(int(100 * index / total), f"已写出{index}名……")
        yield index, record


# ---------------------------------------------------------------- direct writer


def _export_direct(records: Sequence[MemberRecord], out: Path, title: str, progress: Progress | None,
                   cancel: threading.Event | None) -> ExportResult:
    """The sheet XML written straight into the zip (services/files/xlsx_direct.py): several times faster than
    openpyxl for big rolls, with the same cells, looks and escapes."""
    layout = SheetLayout("党员花名册", _widths(records), EXPORT_HEADERS, title=title, freeze="B3")

    def rows() -> Iterator[list[Any]]:
        for index, record in _numbered(records, progress, cancel):
            yield [index, *(cell_text(record, key) for key in EXPORT_KEYS)]

    write_sheet(out, layout, rows(), count=len(records))
    return ExportResult(out, len(records))


def _export_normal(records: Sequence[MemberRecord], out: Path, title: str) -> ExportResult:
    wb = Workbook()
    ws = wb.active
    ws.title = "党员花名册"
    ncols = len(EXPORT_HEADERS)
    write_cell(ws, 1, 1, title)
    ws.cell(1, 1).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    for col, header in enumerate(EXPORT_HEADERS, start=1):
        cell = write_cell(ws, 2, col, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=ACCENT)
    for index, record in enumerate(records, start=1):
        r = index + 2
        ws.cell(r, 1, index)
        for col, key in enumerate(EXPORT_KEYS, start=2):
            text = cell_text(record, key)
            if text:
                write_cell(ws, r, col, text)
    for col, width in enumerate(_widths(records), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "B3"
    ws.print_title_rows = "1:2"
    _save(wb, out)
    return ExportResult(out, len(records))


def _widths(records: Sequence[MemberRecord]) -> list[float]:
    branch_len = max((len(r.branch) for r in records[:5000]), default=8)
    widths = [6.0]
    for key in EXPORT_KEYS:
        width = float(WIDTHS.get(key, 12))
        if key == "branch":
            width = max(width, min(40.0, branch_len * 2.2 + 2))
        widths.append(width)
    return widths


def export_members(session: Session, out: Path | str, branch: str | None = None,
                   records: Sequence[MemberRecord] | None = None, mode: str = "direct",
                   progress: Progress | None = None, cancel: threading.Event | None = None) -> ExportResult:
    """The whole roll, one branch, or the given records (the current filter of the members tab).

    A 查阅 account gets ID and phone numbers masked, even in records a caller hands in.
    """
    if records is None:
        if branch:
            branch = get_branch(session, branch).name  # as stored, however it was typed
        records = list_members(session, branch=branch)
    else:
        records = privacy.for_session(session, access.visible_records(session, records))
    title = f"{branch or ''}党员花名册（导出于{dt.date.today():%Y年%m月%d日}，共{len(records)}人）"
    return export_records(records, out, title=title, mode=mode, progress=progress, cancel=cancel)


# ---------------------------------------------------------------- template


EXAMPLE_ID_BODY = "11010119900307123"


def example_row(branch: str) -> dict[str, str]:
    id_number = EXAMPLE_ID_BODY + id_check_digit(EXAMPLE_ID_BODY)
    return {"name": "张示例", "id_number": id_number, "sex": "男", "birth_date": "1990.03.07",
            "ethnicity": "汉族", "education": "大学本科", "joined_party": "2015.07",
            "full_member_since": "2016.07.01", "membership": "正式党员", "branch": branch,
            "party_post": "", "job": "科员", "staff_status": "在职", "phone": "13800000000",
            "joined_org": "", "left_date": "", "status": "在册", "remarks": "示例行，填写前请删除"}


def write_members_template(session: Session, out: Path | str) -> Path:
    """Canonical headers, drop-down lists for the choice columns, text format for IDs, one example row."""
    out = Path(out)
    branches = list(session.scalars(select(Branch.name).order_by(Branch.sort_order, Branch.id)))
    wb = Workbook()
    ws = wb.active
    ws.title = "党员花名册"
    keys = [f.key for f in MEMBER_FIELDS]
    for col, spec in enumerate(MEMBER_FIELDS, start=1):
        cell = write_cell(ws, 1, col, spec.label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=ACCENT)
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(spec.key, 12)
    example = example_row(branches[0] if branches else "机关第一党支部")
    for col, key in enumerate(keys, start=1):
        if example[key]:
            write_cell(ws, 2, col, example[key])
    # Text format so that Excel keeps all 18 digits of an ID and the leading zeros of a phone.
    for key in ("id_number", "phone", "birth_date", "joined_party", "full_member_since", "joined_org", "left_date"):
        col = keys.index(key) + 1
        for r in range(2, TEMPLATE_ROWS + 2):
            ws.cell(r, col).number_format = "@"
    ws.freeze_panes = "A2"

    options = wb.create_sheet("选项")
    lists = {"sex": SEXES, "education": EDUCATIONS, "membership": MEMBERSHIPS,
             "branch": tuple(branches) or ("机关第一党支部",), "staff_status": STAFF_STATUSES, "status": STATUSES}
    for col, (key, values) in enumerate(lists.items(), start=1):
        options.cell(1, col, MEMBER_FIELDS[keys.index(key)].label)
        for r, value in enumerate(values, start=2):
            write_cell(options, r, col, value)
        letter = get_column_letter(col)
        dv = DataValidation(type="list", formula1=f"=选项!${letter}$2:${letter}${len(values) + 1}",
                            allow_blank=True, showErrorMessage=key != "branch")
        dv.error = f"请从下拉列表中选择{MEMBER_FIELDS[keys.index(key)].label}"
        dv.errorTitle = "输入有误"
        target = get_column_letter(keys.index(key) + 1)
        dv.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        ws.add_data_validation(dv)
    options.sheet_state = "hidden"
    _save(wb, out)
    return out
