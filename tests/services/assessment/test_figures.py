"""What lies behind a figure (services/assessment/figures.py) on the hand-built bureau, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from services.assessment import figures, targets
from services.assessment.stats import StatsDetail, compute_stats_detail
from services.errors import ValidationError
from services.safety.storage import Database
from tests.helpers.stats_dataset import build_dataset

D = dt.date


@pytest.fixture
def detail(db: Database) -> StatsDetail:
    with db.session_factory.begin() as s:
        build_dataset(s)
    with db.session_factory() as s:
        return compute_stats_detail(s, D(2023, 1, 1), D(2024, 12, 31))


def names(detail: StatsDetail, ids: list[int]) -> list[str]:
    return sorted(detail.members[i].name for i in ids)


def test_member_lists_match_their_figures(detail: StatsDetail) -> None:
    f = detail.figures
    # At the end of the period: m4 has left; m5 (probationary since 2024-03) earned nothing.
    assert names(detail, figures.member_ids(detail, "on_roll")) == sorted(["甲一", "乙二", "丙三", "戊五"])
    assert len(figures.member_ids(detail, "on_roll")) == f["members"]
    assert names(detail, figures.member_ids(detail, "no_hours")) == ["戊五"]
    for year in (2023, 2024):
        y = f["years"][str(year)]
        assert len(figures.member_ids(detail, "on_roll", year)) == y["members"]
        assert len(figures.member_ids(detail, "below_target", year)) == y["below_target"]
        no_hours = len(figures.member_ids(detail, "no_hours", year))
        assert round(1 - no_hours / y["members"], 4) == y["coverage"]
    # 2023: 甲一 20/56, 乙二 15/32, 丙三 8/18.67 short; 丁四 34/32 met. 2024: 甲一, 丙三, 戊五.
    assert names(detail, figures.member_ids(detail, "below_target", 2023)) == sorted(["甲一", "乙二", "丙三"])
    assert names(detail, figures.member_ids(detail, "below_target", 2024)) == sorted(["甲一", "丙三", "戊五"])
    assert names(detail, figures.member_ids(detail, "no_hours", 2024)) == ["戊五"]


def test_member_lists_by_branch_and_refusals(detail: StatsDetail) -> None:
    second = figures.branch_id_by_name(detail, "第二支部")
    assert names(detail, figures.member_ids(detail, "below_target", 2024, second)) == sorted(["丙三", "戊五"])
    with pytest.raises(ValidationError, match="须指定年度"):
        figures.member_ids(detail, "below_target")
    with pytest.raises(ValidationError, match="2022年不在统计区间"):
        figures.member_ids(detail, "on_roll", 2022)
    with pytest.raises(ValidationError, match="不存在"):
        figures.member_ids(detail, "everyone")
    with pytest.raises(ValidationError, match="不存在"):
        figures.branch_id_by_name(detail, "第九支部")


def test_which_target_applies(detail: StatsDetail) -> None:
    rows = {m.name: m for m in figures.member_figures(detail, figures.member_ids(detail, "on_roll", 2024), 2024)}
    assert (rows["甲一"].target, rows["甲一"].target_basis) == (56.0, "支部书记和支委委员56学时，须参加集中培训班")
    assert (rows["乙二"].target, rows["乙二"].target_basis) == (32.0, "全体党员32学时")
    assert (rows["丁四"].target, rows["丁四"].target_basis) == (16.0, "全体党员32学时，在册6个月折算")
    assert (rows["戊五"].target, rows["戊五"].target_basis) == (26.67, "全体党员32学时，在册10个月折算")
    # Without a year there is no target to speak of.
    plain = figures.member_figures(detail, figures.member_ids(detail, "on_roll"))
    assert all(m.hours is None and m.target is None and m.target_basis == "" for m in plain)


def test_target_basis_words() -> None:
    assert targets.MemberTarget(None, None, 12, None, False).basis == "无目标"
    assert targets.MemberTarget(50.0, 25.0, 6, "bureau", False).basis == "本局自定目标50学时，在册6个月折算"


def test_orders_buckets_and_branches(detail: StatsDetail) -> None:
    on_roll = figures.member_ids(detail, "on_roll", 2024)
    by_hours = figures.member_figures(detail, on_roll, 2024, by_hours=True)
    assert [(m.name, m.hours) for m in by_hours] == [("戊五", 0.0), ("丙三", 10.0), ("丁四", 40.0),
                                                     ("甲一", 44.0), ("乙二", 46.0)]
    by_branch = figures.member_figures(detail, on_roll, 2024)
    assert [m.branch for m in by_branch] == ["第一支部", "第一支部", "第二支部", "第二支部", "第三支部"]
    distribution = figures.hours_distribution(detail, 2024)
    for bucket, (_label, count) in enumerate(distribution):
        assert len(figures.bucket_member_ids(detail, 2024, bucket)) == count
    assert names(detail, figures.bucket_member_ids(detail, 2024, 3)) == sorted(["甲一", "乙二", "丁四"])
    assert figures.bucket_member_ids(detail, 2024, 9) == []
    assert [(n, c) for _b, n, c in figures.branch_counts(detail)] == [("第一支部", 2), ("第二支部", 2)]
    assert figures.activity_ids(detail) == sorted(i for ids in detail.activity_ids_by_type.values() for i in ids)


@pytest.mark.parametrize(("hours", "bucket"), [(0.0, 0), (0.004, 0), (0.01, 1), (15.999, 2), (16.0, 2),
                                               (31.99, 2), (32.0, 3), (55.996, 4), (79.99, 4), (80.0, 5)])
def test_hours_bucket_edges(hours: float, bucket: int) -> None:
    assert figures.hours_bucket(hours) == bucket
