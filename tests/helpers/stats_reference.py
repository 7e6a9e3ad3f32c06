"""The statistics as computed before issue 17 item 4 (services/assessment/stats.py at 1e40b5e), kept unchanged
as the reference the fast path is held to (tests/services/assessment/test_stats_same.py). Do not edit."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    ActivityType,
    Attendance,
    Branch,
    HoursAdjustment,
    Member,
)
from services import access
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
from services.normalize import ATTENDED_STATUSES
from services.plan.rules import exempt_ids

ATTENDED = ATTENDED_STATUSES
CANCELLED_STATUS = "已取消"


def hours_round(value: float) -> float:
    return round(value + 0.0, 2) + 0.0


def share_round(value: float) -> float:
    return round(value + 0.0, 4) + 0.0


class MemberInfo:
    """A member as statistics see them (a slotted class: 20 000 are made per computation)."""

    __slots__ = ("id", "name", "branch_id", "party_post", "membership", "span", "committee")

    def __init__(self, id: int, name: str, branch_id: int, party_post: str | None, membership: str,
                 span: RollSpan, committee: bool) -> None:
        self.id = id
        self.name = name
        self.branch_id = branch_id
        self.party_post = party_post
        self.membership = membership
        self.span = span
        self.committee = committee


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


def load_members(session: Session) -> dict[int, MemberInfo]:
    posts = committee_posts(session)
    rows = session.connection().execute(access.scope(
        session,
        select(Member.id, Member.name, Member.branch_id, Member.party_post, Member.membership,
               Member.joined_party, Member.joined_org, Member.left_date, Member.status),
        branch=Member.branch_id)  # a branch account: its own members
    ).all()
    spans: dict[tuple[Any, ...], RollSpan] = {}  # many members share dates: parse each once
    out: dict[int, MemberInfo] = {}
    for mid, name, branch_id, post, membership, joined, joined_org, left, status in rows:
        key = (joined, joined_org, left, status == "在册")
        span = spans.get(key)
        if span is None:
            span = spans[key] = roll_span(joined, joined_org, left, status)
        out[mid] = MemberInfo(mid, name, branch_id, post, membership, span,
                              is_committee(post, posts) if post else False)
    return out


_SESSION_BUCKET = Table(
    "tmp_stats_session_bucket", MetaData(),
    Column("sid", Integer, primary_key=True),
    Column("y", Integer),  # index of the session's year in the period
    Column("yc", Integer),  # the same when the session's type counts toward that year's target, else -1
    prefixes=["TEMPORARY"],
)


def member_year_hours(conn: Connection | Session, date_from: dt.date, date_to: dt.date,
                      years: dict[int, YearTargets]) -> dict[int, list[float]]:
    """member → [hours of each year of the period…, hours toward the target of each year…].

    The years are those of `years` in ascending order; the hours are those credited in the
    period. One pass over the covering index (member, session, hours): each session's year and
    whether its type counts come from a small temporary table, and the years are pivoted into
    columns, so SQLite groups by member in index order without sorting 2 000 000 rows.
    `conn` may be a session or a connection of its own (see `compute_stats_detail(parallel=True)`).
    """
    year_list = sorted(years)
    n = len(year_list)
    index = {y: k for k, y in enumerate(year_list)}
    rows = conn.execute(
        select(ActivitySession.id, ActivitySession.date, Activity.type_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(ActivitySession.date >= date_from, ActivitySession.date <= date_to)
    ).all()
    out: dict[int, list[float]] = {}
    if rows:
        buckets = []
        all_count = True
        for sid, day, type_id in rows:
            k = index[day.year]
            counts = type_id in years[day.year].countable_types
            all_count = all_count and counts
            buckets.append({"sid": sid, "y": k, "yc": k if counts else -1})
        raw = conn.connection() if isinstance(conn, Session) else conn
        _SESSION_BUCKET.drop(raw, checkfirst=True)
        _SESSION_BUCKET.create(raw)
        try:
            raw.execute(insert(_SESSION_BUCKET), buckets)
            t = _SESSION_BUCKET.c
            # SUM(…) FILTER (WHERE …): a fifth faster than SUM(CASE …) in SQLite (≥ 3.30), standard in PostgreSQL.
            cols = [func.sum(Attendance.hours).filter(t.y == k) for k in range(n)]
            if not all_count:
                cols += [func.sum(Attendance.hours).filter(t.yc == k) for k in range(n)]
            query = (select(Attendance.member_id, *cols)
                     .join(_SESSION_BUCKET, t.sid == Attendance.session_id)
                     .group_by(Attendance.member_id))
            if all_count:
                # Every type counts: the hours toward the target are the hours themselves.
                for row in raw.execute(query):
                    values = [v or 0.0 for v in row[1:]]
                    out[row[0]] = values + values
            else:
                for row in raw.execute(query):
                    out[row[0]] = [v or 0.0 for v in row[1:]]
        finally:
            _SESSION_BUCKET.drop(raw)
    # Adjustments are few: group them by member, year and type. One not tied to an activity counts.
    adj = (
        select(HoursAdjustment.member_id, HoursAdjustment.date, Activity.type_id, HoursAdjustment.hours)
        .outerjoin(Activity, Activity.id == HoursAdjustment.activity_id)
        .where(HoursAdjustment.date >= date_from, HoursAdjustment.date <= date_to)
    )
    for member_id, day, type_id, hours in conn.execute(adj):
        cell = out.get(member_id)
        if cell is None:
            cell = out[member_id] = [0.0] * (2 * n)
        k = index[day.year]
        cell[k] += hours or 0.0
        if type_id is None or type_id in years[day.year].countable_types:
            cell[n + k] += hours or 0.0
    return out


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise CancelledError()


class _MemberHoursThread(threading.Thread):
    """Sums the member-year hours on a connection of its own while the caller does the rest."""

    def __init__(self, engine: Any, date_from: dt.date, date_to: dt.date, targets: dict[int, YearTargets]) -> None:
        super().__init__(name="stats-member-hours", daemon=True)
        self.args = (engine, date_from, date_to, targets)
        self.result: dict[int, list[float]] = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        engine, date_from, date_to, targets = self.args
        try:
            with engine.connect() as conn:
                self.result = member_year_hours(conn, date_from, date_to, targets)
        except BaseException as exc:  # handed back to the caller's thread in outcome()
            self.error = exc

    def outcome(self) -> dict[int, list[float]]:
        self.join()
        if self.error is not None:
            raise self.error
        return self.result


def compute_stats_detail(session: Session, date_from: dt.date, date_to: dt.date, *,
                         progress: Callable[[int, str], None] | None = None,
                         cancel: threading.Event | None = None, parallel: bool = False) -> StatsDetail:
    """The statistics of [date_from, date_to] and the records behind each figure.

    With `parallel`, the member-year sums run on a second connection in a thread of their own
    while this thread sums the activities (SQLite releases the GIL while it works): about a third
    faster on two cores. Only for a session that has written nothing yet, since the second
    connection sees committed data only (the command line, the statistics tab and the benchmark
    open a fresh session for it).
    """
    if date_from > date_to:
        raise ValidationError("统计区间的开始日期晚于结束日期", "date_from")
    report = progress or (lambda _p, _m: None)
    report(0, "读取党员名册")
    period_years = _period_years(date_from, date_to)
    targets = {y: load_year_targets(session, y) for y, _lo, _hi in period_years}
    worker: _MemberHoursThread | None = None
    bind = session.get_bind()
    in_memory = isinstance(bind, Engine) and bind.dialect.name == "sqlite" and bind.url.database in (
        None, "", ":memory:")
    if parallel and isinstance(bind, Engine) and not in_memory:
        # A second connection to the same database (an in-memory SQLite one would be another database).
        worker = _MemberHoursThread(bind, date_from, date_to, targets)
        worker.start()
    members = load_members(session)
    _check(cancel)

    at_to = [m.id for m in members.values() if m.span.on_roll_at(date_to)]
    branch_ids = sorted({members[i].branch_id for i in at_to})

    report(10, "统计活动与人次")
    type_rows = session.execute(select(ActivityType.id, ActivityType.name)
                                .order_by(ActivityType.sort_order, ActivityType.id)).all()
    type_names = {tid: name for tid, name in type_rows}
    # A branch account: its branches' activities, and its own members' attendance at them.
    acts = session.execute(access.scope(
        session,
        select(Activity.id, Activity.type_id)
        .where(Activity.start_date >= date_from, Activity.start_date <= date_to,
               Activity.status != CANCELLED_STATUS), activity=Activity.id)
    ).all()
    act_type = {aid: tid for aid, tid in acts}
    activity_hours: dict[int, float] = dict.fromkeys(act_type, 0.0)
    activity_pt: dict[int, int] = dict.fromkeys(act_type, 0)
    if act_type:
        period_acts = access.scope(session, select(Activity.id)
                                   .where(Activity.start_date >= date_from, Activity.start_date <= date_to,
                                          Activity.status != CANCELLED_STATUS), activity=Activity.id)
        session_act = dict(session.execute(
            select(ActivitySession.id, ActivitySession.activity_id)
            .where(ActivitySession.activity_id.in_(period_acts))).all())
        n_sessions: dict[int, int] = {}
        for aid in session_act.values():
            n_sessions[aid] = n_sessions.get(aid, 0) + 1
        # Grouped by session and status: the covering index's own order, no sort.
        per_session = access.scope(session, (
            select(Attendance.session_id, Attendance.status, func.sum(Attendance.hours), func.count())
            .where(Attendance.session_id.in_(select(ActivitySession.id)
                                             .where(ActivitySession.activity_id.in_(period_acts))))
            .group_by(Attendance.session_id, Attendance.status)
        ), member=Attendance.member_id)
        for sid, status, hours, count in session.execute(per_session):
            aid = session_act[sid]
            activity_hours[aid] += hours or 0.0
            if status in ATTENDED and n_sessions[aid] == 1:
                activity_pt[aid] += count
        multi = [aid for aid, n in n_sessions.items() if n > 1]
        for chunk_start in range(0, len(multi), 500):
            chunk = multi[chunk_start:chunk_start + 500]
            distinct = access.scope(session, (
                select(ActivitySession.activity_id, func.count(func.distinct(Attendance.member_id)))
                .join(ActivitySession, ActivitySession.id == Attendance.session_id)
                .where(ActivitySession.activity_id.in_(chunk), Attendance.status.in_(ATTENDED))
                .group_by(ActivitySession.activity_id)
            ), member=Attendance.member_id)
            for aid, count in session.execute(distinct):
                activity_pt[aid] = count
        adj = access.scope(session, (select(HoursAdjustment.activity_id, func.sum(HoursAdjustment.hours))
                                     .where(HoursAdjustment.activity_id.in_(period_acts))
                                     .group_by(HoursAdjustment.activity_id)), member=HoursAdjustment.member_id)
        for adj_aid, adj_hours in session.execute(adj):
            if adj_aid is not None:
                activity_hours[adj_aid] += adj_hours or 0.0
    _check(cancel)

    ids_by_type: dict[str, list[int]] = {}
    for tid, name in type_names.items():
        ids = sorted(a for a, t in act_type.items() if t == tid)
        if ids:
            ids_by_type[name] = ids
    activities = {name: len(ids) for name, ids in ids_by_type.items()}
    person_times = {name: sum(activity_pt[a] for a in ids) for name, ids in ids_by_type.items()}
    total_hours = sum(activity_hours.values())

    report(30, "统计党员学时")
    member_hours = worker.outcome() if worker is not None else member_year_hours(
        session, date_from, date_to, targets)
    _check(cancel)
    report(80, "核对年度目标")

    roll = [(m.id, m.span.start, m.span.end, *m.span.month_bounds(), m.committee) for m in members.values()]
    spans = {mid: (m_first, m_last, committee) for mid, _s, _e, m_first, m_last, committee in roll}
    years: dict[int, YearDetail] = {}
    year_figures: dict[str, dict[str, Any]] = {}
    sum_hours = 0.0
    sum_members = 0
    for k_year, (year, lo, hi) in enumerate(period_years):
        yt = targets[year]
        n_years = len(period_years)
        first = lo.year * 12 + lo.month - 1
        last = hi.year * 12 + last_full_month(hi) - 1
        # Pro-rated targets by (committee, months), and the countable hours below which one falls
        # short: comparing at the rounding of hours (a float sum may end 1e-12 short of 32).
        table = {c: [yt.prorated_hours(c, months) for months in range(13)] for c in (False, True)}
        short_of = {c: [None if t is None else t - 0.005 for t in table[c]] for c in (False, True)}

        def target_of(mid: int, table: dict[bool, list[float | None]] = table, first: int = first,
                      last: int = last, spans: dict[int, tuple[int, int, bool]] = spans) -> float | None:
            m_first, m_last, committee = spans[mid]
            return table[committee][max(0, min(last, m_last) - max(first, m_first) + 1)]

        def rule_of(mid: int, yt: YearTargets = yt, first: int = first, last: int = last,
                    spans: dict[int, tuple[int, int, bool]] = spans) -> MemberTarget:
            m_first, m_last, committee = spans[mid]
            return yt.target_for_group(committee, max(0, min(last, m_last) - max(first, m_first) + 1))

        detail = YearDetail(year, lo, hi, _cells=member_hours, _k=k_year, _n=n_years, _target_of=target_of,
                            _rule_of=rule_of)
        member_ids, below = detail.member_ids, detail.below_ids
        exempt = exempt_ids(session, year)  # 免训 for the year (条例 art. 23): never below target
        get = member_hours.get
        k_countable = k_year + n_years
        year_total = 0.0
        covered = 0
        least = float("inf")
        # The hot loop (years × members): plain locals and list lookups only.
        for mid, start, end, m_first, m_last, committee in roll:
            if (start is not None and start > hi) or (end is not None and end < lo):
                continue
            member_ids.append(mid)
            cell = get(mid)
            if cell is None:
                total = countable = 0.0
            else:
                total = cell[k_year]
                countable = cell[k_countable]
            year_total += total
            if total > 0:
                covered += 1
            if total < least:
                least = total
            months = min(last, m_last) - max(first, m_first) + 1
            threshold = short_of[committee][months if months > 0 else 0]
            if threshold is not None and countable < threshold and mid not in exempt:
                below.append(mid)
        n = len(member_ids)
        year_figures[str(year)] = {
            "members": n,
            "total_hours": hours_round(year_total),
            "avg_hours": hours_round(year_total / n) if n else 0.0,
            "min_hours": hours_round(least) if n else 0.0,
            "coverage": share_round(covered / n) if n else 0.0,
            "below_target": len(below),
        }
        sum_hours += year_total
        sum_members += n
        years[year] = detail
        _check(cancel)

    n_years = len(period_years)
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
    branch_names = dict(session.execute(select(Branch.id, Branch.name).order_by(Branch.sort_order, Branch.id)).all())
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
    hours: float | None
    target: float | None  # pro-rated; None: no target (or no year)
    target_basis: str = ""  # which rule gave the target, e.g. “全体党员32学时，在册7个月折算”


def member_figures(detail: StatsDetail, ids: list[int], year: int | None = None,
                   by_hours: bool = False) -> list[MemberFigure]:
    """The members behind a member figure, by branch order then name (or fewest hours first)."""
    order = {b: n for n, b in enumerate(detail.branch_names)}
    y = detail.years.get(year) if year is not None else None
    out = []
    for mid in ids:
        m = detail.members[mid]
        rule = y.target_rule(mid) if y else None
        out.append(MemberFigure(mid, m.name, detail.branch_names.get(m.branch_id, ""), m.party_post or "",
                                m.membership,
                                hours_round(y.hours.get(mid, 0.0)) if y else None,
                                y.targets.get(mid) if y else None,
                                rule.basis if rule is not None else ""))
    out.sort(key=lambda f: (order.get(detail.members[f.id].branch_id, 0), f.name))
    if by_hours:
        out.sort(key=lambda f: f.hours or 0.0)
    return out
