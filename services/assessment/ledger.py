"""The hours ledger (学时台账): per member per year hours by type, target, gap, 达标; cards and notices.

A member's hours in year Y are the attendance hours of sessions dated in Y plus the adjustments
dated in Y (the same rule as services/assessment/stats.py, so a full-year statistic and the ledger agree).
Hours toward the target leave out the types excluded for Y (services/assessment/targets.py); the ledger
shows every type, the total, the hours toward the target, the pro-rated target, the gap and the
verdict, and beside them the "one concentrated class" condition (attended at least one session
of an activity whose type is a class), which never changes the verdict on hours.
Members listed for Y are those on the roll in Y; the Party post of today decides the group. A member
exempted for Y (services/plan/rules.py) stays listed with their hours but is 免予考核, never 未达标, as in the
statistics' ``below_target``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    ActivityType,
    Attendance,
    Branch,
    HoursAdjustment,
    Member,
)
from services import access
from services.assessment.drilldown import ADJUSTMENT_COLUMN, HoursRow, hours_detail  # noqa: F401  (ledger.hours_detail)
from services.assessment.stats import ATTENDED, CANCELLED_STATUS, hours_round
from services.assessment.targets import load_year_targets, roll_span
from services.bulk import IN_LIST_SIZE, chunked
from services.errors import NotFoundError
from services.files.safe_write import build_pdf, save_workbook
from services.normalize import format_partial, mask_id_number
from services.pdf.pdf_layout import cn_date, numbered_canvas
from services.plan import rule_lists
from services.plan.rules import exempt_ids

MET, NOT_MET, NO_TARGET = "达标", "未达标", "无目标"
EXEMPT = "免予考核"  # exempted for the year (年老体弱、长期病休, 条例 art. 23): never short of hours


@dataclass
class LedgerRow:
    member_id: int
    name: str
    branch_id: int
    branch: str
    party_post: str | None
    membership: str
    months: int
    by_type: dict[str, float] = field(default_factory=dict)  # type name (or 调整) → hours
    total: float = 0.0
    countable: float = 0.0
    target: float | None = None
    full_target: float | None = None
    gap: float = 0.0
    verdict: str = NO_TARGET
    class_required: bool = False
    class_attended: bool = False

    @property
    def class_note(self) -> str:
        if self.class_attended:
            return "已参加集中培训"
        return "未参加集中培训" if self.class_required else ""


@dataclass
class YearLedger:
    year: int
    type_columns: list[str]  # types with any hours that year, in the office's order, then 调整
    rows: list[LedgerRow]


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_ledger(session: Session, year: int, branch_id: int | None = None,
                member_ids: list[int] | None = None) -> YearLedger:
    """The ledger of `year`: one row per member on the roll in that year, by branch then 笔画."""
    lo, hi = _year_bounds(year)
    yt = load_year_targets(session, year)
    query = (select(Member.id, Member.name, Member.branch_id, Branch.name, Member.party_post, Member.membership,
                    Member.joined_party, Member.joined_org, Member.left_date, Member.status)
             .join(Branch, Branch.id == Member.branch_id)
             .order_by(Branch.sort_order, Branch.id, Member.sort_key, Member.id))
    if branch_id is not None:
        query = query.where(Member.branch_id == branch_id)
    wanted = None if member_ids is None else set(member_ids)
    if wanted is not None and len(wanted) <= IN_LIST_SIZE:  # a longer list is kept below (services/bulk.py)
        query = query.where(Member.id.in_(sorted(wanted)))
    query = access.scope(session, query, branch=Member.branch_id)  # a branch account: its members only
    rows: dict[int, LedgerRow] = {}
    for mid, name, bid, branch_name, post, membership, joined, joined_org, left, status in session.execute(query):
        span = roll_span(joined, joined_org, left, status)
        if not span.on_roll_in_year(year) or (wanted is not None and mid not in wanted):
            continue
        months = span.months_in_year(year)
        target = yt.target_for(post, months)
        rows[mid] = LedgerRow(mid, name, bid, branch_name, post, membership, months,
                              target=target.hours, full_target=target.full_hours,
                              class_required=target.class_required)
    type_names = dict(session.execute(select(ActivityType.id, ActivityType.name)).all())
    type_order = list(session.scalars(select(ActivityType.name).order_by(ActivityType.sort_order, ActivityType.id)))
    used: set[str] = set()
    att = (
        select(Attendance.member_id, Activity.type_id, func.sum(Attendance.hours))
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(ActivitySession.date >= lo, ActivitySession.date <= hi)
        .group_by(Attendance.member_id, Activity.type_id)
    )
    for member_id, type_id, hours in session.execute(att):
        row = rows.get(member_id)
        if row is None:
            continue
        name = type_names[type_id]
        row.by_type[name] = row.by_type.get(name, 0.0) + (hours or 0.0)
        row.total += hours or 0.0
        if type_id in yt.countable_types:
            row.countable += hours or 0.0
        if hours:
            used.add(name)
    adj = (
        select(HoursAdjustment.member_id, Activity.type_id, func.sum(HoursAdjustment.hours))
        .outerjoin(Activity, Activity.id == HoursAdjustment.activity_id)
        .where(HoursAdjustment.date >= lo, HoursAdjustment.date <= hi)
        .group_by(HoursAdjustment.member_id, Activity.type_id)
    )
    for member_id, type_id, hours in session.execute(adj):
        row = rows.get(member_id)
        if row is None:
            continue
        row.by_type[ADJUSTMENT_COLUMN] = row.by_type.get(ADJUSTMENT_COLUMN, 0.0) + (hours or 0.0)
        row.total += hours or 0.0
        if type_id is None or type_id in yt.countable_types:
            row.countable += hours or 0.0
        used.add(ADJUSTMENT_COLUMN)
    cls = (
        select(Attendance.member_id).distinct()
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .where(ActivityType.is_class.is_(True), Attendance.status.in_(ATTENDED),
               ActivitySession.date >= lo, ActivitySession.date <= hi)
    )
    for (member_id,) in session.execute(cls):
        if member_id in rows:
            rows[member_id].class_attended = True
    exempt = exempt_ids(session, year)
    for row in rows.values():
        row.total = hours_round(row.total)
        row.countable = hours_round(row.countable)
        row.by_type = {k: hours_round(v) for k, v in row.by_type.items()}
        if row.member_id in exempt:
            row.verdict, row.gap = EXEMPT, 0.0
        elif row.target is None:
            row.verdict, row.gap = NO_TARGET, 0.0
        elif row.countable < row.target:
            row.verdict, row.gap = NOT_MET, hours_round(row.target - row.countable)
        else:
            row.verdict, row.gap = MET, 0.0
    columns = [t for t in type_order if t in used] + ([ADJUSTMENT_COLUMN] if ADJUSTMENT_COLUMN in used else [])
    return YearLedger(year, columns, list(rows.values()))


# ---------------------------------------------------------------- shortfalls and notices


@dataclass(frozen=True)
class UpcomingActivity:
    id: int
    title: str
    type: str
    start_date: dt.date
    organiser: str
    place: str
    hours: float


@dataclass
class BranchShortfall:
    branch_id: int
    branch: str
    rows: list[LedgerRow]
    upcoming: list[UpcomingActivity]


def shortfalls(session: Session, year: int, today: dt.date | None = None) -> list[BranchShortfall]:
    """Per branch, the members short of their target in `year` and the planned activities ahead.

    An upcoming activity is one with status 计划 starting today or later within `year`; a branch sees the
    activities its own branch organises and those of any organiser that is not another branch.
    """
    today = today or dt.date.today()
    ledger = year_ledger(session, year)
    organisers = access.branch_organisers(session)
    acts = session.execute(
        select(Activity.id, Activity.title, ActivityType.name, Activity.start_date, Activity.organiser,
               Activity.place, Activity.hours)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .where(Activity.start_date >= today, Activity.start_date <= dt.date(year, 12, 31), Activity.status == "计划")
        .order_by(Activity.start_date, Activity.id)
    ).all()
    upcoming = [UpcomingActivity(a, t, ty, d, o or "", p or "", h or 0.0) for a, t, ty, d, o, p, h in acts]
    out: dict[int, BranchShortfall] = {}
    for row in ledger.rows:
        if row.verdict != NOT_MET:
            continue
        if row.branch_id not in out:
            # An organiser names a branch by services/access.py's rule (any spelling, a former name).
            mine = [u for u in upcoming if organisers.branch_of(u.organiser) in (None, row.branch_id)]
            out[row.branch_id] = BranchShortfall(row.branch_id, row.branch, [], mine)
        out[row.branch_id].rows.append(row)
    return list(out.values())


def _pdf_styles() -> tuple[object, dict[str, object]]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    from services.pdf.pdf_fonts import register_fonts

    fonts = register_fonts()
    styles = {
        "title": ParagraphStyle("title", fontName=fonts.title, fontSize=20, leading=28, alignment=1,
                                spaceAfter=12),
        "body": ParagraphStyle("body", fontName=fonts.body, fontSize=12, leading=20, firstLineIndent=24,
                               wordWrap="CJK"),
        "plain": ParagraphStyle("plain", fontName=fonts.body, fontSize=12, leading=20, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=fonts.body, fontSize=9.5, leading=12, wordWrap="CJK"),
        "head": ParagraphStyle("head", fontName=fonts.title, fontSize=10, leading=12,
                               textColor=HexColor("#FFFFFF")),
    }
    return fonts, styles


def _table(data: list[list[object]], widths: list[float], styles: dict[str, object],
           header: bool = True) -> object:
    """A table of `data`, its first row the header repeated on each page (`header`), laid out a page at a
    time (a branch's list of members short of hours may be long)."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    from services.pdf.pdf_pages import paged_table
    from services.pdf.pdf_text import para

    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, HexColor("#888888")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName),  # type: ignore[attr-defined]  # no Helvetica
    ]

    def row(values: list[object], style: str = "cell") -> list[object]:
        return [para(str(v), styles[style]) for v in values]  # text, not markup: a title with < or & as typed

    if header:
        commands.insert(0, ("BACKGROUND", (0, 0), (-1, 0), HexColor("#B71C1C")))
        return paged_table(row(data[0], "head"), len(data) - 1, lambda i: row(data[i + 1]), widths, commands)
    table = Table([row(values) for values in data], colWidths=widths)
    table.setStyle(TableStyle(commands))
    return table


def write_shortfall_notice(path: Path | str, year: int, items: list[BranchShortfall],
                           today: dt.date | None = None) -> Path:
    """A notice to each branch (one per page): who is short of hours and what they could attend."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer

    from services.pdf.pdf_text import para

    today = today or dt.date.today()
    over = today > dt.date(year, 12, 31)  # the year is over: its hours can no longer be earned
    fonts, st = _pdf_styles()
    path = Path(path)
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=37 * mm, leftMargin=28 * mm, rightMargin=26 * mm,
                            bottomMargin=30 * mm, title=f"{year}年度学时未达标提醒", author="党委办公室")
    story: list[object] = []
    if not items:
        story.append(para(f"{year}年度学时提醒", st["title"]))
        story.append(para(f"截至{cn_date(today)}，各党支部党员学时均已达标或无目标要求。", st["body"]))
    for n, item in enumerate(items):
        if n:
            story.append(PageBreak())
        story.append(para("关于督促党员完成年度学习培训学时的提醒", st["title"]))
        story.append(para(f"{item.branch}：", st["plain"]))
        story.append(para(
            f"截至{cn_date(today)}，你支部以下{len(item.rows)}名党员{year}年度累计学时{'未' if over else '尚未'}达到要求，"
            + ("请督促其在今后的学习中加以弥补。" if over
               else "请督促其合理安排时间，积极参加下列培训学习活动，按时完成年度学时任务。"), st["body"]))
        story.append(Spacer(1, 4 * mm))
        data: list[list[object]] = [["序号", "姓名", "党内职务", "目标学时", "已计学时", "尚差学时", "集中培训"]]
        for k, r in enumerate(item.rows, start=1):
            data.append([k, r.name, r.party_post or "", f"{r.target:g}" if r.target is not None else "",
                         f"{r.countable:g}", f"{r.gap:g}", r.class_note])
        story.append(_table(data, [12 * mm, 22 * mm, 26 * mm, 20 * mm, 20 * mm, 20 * mm, 34 * mm], st))
        story.append(Spacer(1, 5 * mm))
        if item.upcoming:
            story.append(para("近期可参加的培训学习活动：", st["plain"]))
            data = [["日期", "活动名称", "类型", "主办", "地点", "学时"]]
            for u in item.upcoming[:30]:
                data.append([u.start_date.isoformat(), u.title, u.type, u.organiser, u.place, f"{u.hours:g}"])
            story.append(_table(data, [22 * mm, 50 * mm, 24 * mm, 24 * mm, 22 * mm, 12 * mm], st))
        elif not over:
            story.append(para("目前暂无已排期的培训活动，请关注后续通知，或通过网络培训、自学补足学时。", st["body"]))
        story.append(Spacer(1, 8 * mm))
        story.append(para(f"党委办公室　{cn_date(today)}", st["plain"]))
    build_pdf(doc, path, story, canvasmaker=numbered_canvas(fonts.body))  # type: ignore[attr-defined]
    return path


# ---------------------------------------------------------------- the yearly ledger in Excel


def _header(ws: object, row: int, values: list[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    from services.files.xlsx_util import write_cell

    for col, value in enumerate(values, start=1):
        cell = write_cell(ws, row, col, value)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B71C1C")


def write_ledger_xlsx(session: Session, year: int, path: Path | str) -> Path:
    """The yearly branch ledger (台账): 学时台账 (one row per member), 支部汇总, 活动明细, a sheet per rule.

    Written in openpyxl's write-only mode, row after row: a bureau's 20 000 members are not held as cells.
    """
    from openpyxl import Workbook

    from services.files.xlsx_util import header_cells, out_cell

    ledger = year_ledger(session, year)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学时台账")
    ws.freeze_panes = "D3"
    for letter, width in zip("ABCDE", (6, 22, 10, 12, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([out_cell(ws, f"{year}年度党员教育培训学时台账")])
    ws.append(header_cells(ws, ["序号", "党支部", "姓名", "党内职务", "党员类别", "在册月数", *ledger.type_columns,
                                "合计学时", "计入目标学时", "目标学时", "尚差学时", "是否达标", "集中培训"]))
    for n, r in enumerate(ledger.rows, start=1):
        ws.append([n, out_cell(ws, r.branch), out_cell(ws, r.name), out_cell(ws, r.party_post or ""),
                   out_cell(ws, r.membership), r.months, *[r.by_type.get(c, 0.0) for c in ledger.type_columns],
                   r.total, r.countable, r.target if r.target is not None else "", r.gap, r.verdict,
                   out_cell(ws, r.class_note)])

    ws2 = wb.create_sheet("支部汇总")
    ws2.column_dimensions["A"].width = 22
    ws2.append([out_cell(ws2, f"{year}年度各党支部学时汇总")])
    ws2.append(header_cells(ws2, ["党支部", "在册党员", "合计学时", "人均学时", "达标人数", "未达标人数", "达标率"]))
    summary: dict[str, list[LedgerRow]] = {}
    for r in ledger.rows:
        summary.setdefault(r.branch, []).append(r)
    for branch, rows in summary.items():
        total = sum(r.total for r in rows)
        met = sum(1 for r in rows if r.verdict == MET)
        judged = sum(1 for r in rows if r.verdict not in (NO_TARGET, EXEMPT))
        ws2.append([out_cell(ws2, branch), len(rows), hours_round(total), hours_round(total / len(rows)), met,
                    judged - met, out_cell(ws2, round(met / judged, 4) if judged else "—",
                                           number_format="0.00%")])  # 达标率 as 90.00%

    ws3 = wb.create_sheet("活动明细")
    ws3.column_dimensions["A"].width = 12
    ws3.column_dimensions["B"].width = 36
    ws3.append([out_cell(ws3, f"{year}年度培训学习活动")])
    ws3.append(header_cells(ws3, ["开始日期", "活动名称", "类型", "主办单位", "地点", "课次", "参加人次", "计入学时"]))
    lo, hi = _year_bounds(year)
    acts = session.execute(access.scope(
        session,
        select(Activity.id, Activity.start_date, Activity.title, ActivityType.name, Activity.organiser,
               Activity.place)
        .join(ActivityType, ActivityType.id == Activity.type_id)
        .where(Activity.start_date >= lo, Activity.start_date <= hi, Activity.status != CANCELLED_STATUS)
        .order_by(Activity.start_date, Activity.id), activity=Activity.id)
    ).all()
    ids = [a[0] for a in acts]
    per: dict[int, tuple[int, int, float]] = {}
    # A branch account counts its own members' attendance (every session still counts as one).
    att = access.scope(session, select(Attendance), member=Attendance.member_id).subquery()
    for run in chunked(ids):  # the year's activities: in runs (services/bulk.py)
        q = (select(ActivitySession.activity_id, func.count(func.distinct(ActivitySession.id)),
                    func.count(func.distinct(case((att.c.status.in_(ATTENDED), att.c.member_id)))),
                    func.coalesce(func.sum(att.c.hours), 0.0))
             .outerjoin(att, att.c.session_id == ActivitySession.id)
             .where(ActivitySession.activity_id.in_(run))
             .group_by(ActivitySession.activity_id))
        per.update((aid, (n, pt, h)) for aid, n, pt, h in session.execute(q))
    for aid, start, title, tname, organiser, place in acts:
        sessions, pt, hours = per.get(aid, (0, 0, 0.0))
        ws3.append([out_cell(ws3, start, number_format="yyyy-mm-dd"), out_cell(ws3, title), out_cell(ws3, tname),
                    out_cell(ws3, organiser or ""), out_cell(ws3, place or ""), sessions, pt, hours_round(hours)])
    if not acts:
        ws3.append([out_cell(ws3, f"（{year}年度未登记培训学习活动）")])
    rule_lists.add_rule_sheets(wb, rule_lists.rule_lists(session, lo, hi), f"{year}年度")  # a sheet per rule
    for sheet in wb.worksheets:  # each sheet: a title row and a header, repeated on every printed page
        sheet.print_title_rows = "1:2"
    path = Path(path)
    save_workbook(wb, path)
    return path


# ---------------------------------------------------------------- the training record card


@dataclass
class CardYear:
    year: int
    rows: list[HoursRow]
    ledger: LedgerRow | None


@dataclass
class TrainingCard:
    member_id: int
    name: str
    sex: str
    id_number_masked: str
    branch: str
    party_post: str
    joined_party: str
    membership: str
    years: list[CardYear]


def training_card(session: Session, member_id: int, years: list[int] | None = None) -> TrainingCard:
    """A member's 学时登记卡: for each year (default: every year with records), records and totals."""
    m = session.get(Member, member_id)
    if m is None:
        raise NotFoundError("找不到该党员")
    access.require_branch(session, m.branch_id, "查看")
    rows = hours_detail(session, member_id=member_id, limit=100000)
    if years is None:
        years = sorted({r.date.year for r in rows}) or [dt.date.today().year]
    out = []
    for year in sorted(years):
        ledger = year_ledger(session, year, member_ids=[member_id]).rows
        out.append(CardYear(year, sorted((r for r in rows if r.date.year == year), key=lambda r: r.date),
                            ledger[0] if ledger else None))
    return TrainingCard(m.id, m.name, m.sex, mask_id_number(m.id_number), m.branch.name, m.party_post or "",
                        format_partial(m.joined_party), m.membership, out)


def write_card_pdf(card: TrainingCard, path: Path | str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from services.pdf.pdf_text import para

    fonts, st = _pdf_styles()
    path = Path(path)
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=25 * mm, leftMargin=20 * mm, rightMargin=20 * mm,
                            bottomMargin=22 * mm, title=f"{card.name}学时登记卡", author="党委办公室")
    story: list[object] = [para("党员教育培训学时登记卡", st["title"])]
    info: list[list[object]] = [
        ["姓名", card.name, "性别", card.sex, "身份证号", card.id_number_masked],
        ["所在党支部", card.branch, "党内职务", card.party_post, "入党时间", card.joined_party],
    ]
    story.append(_table(info, [22 * mm, 30 * mm, 20 * mm, 22 * mm, 22 * mm, 54 * mm], st, header=False))
    for cy in card.years:
        story.append(Spacer(1, 5 * mm))
        led = cy.ledger
        summary = f"{cy.year}年度"
        if led is not None:
            target = f"目标{led.target:g}学时，" if led.target is not None else "无学时目标，"
            summary += f"合计{led.total:g}学时（计入目标{led.countable:g}学时），{target}{led.verdict}"
            if led.class_note:
                summary += f"，{led.class_note}"
        story.append(para(summary, st["plain"]))
        data: list[list[object]] = [["日期", "活动名称", "类型", "课次", "出勤", "学时"]]
        for r in cy.rows:
            data.append([r.date.isoformat(), r.activity or r.note, r.type, r.session, r.status, f"{r.hours:g}"])
        if len(data) == 1:
            data.append(["", "（本年度无记录）", "", "", "", ""])
        story.append(_table(data, [22 * mm, 62 * mm, 26 * mm, 20 * mm, 18 * mm, 14 * mm], st))
    build_pdf(doc, path, story, canvasmaker=numbered_canvas(fonts.body, f"{card.name}学时登记卡　　"))  # type: ignore[attr-defined]
    return path


def write_card_xlsx(card: TrainingCard, path: Path | str) -> Path:
    from openpyxl import Workbook

    from services.files.xlsx_util import write_cell

    wb = Workbook()
    ws = wb.active
    ws.title = "学时登记卡"
    write_cell(ws, 1, 1, "党员教育培训学时登记卡")
    for col, text in enumerate(["姓名", card.name, "所在党支部", card.branch, "党内职务", card.party_post,
                                "入党时间", card.joined_party, "身份证号", card.id_number_masked], start=1):
        write_cell(ws, 2, col, text)
    row = 4
    _header(ws, row, ["年度", "日期", "活动名称", "类型", "课次", "出勤", "学时", "备注"])
    for cy in card.years:
        for r in cy.rows:
            row += 1
            record: list[object] = [cy.year, r.date, r.activity, r.type, r.session, r.status, r.hours, r.note]
            for col, value in enumerate(record, start=1):
                cell = write_cell(ws, row, col, value)
                if col == 2:
                    cell.number_format = "yyyy-mm-dd"
        if cy.ledger is not None:
            row += 1
            led = cy.ledger
            target = f"{led.target:g}" if led.target is not None else "无"
            note = f"计入目标{led.countable:g}，目标{target}" + (f"，{led.class_note}" if led.class_note else "")
            total_row: list[object] = [cy.year, None, "年度合计", "", "", led.verdict, led.total, note]
            for col, value in enumerate(total_row, start=1):
                write_cell(ws, row, col, value)
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 36
    path = Path(path)
    save_workbook(wb, path)
    return path

