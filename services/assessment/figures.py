"""What lies behind a statistics figure: the members it counts, the target each is held to, the activities.

The statistics tab's drill-downs and `stats --members` both ask here, so a figure and the list
behind it never disagree. Member lists (``MEMBER_LISTS``):

* ``on_roll``: with a year, the members on the roll in that year of the period (the ``members``
  of ``years[Y]``); without, the members on the roll at the end of the period (``members``).
* ``below_target``: members on the roll in the year whose hours toward the target fall short of
  their pro-rated target (``below_target``); needs a year.
* ``no_hours``: with a year, members on the roll then with no hours credited in it (those that
  keep ``coverage`` of the year below 100%); without, members on the roll at the end of the
  period with no hours in the whole period (the period's ``coverage``).

Hours buckets of the distribution chart: 0, then under 16, 16–32, 32–56, 56–80, 80 and more
(by the hours rounded to 2 decimals).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, ActivityType
from services.assessment.stats import MemberFigure, StatsDetail, hours_round, member_figures
from services.errors import ValidationError
from services.normalize import fold_key, keep_text

# MemberFigure and member_figures (the members behind a figure, with the target that applies) are
# defined beside the statistics, which the report also reads; this module is where views ask.
__all__ = ["HOURS_BUCKETS", "MEMBER_LISTS", "YEAR_FIGURE_LISTS", "ActivityBrief", "MemberFigure", "activity_briefs",
           "activity_ids", "below_by_branch", "branch_counts", "branch_id_by_name", "bucket_member_ids",
           "hours_bucket", "hours_distribution", "member_figures", "member_ids"]

MEMBER_LISTS = {"on_roll": "在册党员", "below_target": "未达到学时目标的党员", "no_hours": "没有学时的党员"}
# The member list behind each figure of a year (the keys of `stats --json`'s years[Y]).
YEAR_FIGURE_LISTS = {"members": "on_roll", "total_hours": "on_roll", "avg_hours": "on_roll",
                     "min_hours": "on_roll", "coverage": "no_hours", "below_target": "below_target"}
HOURS_BUCKETS: tuple[tuple[str, float], ...] = (
    ("0学时", 0.0), ("不足16", 16.0), ("16–32", 32.0), ("32–56", 56.0), ("56–80", 80.0), ("80以上", float("inf")))


def member_ids(detail: StatsDetail, kind: str, year: int | None = None,
               branch_id: int | None = None) -> list[int]:
    """The members of list `kind` (see the module docstring), optionally of one branch only."""
    if kind not in MEMBER_LISTS:
        raise ValidationError(f"名单“{kind}”不存在（可选：{'、'.join(MEMBER_LISTS)}）", "kind")
    if year is None:
        if kind == "below_target":
            raise ValidationError("未达到学时目标的党员须指定年度", "year")
        ids = list(detail.member_ids_at_to)
        if kind == "no_hours":
            covered = set(detail.covered_ids_at_to)
            ids = [i for i in ids if i not in covered]
    else:
        y = detail.years.get(year)
        if y is None:
            raise ValidationError(f"{year}年不在统计区间 {detail.date_from} 至 {detail.date_to} 内", "year")
        if kind == "on_roll":
            ids = list(y.member_ids)
        elif kind == "below_target":
            ids = list(y.below_ids)
        else:
            hours = y.hours
            ids = [i for i in y.member_ids if not hours.get(i, 0.0) > 0]
    if branch_id is not None:
        ids = [i for i in ids if detail.members[i].branch_id == branch_id]
    return ids


def hours_bucket(value: float) -> int:
    """The bucket (index into HOURS_BUCKETS) of `value` hours."""
    v = round(value, 2)
    if v <= 0:
        return 0
    for n, (_label, bound) in enumerate(HOURS_BUCKETS[1:], start=1):
        if v < bound:
            return n
    return len(HOURS_BUCKETS) - 1


def hours_distribution(detail: StatsDetail, year: int) -> list[tuple[str, int]]:
    """How many members on the roll in `year` earned how many hours, per bucket."""
    counts = [0] * len(HOURS_BUCKETS)
    for value in detail.years[year].hours.values():
        counts[hours_bucket(value)] += 1
    return [(label, counts[n]) for n, (label, _b) in enumerate(HOURS_BUCKETS)]


def bucket_member_ids(detail: StatsDetail, year: int, bucket: int) -> list[int]:
    """The members behind one bar of the distribution (empty for a bucket that does not exist)."""
    if not 0 <= bucket < len(HOURS_BUCKETS) or year not in detail.years:
        return []
    y = detail.years[year]
    hours = y.hours
    return [i for i in y.member_ids if hours_bucket(hours.get(i, 0.0)) == bucket]


def below_by_branch(detail: StatsDetail, year: int) -> list[tuple[str, int, int]]:
    """Per branch: (branch, members on the roll in `year`, of whom below target)."""
    on_roll: dict[int, int] = {}
    below: dict[int, int] = {}
    y = detail.years[year]
    for mid in y.member_ids:
        b = detail.members[mid].branch_id
        on_roll[b] = on_roll.get(b, 0) + 1
    for mid in y.below_ids:
        b = detail.members[mid].branch_id
        below[b] = below.get(b, 0) + 1
    return [(name, on_roll[b], below.get(b, 0)) for b, name in detail.branch_names.items() if b in on_roll]


def branch_counts(detail: StatsDetail) -> list[tuple[int, str, int]]:
    """Per branch with members on the roll at the end of the period: (id, name, members)."""
    counts: dict[int, int] = {}
    for mid in detail.member_ids_at_to:
        b = detail.members[mid].branch_id
        counts[b] = counts.get(b, 0) + 1
    return [(b, name, counts[b]) for b, name in detail.branch_names.items() if b in counts]


def branch_id_by_name(detail: StatsDetail, name: str) -> int:
    """The branch named `name` as typed: as stored, else by fold_key (第十二党支部(临时) is 第十二党支部（临时）)."""
    typed = keep_text(name)
    for b, branch in detail.branch_names.items():
        if branch == typed:
            return b
    key = fold_key(typed)
    for b, branch in detail.branch_names.items():
        if key and fold_key(branch) == key:
            return b
    raise ValidationError(f"党支部“{name}”不存在", "branch")


def activity_ids(detail: StatsDetail, type_name: str | None = None) -> list[int]:
    """The activities counted under one type (None: every type) in the period."""
    if type_name:
        return list(detail.activity_ids_by_type.get(type_name, []))
    return sorted(i for ids in detail.activity_ids_by_type.values() for i in ids)


@dataclass(frozen=True)
class ActivityBrief:
    id: int
    start_date: dt.date
    title: str
    type: str
    organiser: str
    status: str
    person_times: int
    hours: float


def activity_briefs(session: Session, detail: StatsDetail, ids: list[int]) -> list[ActivityBrief]:
    """The activities behind an activity figure, with the person-times and hours counted for them."""
    out: list[ActivityBrief] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        q = (select(Activity.id, Activity.start_date, Activity.title, ActivityType.name, Activity.organiser,
                    Activity.status)
             .join(ActivityType, ActivityType.id == Activity.type_id).where(Activity.id.in_(chunk)))
        for aid, day, title, tname, organiser, status in session.execute(q):
            out.append(ActivityBrief(aid, day, title, tname, organiser or "", status,
                                     detail.activity_person_times.get(aid, 0),
                                     hours_round(detail.activity_hours.get(aid, 0.0))))
    out.sort(key=lambda a: (a.start_date, a.id))
    return out
