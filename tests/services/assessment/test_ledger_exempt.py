"""A member exempted for a year (免予学时考核, 条例 art. 23) is never short of hours in the ledger, its branch
summary, the notice to the branches or the award reasons, as in the statistics' below_target."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from models import Member
from services.assessment import assessments, ledger
from services.assessment.stats import compute_stats_detail
from services.plan import rules
from services.safety.storage import Database
from tests.helpers.stats_dataset import Dataset, build_dataset

D = dt.date


@pytest.fixture
def data(db: Database) -> tuple[Database, Dataset]:
    with db.session_factory.begin() as s:
        ds = build_dataset(s)
        # 甲一 (支部书记, 44 of 56 hours in 2024) is exempted for 2024.
        rules.exempt(s, "t", s.get(Member, ds.members["m1"]).id_number, 2024, "长期病休")
    return db, ds


def test_exempt_member_is_not_short_in_the_ledger(data: tuple[Database, Dataset], tmp_path: Path) -> None:
    db, ds = data
    with db.session_factory() as s:
        rows = {r.name: r for r in ledger.year_ledger(s, 2024).rows}
        detail = compute_stats_detail(s, D(2024, 1, 1), D(2024, 12, 31))
        items = ledger.shortfalls(s, 2024, today=D(2024, 10, 1))
        ledger.write_ledger_xlsx(s, 2024, tmp_path / "台账.xlsx")
        reasons = {e.name: e.reasons for e in assessments.award_eligibility(s, 2024)}
    m1 = rows["甲一"]
    assert (m1.total, m1.countable, m1.target, m1.gap, m1.verdict) == (44.0, 44.0, 56.0, 0.0, "免予考核")
    # The ledger and the statistics name the same members short of their target.
    assert sorted(r.member_id for r in rows.values() if r.verdict == "未达标") == sorted(detail.years[2024].below_ids)
    assert ds.members["m1"] not in detail.years[2024].below_ids
    # Nobody else of 第一支部 is short: it gets no notice.
    assert "第一支部" not in {i.branch for i in items}
    summary = CalamineWorkbook.from_path(str(tmp_path / "台账.xlsx")).get_sheet_by_name("支部汇总").to_python()
    first = next(r for r in summary if r[0] == "第一支部")
    assert first[1:7] == [2, 90.0, 45.0, 1, 0, 1]  # 在册 2, 达标 1 (乙二), 未达标 0: 甲一 is not judged
    assert any("免予学时考核" in r for r in reasons["甲一"])
    assert not any("未达标" in r for r in reasons["甲一"])
