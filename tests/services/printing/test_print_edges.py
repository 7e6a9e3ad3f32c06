"""Printouts with a clerk's hardest data: no text prints over its neighbours or off the page.

Each word pdftotext finds has a box; two boxes that overlap are text printed over text (a long name
running into the next column, a footer wider than the page), and a box past the page's edge is clipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services.normalize import id_check_digit
from services.pdf.pdf_fonts import register_fonts
from services.pdf.pdf_layout import MM
from services.plan import materials
from services.printing import materials_sheet, print_roll, print_signin
from services.roll import branches, members
from services.safety.storage import Database
from services.training import activities, attendance, certificates, enrolment
from tests.helpers.pdf_reading import pdf_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext）")

LONG_BRANCH = "国家发展改革委员会机关第十二党支部委员会"  # 20 characters
LONG_TITLE = ("学习贯彻习近平新时代中国特色社会主义思想主题教育暨深入学习贯彻党的二十大精神和二十届三中全会精神"
              "专题培训班（第一期·下半年）")
NAMES = ["阿依古丽·买买提", "欧阳娜娜娜", "司马相如如如", "令狐冲"]
JOB = "国家发展和改革委员会办公厅综合处副处长（挂职）　兼任信息中心主任"


def _words(path: Path) -> list[tuple[int, float, float, float, float, float, str]]:
    """(page, page width, xMin, yMin, xMax, yMax, text) of every word."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = re.split(r'<page width="([\d.]+)"[^>]*>', out)[1:]
    result = []
    for n in range(0, len(pages), 2):
        width, body = float(pages[n]), pages[n + 1]
        for m in re.finditer(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)',
                             body):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            result.append((n // 2, width, x0, y0, x1, y1, m.group(5)))
    return result


def _faults(path: Path) -> list[str]:
    """Words off the page and pairs of words printed over each other."""
    words = _words(path)
    faults = [f"p{p + 1} 超出页面：{t}" for p, width, x0, _y0, x1, _y1, t in words if x0 < 0 or x1 > width]
    by_page: dict[int, list[tuple[float, float, float, float, str]]] = {}
    for p, _w, x0, y0, x1, y1, t in words:
        by_page.setdefault(p, []).append((x0, y0, x1, y1, t))
    for p, boxes in by_page.items():
        boxes.sort()
        for i, (_x0, y0, x1, y1, t) in enumerate(boxes):
            for u0, v0, _u1, v1, s in boxes[i + 1:]:
                if u0 >= x1 - 0.5:
                    break
                if min(y1, v1) - max(y0, v0) > 0.5:
                    faults.append(f"p{p + 1} 重叠：{t} / {s}")
    return faults


@pytest.fixture
def hard(demo_db: Database) -> tuple[Database, int, list[str]]:
    """The demo bureau plus a 20-character branch, long names and jobs, and a class with a 62-character title."""
    ids = []
    with demo_db.session_factory.begin() as s:
        branches.create_branch(s, LONG_BRANCH, "t")
        for n, name in enumerate(NAMES):
            body = f"1101051970010{n + 1}0{n + 1}1"
            ids.append(body + id_check_digit(body))
            members.create_member(s, {"name": name, "id_number": ids[-1], "sex": "男", "branch": LONG_BRANCH,
                                      "ethnicity": "维吾尔族", "joined_party": "2005.07", "job": JOB,
                                      "phone": "13800138000"}, "t")
        info = activities.create_activity(
            s, {"title": LONG_TITLE, "type": "专题培训", "start_date": "2026-09-01", "end_date": "2026-09-02",
                "place": "西柏坡纪念馆　多功能厅（二楼）", "organiser": LONG_BRANCH}, "t",
            sessions=[{"date": "2026-09-01", "hours": 0.5}, {"date": "2026-09-02", "hours": 12.25}])
        chosen = [m.id for m in members.list_members(s, branch=LONG_BRANCH)]
        enrolment.enrol(s, info.id, chosen, "t")
        for sess in info.sessions:
            attendance.mark_all_present(s, sess.id, "t")
    return demo_db, info.id, ids


def test_footer_text_fits_and_keeps_page_numbers() -> None:
    from services.pdf.pdf_layout import footer_text

    font = register_fonts().body
    width = 180 * MM
    text = footer_text(f"{LONG_TITLE} 签到表　　", 3, 12, font, 9, width)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    assert stringWidth(text, font, 9) <= width
    assert text.startswith("学习贯彻") and "…" in text and text.endswith("签到表　　第3页 共12页")
    assert footer_text("发证登记册　　", 1, 2, font, 9, width) == "发证登记册　　第1页 共2页"


@pytest.mark.parametrize("landscape, show_id", [(False, False), (False, True), (True, True)])
def test_signin_sheet_nothing_overprints(hard: tuple[Database, int, list[str]], tmp_path: Path,
                                         landscape: bool, show_id: bool) -> None:
    db, activity_id, _ = hard
    with db.session_factory() as s:
        result = print_signin.signin_sheet(s, activity_id, tmp_path / "s.pdf", landscape=landscape, show_id=show_id)
    assert _faults(result.path) == []
    text = pdf_text(result.path, flat=True)
    assert all(name in text for name in NAMES)
    # Too long for one line at a readable size in portrait, a name breaks after its middle dot.
    assert {"阿依古丽·", "买买提"} <= {w[-1] for w in _words(result.path)} or landscape


def test_register_nothing_overprints(hard: tuple[Database, int, list[str]], tmp_path: Path) -> None:
    db, activity_id, _ = hard
    with db.session_factory() as s:
        result = print_signin.attendance_register(s, activity_id, tmp_path / "r.pdf")
    assert _faults(result.path) == []
    text = pdf_text(result.path, flat=True)
    assert all(name in text for name in NAMES)


@pytest.mark.parametrize("landscape", [True, False])
def test_roll_nothing_overprints(hard: tuple[Database, int, list[str]], tmp_path: Path, landscape: bool) -> None:
    db, _, _ = hard
    with db.session_factory() as s:
        # Two branches: the roll has its 所在党支部 column, and 姓名 its narrowest width.
        records = members.list_members(s, branch=LONG_BRANCH) + members.list_members(s)[:1]
        result = print_roll.print_roll(s, tmp_path / "roll.pdf", records=records, landscape=landscape)
    assert _faults(result.path) == []
    # At the smallest size a name too wide for portrait's narrow column wraps inside it.
    words = [w[-1] for w in _words(result.path)]
    text = "".join(words)
    assert all(name in text for name in NAMES) and "维吾尔族" in text
    # No name run together with 性别 beside it (pdftotext joins glyphs that touch).
    assert [w for w in words for name in NAMES if name in w and w != name] == []


def test_certificates_and_register(hard: tuple[Database, int, list[str]], tmp_path: Path) -> None:
    db, activity_id, _ = hard
    with db.session_factory.begin() as s:
        pdf, certs = certificates.print_certificates(s, activity_id, tmp_path / "c.pdf", "t")
        register = certificates.register_pdf(s, tmp_path / "reg.pdf", activity_id=activity_id)
    assert len(certs) == len(NAMES)
    words = _words(pdf.path)
    # The body's last line stays above the QR code, whose top is 57 mm above the page's foot.
    top_of_qr = (210 - 57) * MM
    last = [w for w in words if "特发此证" in w[-1]]
    assert len(last) == len(NAMES) and all(w[5] < top_of_qr for w in last)
    assert _faults(pdf.path) == []
    assert _faults(register.path) == []


def test_materials_sheet_nothing_overprints(hard: tuple[Database, int, list[str]], tmp_path: Path) -> None:
    db, _, ids = hard
    title = "《习近平新时代中国特色社会主义思想学习纲要（2023年版）》配套辅导读本"
    with db.session_factory.begin() as s:
        materials.issue_material(s, "t", title, "2026-03-01", ids)
        rows = materials.issues_of(s, title)
    out = tmp_path / "m.pdf"
    materials_sheet.write_sign_off_sheet(out, materials.book(title), rows)
    assert _faults(out) == []
    assert set(NAMES) <= {w[-1] for w in _words(out)}


def test_rules_printout_nothing_overprints(demo_db: Database, tmp_path: Path) -> None:
    import datetime as dt

    from services.plan import rule_lists

    today = dt.date.today()
    joined = today - dt.timedelta(days=40)
    body = "11010519950101051"
    with demo_db.session_factory.begin() as s:
        branches.create_branch(s, LONG_BRANCH, "t")
        members.create_member(s, {"name": "阿依古丽·买买提", "id_number": body + id_check_digit(body), "sex": "男",
                                  "branch": LONG_BRANCH, "membership": "预备党员",
                                  "joined_party": joined.isoformat()}, "t")
    out = tmp_path / "rules.pdf"
    with demo_db.session_factory() as s:
        rule_lists.write_rules_pdf(s, joined - dt.timedelta(days=30), today, out)
    assert "阿依古丽·买买提" in pdf_text(out, flat=True)
    assert _faults(out) == []


@pytest.mark.parametrize("count", [10, 16, 30])
def test_register_of_many_sessions_keeps_each_heading_whole(demo_db: Database, tmp_path: Path, count: int) -> None:
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(
            s, {"title": "学习贯彻党的二十届四中全会精神专题研讨班", "type": "党性教育培训班",
                "start_date": "2026-11-01", "end_date": "2026-12-30"}, "t",
            sessions=[{"date": f"2026-{11 + d // 28}-{d % 28 + 1:02d}", "hours": 12.25} for d in range(count)])
        chosen = [m.id for m in members.list_members(s)][:12]
        enrolment.enrol(s, info.id, chosen, "t")
        for sess in info.sessions:
            attendance.mark_all_present(s, sess.id, "t")
    with demo_db.session_factory() as s:
        result = print_signin.attendance_register(s, info.id, tmp_path / "r.pdf")
    words = [w[-1] for w in _words(result.path) if w[0] == 0]
    # Every session's hours read whole: 12.25, never 12.2 and 5 on two lines.
    assert sum(1 for w in words if w.startswith("12.25")) == count
    assert _faults(result.path) == []


def test_certificate_long_issuer_stays_clear_of_the_qr_code(hard: tuple[Database, int, list[str]],
                                                          tmp_path: Path) -> None:
    db, activity_id, _ = hard
    issuer = "中共国家发展和改革委员会机关委员会第十二党支部委员会暨机关纪律检查委员会"
    with db.session_factory.begin() as s:
        certs = certificates.issue_certificates(s, activity_id, "t")
        pdf = certificates.render_certificates(s, certs[:1], tmp_path / "c.pdf", organiser=issuer)
    boxes = [w for w in _words(pdf.path) if w[-1] == issuer]
    # The QR code's right edge: 40 mm from the page's left, 26 mm wide.
    assert len(boxes) == 1 and boxes[0][2] > 66 * MM


# --- Chinese text as written, broken by the rules (禁则) -------------------------------------------------

def _layout(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _fitting(text: str, font: str, size: float, room: float) -> int:
    """How many characters of `text` a line of `room` takes (greedy, no rules): all when they fit."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return next((n - 1 for n in range(1, len(text) + 1) if stringWidth(text[:n], font, size) > room), len(text))


def _greedy_starts(text: str, font: str, size: float, room: float) -> list[int]:
    """Where each line after the first would start if lines were filled with no rules."""
    starts = [0]
    while (n := _fitting(text[starts[-1]:], font, size, room)) < len(text) - starts[-1]:
        starts.append(starts[-1] + n)
    return starts[1:]


def test_register_keeps_full_width_spaces_and_no_line_starts_with_a_comma(demo_db: Database,
                                                                         tmp_path: Path) -> None:
    from services.pdf.pdf_text import CANNOT_START

    font = register_fonts().title
    # The 考勤表 title (18 pt) across landscape A4 less the 12 mm margins and the frame's 6 pt padding.
    room = (297 - 24) * MM - 12
    head = "学习贯彻党的二十届三中全会精神暨习近平总书记关于党的建设的重要思想专题研讨班学员集中学习研讨"
    n = _fitting(head, font, 18, room)
    title = head[:n] + "，第二阶段"
    assert _fitting(title, font, 18, room) == n  # a greedy break would start the second line with ，
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(
            s, {"title": title, "type": "党性教育培训班", "start_date": "2026-11-02", "end_date": "2026-11-02",
                "place": "西柏坡纪念馆　多功能厅", "organiser": "局党委　组织部"}, "t",
            sessions=[{"date": "2026-11-02", "hours": 4}])
        enrolment.enrol(s, info.id, [m.id for m in members.list_members(s)][:3], "t")
    with demo_db.session_factory() as s:
        result = print_signin.attendance_register(s, info.id, tmp_path / "r.pdf")
    words = _words(result.path)
    assert [w[-1] for w in words if w[-1][0] in CANNOT_START] == []
    title_words = [w[-1] for w in words if w[-1] in (head[:n - 1], head[n - 1] + "，第二阶段")]
    assert len(title_words) == 2  # one character came down with the comma
    # 　 prints as a character's width (10.5 pt), not a narrow space or nothing.
    box = {w[-1]: w for w in words}
    assert box["多功能厅"][2] - box["地点：西柏坡纪念馆"][4] == pytest.approx(10.5, abs=0.5)
    assert re.search(r"局党委 {2,}组织部", _layout(result.path))  # one space for a narrow gap
    assert _faults(result.path) == []


def test_certificate_keeps_closing_quotes_off_a_line_start(hard: tuple[Database, int, list[str]],
                                                           tmp_path: Path) -> None:
    from services.pdf.pdf_text import CANNOT_START

    db, activity_id, _ = hard
    font = register_fonts().body
    room = (297 - 84) * MM  # the body of the 20 pt text between its 42 mm margins
    with db.session_factory.begin() as s:
        act = activities.update_activity(s, activity_id, {"organiser": "局党委"}, "t")
        body = "　　" + certificates._body_text(NAMES[3], act)
        before = body[:body.index("“") + 1] + "深刻领会‘"
        # Make the filler end where a greedy line ends, so that ’ comes first on the next line.
        k = next(p for p in _greedy_starts(before + "两" * 60, font, 20, room) if p > len(before)) - len(before)
        title = "深刻领会‘" + "两" * k + "’的决定性意义　专题研讨班"
        act = activities.update_activity(s, activity_id, {"title": title}, "t")
        text = "　　" + certificates._body_text(NAMES[3], act)
        assert "’" in {text[p] for p in _greedy_starts(text, font, 20, room)}
        certs = [c for c in certificates.issue_certificates(s, activity_id, "t") if c.name == NAMES[3]]
        pdf = certificates.render_certificates(s, certs, tmp_path / "c.pdf")
    lines = [line.strip() for line in _layout(pdf.path).splitlines() if line.strip()]
    assert [line for line in lines if line[0] in CANNOT_START] == []
    assert any(re.search("决定性意义 +专题研讨班", line) for line in lines)
    assert _faults(pdf.path) == []


LONG_NAME = "阿卜杜热合曼·买买提托合提·艾则孜"  # 17 characters, three parts


def test_a_long_name_prints_whole_and_readable_in_every_list(hard: tuple[Database, int, list[str]],
                                                              tmp_path: Path) -> None:
    db, activity_id, _ = hard
    body = "11010519700105051"
    with db.session_factory.begin() as s:
        member = members.create_member(s, {"name": LONG_NAME, "id_number": body + id_check_digit(body), "sex": "男",
                                           "branch": LONG_BRANCH, "ethnicity": "维吾尔族"}, "t")
        enrolment.enrol(s, activity_id, [member.id], "t")
        for sess in activities.get_activity(s, activity_id).sessions:
            attendance.mark_all_present(s, sess.id, "t")
        certificates.issue_certificates(s, activity_id, "t")
    with db.session_factory() as s:
        pdfs = [print_signin.signin_sheet(s, activity_id, tmp_path / "s.pdf").path,
                print_signin.signin_sheet(s, activity_id, tmp_path / "si.pdf", show_id=True).path,
                print_signin.attendance_register(s, activity_id, tmp_path / "r.pdf").path,
                certificates.register_pdf(s, tmp_path / "c.pdf", activity_id=activity_id).path]
        for landscape in (True, False):
            pdfs.append(print_roll.print_roll(s, tmp_path / f"roll{landscape}.pdf", branch=LONG_BRANCH,
                                              landscape=landscape).path)
    for pdf in pdfs:
        assert LONG_NAME in pdf_text(pdf, flat=True), pdf.name
        assert _faults(pdf) == [], pdf.name
    # Broken after its dots, each part at 8 pt or more, or the portrait roll's 7 pt (a word's box is as tall as
    # its font is large); the certificate register's 姓名 widens from 20 mm as the 考勤表's does.
    for pdf, size in zip(pdfs, [8, 8, 8, 8, 8, 7], strict=True):
        parts = {w[-1]: w[5] - w[3] for w in _words(pdf) if w[-1] in ("阿卜杜热合曼·", "买买提托合提·", "艾则孜")}
        assert len(parts) == 3 and min(parts.values()) >= size, (pdf.name, parts)


def test_sign_off_sheet_reports_progress_and_can_be_cancelled(tmp_path) -> None:
    import datetime as dt
    import threading

    from services.errors import CancelledError
    from services.plan.materials import IssueRow
    from services.printing import materials_sheet

    rows = [IssueRow(i, f"党员{i}", "机关第一党支部", dt.date(2026, 7, 1), 1) for i in range(120)]
    told: list[tuple[int, str]] = []
    out = tmp_path / "sheet.pdf"
    pages = materials_sheet.write_sign_off_sheet(out, "《入党教材》", rows, progress=lambda p, t: told.append((p, t)))
    assert pages > 1 and out.exists()
    assert told and told[-1][0] == 100 and "签收表" in told[0][1]
    stop = threading.Event()
    stop.set()
    again = tmp_path / "cancelled.pdf"
    with pytest.raises(CancelledError):
        materials_sheet.write_sign_off_sheet(again, "《入党教材》", rows, cancel=stop)
    assert list(tmp_path.iterdir()) == [out]


def test_a_quoted_title_is_nested_on_the_certificate(hard: tuple[Database, int, list[str]], tmp_path: Path) -> None:
    """A title that holds its own double quotes printed ““学思想、强党性”专题党课（下半年）” on the certificate: a quote
    inside a quote is single (GB/T 15834); the title itself stays stored as written."""
    db, activity_id, _ = hard
    title = "“学思想、强党性”专题党课（下半年）"
    with db.session_factory.begin() as s:
        act = activities.update_activity(s, activity_id, {"title": title}, "t")
        assert act.title == title
        body = certificates._body_text(NAMES[3], act)
        assert "“‘学思想、强党性’专题党课（下半年）”，" in body and "““" not in body
        certs = [c for c in certificates.issue_certificates(s, activity_id, "t") if c.name == NAMES[3]]
        pdf = certificates.render_certificates(s, certs, tmp_path / "c.pdf")
    assert "‘学思想、强党性’" in re.sub(r"\s+", "", _layout(pdf.path))
