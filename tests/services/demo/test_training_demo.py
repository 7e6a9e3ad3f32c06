"""The demonstration training history: realistic figures, credit rule respected, refuses a second run."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models import ActivitySession, Attendance
from services.demo.training_demo import seed_demo_activities
from services.errors import ConflictError
from services.training import activities, certificates


def test_seed_demo_activities(demo_db):
    today = dt.date(2025, 6, 30)
    with demo_db.session_factory.begin() as s:
        result = seed_demo_activities(s, today=today, seed=1, years=3)
        assert result.activities > 200 and result.attendance > 3000 and result.certificates > 0
        with pytest.raises(ConflictError):
            seed_demo_activities(s, today=today, seed=1)
    with demo_db.session_factory() as s:
        types = {a.type_name for a in activities.list_activities(s, year=2024)}
        assert {"中心组学习", "专题党课", "党性教育培训班", "网络培训", "主题党日"} <= types
        zero = s.scalar(select(func.count(Attendance.id)).where(Attendance.status.in_(("请假", "缺席")),
                                                                 Attendance.hours != 0))
        assert zero == 0
        future = s.scalar(select(func.count(Attendance.id)).join(
            ActivitySession, ActivitySession.id == Attendance.session_id).where(ActivitySession.date > today))
        assert future == 0
        cert = certificates.list_certificates(s)[0]
        assert certificates.verify_certificate(s, cert.number).genuine
