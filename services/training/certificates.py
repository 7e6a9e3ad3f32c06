"""Certificates of completion (结业证书): numbering, reissue, QR checksum verified offline, register, PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, ActivityType, Branch, Certificate, Member, Setting
from services import access
from services.errors import CancelledError, ConflictError, NotFoundError
from services.files.safe_write import build_pdf, save_canvas, save_workbook
from services.normalize import clean_text, in_quotes, keep_text, mask_id_number
from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_layout import ACCENT, cn_date, numbered_canvas, page_count
from services.pdf.pdf_text import wrap_text
from services.printing.print_signin import PdfResult
from services.progress import Progress
from services.safety import changelog, privacy, server
from services.training import activities
from services.training.attendance import (
    REVOKED,
    CertificateAtStake,
    certificates_at_stake,
    completion,
    revoke_certificates,
)

SECRET_KEY = "certificate.secret"
QR_PREFIX = "DXZS"  # 党训证书: tells our QR text apart from anything else a phone may scan
NUMBER_RE = re.compile(r"^(\d{4})-([A-Z0-9]{1,10})-(\d{5})$")


@dataclass(frozen=True)
class CertificateInfo:
    id: int
    number: str
    activity_id: int
    activity_title: str
    member_id: int
    name: str
    id_number: str
    branch: str
    issued_on: dt.date
    status: str
    reissue_of: str | None  # the original's number
    remarks: str | None
    revoked_on: dt.date | None = None
    revoked_reason: str | None = None

    def note(self) -> str:
        """What the register's 备注 says: the revocation, the certificate it replaces, or the remarks."""
        parts = []
        if self.status == REVOKED:
            when = self.revoked_on.isoformat() if self.revoked_on else ""
            parts.append(f"{when}作废" + (f"：{self.revoked_reason}" if self.revoked_reason else ""))
        if self.reissue_of:
            parts.append(f"补发自{self.reissue_of}")
        elif self.remarks and self.status != REVOKED:
            parts.append(self.remarks)
        return "；".join(parts)


@dataclass(frozen=True)
class Verification:
    genuine: bool
    message: str
    certificate: CertificateInfo | None = None


# ---------------------------------------------------------------- checksum


def _secret(session: Session) -> bytes:
    """A per-database key, made on first use: a certificate from another database does not verify here."""
    row = session.get(Setting, SECRET_KEY)
    if row is None:
        row = Setting(key=SECRET_KEY, value=secrets.token_hex(16))
        session.add(row)
        session.flush()
    return row.value.encode("ascii")


def checksum(session: Session, number: str, name: str, id_number: str) -> str:
    """HMAC-SHA256 over number, name and ID number, truncated to 10 hex digits."""
    message = f"{number}|{name}|{id_number}".encode()
    return hmac.new(_secret(session), message, hashlib.sha256).hexdigest()[:10].upper()


def qr_text(session: Session, info: CertificateInfo) -> str:
    return f"{QR_PREFIX}|{info.number}|{checksum(session, info.number, info.name, info.id_number)}"


# ---------------------------------------------------------------- records


def _query() -> Any:
    original = Certificate.__table__.alias("original")
    return (select(Certificate.id, Certificate.number, Certificate.activity_id, Activity.title, Member.id,
                   Member.name, Member.id_number, Branch.name, Certificate.issued_on, Certificate.status,
                   original.c.number, Certificate.remarks, Certificate.revoked_on, Certificate.revoked_reason)
            .join(Activity, Activity.id == Certificate.activity_id)
            .join(Member, Member.id == Certificate.member_id)
            .join(Branch, Branch.id == Member.branch_id)
            .outerjoin(original, original.c.id == Certificate.reissue_of_id))


def list_certificates(session: Session, *, activity_id: int | None = None, year: int | None = None) -> list[CertificateInfo]:
    """The register (发证登记册): by number (a branch account: its members' certificates)."""
    stmt = access.scope(session, _query().order_by(Certificate.number), branch=Member.branch_id)
    if activity_id is not None:
        access.require_activity(session, activity_id)  # one activity's register: the list's rule
        stmt = stmt.where(Certificate.activity_id == activity_id)
    if year is not None:
        stmt = stmt.where(Certificate.number.like(f"{year:04d}-%"))
    return [CertificateInfo(*row) for row in session.execute(stmt)]


def get_certificate(session: Session, number: str) -> CertificateInfo | None:
    row = session.execute(_query().where(Certificate.number == number)).first()
    return CertificateInfo(*row) if row else None


def _next_numbers(session: Session, year: int, code: str, count: int) -> list[str]:
    prefix = f"{year:04d}-{code}-"
    server.serialise(session, "certificate-numbers")  # one series, gap-free, with several clerks at once
    last = session.scalars(select(Certificate.number).where(Certificate.number.startswith(prefix, autoescape=True))).all()
    top = max((int(n[len(prefix):]) for n in last if n[len(prefix):].isdigit()), default=0)
    if top + count > 99999:
        raise ConflictError(f"{year}年“{code}”类证书编号已用尽（最多99999个）")
    return [f"{prefix}{top + i:05d}" for i in range(1, count + 1)]


__all__ = ["REVOKED", "CertificateAtStake", "certificates_at_stake", "issuing_refusal", "revoke_certificate"]


def class_ends_at(session: Session, activity_id: int) -> dt.datetime:
    """When the class's last session ends: its end time, or the end of its day when given by date only."""
    a = session.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    access.require_activity(session, activity_id)  # its title and last session: the list's rule
    ends = [dt.datetime.combine(s.date, _end_time(s.end_time)) for s in a.sessions]
    if not ends:
        ends = [dt.datetime.combine(a.end_date or a.start_date, dt.time.max)]
    return max(ends)


def _end_time(text: str | None) -> dt.time:
    try:
        return dt.time.fromisoformat(text) if text else dt.time.max
    except ValueError:
        return dt.time.max


def issuing_refusal(session: Session, activity_id: int, now: dt.datetime | None = None) -> str | None:
    """Why certificates of this class cannot be issued yet (its last session is still to come), or None.

    A class whose last session is after today is refused; on the closing day a session given by
    date only counts as held (so issuing on the closing day works), one with an end time once that
    time has passed.
    """
    now = now or dt.datetime.now()
    ends = class_ends_at(session, activity_id)
    timed = ends.time() != dt.time.max
    if ends.date() < now.date() or (ends.date() == now.date() and (not timed or ends <= now)):
        return None
    a = session.get(Activity, activity_id)
    assert a is not None
    when = cn_date(ends.date()) + (ends.strftime("%H:%M") if timed else "")
    return f"“{a.title}”的最后一次课在{when}，尚未结业，不能颁发结业证书；数据库未作改动。"


def revoke_certificate(session: Session, number: str, reason: str, actor: str) -> CertificateInfo:
    """Revoke one certificate by its number (已作废, with the date and the reason)."""
    cert = session.scalar(select(Certificate).where(Certificate.number == clean_text(number).upper()))
    if cert is None:
        raise NotFoundError(f"证书编号{number}不存在")
    access.require_members(session, [cert.member_id], "作废")
    if cert.status != "有效":
        raise ConflictError(f"证书{cert.number}的状态是“{cert.status}”，只能作废有效的证书")
    if not keep_text(reason):
        raise ConflictError("作废证书须写明原因")
    revoke_certificates(session, [cert.id], reason, actor)
    info = get_certificate(session, cert.number)
    assert info is not None
    return info


def issue_certificates(session: Session, activity_id: int, actor: str, issued_on: dt.date | None = None,
                       now: dt.datetime | None = None) -> list[CertificateInfo]:
    """Certificates for every member who met the completion rule, in roll order.

    Refused (ConflictError) before the class's last session has ended (`issuing_refusal`).
    A member who already holds a valid certificate for this class keeps it (same number on every
    reprint); numbers are assigned once, by year of the class and the type's code. A member whose
    certificate was revoked gets a new number linked to the revoked one.
    """
    a = session.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    refusal = issuing_refusal(session, activity_id, now)
    if refusal:
        raise ConflictError(refusal)
    t = session.get(ActivityType, a.type_id)
    assert t is not None
    code = t.code or "QT"
    server.serialise(session, "certificate-numbers")  # who holds one is read under the same lock
    done = [c for c in completion(session, activity_id) if c.completed]
    held = {m: n for m, n in session.execute(select(Certificate.member_id, Certificate.number).where(
        Certificate.activity_id == activity_id, Certificate.status == "有效"))}
    new_members = [c.member_id for c in done if c.member_id not in held]
    if new_members:
        when = issued_on or a.end_date or a.start_date  # dated on the day the class ends (结业)
        numbers = _next_numbers(session, a.start_date.year, code, len(new_members))
        revoked = {m: c for c, m in session.execute(  # the latest revoked certificate of each member
            select(Certificate.id, Certificate.member_id).where(
                Certificate.activity_id == activity_id, Certificate.status == REVOKED).order_by(Certificate.id))}
        for member_id, number in zip(new_members, numbers, strict=True):
            session.add(Certificate(number=number, activity_id=a.id, member_id=member_id, issued_on=when,
                                    status="有效", reissue_of_id=revoked.get(member_id)))
            held[member_id] = number
        session.flush()
        # A batch has no one certificate to point at (the log would show 证书 #<activity id>): the
        # sentence names the activity and the numbers.
        changelog.record(session, actor, "issue", "certificate", None,
                         f"为“{a.title}”颁发结业证书{len(new_members)}份（{numbers[0]}～{numbers[-1]}）",
                         {"issued": (None, len(new_members))})
    wanted = [held[c.member_id] for c in done]
    by_number = {c.number: c for c in list_certificates(session, activity_id=activity_id)}
    return [by_number[n] for n in wanted]


def reissue_certificate(session: Session, number: str, actor: str, reason: str = "") -> CertificateInfo:
    """A new certificate linked to the original, which is marked 已补发 and no longer verifies as current."""
    old = session.scalar(select(Certificate).where(Certificate.number == clean_text(number).upper()))
    if old is None:
        raise NotFoundError(f"证书编号{number}不存在")
    access.require_members(session, [old.member_id], "补发")
    if old.status != "有效":
        raise ConflictError(f"证书{old.number}的状态是“{old.status}”，只能补发有效的证书")
    a = session.get(Activity, old.activity_id)
    assert a is not None
    t = session.get(ActivityType, a.type_id)
    assert t is not None
    new_number = _next_numbers(session, a.start_date.year, t.code or "QT", 1)[0]
    new = Certificate(number=new_number, activity_id=old.activity_id, member_id=old.member_id,
                      issued_on=dt.date.today(), reissue_of_id=old.id, status="有效",
                      remarks=keep_text(reason) or None)
    old.status = "已补发"
    session.add(new)
    session.flush()
    changelog.record(session, actor, "reissue", "certificate", new.id,
                     f"补发结业证书{old.number}→{new_number}" + (f"（{keep_text(reason)}）" if keep_text(reason) else ""),
                     {"status": ("有效", "已补发"), "number": (old.number, new_number)})
    info = get_certificate(session, new_number)
    assert info is not None
    return info


def verify_certificate(session: Session, text: str) -> Verification:
    """Check a number typed in, or the text of a scanned QR code, against the records, offline.

    A branch account checking another branch's member's certificate learns whether it holds, not whose it is.
    """
    found = _verify(session, text)
    cert = found.certificate
    if cert is None or access.sees_members(session, [cert.member_id]):
        return found
    message = (f"证书{cert.number}真实有效（持证人属于其他党支部，其姓名和培训班不向支部账号显示）"
               if found.genuine else found.message.replace(cert.name, "持证人"))
    return Verification(found.genuine, message)


def _verify(session: Session, text: str) -> Verification:
    raw = clean_text(text).replace(" ", "")
    given_check = None
    if raw.upper().startswith(QR_PREFIX + "|"):
        parts = raw.split("|")
        if len(parts) != 3:
            return Verification(False, "二维码内容格式不对，不是本系统出具的证书")
        number, given_check = parts[1].upper(), parts[2].upper()
    else:
        number = raw.upper()
    if not NUMBER_RE.match(number):
        return Verification(False, f"“{raw}”不是有效的证书编号（格式如 2023-DX-00017）")
    info = get_certificate(session, number)
    if info is None:
        return Verification(False, f"证书编号{number}不在本单位的发证记录中")
    expected = checksum(session, info.number, info.name, info.id_number)
    if given_check is not None and not hmac.compare_digest(given_check, expected):
        return Verification(False, f"证书编号{number}的校验码不符：二维码可能被篡改或伪造", info)
    if info.status == "已补发":
        newer = session.scalar(select(Certificate.number).where(Certificate.reissue_of_id == info.id))
        return Verification(False, f"证书{number}已补发，现行证书编号为{newer}", info)
    if info.status == REVOKED:
        when = cn_date(info.revoked_on) if info.revoked_on else "此前"
        newer = session.scalar(select(Certificate.number).where(Certificate.reissue_of_id == info.id))
        return Verification(False, f"证书{number}已于{when}作废" + (f"（{info.revoked_reason}）" if info.revoked_reason else "")
                            + (f"，现行证书编号为{newer}" if newer else "") + "，不再有效", info)
    if info.status != "有效":
        return Verification(False, f"证书{number}的状态是“{info.status}”", info)
    return Verification(True, f"证书真实有效：{info.name}同志，{info.activity_title}，{cn_date(info.issued_on)}颁发", info)


# ---------------------------------------------------------------- PDF


# The lowest baseline of a certificate's text: above the QR code (31–57 mm) and the issuer (44 mm).
_BODY_FLOOR_MM = 62
# (font size, line spacing) of the body, tried in turn; the last is used whatever the length.
_BODY_SIZES = ((20, 2.0), (20, 1.6), (18, 1.6), (16, 1.6), (14, 1.6), (12, 1.5))


def _body_text(name: str, act: activities.ActivityInfo) -> str:
    host = f"{act.organiser}举办的" if act.organiser else ""
    rule = "完成全部课程" if act.completion_rule == "all_sessions" else "完成规定的学习任务"
    return f"于{act.date_text()}参加{host}{in_quotes(act.title)}，{rule}，准予结业。"


def render_certificates(session: Session, certs: list[CertificateInfo], out: Path | str, *,
                        organiser: str | None = None, progress: Progress | None = None,
                        cancel: threading.Event | None = None) -> PdfResult:
    """One A4 landscape page per certificate, drawn straight on the canvas (fast for a thousand)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    fonts = register_fonts()
    out = Path(out)
    width, height = landscape(A4)
    c = canvas.Canvas(str(out), pagesize=(width, height), initialFontName=fonts.body)
    c.setTitle("结业证书")
    c.setCreator("党员教育培训管理系统")
    accent = colors.HexColor(ACCENT)
    acts: dict[int, activities.ActivityInfo] = {}
    for index, cert in enumerate(certs):
        if cancel is not None and cancel.is_set():
            raise CancelledError()
        if progress is not None and index % 50 == 0:
            progress(int(index * 100 / max(1, len(certs))), f"正在生成第{index + 1}份证书……")
        act = acts.get(cert.activity_id)
        if act is None:
            act = acts[cert.activity_id] = activities.get_activity(session, cert.activity_id)
        # Frame: an outer rule and a thin inner one, in the accent colour.
        c.setStrokeColor(accent)
        c.setLineWidth(3)
        c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        c.setLineWidth(0.8)
        c.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
        c.setFillColor(accent)
        c.setFont(fonts.title, 46)
        c.drawCentredString(width / 2, height - 56 * mm, "结 业 证 书")
        c.setFillColor(colors.black)
        body_font = fonts.body
        left, right = 42 * mm, width - 42 * mm
        y = height - 88 * mm
        c.setFont(body_font, 22)
        c.drawString(left, y, f"{cert.name}同志：")
        y -= 16 * mm
        # A long title or organiser sets the body smaller: its last line stays above the QR code and the issuer.
        # First closer lines, then a smaller size.
        for size, spacing in _BODY_SIZES:
            lines = wrap_text("　　" + _body_text(cert.name, act), body_font, size, right - left)
            lines += wrap_text("　　特发此证。", body_font, size, right - left)
            if y - (len(lines) - 1) * size * spacing >= _BODY_FLOOR_MM * mm:
                break
        c.setFont(body_font, size)
        for line in lines:
            c.drawString(left, y, line)
            y -= size * spacing
        issuer = organiser or act.organiser or ""
        # A long issuer is set smaller rather than run over the QR code on its left.
        issuer_size = 18.0
        while issuer_size > 10 and stringWidth(issuer, body_font, issuer_size) > right - left - 30 * mm:
            issuer_size -= 0.5
        c.setFont(body_font, issuer_size)
        c.drawRightString(right, 44 * mm, issuer)
        c.setFont(body_font, 18)
        c.drawRightString(right, 34 * mm, cn_date(cert.issued_on))
        c.setFont(body_font, 11)
        c.setFillColor(colors.HexColor("#424242"))
        c.drawString(left, 26 * mm, f"证书编号：{cert.number}")
        _draw_qr(c, qr_text(session, cert), left - 2 * mm, 31 * mm, 26 * mm)
        c.showPage()
    if not certs:
        c.setFont(fonts.body, 14)
        c.drawCentredString(width / 2, height / 2, "没有符合结业条件的学员")
        c.showPage()
    save_canvas(c, out)
    return PdfResult(out, max(1, len(certs)), len(certs))


def _draw_qr(c: Any, text: str, x: float, y: float, side: float) -> None:
    """A QR code drawn as one filled path (no Drawing: renderPDF would pull in an unembedded Helvetica)."""
    import itertools

    from reportlab.graphics.barcode import qrencoder

    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    # One fixed mask instead of trying all eight: any mask is valid, and choosing one costs ~85% of the time.
    qr.version = qr.calculate_version()
    qr.makeImpl(False, 0)
    count = qr.getModuleCount()
    border = 2
    box = side / (count + 2 * border)
    # One rectangle per run of dark modules, in module units: written as literal PDF operators,
    # because formatting ~250 float rectangles per page through ReportLab's path object dominated
    # the time of a 1 000-page batch.
    ops = []
    for r, row in enumerate(qr.modules):
        col = 0
        y_row = count - 1 - r
        for dark, run in itertools.groupby(bool(v) for v in row):
            n = len(list(run))
            if dark:
                ops.append(f"{col} {y_row} {n} 1 re")
            col += n
    c.saveState()
    c.setFillColor("#000000")
    c.transform(box, 0, 0, box, x + border * box, y + border * box)
    c.addLiteral("\n".join(ops) + "\nf")
    c.restoreState()


def print_certificates(session: Session, activity_id: int, out: Path | str, actor: str,
                       progress: Progress | None = None, cancel: threading.Event | None = None) -> tuple[PdfResult, list[CertificateInfo]]:
    """Issue what is due, then one PDF of the class's certificates for batch printing."""
    certs = issue_certificates(session, activity_id, actor)
    return render_certificates(session, certs, out, progress=progress, cancel=cancel), certs


def register_pdf(session: Session, out: Path | str, *, activity_id: int | None = None, year: int | None = None,
                 progress: Progress | None = None, cancel: threading.Event | None = None) -> PdfResult:
    """发证登记册 as PDF: number, name, branch, ID (masked), class, date, status; `progress` told as pages are
    laid out, `cancel` stops it (CancelledError) and leaves no file."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from services.pdf.pdf_fit import fitting_width, widen_columns
    from services.pdf.pdf_layout import base_styles, fit_cell
    from services.pdf.pdf_pages import paged_table
    from services.pdf.pdf_text import para

    certs = list_certificates(session, activity_id=activity_id, year=year)
    fonts = register_fonts()
    st = base_styles(fonts)
    out = Path(out)
    scope = f"{year}年" if year else (certs[0].activity_title if activity_id and certs else "")
    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=14 * mm, bottomMargin=16 * mm, title="结业证书发证登记册",
                            creator="党员教育培训管理系统")
    header = ["序号", "证书编号", "姓名", "所在党支部", "身份证号码", "培训名称", "发证日期", "状态", "备注"]
    # One-line cells at the table's 9 pt inside its padding (6 pt a side).
    one_line = ParagraphStyle("register_line", parent=st["cell"], fontSize=9, leading=11)
    widths = [w * mm for w in (10, 32, 20, 40, 38, 60, 24, 16, 29)]
    # 姓名 widens (up to 30 mm, from 所在党支部 and 培训名称) as a long name needs to wrap at a readable size,
    # broken after its middle dots, as in the 考勤表 (services/printing/print_signin.py).
    name_width = fitting_width([c.name for c in certs], one_line, widths[2], 30 * mm)
    widths = widen_columns(widths, {2: name_width}, donors=[3, 5])

    def row(i: int) -> list[Any]:
        cert = certs[i]
        return [str(i + 1), fit_cell(cert.number, one_line, widths[1] - 12),
                fit_cell(cert.name, one_line, widths[2] - 12), para(cert.branch, st["small"]),
                mask_id_number(cert.id_number), para(cert.activity_title, st["small"]),
                cert.issued_on.isoformat(), cert.status, para(cert.note(), st["small"], breaks=True)]

    table = paged_table(header, len(certs), row, widths, [
        ("FONT", (0, 0), (-1, -1), fonts.body, 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(ACCENT)),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9E9E9E")),
    ], progress=progress, cancel=cancel, message="正在排版发证登记册：{done}/{count}份……")
    story = [para(f"{scope}结业证书发证登记册", st["title"]),
             para(f"共{len(certs)}份" if certs else f"{scope or '本期'}未颁发结业证书。", st["info"]), Spacer(1, 3 * mm)]
    story += [table] if certs else []  # no empty table
    build_pdf(doc, out, story, canvasmaker=numbered_canvas(fonts.body, "发证登记册　　"))
    return PdfResult(out, page_count(out), len(certs))


def register_xlsx(session: Session, out: Path | str, *, activity_id: int | None = None,
                  year: int | None = None) -> Path:
    """发证登记册 as Excel (full ID numbers: the office's own ledger); text that looks like a formula stays text."""
    import openpyxl

    from services.files.xlsx_util import header_cells, out_cell

    # The office's ledger has full numbers; a 查阅 account gets them masked.
    certs = privacy.for_session(session, list_certificates(session, activity_id=activity_id, year=year))
    wb = openpyxl.Workbook(write_only=True)  # row after row: a bureau-wide class's certificates are not held as cells
    ws = wb.create_sheet("发证登记册")
    for letter, width in zip("ABCDEFGHIJ", (6, 16, 10, 22, 21, 36, 12, 8, 16, 20), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"  # the header on every printed page
    ws.append(header_cells(ws, ["序号", "证书编号", "姓名", "所在党支部", "公民身份号码", "培训名称", "发证日期", "状态",
                                "原证书编号", "备注"], color=ACCENT.lstrip("#")))
    for n, cert in enumerate(certs, start=1):
        ws.append([n, out_cell(ws, cert.number), out_cell(ws, cert.name), out_cell(ws, cert.branch),
                   out_cell(ws, cert.id_number, number_format="@"), out_cell(ws, cert.activity_title),
                   out_cell(ws, cert.issued_on, number_format="yyyy-mm-dd"), out_cell(ws, cert.status),
                   out_cell(ws, cert.reissue_of or ""),
                   out_cell(ws, cert.note() if cert.status == REVOKED else cert.remarks or "")])
    if not certs:
        ws.append([out_cell(ws, f"（{f'{year}年' if year else '本期'}未颁发结业证书）")])
    out = Path(out)
    save_workbook(wb, out)
    return out
