"""The fast statistics (SQL sums in threads, list-wise roll logic) give exactly what the former code gave.

A generated bureau with the odd cases (members joining and leaving mid-period, month-only dates,
a leaver without a date, transfers between branches, committee posts in one field, sessions on year
boundaries and after the period, every attendance status, fractional and negative hours, cancelled
activities, excluded and non-counting types, exemptions, stored and disabled targets) is summed by
both, over several periods, serially and in parallel, for the office and for a branch account; every
figure and every list behind a figure must be equal (tests/helpers/stats_reference.py is the former code).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest
from sqlalchemy import select

from models import (
    Activity,
    ActivitySession,
    ActivityType,
    Attendance,
    Branch,
    Exemption,
    HoursAdjustment,
    Member,
    Setting,
    TargetExcludedType,
    TargetRule,
)
from services import access
from services.assessment import stats
from services.assessment.targets import EXTRA_POSTS_KEY
from services.normalize import id_check_digit
from services.safety.storage import Database
from tests.helpers import stats_reference as reference

D = dt.date
STATUSES = ("出席", "迟到", "早退", "请假", "缺席")
PERIODS = [
    (D(2020, 1, 1), D(2024, 12, 31)),  # five whole years
    (D(2021, 3, 15), D(2023, 6, 29)),  # starts and ends mid-month
    (D(2022, 12, 31), D(2023, 1, 1)),  # across a year boundary, two days
    (D(2023, 6, 30), D(2023, 6, 30)),  # one day, the last of a month
    (D(2019, 1, 1), D(2019, 12, 31)),  # before any activity
]


def _partial(rng: random.Random, lo: int, hi: int) -> str:
    year = rng.randint(lo, hi)
    if rng.random() < 0.3:
        return f"{year}-{rng.randint(1, 12):02d}"  # known to the month only
    day = D(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    return day.isoformat()


def build_bureau(session: Any, seed: int = 17, members: int = 90) -> None:
    rng = random.Random(seed)
    branches = []
    for order, name in enumerate(("第一支部", "第二支部", "第三支部", "第四支部"), start=1):
        b = Branch(name=name, sort_order=5 - order)  # sort order not the id order
        session.add(b)
        session.flush()
        branches.append(b.id)
    posts = [None] * 6 + ["支部书记", "支部副书记、纪检委员", "组织委员", "宣传委员", "党小组长", "青年委员"]
    session.add(Setting(key=EXTRA_POSTS_KEY, value=json.dumps(["青年委员"], ensure_ascii=False)))
    member_ids = []
    for n in range(1, members + 1):
        r = rng.random()
        joined = _partial(rng, 1990, 2024) if r < 0.5 else _partial(rng, 1980, 2019)
        joined_org = _partial(rng, 2019, 2024) if rng.random() < 0.25 else None
        left, status = None, "在册"
        r = rng.random()
        if r < 0.15:
            left, status = _partial(rng, 2020, 2024), rng.choice(("转出", "去世", "出党"))
        elif r < 0.2:
            status = "转出"  # left, but the date was never entered: never counted
        elif r < 0.23:
            left, status = "2022-12-31", "转出"  # left on a year's last day
        body = f"110105198001{n:05d}"
        m = Member(name=f"党员{n:03d}", id_number=body + id_check_digit(body), sex="男" if n % 2 else "女",
                   birth_date=D(1980, 1, 1), joined_party=joined, joined_org=joined_org, left_date=left,
                   status=status, party_post=rng.choice(posts), membership=rng.choice(("正式党员", "预备党员")),
                   branch_id=rng.choice(branches), sort_key=f"{n:04d}")
        session.add(m)
        session.flush()
        member_ids.append(m.id)
    # Transfers between branches: the roll keeps the branch now; some moved after attending elsewhere.
    for mid in rng.sample(member_ids, 8):
        session.get(Member, mid).branch_id = rng.choice(branches)
    types = list(session.scalars(select(ActivityType).order_by(ActivityType.id)))
    types[1].counts_toward_target = False
    session.add(TargetExcludedType(year=2022, type_id=types[0].id))
    session.add(TargetExcludedType(year=2024, type_id=types[2].id))
    session.add_all([TargetRule(year=2021, group="all", hours=24.0, enabled=True, class_required=False),
                     TargetRule(year=2022, group="committee", hours=0.0, enabled=False, class_required=False),
                     TargetRule(year=2023, group="bureau", hours=40.0, enabled=True, class_required=False),
                     TargetRule(year=2024, group="all", hours=0.0, enabled=False, class_required=False)])
    for mid in rng.sample(member_ids, 6):
        session.add(Exemption(member_id=mid, year=rng.choice((2021, 2023, 2024)), reason="长期病休"))
    hours_choices = (0.0, 0.5, 1.0, 1.5, 2.0, 2.25, 3.0, 4.0, 8.0)
    starts = [D(2019, 12, 30), D(2020, 12, 31), D(2021, 12, 31), D(2022, 12, 31), D(2023, 12, 31), D(2024, 12, 31),
              D(2023, 6, 30), D(2021, 3, 15)]
    starts += [D(2019, 6, 1) + dt.timedelta(days=rng.randint(0, 2200)) for _ in range(40)]
    activity_ids = []
    for k, start in enumerate(starts):
        status = "已取消" if k % 13 == 5 else rng.choice(("已结束", "进行中", "计划"))
        a = Activity(title=f"活动{k}", type_id=types[k % len(types)].id, start_date=start, hours=4.0, status=status,
                     organiser=rng.choice(("局党委", "第一支部", "第二支部")))
        session.add(a)
        session.flush()
        activity_ids.append(a.id)
        n_sessions = 1 if k % 3 else rng.randint(2, 3)
        for seq in range(1, n_sessions + 1):
            day = start + dt.timedelta(days=(seq - 1) * rng.choice((1, 2, 200)))  # may cross a year or the period
            s = ActivitySession(activity_id=a.id, seq=seq, date=day, hours=2.0)
            session.add(s)
            session.flush()
            for mid in rng.sample(member_ids, rng.randint(0, len(member_ids) // 2)):
                st = rng.choice(STATUSES)
                hours = rng.choice(hours_choices) if st in ("出席", "迟到", "早退") else rng.choice((0.0, 0.0, 1.0))
                session.add(Attendance(session_id=s.id, member_id=mid, status=st, hours=hours))
    for _ in range(40):
        session.add(HoursAdjustment(member_id=rng.choice(member_ids),
                                    activity_id=rng.choice(activity_ids) if rng.random() < 0.5 else None,
                                    date=D(2019, 12, 1) + dt.timedelta(days=rng.randint(0, 1900)),
                                    hours=rng.choice((-2.0, 1.0, 2.5, 6.0)), reason="补录", author="t"))
    session.flush()


def _members(detail: Any) -> dict[int, tuple[Any, ...]]:
    return {mid: (m.name, m.branch_id, m.party_post, m.membership, m.span.start, m.span.end, m.committee)
            for mid, m in detail.members.items()}


def _years(detail: Any) -> dict[int, tuple[Any, ...]]:
    out = {}
    for year, y in detail.years.items():
        rules = {mid: y.target_rule(mid) for mid in y.member_ids}
        out[year] = (y.lo, y.hi, y.member_ids, y.below_ids, y.hours, y.countable, y.targets, rules)
    return out


def assert_same(new: Any, old: Any) -> None:
    assert json.dumps(new.figures, ensure_ascii=False) == json.dumps(old.figures, ensure_ascii=False)
    assert new.figures == old.figures
    assert _members(new) == _members(old)
    assert list(new.members) == list(old.members)  # roll order
    for name in ("member_ids_at_to", "covered_ids_at_to", "branch_ids", "type_names", "branch_names",
                 "activity_ids_by_type", "activity_hours", "activity_person_times"):
        assert getattr(new, name) == getattr(old, name), name
    assert _years(new) == _years(old)


@pytest.fixture
def bureau_db(db: Database) -> Database:
    with db.session_factory.begin() as s:
        build_bureau(s)
    return db


@pytest.mark.parametrize("parallel", [False, True])
def test_every_figure_and_list_as_before(bureau_db: Database, parallel: bool) -> None:
    checked = 0
    for lo, hi in PERIODS:
        with bureau_db.session_factory() as s:
            old = reference.compute_stats_detail(s, lo, hi)
        with bureau_db.session_factory() as s:
            new = stats.compute_stats_detail(s, lo, hi, parallel=parallel)
        assert_same(new, old)
        checked += new.figures["members"] + sum(y["below_target"] for y in new.figures["years"].values())
    assert checked > 100  # the bureau is not empty: members on the roll and members below target were compared


def test_a_branch_account_sees_the_same_as_before(bureau_db: Database) -> None:
    with bureau_db.session_factory() as s:
        first = s.scalar(select(Branch.id).order_by(Branch.id))
    for lo, hi in PERIODS[:2]:
        with bureau_db.session_factory() as s:
            access.bind(s, "branch", "t", [first])
            old = reference.compute_stats_detail(s, lo, hi)
        with bureau_db.session_factory() as s:
            access.bind(s, "branch", "t", [first])
            new = stats.compute_stats_detail(s, lo, hi, parallel=True)
        assert_same(new, old)
        assert 0 < len(new.members) < 90


def test_the_benchmark_bureau_as_before(db: Database) -> None:
    """Every member attends everything, every type counts (the sums' shortcut for that case)."""
    with db.session_factory.begin() as s:
        build_bureau(s, seed=3, members=30)
        s.query(ActivityType).update({ActivityType.counts_toward_target: True})
        s.query(TargetExcludedType).delete()
    with db.session_factory() as s:
        old = reference.compute_stats_detail(s, *PERIODS[0])
    with db.session_factory() as s:
        new = stats.compute_stats_detail(s, *PERIODS[0], parallel=True)
    assert_same(new, old)
