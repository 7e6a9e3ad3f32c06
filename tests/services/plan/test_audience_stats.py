"""Training by audience: figures per audience, the members an audience names, enrolment by audience, rule lists."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import (
    Activity,
    ActivitySession,
    ActivityType,
    Attendance,
    Enrolment,
    HoursAdjustment,
    Member,
)
from services.errors import ValidationError
from services.plan import audience_stats, rule_lists, rules
from services.safety.storage import Database
from services.training import enrolment
from tests.helpers.pdf_reading import pdf_text
from tests.helpers.stats_dataset import build_dataset

D = dt.date


def _activity(s: object, title: str, day: dt.date, audience: str | None, people: list[int], hours: float = 3,
              status: str = "已结束") -> int:
    type_id = s.scalar(select(ActivityType.id).where(ActivityType.name == "专题培训"))  # type: ignore[attr-defined]
    a = Activity(title=title, type_id=type_id, organiser="局党委", start_date=day, hours=hours, status=status,
                 target_group=audience)
    s.add(a)  # type: ignore[attr-defined]
    s.flush()  # type: ignore[attr-defined]
    session = ActivitySession(activity_id=a.id, seq=1, date=day, hours=hours)
    s.add(session)  # type: ignore[attr-defined]
    s.flush()  # type: ignore[attr-defined]
    for mid in people:
        s.add(Attendance(session_id=session.id, member_id=mid, status="出席", hours=hours))  # type: ignore[attr-defined]
    s.flush()  # type: ignore[attr-defined]
    return a.id


def test_figures_per_audience_count_activities_members_person_times_and_hours(db: Database) -> None:
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        m1, m2, m5 = data.members["m1"], data.members["m2"], data.members["m5"]
        a = _activity(s, "书记培训一", D(2025, 3, 1), "基层党组织书记和党务干部", [m1, m2])
        _activity(s, "书记培训二", D(2025, 4, 1), " 基层党组织书记和党务干部 ", [m1])  # same audience however spaced
        _activity(s, "新党员培训", D(2025, 5, 1), "新党员", [m5], hours=8)
        _activity(s, "机关读书班", D(2025, 6, 1), "机关青年读书班", [m2])  # the office's own words, kept
        _activity(s, "取消的培训", D(2025, 6, 2), "纪检干部", [m1], status="已取消")
        _activity(s, "期外培训", D(2026, 1, 2), "纪检干部", [m1])
        s.add(HoursAdjustment(member_id=m2, activity_id=a, date=D(2025, 3, 2), hours=1.5, reason="补录", author="t"))
        s.flush()
        rows = {r.audience: r for r in audience_stats.audience_figures(s, D(2025, 1, 1), D(2025, 12, 31))}
    sec = rows["基层党组织书记和党务干部"]
    assert (sec.activities, sec.members, sec.person_times, sec.hours) == (2, 2, 3, 10.5)
    assert (rows["新党员"].activities, rows["新党员"].members, rows["新党员"].hours) == (1, 1, 8.0)
    assert rows["纪检干部"].activities == 0 and rows["纪检干部"].canonical  # cancelled and outside: not counted
    own = rows["机关青年读书班"]
    assert not own.canonical and (own.activities, own.person_times) == (1, 1)
    names = list(rows)
    assert names[:3] == ["全体党员", "党委理论学习中心组成员", "基层党组织书记和党务干部"]
    assert names[-1] == "机关青年读书班"
    with pytest.raises(ValidationError), db.session_factory() as s:
        audience_stats.audience_figures(s, D(2025, 2, 1), D(2025, 1, 1))


def test_empty_audience_counts_as_all_members(db: Database) -> None:
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        _activity(s, "全员学习", D(2025, 3, 1), None, [data.members["m1"]])
        rows = {r.audience: r for r in audience_stats.audience_figures(s, D(2025, 1, 1), D(2025, 12, 31))}
    assert rows["全体党员"].activities == 1 and rows["全体党员"].person_times == 1


def test_audiences_name_their_members(db: Database) -> None:
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        m1, m2, m3, m5 = (data.members[k] for k in ("m1", "m2", "m3", "m5"))
        on_roll = audience_stats.audience_member_ids(s, "全体党员", D(2025, 3, 1))
        assert set(on_roll) == {m1, m2, m3, m5}  # m4 left
        assert audience_stats.audience_member_ids(s, None, D(2025, 3, 1)) == on_roll
        assert audience_stats.audience_member_ids(s, "基层党组织书记和党务干部", D(2025, 3, 1)) == [m1]
        assert audience_stats.audience_member_ids(s, "纪检干部", D(2025, 3, 1)) == []
        s.get(Member, m2).party_post = "纪检委员"
        s.get(Member, m3).full_member_since = "2024-09-01"
        s.flush()
        assert audience_stats.audience_member_ids(s, "纪检干部", D(2025, 3, 1)) == [m2]
        assert set(audience_stats.audience_member_ids(s, "基层党组织书记和党务干部", D(2025, 3, 1))) == {m1, m2}
        assert set(audience_stats.audience_member_ids(s, "新党员", D(2025, 3, 1))) == {m3, m5}
        assert audience_stats.audience_member_ids(s, "新党员", D(2025, 9, 2)) == [m5]  # a year after 转正
        rules.add_mobile(s, "测试", s.get(Member, m2).id_number, "2025-01", "2025-06", place="深圳")
        assert audience_stats.audience_member_ids(s, "流动党员", D(2025, 3, 1)) == [m2]
        assert audience_stats.audience_member_ids(s, "流动党员", D(2025, 7, 1)) == []
        for unmapped in ("发展对象和入党积极分子", "机关青年读书班"):
            with pytest.raises(ValidationError) as caught:
                audience_stats.audience_member_ids(s, unmapped, D(2025, 3, 1))
            assert f"“{unmapped}”无法从党员名册中对应" in caught.value.message


def test_enrol_by_audience_enrols_whom_the_audience_names_or_nobody(db: Database) -> None:
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        a = _activity(s, "书记培训", D(2025, 3, 1), "基层党组织书记和党务干部", [])
        result = enrolment.enrol_by_audience(s, a, "测试")
        assert result.added == [data.members["m1"]]
        b = _activity(s, "积极分子培训", D(2025, 3, 1), "发展对象和入党积极分子", [])
        with pytest.raises(ValidationError):
            enrolment.enrol_by_audience(s, b, "测试")
        assert s.scalars(select(Enrolment.member_id).where(Enrolment.activity_id == b)).all() == []


def test_rule_lists_go_to_the_ledger_and_to_files(db: Database, tmp_path: object) -> None:
    from pathlib import Path

    from services.assessment import ledger

    out = Path(str(tmp_path))
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        number = s.get(Member, data.members["m2"]).id_number
        rules.exempt(s, "测试", number, 2024, "长期病休")
        ledger.write_ledger_xlsx(s, 2024, out / "ledger.xlsx")
        rule_lists.write_rules_xlsx(s, D(2024, 1, 1), D(2024, 12, 31), out / "rules.xlsx")
        rule_lists.write_rules_pdf(s, D(2024, 1, 1), D(2024, 12, 31), out / "rules.pdf")
    wb = load_workbook(out / "ledger.xlsx")
    for title in rule_lists.RULE_TITLES.values():
        assert title in wb.sheetnames
    new = wb["新党员集中培训"]
    assert new.cell(3, 3).value == "戊五" and new.cell(3, 4).value == "未达到"
    exempt = wb["免予学时考核"]
    assert exempt.cell(3, 3).value == "乙二" and "长期病休" in exempt.cell(3, 5).value
    assert wb["流动党员"].cell(3, 1).value == rule_lists.NONE_YET
    assert load_workbook(out / "rules.xlsx").sheetnames == list(rule_lists.RULE_TITLES.values())
    text = pdf_text(out / "rules.pdf")
    assert "戊五" in text and "长期病休" in text
