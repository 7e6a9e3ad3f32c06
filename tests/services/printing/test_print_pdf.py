"""The training PDFs read back: text, page count, embedded fonts, certificate numbers stable on reprint."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from services.printing import print_signin
from services.training import activities, attendance, certificates, enrolment

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext、pdffonts）")


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _fonts(path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def _all_embedded(path) -> bool:
    fonts = _fonts(path)
    # columns: name type [type2] encoding emb sub uni object ID — emb is the 5th from the end
    return bool(fonts) and all(f[-5] == "yes" for f in fonts)


@pytest.fixture
def klass(demo_db):
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "学习贯彻专题培训班", "type": "党性教育培训班",
                                              "start_date": "2023-09-04", "end_date": "2023-09-06",
                                              "place": "西柏坡", "organiser": "局党委"}, "t",
                                          sessions=[{"date": f"2023-09-0{d}", "hours": 6, "start_time": "09:00",
                                                     "end_time": "17:00"} for d in (4, 5, 6)])
        ids = enrolment.select_members(s)
        enrolment.enrol(s, info.id, ids, "t")
        for sess in info.sessions:
            attendance.mark_all_present(s, sess.id, "t")
        attendance.set_attendance(s, info.sessions[0].id, ids[0], "事假", None, "t")
    return info, ids


def test_signin_sheet(demo_db, klass, tmp_path):
    info, ids = klass
    with demo_db.session_factory() as s:
        people = enrolment.participants(s, info.id)
        result = print_signin.signin_sheet(s, info.id, tmp_path / "s.pdf", session_seq=2, blank_rows=7)
    text = _text(result.path)
    pages = _pages(result.path)
    assert result.pages == pages and pages >= 3
    assert f"第1页 共{pages}页" in text and f"第{pages}页 共{pages}页" in text
    assert text.count("所在党支部") == pages  # header repeated on every page
    flat = re.sub(r"\s+", "", text)
    assert "签到表" in flat and "2023年9月5日09:00—17:00" in flat and "西柏坡" in flat
    positions = [text.index(p.name) for p in people[:5]]
    assert positions == sorted(positions)
    assert str(len(people) + 7) in text.split()
    assert _all_embedded(result.path)


def test_signin_landscape_masks_ids(demo_db, klass, tmp_path):
    info, _ = klass
    with demo_db.session_factory() as s:
        person = enrolment.participants(s, info.id)[0]
        result = print_signin.signin_sheet(s, info.id, tmp_path / "l.pdf", landscape=True, show_id=True)
    text = _text(result.path)
    assert person.id_number not in text and person.id_number[:6] + "********" in text
    info_out = subprocess.run(["pdfinfo", str(result.path)], capture_output=True, text=True).stdout
    assert "841.89 x 595.276" in info_out



def test_signin_sheet_leaves_out_who_left_before_the_session(demo_db, klass, tmp_path):
    """A member enrolled in a three-day class who 转出 after its first day was still on the sign-in sheets of days 2
    and 3, and counted in 应到: the clerk had to cross them out. Each day's sheet lists who is on the roll that day."""
    from services.roll import members

    info, ids = klass
    with demo_db.session_factory.begin() as s:
        gone = enrolment.participants(s, info.id)[0]
        members.mark_left(s, gone.member_id, "转出", "2023-09-04", "调往外单位", "t")
        people = enrolment.participants(s, info.id)
    every = print_signin.signin_sheet(demo_db.session_factory(), info.id, tmp_path / "e.pdf", every_session=True)
    first, second = (re.sub(r"\s+", "", _text(print_signin.signin_sheet(
        demo_db.session_factory(), info.id, tmp_path / f"{n}.pdf", session_seq=n).path)) for n in (1, 2))
    assert gone.name in first and f"应到{len(people)}人" in first
    assert gone.name not in second and f"应到{len(people) - 1}人" in second
    whole = re.sub(r"\s+", "", _text(every.path))  # three sheets: the first lists them, the others not
    assert whole.count(gone.name) == first.count(gone.name) and whole.count(f"应到{len(people) - 1}人") == 2
    assert every.rows == len(people)


def test_register(demo_db, klass, tmp_path):
    info, _ = klass
    with demo_db.session_factory() as s:
        result = print_signin.attendance_register(s, info.id, tmp_path / "r.pdf")
    text = _text(result.path)
    assert "考勤表" in text and "请假" in text and "第3课次" in text and "18" in text
    assert _all_embedded(result.path)


def test_certificates_pdf_and_reprint(demo_db, klass, tmp_path):
    info, ids = klass
    with demo_db.session_factory.begin() as s:
        first, certs = certificates.print_certificates(s, info.id, tmp_path / "c1.pdf", "t")
    with demo_db.session_factory.begin() as s:
        second, again = certificates.print_certificates(s, info.id, tmp_path / "c2.pdf", "t")
    numbers = [c.number for c in certs]
    assert len(set(numbers)) == len(numbers) == len(ids) - 1
    assert numbers == [c.number for c in again]
    assert _pages(first.path) == len(certs)
    text = _text(first.path)
    assert re.sub(r"\s+", "", text).count("结业证书") == len(certs)
    found = re.findall(r"证书编号：(\d{4}-DX-\d{5})", text)
    assert found == numbers
    assert re.findall(r"证书编号：(\d{4}-DX-\d{5})", _text(second.path)) == numbers
    assert "准予结业" in text and "特发此证" in text and "局党委" in text
    assert _all_embedded(first.path)
    with demo_db.session_factory() as s:
        reg = certificates.register_pdf(s, tmp_path / "reg.pdf", activity_id=info.id)
    assert numbers[0] in _text(reg.path) and _all_embedded(reg.path)
