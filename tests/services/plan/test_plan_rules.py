"""The rules of the 条例 and the plans: new members, new branch secretaries, exemptions, mobile members."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Activity, ActivitySession, ActivityType, Attendance, Member
from services.errors import NotFoundError, ValidationError
from services.plan import rules
from services.safety.storage import Database
from tests.helpers.stats_dataset import build_dataset

D = dt.date


def _class(session: object, title: str, day: dt.date, organiser: str, people: list[int],
           type_name: str = "党性教育培训班", audience: str | None = None) -> None:
    type_id = session.scalar(select(ActivityType.id).where(ActivityType.name == type_name))  # type: ignore[attr-defined]
    a = Activity(title=title, type_id=type_id, organiser=organiser, start_date=day, hours=8, status="已结束",
                 target_group=audience)
    session.add(a)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    s = ActivitySession(activity_id=a.id, seq=1, date=day, hours=8)
    session.add(s)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    for mid in people:
        session.add(Attendance(session_id=s.id, member_id=mid, status="出席", hours=8))  # type: ignore[attr-defined]


def test_new_members_need_a_higher_level_class(db: Database) -> None:
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        m5 = data.members["m5"]  # probationary since 2024-03-15
        cases = rules.new_member_cases(s, D(2024, 12, 31))
        assert [(c.member_id, c.met) for c in cases] == [(m5, False)]
        _class(s, "局内党性教育", D(2024, 5, 1), "局党委", [m5])  # the bureau's own class does not count
        assert rules.new_member_cases(s, D(2024, 12, 31))[0].met is False
        _class(s, "新党员培训班", D(2024, 6, 1), "市直机关工委", [m5])
        case = rules.new_member_cases(s, D(2024, 12, 31))[0]
        assert case.met is True and "市直机关工委" in case.detail


def test_a_new_secretary_needs_induction_within_six_months(db: Database) -> None:
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        m2 = data.members["m2"]
        number = s.get(Member, m2).id_number
        rules.add_post(s, "测试", number, "支部书记", "2024-03-01")
        late = rules.new_secretary_cases(s, D(2024, 1, 1), D(2024, 12, 31))
        assert [(c.member_id, c.met) for c in late] == [(m2, False)] and "应于2024年9月1日前" in late[0].detail
        pending = rules.new_secretary_cases(s, D(2024, 1, 1), D(2024, 6, 30))
        assert pending[0].met is None and "尚在期限内" in pending[0].detail
        _class(s, "书记任职培训", D(2024, 8, 15), "市委组织部", [m2], type_name="专题培训",
               audience="基层党组织书记和党务干部")
        assert rules.new_secretary_cases(s, D(2024, 1, 1), D(2024, 12, 31))[0].met is True


def test_exemptions_and_mobile_members_are_listed(db: Database) -> None:
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        number = s.get(Member, data.members["m2"]).id_number
        rules.exempt(s, "测试", number, 2024, "长期病休")
        rules.exempt(s, "测试", number, 2024, "年老体弱")  # a second word replaces the first
        assert rules.exempt_ids(s, 2024) == {data.members["m2"]} and rules.exempt_ids(s, 2023) == set()
        rules.add_mobile(s, "测试", number, "2024-02", place="深圳")
        found = rules.check_rules(s, D(2024, 1, 1), D(2024, 12, 31))
        assert [c.detail for c in found["exempt"]] == ["2024年度免予学时考核：年老体弱"]
        assert "深圳" in found["mobile"][0].detail
        assert rules.check_rules(s, D(2022, 1, 1), D(2023, 12, 31))["mobile"] == []
        with pytest.raises(ValidationError):
            rules.exempt(s, "测试", number, 2024, "")
        with pytest.raises(NotFoundError):
            rules.exempt(s, "测试", "110105194910010015", 2024, "年老体弱")


def test_an_exempted_member_is_never_below_target(db: Database) -> None:
    from services.assessment.stats import compute_stats_detail

    with db.session_factory.begin() as s:
        data = build_dataset(s)
        before = compute_stats_detail(s, D(2024, 1, 1), D(2024, 12, 31)).years[2024].below_ids
        short = before[0]
        rules.exempt(s, "测试", s.get(Member, short).id_number, 2024, "长期病休")
        after = compute_stats_detail(s, D(2024, 1, 1), D(2024, 12, 31)).years[2024]
    assert short in after.member_ids and short not in after.below_ids
    assert len(after.below_ids) == len(before) - 1
    assert data.members  # the dataset was built


def test_the_plans_target_is_the_years_default_and_a_year_target_still_overrides(db: Database) -> None:
    from services.assessment import targets
    from services.plan import periods

    with db.session_factory.begin() as s:
        assert targets.rules_for_year(s, 2025)["all"].hours == 32
        periods.set_plan_target(s, "测试", "2024-2028年全国党员教育培训工作规划", "all", 40)
        assert targets.rules_for_year(s, 2025)["all"].hours == 40
        assert targets.rules_for_year(s, 2023)["all"].hours == 32  # the 2019—2023 plan
        targets.set_rule(s, "测试", 2025, "all", 48)
        assert targets.rules_for_year(s, 2025)["all"].hours == 48
        periods.set_plan_target(s, "测试", "2024-2028年全国党员教育培训工作规划", "bureau", 50)
        bureau = targets.rules_for_year(s, 2026)["bureau"]
        assert bureau.hours == 50 and bureau.enabled


def test_new_members_listed_in_the_ledger_by_the_years_rules(db: Database, tmp_path: Path) -> None:
    """A member who joined the Party after the year is no new member of that year; dates read as in prose."""
    from python_calamine import CalamineWorkbook

    from services.assessment import ledger

    with db.session_factory.begin() as s:
        build_dataset(s)  # m5 戊五: probationary, joined the Party on 2024-03-15
    with db.session_factory() as s:
        before = ledger.write_ledger_xlsx(s, 2023, tmp_path / "2023.xlsx")
        during = ledger.write_ledger_xlsx(s, 2024, tmp_path / "2024.xlsx")
    rows = CalamineWorkbook.from_path(str(before)).get_sheet_by_name("新党员集中培训").to_python()
    assert not any("戊五" in row for row in rows) and rows[2][0] == "（本期无此类党员）"
    rows = CalamineWorkbook.from_path(str(during)).get_sheet_by_name("新党员集中培训").to_python()
    m5 = next(row for row in rows if "戊五" in row)
    assert m5[4] == "尚未参加上级党组织举办的集中培训（2024年3月15日入党，应在预备期内或转正后一年内参加）"
