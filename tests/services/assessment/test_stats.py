"""Statistics of a period on the hand-built bureau: every expected figure is worked out here by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from services.assessment import targets
from services.assessment.stats import compute_stats, compute_stats_detail
from services.safety.storage import Database
from tests.helpers.stats_dataset import build_dataset

D = dt.date


@pytest.fixture
def data_db(db: Database) -> Database:
    with db.session_factory.begin() as s:
        build_dataset(s)
    return db


def stats(db: Database, lo: dt.date, hi: dt.date) -> dict:
    with db.session_factory() as s:
        return compute_stats(s, lo, hi)


def test_two_years_every_figure(data_db: Database) -> None:
    got = stats(data_db, D(2023, 1, 1), D(2024, 12, 31))
    # 2023 hours: m1 4+16=20, m2 4+8+3=15, m3 8, m4 4+30=34 → 77 over 4 members.
    # 2024 hours: m1 40+4=44, m2 40+2+4=46, m3 10, m4 40, m5 0 → 140 over 5 members.
    # Activity hours: a1 12, a2 16+8+8=32, a3 120+2=122, a4 4+4+4=12 (its 2025 session too) → 178.
    assert got == {
        "from": "2023-01-01",
        "to": "2024-12-31",
        "members": 4,  # m4 left on 2024-06-30
        "branches": 2,
        "activities": {"中心组学习": 2, "党性教育培训班": 1, "自学": 1},
        "person_times": {"中心组学习": 3 + 2, "党性教育培训班": 3, "自学": 3},
        "total_hours": 178.0,
        "avg_hours_per_member_year": round(217 / 9, 2),
        "coverage": 0.75,  # m5 earned nothing
        "years": {
            "2023": {"members": 4, "total_hours": 77.0, "avg_hours": 19.25, "min_hours": 8.0,
                     "coverage": 1.0, "below_target": 3},  # m1 20<56, m2 15<32, m3 8<32*7/12; m4 34≥32
            "2024": {"members": 5, "total_hours": 140.0, "avg_hours": 28.0, "min_hours": 0.0,
                     "coverage": 0.8, "below_target": 3},  # m1 44<56, m3 10<32, m5 0<26.67; m4 40≥16
        },
    }


def test_key_order_and_types_are_exact(data_db: Database) -> None:
    got = stats(data_db, D(2023, 1, 1), D(2024, 12, 31))
    assert list(got) == ["from", "to", "members", "branches", "activities", "person_times", "total_hours",
                         "avg_hours_per_member_year", "coverage", "years"]
    assert list(got["years"]["2023"]) == ["members", "total_hours", "avg_hours", "min_hours", "coverage",
                                          "below_target"]
    assert isinstance(got["total_hours"], float) and isinstance(got["members"], int)


def test_half_year_period(data_db: Database) -> None:
    got = stats(data_db, D(2024, 1, 1), D(2024, 6, 30))
    # On the roll at 30 Jun: all five (m4 leaves that very day). Hours: m1 40, m2 42, m3 10, m4 40, m5 0.
    # Targets over the 6 months of the period: m1 28, m2 16, m3 16, m4 16, m5 (Mar–Jun) 32*4/12=10.67.
    assert got["members"] == 5
    assert got["branches"] == 3
    assert got["activities"] == {"自学": 1}  # a6 was cancelled
    assert got["person_times"] == {"自学": 3}
    assert got["total_hours"] == 122.0
    assert got["coverage"] == 0.8
    assert got["years"] == {"2024": {"members": 5, "total_hours": 132.0, "avg_hours": 26.4, "min_hours": 0.0,
                                     "coverage": 0.8, "below_target": 2}}
    assert got["avg_hours_per_member_year"] == 26.4


def test_excluded_type_and_bureau_target(data_db: Database) -> None:
    with data_db.session_factory.begin() as s:
        targets.set_type_excluded(s, "tester", 2024, "自学", True)
        targets.set_rule(s, "tester", 2023, "bureau", 50)
    got = stats(data_db, D(2023, 1, 1), D(2024, 12, 31))
    # Totals do not change; toward the 2024 target m1 has 4, m2 4 (a3's adjustment is excluded too), m4 0.
    assert got["years"]["2024"]["total_hours"] == 140.0
    assert got["years"]["2024"]["below_target"] == 5
    # 2023 with the bureau's own 50: m4's 34 is now short as well; m1 keeps 56.
    assert got["years"]["2023"]["below_target"] == 4


def test_disabled_targets_mean_nobody_is_below(data_db: Database) -> None:
    with data_db.session_factory.begin() as s:
        targets.set_rule(s, "tester", 2024, "all", 32, enabled=False)
        targets.set_rule(s, "tester", 2024, "committee", 56, enabled=False)
    assert stats(data_db, D(2024, 1, 1), D(2024, 12, 31))["years"]["2024"]["below_target"] == 0


def test_detail_lists_the_records_behind(data_db: Database) -> None:
    with data_db.session_factory() as s:
        detail = compute_stats_detail(s, D(2023, 1, 1), D(2024, 12, 31))
    names = {m.id: m.name for m in detail.members.values()}
    assert sorted(names[i] for i in detail.years[2024].below_ids) == sorted(["甲一", "丙三", "戊五"])
    assert sorted(names[i] for i in detail.covered_ids_at_to) == sorted(["甲一", "乙二", "丙三"])
    assert len(detail.activity_ids_by_type["中心组学习"]) == 2


def test_empty_database_and_bad_period(db: Database) -> None:
    got = stats(db, D(2024, 1, 1), D(2024, 12, 31))
    assert got["members"] == 0 and got["coverage"] == 0.0 and got["activities"] == {}
    assert got["years"]["2024"] == {"members": 0, "total_hours": 0.0, "avg_hours": 0.0, "min_hours": 0.0,
                                    "coverage": 0.0, "below_target": 0}
    from services.errors import ValidationError

    with pytest.raises(ValidationError):
        stats(db, D(2024, 2, 1), D(2024, 1, 1))


def test_distribution_and_branches(data_db: Database) -> None:
    from services.assessment.figures import below_by_branch, hours_distribution, member_figures

    with data_db.session_factory() as s:
        detail = compute_stats_detail(s, D(2023, 1, 1), D(2024, 12, 31))
    # 2024 hours: m1 44, m2 46, m3 10, m4 40, m5 0.
    assert hours_distribution(detail, 2024) == [("0学时", 1), ("不足16", 1), ("16–32", 0), ("32–56", 3),
                                                ("56–80", 0), ("80以上", 0)]
    # 2024 below: m1 (第一支部), m3 and m5 (第二支部).
    assert below_by_branch(detail, 2024) == [("第一支部", 2, 1), ("第二支部", 2, 2), ("第三支部", 1, 0)]
    rows = member_figures(detail, detail.years[2024].below_ids, 2024)
    assert [(r.name, r.hours, r.target) for r in rows] == [("甲一", 44.0, 56.0), ("丙三", 10.0, 32.0),
                                                           ("戊五", 0.0, 26.67)]


def test_parallel_gives_the_same_figures(data_db: Database) -> None:
    with data_db.session_factory() as s:
        serial = compute_stats(s, D(2023, 1, 1), D(2024, 12, 31))
    with data_db.session_factory() as s:
        assert compute_stats(s, D(2023, 1, 1), D(2024, 12, 31), parallel=True) == serial


def test_cancel_and_progress(data_db: Database) -> None:
    import threading

    from services.errors import CancelledError

    seen: list[int] = []
    with data_db.session_factory() as s:
        compute_stats(s, D(2023, 1, 1), D(2024, 12, 31), progress=lambda p, _t: seen.append(p))
        assert seen[0] == 0 and seen[-1] == 100
        cancel = threading.Event()
        cancel.set()
        with pytest.raises(CancelledError):
            compute_stats(s, D(2023, 1, 1), D(2024, 12, 31), cancel=cancel)
