"""Certificate guards: no issue before the class ends, attendance changes revoke, revoked numbers fail."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from sqlalchemy import select

from models import Certificate
from services.errors import ConflictError
from services.training import activities, attendance, certificates, enrolment

TODAY = dt.date.today()


def _class(s, first: dt.date, last: dt.date, *, end_time: str | None = None):
    last_session = {"date": last.isoformat(), "hours": 3}
    if end_time:
        last_session |= {"start_time": "09:00", "end_time": end_time}
    info = activities.create_activity(s, {"title": "“学思想、强党性”培训班", "type": "党性教育培训班",
                                          "start_date": first.isoformat(), "end_date": last.isoformat()}, "t",
                                      sessions=[{"date": first.isoformat(), "hours": 3}, last_session])
    ids = enrolment.select_members(s)[:3]
    enrolment.enrol(s, info.id, ids, "t")
    for sess in info.sessions:
        attendance.mark_all_present(s, sess.id, "t")
    return info, ids


@pytest.fixture
def issued(demo_db):
    with demo_db.session_factory.begin() as s:
        info, ids = _class(s, dt.date(2023, 5, 8), dt.date(2023, 5, 9))
        certs = certificates.issue_certificates(s, info.id, "t")
    return info, ids, certs


def test_issuing_refused_before_the_last_session(demo_db) -> None:
    with demo_db.session_factory.begin() as s:
        info, _ = _class(s, TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1))
        assert certificates.issuing_refusal(s, info.id)
        with pytest.raises(ConflictError, match="尚未结业"):
            certificates.issue_certificates(s, info.id, "t")
        assert s.scalars(select(Certificate)).all() == []


def test_issuing_on_the_closing_day_works(demo_db) -> None:
    with demo_db.session_factory.begin() as s:
        info, ids = _class(s, TODAY - dt.timedelta(days=1), TODAY)
        assert certificates.issuing_refusal(s, info.id) is None
        assert len(certificates.issue_certificates(s, info.id, "t")) == len(ids)


def test_a_session_with_an_end_time_ends_then(demo_db) -> None:
    with demo_db.session_factory.begin() as s:
        info, _ = _class(s, TODAY - dt.timedelta(days=1), TODAY, end_time="17:00")
        morning = dt.datetime.combine(TODAY, dt.time(10, 0))
        evening = dt.datetime.combine(TODAY, dt.time(18, 0))
        assert "17:00" in (certificates.issuing_refusal(s, info.id, morning) or "")
        assert certificates.issuing_refusal(s, info.id, evening) is None


def test_changing_a_certified_members_attendance_needs_revoke(demo_db, issued) -> None:
    info, ids, certs = issued
    sid = info.sessions[1].id
    with demo_db.session_factory.begin() as s:
        at_stake = attendance.certificates_at_stake(s, sid, [ids[0]], "缺席")
        assert [c.number for c in at_stake] == [certs[0].number]
        assert attendance.certificates_at_stake(s, sid, [ids[0]], "出席") == []  # no change, nothing at stake
        with pytest.raises(attendance.CertifiedAttendanceError) as refused:
            attendance.set_attendance(s, sid, ids[0], "缺席", None, "t")
        assert certs[0].number in refused.value.message
        with pytest.raises(attendance.CertifiedAttendanceError):
            attendance.clear_session(s, sid, "t")
    with demo_db.session_factory() as s:
        assert certificates.verify_certificate(s, certs[0].number).genuine  # nothing was written
    with demo_db.session_factory.begin() as s:
        attendance.set_attendance(s, sid, ids[0], "缺席", None, "t", revoke=True)
    with demo_db.session_factory.begin() as s:
        result = certificates.verify_certificate(s, certs[0].number)
        assert not result.genuine and "作废" in result.message
        assert f"{TODAY.year}年" in result.message
        assert certificates.verify_certificate(s, certs[1].number).genuine
        revoked = certificates.get_certificate(s, certs[0].number)
        assert revoked is not None and revoked.status == "已作废" and revoked.revoked_on == TODAY
        assert "作废" in revoked.note() and "考勤" in revoked.note()


def test_reissue_after_correction_links_to_the_revoked_number(demo_db, issued, tmp_path) -> None:
    info, ids, certs = issued
    sid = info.sessions[1].id
    with demo_db.session_factory.begin() as s:
        attendance.set_attendance(s, sid, ids[0], "缺席", None, "t", revoke=True)
        assert ids[0] not in {c.member_id for c in certificates.issue_certificates(s, info.id, "t")}
    with demo_db.session_factory.begin() as s:  # the record was wrong: corrected, then issued again
        attendance.set_attendance(s, sid, ids[0], "出席", None, "t")
        again = {c.member_id: c for c in certificates.issue_certificates(s, info.id, "t")}
    new = again[ids[0]]
    assert new.number != certs[0].number and new.reissue_of == certs[0].number
    with demo_db.session_factory.begin() as s:
        assert certificates.verify_certificate(s, new.number).genuine
        assert new.number in certificates.verify_certificate(s, certs[0].number).message
        path = certificates.register_xlsx(s, tmp_path / "reg.xlsx", activity_id=info.id)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    statuses = {r[1]: r[7] for r in rows}
    assert statuses[certs[0].number] == "已作废" and statuses[new.number] == "有效"
    assert any("作废" in (r[9] or "") for r in rows if r[1] == certs[0].number)


def test_revoke_certificate_by_number(demo_db, issued) -> None:
    _, _, certs = issued
    with demo_db.session_factory.begin() as s:
        with pytest.raises(ConflictError):
            certificates.revoke_certificate(s, certs[2].number, "", "t")
        info = certificates.revoke_certificate(s, certs[2].number, "信息有误", "t")
        assert info.status == "已作废" and info.revoked_reason == "信息有误"


def test_import_does_not_change_a_certified_members_attendance(demo_db, issued, tmp_path) -> None:
    from models import Member
    from services.training import records_import

    info, ids, _ = issued
    with demo_db.session_factory() as s:
        member = s.get(Member, ids[0])
        assert member is not None
        name, number = member.name, member.id_number
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "培训名称", "培训类别", "开始日期", "学时", "出勤情况"])
    ws.append([name, number, info.title, "党性教育培训班", info.start_date.isoformat(), 3, "缺席"])
    wb.save(tmp_path / "records.xlsx")
    with demo_db.session_factory() as s:
        plan = records_import.plan_records(s, tmp_path / "records.xlsx", "update")
    assert not plan.ok and "结业证书" in plan.refused[0].message
