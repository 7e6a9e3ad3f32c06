"""Certificates: numbering, stability on reprint, reissue, offline verification, register."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from services.training import activities, attendance, certificates, enrolment
from tests.helpers.hostile_text import CONTROL, LOOKS_ESCAPED, RARE, sheet_texts, store_raw
from tests.helpers.pdf_reading import pdf_text


@pytest.fixture
def finished_class(demo_db):
    with demo_db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "党性教育培训班", "type": "党性教育培训班",
                                              "start_date": "2023-05-08", "end_date": "2023-05-09",
                                              "organiser": "局党委", "place": "西柏坡"}, "t",
                                          sessions=[{"date": "2023-05-08", "hours": 6}, {"date": "2023-05-09", "hours": 6}])
        ids = enrolment.select_members(s)[:6]
        enrolment.enrol(s, info.id, ids, "t")
        for sess in info.sessions:
            attendance.mark_all_present(s, sess.id, "t")
        attendance.set_attendance(s, info.sessions[1].id, ids[2], "请假", "病假", "t")
    return info, ids


def test_numbers_assigned_once(demo_db, finished_class):
    info, ids = finished_class
    with demo_db.session_factory.begin() as s:
        first = certificates.issue_certificates(s, info.id, "t")
        assert [c.number for c in first] == [f"2023-DX-{n:05d}" for n in range(1, 6)]
        assert ids[2] not in {c.member_id for c in first}
        assert first[0].issued_on.isoformat() == "2023-05-09"
    with demo_db.session_factory.begin() as s:
        # the member on leave makes up the session: one more number, the others unchanged
        attendance.set_attendance(s, info.sessions[1].id, ids[2], "出席", None, "t")
        again = certificates.issue_certificates(s, info.id, "t")
        by_member = {c.member_id: c.number for c in again}
        assert {c.member_id: c.number for c in first}.items() <= by_member.items()
        assert by_member[ids[2]] == "2023-DX-00006"


def test_verify_genuine_and_forged(demo_db, finished_class):
    info, _ = finished_class
    with demo_db.session_factory.begin() as s:
        cert = certificates.issue_certificates(s, info.id, "t")[0]
        text = certificates.qr_text(s, cert)
        assert certificates.verify_certificate(s, text).genuine
        assert certificates.verify_certificate(s, cert.number).genuine
        assert certificates.verify_certificate(s, f" {cert.number.lower()} ").genuine
        forged = text[:-1] + ("0" if text[-1] != "0" else "1")
        result = certificates.verify_certificate(s, forged)
        assert not result.genuine and "校验码" in result.message
        assert not certificates.verify_certificate(s, "2023-DX-99999").genuine
        assert not certificates.verify_certificate(s, "随便写的").genuine
        assert not certificates.verify_certificate(s, "DXZS|2023-DX-00001").genuine


def test_reissue_links_to_original(demo_db, finished_class, tmp_path):
    info, _ = finished_class
    with demo_db.session_factory.begin() as s:
        old = certificates.issue_certificates(s, info.id, "t")[0]
        new = certificates.reissue_certificate(s, old.number, "t", "遗失")
        assert new.reissue_of == old.number and new.number == "2023-DX-00006"
        check = certificates.verify_certificate(s, old.number)
        assert not check.genuine and new.number in check.message
        assert certificates.verify_certificate(s, new.number).genuine
        # reprint: the member keeps the reissued number
        numbers = [c.number for c in certificates.issue_certificates(s, info.id, "t")]
        assert new.number in numbers and old.number not in numbers
        path = certificates.register_xlsx(s, tmp_path / "reg.xlsx", activity_id=info.id)
    ws = openpyxl.load_workbook(path).active
    assert ws.print_title_rows == "$1:$1"  # the header on every printed page
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][1] == "证书编号" and len(rows) == 7
    assert any(r[7] == "已补发" for r in rows[1:]) and any(r[8] == old.number for r in rows[1:])


def test_secret_differs_per_database(demo_db, finished_class, tmp_path):
    from services.safety.storage import open_database

    info, _ = finished_class
    with demo_db.session_factory.begin() as s:
        cert = certificates.issue_certificates(s, info.id, "t")[0]
        mine = certificates.checksum(s, cert.number, cert.name, cert.id_number)
    other = open_database(tmp_path / "other.sqlite3")
    with other.session_factory.begin() as s:
        assert certificates.checksum(s, cert.number, cert.name, cert.id_number) != mine
    other.dispose()


def test_the_log_of_a_batch_names_no_certificate_by_the_activity_s_number(demo_db, finished_class):
    """A batch is logged as certificates with the numbers in its sentence, not as "证书 #<activity id>"."""
    from services.safety import changelog

    info, _ = finished_class
    with demo_db.session_factory.begin() as s:
        issued = certificates.issue_certificates(s, info.id, "t")
    with demo_db.session_factory() as s:
        batch = [e for e in changelog.entries(s, entity="certificate") if e.action == "issue"]
    assert len(batch) == 1
    assert batch[0].entity_id is None
    assert issued[0].number in batch[0].summary and issued[-1].number in batch[0].summary


def test_a_register_with_no_certificates_says_so(db, tmp_path):
    """A year without certificates: a sentence, not a header over nothing (PDF and Excel read back)."""
    from python_calamine import CalamineWorkbook

    with db.session_factory() as s:
        pdf = certificates.register_pdf(s, tmp_path / "reg.pdf", year=2027).path
        xlsx = certificates.register_xlsx(s, tmp_path / "reg.xlsx", year=2027)
    text = pdf_text(pdf)
    assert "2027年未颁发结业证书。" in text and "证书编号" not in text
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("发证登记册").to_python()
    assert rows[1][0] == "（2027年未颁发结业证书）"


def test_register_xlsx_with_hostile_text(demo_db, finished_class, tmp_path):
    """An old title with control characters, remarks that look like a formula: the register is written, reads back
    as stored, the 18-digit ID stays text and the date a date."""
    info, _ = finished_class
    with demo_db.session_factory.begin() as s:
        certs = certificates.issue_certificates(s, info.id, "t")
    store_raw(demo_db, "activity", "title", info.id, "=党性教育" + CONTROL + RARE)
    store_raw(demo_db, "certificate", "remarks", certs[0].id, "@" + LOOKS_ESCAPED)
    with demo_db.session_factory() as s:
        path = certificates.register_xlsx(s, tmp_path / "reg.xlsx", activity_id=info.id)
    rows = sheet_texts(path)["发证登记册"]
    assert {r[5] for r in rows[1:]} == {"=党性教育" + CONTROL + RARE}
    assert "@" + LOOKS_ESCAPED in [r[9] for r in rows[1:]]
    assert all(isinstance(r[4], str) and len(r[4]) == 18 for r in rows[1:])
    assert all(isinstance(r[6], dt.date) for r in rows[1:])
