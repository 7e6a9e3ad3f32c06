"""Attendance of more members than old SQLite binds in one statement (999): certificates at stake, a session cleared."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Attendance, Certificate
from services.training import activities, attendance, certificates, enrolment
from tests.helpers.many_rows import add_members, old_sqlite_limit

COUNT = 1200  # more than 999


def test_a_session_of_many_certified_members_cleared(db) -> None:
    with db.session_factory.begin() as s:
        info = activities.create_activity(s, {"title": "全员轮训班", "type": "党性教育培训班",
                                              "start_date": "2023-05-08", "hours": 3}, "t")
        ids = add_members(s, COUNT)
        enrolment.enrol(s, info.id, ids, "t")
        session_id = info.sessions[0].id
        assert attendance.mark_all_present(s, session_id, "t") == COUNT
        issued = certificates.issue_certificates(s, info.id, "t")
        assert len(issued) == COUNT
    with old_sqlite_limit(db):
        with db.session_factory() as s:
            at_stake = attendance.certificates_at_stake(s, session_id, ids, "缺席")
            assert len(at_stake) == COUNT
            assert [c.number for c in at_stake] == sorted(c.number for c in at_stake)
            assert attendance.certificates_at_stake(s, session_id, ids, "出席") == []  # nothing would change
        with db.session_factory.begin() as s:
            assert attendance.clear_session(s, session_id, "t", revoke=True) == COUNT
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0
        assert s.scalar(select(func.count()).where(Certificate.status == "有效")) == 0
