"""Numbers a clerk (or a script) may type that are no number of hours, yuan or copies: nan, inf, huge.

Python's float() takes "nan" and "inf", and no comparison holds for nan, so a range check written as
`x < 0 or x > 1000` lets it through; each is refused here with the field's own Chinese message,
and nothing is written.
"""

from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from models import Member
from services.errors import ValidationError
from services.safety.storage import Database


def _member(db: Database) -> Member:
    with db.session_factory() as s:
        member = s.scalars(select(Member).order_by(Member.id).limit(1)).one()
        s.expunge(member)
        return member


@pytest.mark.parametrize("hours", [math.nan, math.inf, -math.inf, 1e308])
def test_an_adjustment_of_no_number_is_refused(demo_db: Database, hours: float) -> None:
    from models import HoursAdjustment
    from services.training import attendance

    member = _member(demo_db)
    with demo_db.session_factory.begin() as s, pytest.raises(ValidationError, match="调整的学时"):
        attendance.add_adjustment(s, member.id, hours, "补录", "测试")
    with demo_db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(HoursAdjustment)) == 0


@pytest.mark.parametrize("hours", [math.nan, math.inf, -1.0])
def test_a_target_of_no_number_is_refused(db: Database, hours: float) -> None:
    from services.assessment import targets

    with db.session_factory.begin() as s:
        before = targets.rules_for_year(s, 2026)
        with pytest.raises(ValidationError, match="目标学时应在0～1000之间"):
            targets.set_rule(s, "测试", 2026, "all", hours)
        assert targets.rules_for_year(s, 2026) == before


@pytest.mark.parametrize("cost", ["nan", "inf", "1e308", "99999999999999999999", math.inf])  # a float nan: an empty cell
def test_an_activity_cost_of_no_number_is_refused(db: Database, cost: object) -> None:
    from services.training import activities

    with db.session_factory.begin() as s:
        with pytest.raises(ValidationError) as caught:
            activities.create_activity(s, {"title": "中心组学习", "type": "中心组学习", "start_date": "2024-01-15",
                                           "hours": 2, "cost": cost}, "t")
        assert [p.field for p in caught.value.problems] == ["cost"]
        assert "费用" in caught.value.message
        assert activities.list_activities(s) == []


def test_a_huge_number_of_copies_is_refused_not_overflowing(demo_db: Database) -> None:
    from services.plan import materials

    member = _member(demo_db)
    with demo_db.session_factory.begin() as s:
        with pytest.raises(ValidationError, match="份数"):
            materials.issue_material(s, "测试", "《党章》", "2024-07-01", [member.id_number],
                                     copies=99999999999999999999)
        assert materials.list_materials(s) == []
