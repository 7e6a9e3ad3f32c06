"""The 考核与统计 tab's presenter: plain Python (no Qt) between the workspace's services and the view.

It computes the statistics of a period (the view runs `compute` off the GUI thread), keeps the
latest result, and turns it into what the view shows: rows of figures, chart data, drill-downs
(title, headers, rows, what a double-click opens next) and the status line. Who counts behind
each figure and which target applies are the services' rules (services/assessment/figures.py);
the presenter only picks the list and words the title.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from services.assessment import figures, ledger
from services.assessment import stats as stats_service
from services.assessment.stats import StatsDetail
from services.assessment.stats_cache import StatsCache
from services.errors import ValidationError

YEAR_HEADERS = ("年度", "在册党员", "累计学时", "人均学时", "最少学时", "覆盖率", "未达标人数")
# The figure of `stats --json`'s years[Y] shown in each column of the 年度学时 page after the year.
YEAR_COLUMNS = ("year", "members", "total_hours", "avg_hours", "min_hours", "coverage", "below_target")
MEMBER_HEADERS = ("姓名", "党支部", "党内职务", "党员类别", "学时", "目标学时", "目标依据")
HOURS_HEADERS = ("日期", "姓名", "活动", "类型", "课次", "出勤", "学时", "说明")
ACTIVITY_HEADERS = ("开始日期", "活动名称", "类型", "主办单位", "状态", "参加人次", "计入学时")


class Page(StrEnum):
    """The pages of the tab, in their order; the view looks a page up by name, never by number."""

    OVERVIEW = "概况"
    YEARS = "年度学时"
    BELOW = "未达标党员"
    AUDIENCE = "培训对象"
    RULES = "条例要求"
    GRADES = "民主评议"
    AWARDS = "评先评优"
    BRANCH = "支部考核"
    SPENDING = "经费开支"
    EXAMS = "考试成绩"
    TARGETS = "学时目标"


# Pages filled from the statistics of the period (all at once, when a computation ends).
STATS_PAGES = frozenset({Page.OVERVIEW, Page.YEARS, Page.BELOW})
# Pages that read for themselves, when first shown after their data changed.
LAZY_PAGES = frozenset(set(Page) - STATS_PAGES)

# What each part of the tab shows (table names, as the workspace announces changes): a write that
# touches any of them makes that part reload (the statistics recompute in the background).
ROLL_KINDS = ("member", "branch")
HOURS_KINDS = (*ROLL_KINDS, "activity", "activity_type", "activity_session", "attendance", "hours_adjustment")
# A year without its own rule follows the plan that contains it (services/assessment/targets.py).
TARGET_KINDS = ("target_rule", "target_excluded_type", "setting", "plan_period", "plan_target")
STATS_KINDS = (*HOURS_KINDS, *TARGET_KINDS)
PAGE_KINDS: dict[Page, tuple[str, ...]] = {
    Page.GRADES: (*ROLL_KINDS, "evaluation_grade"),
    Page.AWARDS: (*STATS_KINDS, "evaluation_grade"),
    Page.BRANCH: ("branch", "branch_assessment"),
    Page.SPENDING: ("spending",),
    Page.EXAMS: (*ROLL_KINDS, "activity", "activity_type", "activity_session", "enrolment", "attendance",
                 "exam_score"),
    Page.TARGETS: ("activity_type", *TARGET_KINDS),
    Page.AUDIENCE: HOURS_KINDS,
    Page.RULES: (*HOURS_KINDS, "member_post", "exemption", "mobile_member"),
}


def pct(share: float) -> str:
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"


@dataclass
class DrillDown:
    """The records behind a figure. `opens`: what a double-click on a row shows (its payload)."""

    title: str
    headers: Sequence[str]
    rows: list[tuple[Any, ...]]
    payloads: list[Any] = field(default_factory=list)
    opens: str | None = None  # "member_hours" (payload (member id, year)) or "activity_hours" (activity id)


@dataclass
class Computation:
    """One requested computation: its number (only the latest counts) and its cancel flag."""

    generation: int
    date_from: dt.date
    date_to: dt.date
    cancel: threading.Event


class StatsPresenter:
    """State and wording of the tab; reads through `ws.read()`, never touches a widget."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.detail: StatsDetail | None = None
        self.generation = 0
        self.running: Computation | None = None
        self.cache = StatsCache()

    # ------------------------------------------------------------ computing

    def start(self, date_from: dt.date, date_to: dt.date) -> Computation:
        """A new computation of the period; an older one still running is cancelled."""
        if date_from > date_to:
            raise ValidationError("开始日期晚于结束日期", "date_from")
        if self.running is not None:
            self.running.cancel.set()  # no longer wanted
        self.generation += 1
        self.running = Computation(self.generation, date_from, date_to, threading.Event())
        return self.running

    def compute(self, job: Computation, progress: Callable[[int, str], None] | None = None) -> StatsDetail:
        """The work of `job` (runs in a pool thread, on a session of its own)."""
        with self.ws.read() as session:
            # A period seen before, with no commit since, comes back from the cache at once.
            who = (getattr(self.ws, "actor", None), getattr(self.ws, "role", None))
            return self.cache.get_or_compute(
                session, job.date_from, job.date_to, who,
                lambda: stats_service.compute_stats_detail(session, job.date_from, job.date_to, progress=progress,
                                                           cancel=job.cancel, parallel=True))

    def is_current(self, generation: int) -> bool:
        return generation == self.generation

    def finish(self, generation: int, detail: StatsDetail) -> bool:
        """Keep `detail` if it answers the latest request; False: it came too late, ignore it."""
        if not self.is_current(generation):
            return False
        self.detail = detail
        self.running = None
        return True

    # ------------------------------------------------------------ what the pages show

    def status_text(self) -> str:
        if self.detail is None:
            return ""
        f = self.detail.figures
        return f"{f['from']} 至 {f['to']}：党员 {f['members']} 名，年均 {f['avg_hours_per_member_year']:g} 学时"

    def figure_rows(self) -> tuple[list[tuple[str, Any]], list[tuple[Any, ...]]]:
        """The overview's (item, value) rows and what each stands for (see `figure_drilldown`)."""
        if self.detail is None:
            return [], []
        f = self.detail.figures
        rows: list[tuple[str, Any]] = [("现有党员（名）", f["members"]), ("党支部（个）", f["branches"])]
        payloads: list[tuple[Any, ...]] = [("members_at_to",), ("branches",)]
        for name, n in f["activities"].items():
            rows.append((f"{name}（次 / 人次）", f"{n} / {f['person_times'].get(name, 0)}"))
            payloads.append(("activities", name))
        rows += [("活动累计学时", f["total_hours"]), ("党员年均培训学时", f["avg_hours_per_member_year"]),
                 ("参训覆盖率", pct(f["coverage"]))]
        payloads += [("activities", None), ("years",), ("not_covered",)]
        return rows, payloads

    def has_activities(self) -> bool:
        return bool(self.detail is not None and self.detail.figures["activities"])

    def type_chart(self) -> tuple[str, list[tuple[str, float]], str]:
        f = self.detail.figures if self.detail else {"person_times": {}}
        return "各类活动参加人次", [(name, float(n)) for name, n in f["person_times"].items()], "人次"

    def last_year(self) -> int | None:
        return max(self.detail.years) if self.detail and self.detail.years else None

    def distribution_chart(self) -> tuple[str, list[tuple[str, float]]] | None:
        year = self.last_year()
        if self.detail is None or year is None:
            return None
        return (f"{year}年党员学时分布（人）",
                [(k, float(v)) for k, v in figures.hours_distribution(self.detail, year)])

    def year_rows(self) -> tuple[list[tuple[Any, ...]], list[int]]:
        if self.detail is None:
            return [], []
        years = self.detail.figures["years"]
        rows = [(int(y), v["members"], v["total_hours"], v["avg_hours"], v["min_hours"], pct(v["coverage"]),
                 v["below_target"]) for y, v in years.items()]
        return rows, [int(y) for y in years]

    def below_years(self) -> list[int]:
        """The years of the 未达标党员 page, latest first."""
        return sorted(self.detail.years, reverse=True) if self.detail else []

    def branch_rows(self, year: int | None) -> tuple[list[tuple[str, int, int]], list[int]]:
        detail = self.detail
        if detail is None or year is None or year not in detail.years:
            return [], []
        rows = figures.below_by_branch(detail, year)
        ids = {name: b for b, name in detail.branch_names.items()}
        return rows, [ids[name] for name, _n, _b in rows]

    def below_member_rows(self, year: int | None, branch_id: int | None) -> tuple[list[tuple[Any, ...]], list[Any]]:
        if self.detail is None or year is None or year not in self.detail.years:
            return [], []
        ids = figures.member_ids(self.detail, "below_target", year, branch_id)
        return self._member_rows(ids, year)

    def _member_rows(self, ids: list[int], year: int | None,
                     by_hours: bool = False) -> tuple[list[tuple[Any, ...]], list[Any]]:
        assert self.detail is not None
        found = figures.member_figures(self.detail, ids, year, by_hours=by_hours)
        return ([(m.name, m.branch, m.party_post, m.membership, m.hours, m.target, m.target_basis) for m in found],
                [(m.id, year) for m in found])

    # ------------------------------------------------------------ drill-downs

    def _members(self, title: str, ids: list[int], year: int | None = None, by_hours: bool = False) -> DrillDown:
        rows, payloads = self._member_rows(ids, year, by_hours)
        return DrillDown(title, MEMBER_HEADERS, rows, payloads, "member_hours" if year is not None else None)

    def _activities(self, title: str, ids: list[int]) -> DrillDown:
        assert self.detail is not None
        with self.ws.read() as session:
            briefs = figures.activity_briefs(session, self.detail, ids)
        rows = [(a.start_date.isoformat(), a.title, a.type, a.organiser, a.status, a.person_times, a.hours)
                for a in briefs]
        return DrillDown(title, ACTIVITY_HEADERS, rows, [a.id for a in briefs], "activity_hours")

    def figure_drilldown(self, payload: Any) -> DrillDown | Page | None:
        """What lies behind an overview figure: records to show, or a page to go to."""
        detail = self.detail
        if detail is None or not payload:
            return None
        kind = payload[0]
        if kind == "members_at_to":
            return self._members("现有党员", figures.member_ids(detail, "on_roll"))
        if kind == "branches":
            rows = [(name, n) for _b, name, n in figures.branch_counts(detail)]
            return DrillDown("党支部", ("党支部", "现有党员"), rows, [None] * len(rows))
        if kind == "activities":
            name = payload[1]
            return self._activities(name or "区间内全部活动", figures.activity_ids(detail, name))
        if kind == "years":
            return Page.YEARS
        if kind == "not_covered":
            return self._members("区间内没有学时的现有党员", figures.member_ids(detail, "no_hours"))
        return None

    def year_drilldown(self, year: int | None, column: int) -> DrillDown | None:
        """The members behind a cell of the 年度学时 page (the figure of its column, in that year)."""
        detail = self.detail
        if detail is None or year is None or year not in detail.years or not 0 <= column < len(YEAR_COLUMNS):
            return None
        figure = YEAR_COLUMNS[column]
        kind = figures.YEAR_FIGURE_LISTS.get(figure, "on_roll")
        titles = {"below_target": "%s年未达到学时目标的党员", "no_hours": "%s年没有学时的党员",
                  "on_roll": "%s年在册党员及学时"}
        return self._members(titles[kind] % year, figures.member_ids(detail, kind, year), year,
                             by_hours=figure == "min_hours")

    def type_drilldown(self, bar: int) -> DrillDown | None:
        if self.detail is None or not 0 <= bar < len(self.detail.activity_ids_by_type):
            return None
        name = list(self.detail.activity_ids_by_type)[bar]
        return self._activities(name, figures.activity_ids(self.detail, name))

    def distribution_drilldown(self, bar: int) -> DrillDown | None:
        year = self.last_year()
        if self.detail is None or year is None or not 0 <= bar < len(figures.HOURS_BUCKETS):
            return None
        label = figures.HOURS_BUCKETS[bar][0]
        return self._members(f"{year}年学时{label}的党员", figures.bucket_member_ids(self.detail, year, bar), year)

    def member_hours(self, payload: Any) -> DrillDown | None:
        if not payload or payload[1] is None:
            return None
        member_id, year = payload
        with self.ws.read() as session:
            rows = ledger.hours_detail(session, year=year, member_id=member_id)
        known = self.detail is not None and member_id in self.detail.members
        name = self.detail.members[member_id].name if known and self.detail else ""
        return DrillDown(f"{name} {year}年学时明细", HOURS_HEADERS, _hours_rows(rows))

    def activity_hours(self, activity_id: Any) -> DrillDown | None:
        if activity_id is None:
            return None
        with self.ws.read() as session:
            rows = ledger.hours_detail(session, activity_ids=[activity_id])
        title = rows[0].activity if rows else "活动"
        return DrillDown(f"{title} 考勤与学时", HOURS_HEADERS, _hours_rows(rows))

    # ------------------------------------------------------------ exports (run off the GUI thread)

    def ledger_year(self, date_to: dt.date) -> int:
        """Exports of a year take the year the period ends in."""
        return date_to.year

    def export_ledger(self, year: int, path: Path) -> Path:
        with self.ws.read() as session:
            return ledger.write_ledger_xlsx(session, year, path)

    def export_notice(self, year: int, path: Path) -> Path:
        with self.ws.read() as session:
            return ledger.write_shortfall_notice(path, year, ledger.shortfalls(session, year))

    def export_report(self, date_from: dt.date, date_to: dt.date, path: Path) -> Path:
        from services.printing import report as report_service

        with self.ws.read() as session:
            content = report_service.build_report(session, date_from, date_to)
        report_service.write_report_docx(content, path)
        report_service.write_report_xlsx(content, path.with_suffix(".xlsx"))
        return path


def _hours_rows(rows: Sequence[ledger.HoursRow]) -> list[tuple[Any, ...]]:
    return [(r.date.isoformat(), r.member, r.activity, r.type, r.session, r.status, r.hours, r.note) for r in rows]
