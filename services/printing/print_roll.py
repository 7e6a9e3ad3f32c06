"""The roll printout (党员花名册) as an A4 PDF: one row per member, IDs masked unless asked for."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services import access
from services.files.safe_write import build_pdf
from services.normalize import format_partial, mask_id_number
from services.pdf.pdf_fit import MAX_LINES, fitting_width, widen_columns
from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_layout import (
    base_styles,
    cn_date,
    fit_cell,
    header_table_style,
    numbered_canvas,
    page_count,
)
from services.pdf.pdf_text import para
from services.progress import Progress
from services.roll import branches, members
from services.roll.members import MemberRecord
from services.safety import audit, privacy
from services.safety.privacy import mask_phone

# (header, key, relative width landscape, portrait): the columns in the order offices print them.
# Portrait has no room for 联系电话 (an optional column): width 0 leaves it out.
_COLUMNS: tuple[tuple[str, str, float, float], ...] = (
    ("序号", "seq", 8, 7),
    ("姓名", "name", 18, 12),
    ("性别", "sex", 8, 6),
    ("民族", "ethnicity", 10, 9),
    ("出生年月", "birth", 14, 11),
    ("学历", "education", 15, 13),
    ("入党时间", "joined_party", 17, 15),
    ("转正时间", "full_member_since", 17, 15),
    ("党员类别", "membership", 15, 12),
    ("所在党支部", "branch", 27, 26),
    ("党内职务", "party_post", 17, 14),
    ("工作岗位", "job", 19, 18),
    ("公民身份号码", "id_number", 36, 26),
    ("联系电话", "phone", 24, 0),
)
# Columns whose text may be long enough to wrap inside its cell.
_WRAPPED = {"branch", "party_post", "job", "education", "id_number", "phone"}
_MARGIN_MM = 12
# Columns of one word each (维吾尔族), set smaller on one line rather than broken.
_ONE_LINE = {"ethnicity": 1, "membership": 1, "sex": 1}


@dataclass(frozen=True)
class PrintResult:
    path: Path
    pages: int
    members: int


def roll_title(branch: str | None) -> str:
    """XX党支部党员花名册 for one branch, 党员花名册 for several."""
    return f"{branch}党员花名册" if branch else "党员花名册"


def _ordered(records: list[MemberRecord]) -> list[MemberRecord]:
    """By branch, then 按姓氏笔画 — what list_members gives, whatever order the caller's table had."""
    return sorted(records, key=lambda r: (r.branch_order, r.branch_id, r.sort_key, r.id))


def _cell_text(record: MemberRecord, key: str, seq: int, full_ids: bool) -> str:
    if key == "seq":
        return str(seq)
    if key == "birth":
        return f"{record.birth_date.year}.{record.birth_date.month:02d}" if record.birth_date else ""
    if key in ("joined_party", "full_member_since"):
        return format_partial(getattr(record, key))
    if key == "id_number":
        return record.id_number if full_ids else mask_id_number(record.id_number)
    if key == "phone":
        return (record.phone or "") if full_ids else mask_phone(record.phone)
    return str(getattr(record, key) or "")


def _spare(columns: list[tuple[str, str, float]], widths: list[float], records: list[MemberRecord], full_ids: bool,
           style: Any, head: Any) -> dict[int, float]:
    """The room the one-line columns (性别, 学历, 入党时间 …) leave empty beside their widest text and a heading
    of two characters a line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    spare = {}
    for i, (header, key, _width) in enumerate(columns):
        if key in _WRAPPED or key in ("seq", "name"):
            continue
        widest = max([stringWidth(_cell_text(r, key, 0, full_ids), style.fontName, style.fontSize) for r in records]
                     + [stringWidth(header[:2], head.fontName, head.fontSize)])
        spare[i] = widths[i] - widest - 4
    return spare


def print_roll(session: Session, out_path: Path | str, *, records: list[MemberRecord] | None = None,
               branch: str | None = None, status: str | None = "在册", landscape: bool = True,
               full_ids: bool = False, title: str | None = None, actor: str = "unknown",
               today: dt.date | None = None, progress: Progress | None = None,
               cancel: threading.Event | None = None) -> PrintResult:
    """Write the roll of `records` (default: the members of `branch`, or all, with `status`) to a PDF.

    `progress` is told as pages are laid out; `cancel` stops the print (CancelledError) and leaves no file.

    Full numbers (`full_ids`) are refused to a 查阅 account (PermissionDeniedError, nothing written);
    the print is logged with that choice.
    """
    if full_ids:
        privacy.require_full_numbers(session, "打印完整的身份证号码和电话号码")
    if branch:
        branch = branches.get_branch(session, branch).name  # NotFoundError for an unknown name
    if records is None:
        records = members.list_members(session, branch=branch, status=status)
    else:
        records = privacy.for_session(session, access.visible_records(session, records))
    rows_data = _ordered(records)
    branch_names = {r.branch for r in rows_data}
    one_branch = branch or (next(iter(branch_names)) if len(branch_names) == 1 else None)
    title = title or roll_title(one_branch)
    out = Path(out_path)
    pages = _render(out, rows_data, title=title, landscape=landscape, full_ids=full_ids,
                    show_branch=len(branch_names) > 1, today=today or dt.date.today(), progress=progress,
                    cancel=cancel)
    audit.log_print(session, actor, title, pages=pages, full_ids=full_ids)
    return PrintResult(out, pages, len(rows_data))


def _render(out: Path, records: list[MemberRecord], *, title: str, landscape: bool, full_ids: bool,
            show_branch: bool, today: dt.date, progress: Progress | None = None,
            cancel: threading.Event | None = None) -> int:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as to_landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from services.pdf.pdf_pages import paged_table

    fonts = register_fonts()
    st = base_styles(fonts)
    pagesize = to_landscape(A4) if landscape else A4
    body_size = 9 if landscape else 7
    cell = ParagraphStyle("roll_cell", fontName=fonts.body, fontSize=body_size, leading=body_size + 2)
    head = ParagraphStyle("roll_head", fontName=fonts.title, fontSize=body_size + 0.5, leading=body_size + 2.5,
                          alignment=TA_CENTER, textColor="#FFFFFF")
    has_phone = any(r.phone for r in records)
    # (header, key, relative width) of the columns this printout has.
    columns = [(header, key, wide if landscape else narrow) for header, key, wide, narrow in _COLUMNS
               if (wide if landscape else narrow) and (show_branch or key != "branch")
               and (key != "phone" or has_phone)]
    usable = pagesize[0] - 2 * _MARGIN_MM * mm
    scale = usable / sum(c[2] for c in columns)
    widths = [c[2] * scale for c in columns]

    doc = SimpleDocTemplate(str(out), pagesize=pagesize, leftMargin=_MARGIN_MM * mm, rightMargin=_MARGIN_MM * mm,
                            topMargin=14 * mm, bottomMargin=16 * mm, title=title, creator="党员教育培训管理系统")
    date_style = ParagraphStyle("roll_date", parent=st["info"], alignment=TA_RIGHT)
    story: list[Any] = [para(title, st["title"]),
                        para(f"共{len(records)}人　　制表日期：{cn_date(today)}", date_style),
                        Spacer(1, 2 * mm)]
    # A long name wraps at a readable size (after the dots of a transliterated name), 民族 stays on one line:
    # their columns widen as much as that needs, taking room from the columns of wrapping text.
    centred = ParagraphStyle("roll_centred", parent=cell, alignment=TA_CENTER)
    wants = {i: fitting_width([_cell_text(r, key, 0, full_ids) for r in records], centred, widths[i],
                              widths[i] * 1.6, padding=4, max_lines=_ONE_LINE.get(key, MAX_LINES))
             for i, (_header, key, _width) in enumerate(columns) if key in ("name", "ethnicity")}
    widths = widen_columns(widths, wants, [i for i, c in enumerate(columns) if c[1] in ("branch", "party_post", "job")],
                           spare=_spare(columns, widths, records, full_ids, centred, head))
    def row(i: int) -> list[Any]:
        cells: list[Any] = []
        for (_header, key, _width), width in zip(columns, widths, strict=True):
            text = _cell_text(records[i], key, i + 1, full_ids)
            cells.append(para(text, cell) if key in _WRAPPED
                         else fit_cell(text, centred, width - 4, max_lines=_ONE_LINE.get(key, MAX_LINES)))
        return cells

    style = header_table_style(fonts, body_size=body_size, head_size=body_size + 0.5)
    style += [("ALIGN", (1, 1), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 2),
              ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    story.append(paged_table([para(c[0], head) for c in columns], len(records), row, widths, style,
                             progress=progress, cancel=cancel, message="正在排版花名册：{done}/{count}人……"))
    story.append(Spacer(1, 6 * mm))
    sign = ParagraphStyle("roll_sign", parent=st["info"], alignment=0, fontSize=11, leading=16)
    story.append(para("制表人：＿＿＿＿＿＿＿＿　　　　审核人：＿＿＿＿＿＿＿＿　　　　"
                               "日期：＿＿＿＿年＿＿月＿＿日", sign))
    build_pdf(doc, out, story, canvasmaker=numbered_canvas(fonts.body, f"{title}　　"))
    return page_count(out)
