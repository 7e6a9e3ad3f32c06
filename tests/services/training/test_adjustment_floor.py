"""A negative adjustment (扣减) takes back hours credited in its year: it may bring them to 0, never below
(which made 最少学时, 人均学时 and the report's figures negative), and a refused one writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models import ChangeLog, HoursAdjustment
from services.assessment.stats import compute_stats
from services.errors import ValidationError
from services.safety.storage import Database
from services.training.attendance import add_adjustment
from tests.helpers.stats_dataset import build_dataset

D = dt.date


def test_a_deduction_never_takes_a_year_below_zero(db: Database) -> None:
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
    m2, m5 = ds.members["m2"], ds.members["m5"]  # 2024: 乙二 46 hours, 戊五 none (on leave)
    with db.session_factory() as s:
        written = (s.scalar(select(func.count()).select_from(HoursAdjustment)),
                   s.scalar(select(func.count()).select_from(ChangeLog)))
    with db.session_factory.begin() as s, pytest.raises(ValidationError, match="2024年已计0学时，扣减5学时后将为负数"):
        add_adjustment(s, m5, -5, "纠错", "t", D(2024, 6, 1))
    with db.session_factory.begin() as s, pytest.raises(ValidationError, match="2024年已计46学时"):
        add_adjustment(s, m2, -46.5, "纠错", "t", D(2024, 6, 1))
    with db.session_factory() as s:
        assert (s.scalar(select(func.count()).select_from(HoursAdjustment)),
                s.scalar(select(func.count()).select_from(ChangeLog))) == written
    with db.session_factory.begin() as s:
        add_adjustment(s, m2, -46, "重复登记，全部扣回", "t", D(2024, 6, 1))  # to exactly 0: allowed
        add_adjustment(s, m5, 3, "补记", "t", D(2024, 7, 1))
        add_adjustment(s, m5, -3, "补记有误", "t", D(2024, 7, 2))
    with db.session_factory() as s:
        year = compute_stats(s, D(2024, 1, 1), D(2024, 12, 31))["years"]["2024"]
    assert year["min_hours"] == 0.0
