"""Statistics of a period: members, activities and person-times by type, hours, coverage, targets.

Definitions (the figures of `stats --json`, the statistics tab and the report are all these):

* The period is [date_from, date_to], both days included.
* ``members``: members on the roll at ``date_to`` (see services/assessment/targets.py for "on the roll").
  ``branches``: the number of distinct branches those members are in.
* ``activities``: per type name, activities whose start date lies in the period, except
  cancelled ones (status 已取消). ``person_times``: per type (the same keys), distinct
  (member, activity) pairs with at least one attendance 出席/迟到/早退 at those activities, any
  member, on the roll or not.
* ``total_hours``: all hours credited for those activities: attendance hours of all their
  sessions (whatever the session date) plus manual adjustments linked to them.
* "Hours credited in year Y": attendance hours of sessions dated in Y plus adjustments dated in
  Y, restricted to the period (so the first and last year of a period that starts or ends
  mid-year count only the days inside it). Every activity type counts here.
* Year Y belongs to the period when it intersects [date_from, date_to]. A member is on the roll
  in year Y *of the period* when on the roll on at least one day of Y ∩ period (for a whole year
  inside the period this is exactly the rule of "The year and its targets").
* ``years[Y]``: ``members`` on the roll in Y; ``total_hours`` credited in Y to those members;
  ``avg_hours`` = total_hours / members; ``min_hours`` the least any of them earned (0 when one
  earned nothing); ``coverage`` the share of them with more than 0 hours in Y;
  ``below_target`` how many had fewer hours counting toward the target (types not excluded) than
  their pro-rated target, the months counted being those of Y ∩ period at whose last day they
  were on the roll. Members without a target (no enabled rule) are never below it, nor are members
  exempted for Y (年老体弱、长期病休, services/plan/rules.py).
* ``avg_hours_per_member_year`` = Σ_Y total_hours(Y) / Σ_Y members(Y), over every year of the period (as the
  statistics issue defines it). The report, written while a period's last years have no hours credited yet,
  tells the average of the years with records and says so (services/printing/report_narrative.py).
* ``coverage``: the share of the members on the roll at ``date_to`` with more than 0 hours
  credited in the period.
* Hours are rounded to 2 decimals, shares to 4, each from the exact sums (the avg of the
  rounded totals may differ in the last digit). A zero denominator gives 0.

The heavy sums run in SQL (services/assessment/stats_sums.py: per member and year, per activity),
the roll and target logic in Python over the members, list by list (tests/benchmarks/bench_stats.py,
tests/benchmarks/bench_records.py part (b)).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import ActivityType, Branch, Member
from services import access
from services.assessment.stats_sums import (
    CANCELLED_STATUS,  # noqa: F401 (services/assessment/ledger.py takes it from here)
    ActivitySums,
    SumsJob,
    activity_sums,
    member_year_hours,
)
from services.assessment.targets import (
    MemberTarget,
    RollSpan,
    YearTargets,
    committee_posts,
    is_committee,
    last_full_month,
    load_year_targets,
    roll_span,
)
from services.errors import CancelledError, ValidationError
from services.naming import stroke_sort_key
from services.normalize import ATTENDED_STATUSES
from services.plan.rules import exempt_ids
from services.progress import few_collections

ATTENDED = ATTENDED_STATUSES


def hours_round(value: float) -> float:
    return round(value + 0.0, 2) + 0.0


def share_round(value: float) -> float:
    return round(value + 0.0, 4) + 0.0


class MemberInfo:
    """A member as statistics see them (a slotted class: 20 000 are made per computation)."""

    __slots__ = ("id", "name", "branch_id", "party_post", "membership", "span", "committee", "sort_key")

    def __init__(self, id: int, name: str, branch_id: int, party_post: str | None, membership: str,
                 span: RollSpan, committee: bool, sort_key: str = "") -> None:
        self.id = id
        self.name = name
        self.branch_id = branch_id
        self.party_post = party_post
        self.membership = membership
        self.span = span
        self.committee = committee
        self.sort_key = sort_key or stroke_sort_key(name)  # 姓氏笔画, as stored with the member


@dataclass
class YearDetail:
    """What lies behind the figures of one year: who was on the roll, who fell short, and (built
    when first asked, since only a drill-down needs them) each one's hours and pro-rated target."""

    year: int
    lo: dt.date  # Y ∩ period
    hi: dt.date
    member_ids: list[int] = field(default_factory=list)
    below_ids: list[int] = field(default_factory=list)
    _cells: dict[int, list[float]] = field(default_factory=dict, repr=False)
    _k: int = 0  # this year's column in the cells; the hours toward the target follow n columns later
    _n: int = 1
    _target_of: Callable[[int], float | None] | None = field(default=None, repr=False)
    _rule_of: Callable[[int], MemberTarget] | None = field(default=None, repr=False)
    _cache: dict[str, dict[int, Any]] = field(default_factory=dict, repr=False)

    def _column(self, k: int) -> dict[int, float]:
        get = self._cells.get
        out = {}
        for mid in self.member_ids:
            cell = get(mid)
            out[mid] = cell[k] if cell is not None else 0.0
        return out

    @property
    def hours(self) -> dict[int, float]:
        """member → all hours credited in Y ∩ period."""
        if "hours" not in self._cache:
            self._cache["hours"] = self._column(self._k)
        return self._cache["hours"]

    @property
    def countable(self) -> dict[int, float]:
        """member → hours counting toward the target."""
        if "countable" not in self._cache:
            self._cache["countable"] = self._column(self._k + self._n)
        return self._cache["countable"]

    @property
    def targets(self) -> dict[int, float | None]:
        """member → pro-rated target (None: no target applies)."""
        if "targets" not in self._cache:
            target_of = self._target_of or (lambda _mid: None)
            self._cache["targets"] = {mid: target_of(mid) for mid in self.member_ids}
        return self._cache["targets"]

    def target_rule(self, member_id: int) -> MemberTarget | None:
        """The target that applies to a member this year: which rule, the whole-year and pro-rated hours."""
        return self._rule_of(member_id) if self._rule_of is not None else None


@dataclass
class StatsDetail:
    """The figures (`figures`, exactly the `stats --json` structure) and the records behind them."""

    figures: dict[str, Any]
    date_from: dt.date
    date_to: dt.date
    members: dict[int, MemberInfo]
    member_ids_at_to: list[int]
    covered_ids_at_to: list[int]
    branch_ids: list[int]
    type_names: dict[int, str]
    branch_names: dict[int, str]
    activity_ids_by_type: dict[str, list[int]]
    activity_hours: dict[int, float]
    activity_person_times: dict[int, int]
    years: dict[int, YearDetail]


def _period_years(date_from: dt.date, date_to: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    out = []
    for year in range(date_from.year, date_to.year + 1):
        out.append((year, max(date_from, dt.date(year, 1, 1)), min(date_to, dt.date(year, 12, 31))))
    return out


_MEMBER = Member.__table__.c
_TYPE = ActivityType.__table__.c
_BRANCH = Branch.__table__.c
_ALWAYS = dt.date.min  # a roll span's open start, compared like a date
_STILL = dt.date.max  # a roll span's open end


def load_members(session: Session) -> dict[int, MemberInfo]:
    """The members the account sees with their roll spans: plain rows, each distinct date and post read once."""
    posts = committee_posts(session)
    rows = session.connection().execute(access.scope(
        session,
        select(_MEMBER.id, _MEMBER.name, _MEMBER.branch_id, _MEMBER.party_post, _MEMBER.membership,
               _MEMBER.joined_party, _MEMBER.joined_org, _MEMBER.left_date, _MEMBER.status, _MEMBER.sort_key),
        branch=_MEMBER.branch_id)  # a branch account: its own members
    ).all()
    spans: dict[tuple[Any, ...], RollSpan] = {}  # many members share dates: parse each once
    committee: dict[str, bool] = {}
    out: dict[int, MemberInfo] = {}
    for mid, name, branch_id, post, membership, joined, joined_org, left, status, sort_key in rows:
        # roll_span's end depends on the status only when there is no leaving date.
        key = (joined, joined_org, left, bool(status) and status != "在册")
        span = spans.get(key)
        if span is None:
            span = spans[key] = roll_span(joined, joined_org, left, status)
        if post:
            is_com = committee.get(post)
            if is_com is None:
                is_com = committee[post] = is_committee(post, posts)
        else:
            is_com = False
        out[mid] = MemberInfo(mid, name, branch_id, post, membership, span, is_com, sort_key)
    return out


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise CancelledError()


def compute_stats_detail(session: Session, date_from: dt.date, date_to: dt.date, *,
                         progress: Callable[[int, str], None] | None = None,
                         cancel: threading.Event | None = None, parallel: bool = False) -> StatsDetail:
    """The statistics of [date_from, date_to] and the records behind each figure.

    With `parallel`, the two passes over attendance (member-year sums, activity sums; see
    services/assessment/stats_sums.py) run on connections of their own in two threads while this
    thread reads the roll and works out who is on it when (SQLite releases the GIL while it works).
    Only for a session that has written nothing yet, since the other connections see committed data
    only (the command line, the statistics tab and the benchmark open a fresh session for it).
    """
    if date_from > date_to:
        raise ValidationError("统计区间的开始日期晚于结束日期", "date_from")
    with few_collections():  # 20 000 members' rows and objects: no full collection halfway
        return _compute(session, date_from, date_to, progress or (lambda _p, _m: None), cancel, parallel)


def _compute(session: Session, date_from: dt.date, date_to: dt.date, report: Callable[[int, str], None],
             cancel: threading.Event | None, parallel: bool) -> StatsDetail:
    report(0, "读取党员名册")
    period_years = _period_years(date_from, date_to)
    n_years = len(period_years)
    targets = {y: load_year_targets(session, y) for y, _lo, _hi in period_years}
    scope = functools.partial(access.scope, session)
    bind = session.get_bind()
    in_memory = isinstance(bind, Engine) and bind.dialect.name == "sqlite" and bind.url.database in (
        None, "", ":memory:")
    hours_job: SumsJob | None = None
    acts_job: SumsJob | None = None
    if parallel and isinstance(bind, Engine) and not in_memory:
        # Connections of their own to the same database (an in-memory SQLite one would be another database).
        hours_job = SumsJob(bind, lambda conn: member_year_hours(conn, date_from, date_to, targets),
                            "stats-member-hours")
        acts_job = SumsJob(bind, lambda conn: activity_sums(conn, date_from, date_to, scope), "stats-activities")
        hours_job.start()
        acts_job.start()
    members = load_members(session)
    _check(cancel)

    # Who is on the roll when, worked out while the sums run: members in roll order, open spans as
    # the least and greatest dates (so that a plain comparison says "on the roll on a day of [lo, hi]").
    roll = [(m.id, m.span.start, m.span.end, *m.span.month_bounds(), m.committee) for m in members.values()]
    spans = {mid: (m_first, m_last, committee) for mid, _s, _e, m_first, m_last, committee in roll}
    ids = [r[0] for r in roll]
    starts = [_ALWAYS if r[1] is None else r[1] for r in roll]
    ends = [_STILL if r[2] is None else r[2] for r in roll]
    at_to = [mid for mid, s, e in zip(ids, starts, ends) if s <= date_to and e >= date_to]
    branch_ids = sorted({members[i].branch_id for i in at_to})
    type_names = {tid: name for tid, name in session.connection().execute(
        select(_TYPE.id, _TYPE.name).order_by(_TYPE.sort_order, _TYPE.id))}
    # Members grouped by their months on the roll within the period (clipped to it) and committee
    # seat: the pro-rated target depends on nothing else, so it is worked out once per group and year.
    p_first = date_from.year * 12 + date_from.month - 1
    p_last = date_to.year * 12 + last_full_month(date_to) - 1
    groups: dict[tuple[int, int, bool], int] = {}
    group_of = [groups.setdefault((mf if mf > p_first else p_first, ml if ml < p_last else p_last, c), len(groups))
                for _mid, _s, _e, mf, ml, c in roll]
    on_roll: list[list[int]] = []  # per year: positions in `roll` of the members on it
    short_of: list[list[float | None]] = []  # per year and group: below this, short of the target
    exempts: list[set[int]] = []
    for year, lo, hi in period_years:
        yt = targets[year]
        first = lo.year * 12 + lo.month - 1
        last = hi.year * 12 + last_full_month(hi) - 1
        # The countable hours below which one falls short: compared at the rounding of hours (a
        # float sum may end 1e-12 short of 32).
        table = {c: [None if t is None else t - 0.005 for t in (yt.prorated_hours(c, months)
                                                                for months in range(13))]
                 for c in (False, True)}
        short_of.append([table[c][max(0, min(last, gl) - max(first, gf) + 1)] for gf, gl, c in groups])
        on_roll.append([i for i, s, e in zip(range(len(ids)), starts, ends) if s <= hi and e >= lo])
        exempts.append(exempt_ids(session, year))  # 免训 for the year (条例 art. 23): never below target
    _check(cancel)

    report(10, "统计活动与人次")
    sums: ActivitySums = acts_job.outcome() if acts_job is not None else activity_sums(
        session, date_from, date_to, scope)
    act_type, activity_hours, activity_pt = sums.act_type, sums.hours, sums.person_times
    _check(cancel)

    ids_by_type: dict[str, list[int]] = {}
    for tid, name in type_names.items():
        found = sorted(a for a, t in act_type.items() if t == tid)
        if found:
            ids_by_type[name] = found
    activities = {name: len(found) for name, found in ids_by_type.items()}
    person_times = {name: sum(activity_pt[a] for a in found) for name, found in ids_by_type.items()}
    total_hours = sum(activity_hours.values())

    report(30, "统计党员学时")
    member_hours: dict[int, list[float]] = hours_job.outcome() if hours_job is not None else member_year_hours(
        session, date_from, date_to, targets)
    _check(cancel)
    report(80, "核对年度目标")

    none = [0.0] * (2 * n_years)
    get = member_hours.get
    cells = [get(mid, none) for mid in ids]
    years: dict[int, YearDetail] = {}
    year_figures: dict[str, dict[str, Any]] = {}
    sum_hours = 0.0
    sum_members = 0
    for k_year, (year, lo, hi) in enumerate(period_years):
        yt = targets[year]
        first = lo.year * 12 + lo.month - 1
        last = hi.year * 12 + last_full_month(hi) - 1
        table = {c: [yt.prorated_hours(c, months) for months in range(13)] for c in (False, True)}

        def target_of(mid: int, table: dict[bool, list[float | None]] = table, first: int = first,
                      last: int = last, spans: dict[int, tuple[int, int, bool]] = spans) -> float | None:
            m_first, m_last, committee = spans[mid]
            return table[committee][max(0, min(last, m_last) - max(first, m_first) + 1)]

        def rule_of(mid: int, yt: YearTargets = yt, first: int = first, last: int = last,
                    spans: dict[int, tuple[int, int, bool]] = spans) -> MemberTarget:
            m_first, m_last, committee = spans[mid]
            return yt.target_for_group(committee, max(0, min(last, m_last) - max(first, m_first) + 1))

        on = on_roll[k_year]
        exempt = exempts[k_year]
        k_countable = k_year + n_years
        hours = [cells[i][k_year] for i in on]
        countable = [cells[i][k_countable] for i in on]
        # Summed in roll order, one addition at a time, as the figures always were.
        year_total = functools.reduce(operator.add, hours, 0.0)
        detail = YearDetail(year, lo, hi, _cells=member_hours, _k=k_year, _n=n_years, _target_of=target_of,
                            _rule_of=rule_of)
        detail.member_ids.extend([ids[i] for i in on])
        short = short_of[k_year]
        detail.below_ids.extend([ids[i] for i, c in zip(on, countable)
                                 if (t := short[group_of[i]]) is not None and c < t and ids[i] not in exempt])
        n = len(on)
        year_figures[str(year)] = {
            "members": n,
            "total_hours": hours_round(year_total),
            "avg_hours": hours_round(year_total / n) if n else 0.0,
            "min_hours": hours_round(min(hours)) if n else 0.0,
            "coverage": share_round(len([v for v in hours if v > 0]) / n) if n else 0.0,
            "below_target": len(detail.below_ids),
        }
        sum_hours += year_total
        sum_members += n
        years[year] = detail
        _check(cancel)

    covered_at_to = [i for i in at_to if i in member_hours and sum(member_hours[i][:n_years]) > 0]
    figures = {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "members": len(at_to),
        "branches": len(branch_ids),
        "activities": activities,
        "person_times": person_times,
        "total_hours": hours_round(total_hours),
        "avg_hours_per_member_year": hours_round(sum_hours / sum_members) if sum_members else 0.0,
        "coverage": share_round(len(covered_at_to) / len(at_to)) if at_to else 0.0,
        "years": year_figures,
    }
    report(100, "完成")
    branch_names = dict(session.connection().execute(
        select(_BRANCH.id, _BRANCH.name).order_by(_BRANCH.sort_order, _BRANCH.id)).all())
    return StatsDetail(figures, date_from, date_to, members, at_to, covered_at_to, branch_ids,
                       type_names, branch_names, ids_by_type, activity_hours, activity_pt, years)


def compute_stats(session: Session, date_from: dt.date, date_to: dt.date, *,
                  progress: Callable[[int, str], None] | None = None,
                  cancel: threading.Event | None = None, parallel: bool = False) -> dict[str, Any]:
    """Exactly the structure `stats --json` prints (see the module docstring for each figure)."""
    return compute_stats_detail(session, date_from, date_to, progress=progress, cancel=cancel,
                                parallel=parallel).figures


# ---------------------------------------------------------------- the members behind a figure


@dataclass(frozen=True)
class MemberFigure:
    """One member behind a figure: with a year, the hours then and the target that applies."""

    id: int
    name: str
    branch: str
    party_post: str
    membership: str
    hours: float | None  # every hour credited in the year
    target: float | None  # pro-rated; None: no target (or no year)
    target_basis: str = ""  # which rule gave the target, e.g. “全体党员32学时，在册7个月折算”
    countable: float | None = None  # the hours toward the target (types excluded for the year left out)


def member_figures(detail: StatsDetail, ids: list[int], year: int | None = None,
                   by_hours: bool = False) -> list[MemberFigure]:
    """The members behind a member figure, by branch order then 姓氏笔画 (or fewest hours first)."""
    order = {b: n for n, b in enumerate(detail.branch_names)}
    y = detail.years.get(year) if year is not None else None
    out = []
    for mid in ids:
        m = detail.members[mid]
        rule = y.target_rule(mid) if y else None
        hours = hours_round(y.hours.get(mid, 0.0)) if y else None
        countable = hours_round(y.countable.get(mid, 0.0)) if y else None
        basis = rule.basis if rule is not None else ""
        if basis and countable != hours:  # a type excluded from the target: say what the target is held to
            basis += f"；计入目标{countable:g}学时"
        out.append(MemberFigure(mid, m.name, detail.branch_names.get(m.branch_id, ""), m.party_post or "",
                                m.membership, hours, y.targets.get(mid) if y else None, basis, countable))
    members = detail.members
    out.sort(key=lambda f: (order.get(members[f.id].branch_id, 0), members[f.id].sort_key))
    if by_hours:
        out.sort(key=lambda f: f.hours or 0.0)
    return out
