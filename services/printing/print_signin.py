"""Sign-in sheets (签到表) per session and the class's attendance register (考勤表), as A4 PDFs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services.errors import NotFoundError
from services.files.safe_write import build_pdf
from services.normalize import mask_id_number
from services.pdf.pdf_fit import fitting_width
from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_layout import (
    ACCENT,
    GRID,
    base_styles,
    cn_date,
    fit_cell,
    fit_paragraph,
    fit_text,
    header_table_style,
    numbered_canvas,
    page_count,
)
from services.pdf.pdf_text import para
from services.progress import Progress
from services.training import activities, attendance
from services.training.enrolment import Participant, participants

# The older private names, still imported by services.training.certificates.
__all__ = ["ACCENT", "GRID", "PdfResult", "attendance_register", "cn_date", "render_signin", "signin_sheet"]


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    rows: int


def _duty(p: Participant) -> str:
    """职务 on a sign-in sheet: the job, else the Party post."""
    return p.job or p.party_post or ""


def signin_sheet(session: Session, activity_id: int, out: Path | str, *, session_seq: int | None = None,
                 blank_rows: int = 5, landscape: bool = False, show_id: bool = False, every_session: bool = False,
                 progress: Progress | None = None, cancel: threading.Event | None = None) -> PdfResult:
    """One sign-in sheet for one session (the first when `session_seq` is None), or with `every_session` a sheet
    for each session, each starting a page. `progress` is told as pages are laid out; `cancel` stops the print
    (CancelledError) and leaves no file."""
    info = activities.get_activity(session, activity_id)
    if not info.sessions:
        raise NotFoundError(f"活动“{info.title}”没有课次")
    if every_session and session_seq is None:
        people = participants(session, activity_id)  # ID numbers masked for 查阅 by the service
        return render_signin(info, info.sessions, people, out, blank_rows=blank_rows, landscape=landscape,
                             show_id=show_id, progress=progress, cancel=cancel)
    if session_seq is None:
        sess = info.sessions[0]
    else:
        found = [s for s in info.sessions if s.seq == session_seq]
        if not found:
            raise NotFoundError(f"活动“{info.title}”没有第{session_seq}课次（共{len(info.sessions)}个课次）")
        sess = found[0]
    people = participants(session, activity_id)  # ID numbers masked for 查阅 by the service
    return render_signin(info, sess, people, out, blank_rows=blank_rows, landscape=landscape, show_id=show_id,
                         progress=progress, cancel=cancel)


def render_signin(info: activities.ActivityInfo,
                  sess: activities.SessionInfo | Sequence[activities.SessionInfo], people: list[Participant],
                  out: Path | str, *, blank_rows: int = 5, landscape: bool = False,
                  show_id: bool = False, progress: Progress | None = None,
                  cancel: threading.Event | None = None) -> PdfResult:
    """The sign-in sheet of `sess`, or of each of several sessions, each starting a page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as to_landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer

    from services.pdf.pdf_pages import paged_table

    fonts = register_fonts()
    st = base_styles(fonts)
    out = Path(out)
    pagesize = to_landscape(A4) if landscape else A4
    doc = SimpleDocTemplate(str(out), pagesize=pagesize, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=16 * mm, title=f"{info.title} 签到表",
                            author=info.organiser or "", creator="党员教育培训管理系统")
    header = ["序号", "姓名", "所在党支部", "职务", "签到", "备注"]
    widths = [12, 24, 48, 32, 36, 28]
    if show_id:
        header.insert(2, "身份证号码")
        widths = [11, 22, 38, 40, 26, 28, 15]
    usable = (pagesize[0] - 30 * mm) / mm
    scale = usable / sum(widths)
    col_widths = [w * scale * mm for w in widths]
    cell = st["cell"]
    name_style = ParagraphStyle("signin_name", parent=cell, fontSize=10.5, leading=12.6)
    # Inside the cell's padding (6 pt a side, 3 pt above and below) of a 9 mm row.
    room = [w - 12 for w in col_widths]
    box = 9 * mm - 6
    at = 1 if show_id else 0  # columns after 身份证号码 move one to the right

    def rows_of(people: list[Participant]) -> Callable[[int], list[Any]]:
        return lambda i: row(people, i)

    def row(people: list[Participant], i: int) -> list[Any]:
        if i >= len(people):  # blank rows for walk-ins
            return [str(i + 1)] + [""] * (len(header) - 1)
        p = people[i]
        cells: list[Any] = [str(i + 1), fit_cell(p.name, name_style, room[1], height=box),
                            fit_text(p.branch, cell, room[2 + at], box), fit_text(_duty(p), cell, room[3 + at], box),
                            "", ""]
        if show_id:
            cells.insert(2, fit_cell(mask_id_number(p.id_number), name_style, room[2]))
        return cells

    story: list[Any] = []
    listed = 0
    for one in [sess] if isinstance(sess, activities.SessionInfo) else sess:
        if story:
            story.append(PageBreak())
        expected = [p for p in people if p.there_on(one.date)]  # not one who left before the session
        listed = max(listed, len(expected))
        title = info.title + (f"（第{one.seq}课次）" if len(info.sessions) > 1 else "")
        when = cn_date(one.date) + (f" {one.time_text()}" if one.time_text() else "")
        parts = [f"时间：{when}", f"地点：{one.place or info.place or '　'}", f"主办：{info.organiser or '　'}"]
        story += [para(title, st["title"]), para("签　到　表", st["title"]), para("　　".join(parts), st["info"])]
        if one.topic:
            story.append(para(f"主题：{one.topic}", st["info"]))
        story.append(Spacer(1, 4 * mm))
        # Rows 9 mm high (room to sign), taller where a name or a branch needs it even set smallest.
        story.append(paged_table(header, len(expected) + blank_rows, rows_of(expected), col_widths,
                                 header_table_style(fonts),
                                 min_heights=(8 * mm, 9 * mm), progress=progress, cancel=cancel,
                                 message="正在排版签到表：{done}/{count}行……"))
        story.append(Spacer(1, 3 * mm))
        story.append(para(f"应到{len(expected)}人　　实到＿＿＿人　　请假＿＿＿人　　记录人：＿＿＿＿＿＿",
                          st["info"]))
    canvas_cls = numbered_canvas(fonts.body, f"{info.title} 签到表　　")
    build_pdf(doc, out, story, canvasmaker=canvas_cls)
    return PdfResult(out, page_count(out), listed)


def attendance_register(session: Session, activity_id: int, out: Path | str, *, progress: Progress | None = None,
                        cancel: threading.Event | None = None) -> PdfResult:
    """考勤表: enrolled members × sessions with their statuses, and each member's credited hours. `progress` and
    `cancel` as for `signin_sheet`."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from services.pdf.pdf_pages import paged_table

    info = activities.get_activity(session, activity_id)
    g = attendance.grid(session, activity_id)
    fonts = register_fonts()
    st = base_styles(fonts)
    out = Path(out)
    pagesize = landscape(A4)
    doc = SimpleDocTemplate(str(out), pagesize=pagesize, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=14 * mm, bottomMargin=16 * mm, title=f"{info.title} 考勤表",
                            creator="党员教育培训管理系统")
    story: list[Any] = [para(f"{info.title}　考勤表", st["title"]),
                        para(f"{info.date_text()}　　地点：{info.place or '—'}　　主办：{info.organiser or '—'}"
                                       f"　　共{len(g.sessions)}个课次、{info.hours:g}学时", st["info"]),
                        Spacer(1, 3 * mm)]
    n_sessions = len(g.sessions)
    small = n_sessions > 10
    usable = pagesize[0] - 24 * mm
    name_style = ParagraphStyle("register_name", parent=st["cell"], fontSize=8 if small else 10,
                                leading=10 if small else 12, alignment=TA_CENTER)
    # 姓名 widens (up to 30 mm, from 备注) as much as a long name needs to wrap at a readable size.
    name_width = fitting_width([p.name for p in g.members], name_style, 20 * mm, 30 * mm)
    fixed = [10 * mm, name_width, 42 * mm]
    tail = [14 * mm, 30 * mm - (name_width - 20 * mm)]
    per = max(9 * mm, (usable - sum(fixed) - sum(tail)) / max(1, n_sessions))
    if per * n_sessions > usable - sum(fixed) - sum(tail):
        per = (usable - sum(fixed) - sum(tail)) / max(1, n_sessions)
    # A session's column has 1.5 pt of padding a side; its heading and statuses are set smaller when
    # narrow, never broken inside a figure (12.25学时 read as 12.2 / 5学时).
    room = per - 3
    status_style = ParagraphStyle("register_status", parent=st["cell"], fontSize=8 if small else 10,
                                  leading=10 if small else 12, alignment=TA_CENTER)
    header: list[Any] = ["序号", "姓名", "所在党支部"]
    for _sid, seq, day, hours in g.sessions:
        words = (f"第{seq}次\n{day.month}.{day.day}\n{hours:g}时" if small
                 else f"第{seq}课次\n{day.month}月{day.day}日\n{hours:g}学时")
        header.append(fit_paragraph(words, st["head"], room, min_size=4))
    header += ["学时", "备注"]
    counts = g.counts()

    def row(i: int) -> list[Any]:
        p = g.members[i]
        cells: list[Any] = [str(i + 1), fit_cell(p.name, name_style, fixed[1] - 12),
                            para(p.branch, st["small" if small else "cell"])]
        notes = []
        for sid, seq, *_ in g.sessions:
            c = g.cells.get((p.member_id, sid))
            cells.append(fit_cell(c.status, status_style, room, min_size=5, max_lines=1) if c else "")
            if c and c.reason:
                notes.append(f"{seq}:{c.reason}")
        cells.append(f"{g.member_hours(p.member_id):g}")
        cells.append(para("；".join(notes), st["small"], breaks=True))
        return cells

    widths = fixed + [per] * n_sessions + tail
    story.append(paged_table(header, len(g.members), row, widths, [
        ("FONT", (0, 0), (-1, -1), fonts.body, 8 if small else 10),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F5E6E6")),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.HexColor(ACCENT)),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("ALIGN", (2, 1), (2, -1), "LEFT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(GRID)),
        ("LEFTPADDING", (3, 0), (2 + n_sessions, -1), 1.5),
        ("RIGHTPADDING", (3, 0), (2 + n_sessions, -1), 1.5),
    ], progress=progress, cancel=cancel, message="正在排版考勤表：{done}/{count}人……"))
    story.append(Spacer(1, 3 * mm))
    story.append(para("各状态合计（人·课次）：" + "　".join(f"{k}{v}" for k, v in counts.items()), st["info"]))
    build_pdf(doc, out, story, canvasmaker=numbered_canvas(fonts.body, f"{info.title} 考勤表　　"))
    return PdfResult(out, page_count(out), len(g.members))
