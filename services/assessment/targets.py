"""The year and its targets: hours targets per year and group, who is on the roll, pro-rating.

Rules (DOMAIN.md, "The year and its targets"):

* Groups: ``all`` (every member), ``committee`` (branch secretaries and committee members:
  ``COMMITTEE_POSTS`` plus the posts the office adds, kept in the setting
  ``targets.extra_committee_posts``) and ``bureau`` (the bureau's own target, for every member).
* Out of the box, for a year with no stored rule: ``all`` = 32 hours, ``committee`` = 56 hours
  with one concentrated class required; ``bureau`` has no target until the office sets one.
  A stored rule for (year, group) replaces the default; ``enabled = False`` switches a group off
  (the 2024–2028 plan sets no fixed number: disable ``all`` and ``committee``).
* A member's target is the highest target among the enabled groups they belong to (every member
  belongs to ``all`` and ``bureau``; committee members also to ``committee``). No enabled group:
  no target, and the member is neither 达标 nor 未达标.
* The member's Party post *today* decides the committee group for every year: the roll keeps no
  history of posts, so a former secretary is judged against the ordinary target for past years.
* Hours of an activity type count toward the target when the type's ``counts_toward_target`` is
  set and the office did not exclude the type for that year (``TargetExcludedType``). Manual
  adjustments count unless linked to an activity of an excluded type. Statistics of total hours
  count every type.
* The "one concentrated class" condition is shown beside the hours; it never changes them nor
  the 达标 verdict on hours.
* On the roll in year Y: the later of the Party joining date (month-only dates: the first day of
  the month) and the joining date in this organisation (empty = not later) is on or before
  31 Dec Y, and the member did not leave before 1 Jan Y. A month-only leaving date means the last
  day of that month. A member whose status says they left (转出, 去世 …) but who has no leaving
  date is treated as never on the roll: the data cannot say when they left.
* Pro-rating: target × months / 12, counting the months of the year at whose end (its last day)
  the member was on the roll — joined 28 Jun: 7 months; left 30 Jun: 6 months (the leaving day
  itself still counts as on the roll).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import ActivityType, Setting, TargetExcludedType, TargetRule
from services.errors import NotFoundError, ValidationError
from services.normalize import COMMITTEE_POSTS, partial_end, partial_start
from services.plan.periods import plan_for_date
from services.safety import changelog

GROUPS = ("all", "committee", "bureau")
GROUP_LABELS = {"all": "全体党员", "committee": "支部书记和支委委员", "bureau": "本局自定目标"}
DEFAULT_RULES: dict[str, tuple[float, bool, bool]] = {
    "all": (32.0, True, False),
    "committee": (56.0, True, True),
}
EXTRA_POSTS_KEY = "targets.extra_committee_posts"
_POST_SPLIT = re.compile(r"[、,，/;；\s]+")


@dataclass(frozen=True)
class RuleInfo:
    year: int
    group: str
    hours: float | None
    enabled: bool
    class_required: bool
    stored: bool  # False: the built-in default (or "not set" for the bureau)

    @property
    def label(self) -> str:
        return GROUP_LABELS[self.group]


class RollSpan:
    """When a member was on the roll: from `start` (None = always) to `end` (None = still)."""

    __slots__ = ("start", "end", "_first", "_last")

    def __init__(self, start: dt.date | None, end: dt.date | None) -> None:
        self.start = start
        self.end = end
        # (year, month) of the first and last month at whose end the member was on the roll,
        # as year * 12 + month - 1; precomputed because statistics ask 100 000 times.
        self._first = -(10**9) if start is None else start.year * 12 + start.month - 1
        self._last = 10**9 if end is None else end.year * 12 + last_full_month(end) - 1

    def __repr__(self) -> str:
        return f"RollSpan({self.start!r}, {self.end!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RollSpan) and (self.start, self.end) == (other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.start, self.end))

    def on_roll_between(self, lo: dt.date, hi: dt.date) -> bool:
        """On the roll on at least one day of [lo, hi]."""
        return (self.start is None or self.start <= hi) and (self.end is None or self.end >= lo)

    def on_roll_in_year(self, year: int) -> bool:
        return self.on_roll_between(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def on_roll_at(self, day: dt.date) -> bool:
        return self.on_roll_between(day, day)

    def months_in_year(self, year: int, lo: dt.date | None = None, hi: dt.date | None = None) -> int:
        """Months of `year` at whose last day the member was on the roll (and, if given, lo ≤ day ≤ hi)."""
        first = year * 12 if lo is None or lo.year < year else lo.year * 12 + lo.month - 1
        last = year * 12 + 11 if hi is None or hi.year > year else hi.year * 12 + last_full_month(hi) - 1
        return self.months_in_range(first, last)

    def month_bounds(self) -> tuple[int, int]:
        """The first and last month (year * 12 + month - 1) at whose end the member was on the roll."""
        return self._first, self._last

    def months_in_range(self, first: int, last: int) -> int:
        """Months m (as year * 12 + month - 1) with first ≤ m ≤ last at whose end the member was on the roll."""
        return max(0, min(last, self._last) - max(first, self._first) + 1)


_ONE_DAY = dt.timedelta(days=1)


def last_full_month(day: dt.date) -> int:
    """The month of `day` if it is the month's last day, else the month before (0 for January)."""
    return day.month if (day + _ONE_DAY).day == 1 else day.month - 1


def roll_span(joined_party: str | None, joined_org: str | None, left_date: str | None,
              status: str = "在册") -> RollSpan:
    starts = [partial_start(d) for d in (joined_party, joined_org) if d]
    start = max(starts) if starts else None
    if left_date:
        end: dt.date | None = partial_end(left_date)
    elif status and status != "在册":
        end = dt.date.min  # left at an unknown time: never counted
    else:
        end = None
    return RollSpan(start, end)


# ---------------------------------------------------------------- rules


def rules_for_year(session: Session, year: int) -> dict[str, RuleInfo]:
    """The rule of each group for `year`: stored for the year, else the plan's that contains its
    last day (services/plan/periods.py), else the built-in default."""
    t = TargetRule.__table__.c
    stored = {r.group: r for r in session.execute(
        select(t.group, t.hours, t.enabled, t.class_required).where(t.year == year))}
    plan = plan_for_date(session, dt.date(year, 12, 31))
    out: dict[str, RuleInfo] = {}
    for group in GROUPS:
        rule = stored.get(group)
        planned = plan.target(group) if plan is not None else None
        if rule is not None:
            out[group] = RuleInfo(year, group, rule.hours, rule.enabled, rule.class_required, True)
        elif planned is not None:
            enabled = planned.hours is not None
            out[group] = RuleInfo(year, group, planned.hours, enabled, planned.class_required, False)
        elif group in DEFAULT_RULES:
            hours, enabled, cls = DEFAULT_RULES[group]
            out[group] = RuleInfo(year, group, hours, enabled, cls, False)
        else:
            out[group] = RuleInfo(year, group, None, False, False, False)
    return out


def set_rule(session: Session, actor: str, year: int, group: str, hours: float,
             enabled: bool = True, class_required: bool = False) -> RuleInfo:
    """Store the target of `group` for `year` (replacing the default or the earlier rule)."""
    if group not in GROUPS:
        raise ValidationError(f"目标分组“{group}”不存在（可选：{'、'.join(GROUPS)}）", "group")
    if not 1900 <= year <= 2100:
        raise ValidationError(f"年度“{year}”不合理", "year")
    if not 0 <= hours <= 1000:  # also refuses nan
        raise ValidationError("目标学时应在0～1000之间", "hours")
    before = rules_for_year(session, year)[group]
    rule = session.scalar(select(TargetRule).where(TargetRule.year == year, TargetRule.group == group))
    if rule is None:
        rule = TargetRule(year=year, group=group, hours=hours, enabled=enabled, class_required=class_required)
        session.add(rule)
    else:
        rule.hours, rule.enabled, rule.class_required = hours, enabled, class_required
    session.flush()
    changelog.record(session, actor, "update", "target_rule", rule.id,
                     f"设置{year}年度“{GROUP_LABELS[group]}”学时目标：{hours:g}学时"
                     + ("" if enabled else "（停用）"),
                     {"hours": (before.hours, hours), "enabled": (before.enabled, enabled),
                      "class_required": (before.class_required, class_required)})
    return rules_for_year(session, year)[group]


def excluded_type_ids(session: Session, year: int) -> set[int]:
    t = TargetExcludedType.__table__.c
    return set(session.scalars(select(t.type_id).where(t.year == year)))


def set_type_excluded(session: Session, actor: str, year: int, type_name: str, excluded: bool) -> None:
    """Exclude (or include again) an activity type from the target of `year`."""
    type_ = session.scalar(select(ActivityType).where(ActivityType.name == type_name))
    if type_ is None:
        raise NotFoundError(f"活动类型“{type_name}”不存在")
    was = type_.id in excluded_type_ids(session, year)
    if was == excluded:
        return
    if excluded:
        session.add(TargetExcludedType(year=year, type_id=type_.id))
    else:
        session.execute(delete(TargetExcludedType).where(TargetExcludedType.year == year,
                                                         TargetExcludedType.type_id == type_.id))
    session.flush()
    changelog.record(session, actor, "update", "target_excluded_type", type_.id,
                     f"{year}年度“{type_name}”学时" + ("不计入" if excluded else "计入") + "目标",
                     {"excluded": (was, excluded)})


def countable_type_ids(session: Session, year: int) -> set[int]:
    """Activity types whose hours count toward the target of `year`."""
    t = ActivityType.__table__.c
    counting = set(session.scalars(select(t.id).where(t.counts_toward_target.is_(True))))
    return counting - excluded_type_ids(session, year)


def committee_posts(session: Session) -> tuple[str, ...]:
    """COMMITTEE_POSTS plus the 支委 posts the office added."""
    t = Setting.__table__.c
    raw = session.scalar(select(t.value).where(t.key == EXTRA_POSTS_KEY))
    extra: list[str] = []
    if raw:
        try:
            extra = [str(p) for p in json.loads(raw)]
        except ValueError:
            extra = []
    return tuple(dict.fromkeys((*COMMITTEE_POSTS, *extra)))


def set_extra_committee_posts(session: Session, actor: str, posts: list[str]) -> tuple[str, ...]:
    clean = [p.strip() for p in posts if p and p.strip()]
    before = committee_posts(session)
    setting = session.get(Setting, EXTRA_POSTS_KEY)
    value = json.dumps(clean, ensure_ascii=False)
    if setting is None:
        session.add(Setting(key=EXTRA_POSTS_KEY, value=value))
    else:
        setting.value = value
    session.flush()
    after = committee_posts(session)
    changelog.record(session, actor, "update", "setting", None, "设置计入支委学时目标的党内职务",
                     {EXTRA_POSTS_KEY: ("、".join(before), "、".join(after))})
    return after


def is_committee(post: str | None, posts: tuple[str, ...]) -> bool:
    """A post field may hold several posts (支部副书记、纪检委员)."""
    if not post:
        return False
    return any(p in posts for p in _POST_SPLIT.split(post) if p)


# ---------------------------------------------------------------- a member's target


@dataclass(frozen=True)
class MemberTarget:
    full_hours: float | None  # the whole-year target; None: no target applies
    hours: float | None  # pro-rated by months / 12, rounded to 2 decimals
    months: int
    group: str | None  # the group whose rule gave the target
    class_required: bool

    @property
    def label(self) -> str:
        return GROUP_LABELS[self.group] if self.group else "无目标"

    @property
    def basis(self) -> str:
        """Which target applies and how it was pro-rated: “支部书记和支委委员56学时，在册7个月折算”."""
        if self.full_hours is None:
            return "无目标"
        text = f"{self.label}{self.full_hours:g}学时"
        if self.months != 12:
            text += f"，在册{self.months}个月折算"
        return text + ("，须参加集中培训班" if self.class_required else "")


@dataclass
class YearTargets:
    """Everything needed to judge members' hours in one year, loaded once."""

    year: int
    rules: dict[str, RuleInfo]
    countable_types: set[int]
    posts: tuple[str, ...]
    _cache: dict[bool, tuple[float | None, str | None, bool]] = field(default_factory=dict)
    _hours_cache: dict[tuple[bool, int], float | None] = field(default_factory=dict)

    def _full(self, committee: bool) -> tuple[float | None, str | None, bool]:
        if committee not in self._cache:
            best: tuple[float | None, str | None, bool] = (None, None, False)
            class_required = False
            for group in GROUPS:
                rule = self.rules[group]
                if not rule.enabled or rule.hours is None:
                    continue
                if group == "committee" and not committee:
                    continue
                class_required = class_required or rule.class_required
                if best[0] is None or rule.hours > best[0]:
                    best = (rule.hours, group, False)
            self._cache[committee] = (best[0], best[1], class_required)
        return self._cache[committee]

    def target_for(self, post: str | None, months: int = 12) -> MemberTarget:
        return self.target_for_group(is_committee(post, self.posts), months)

    def target_for_group(self, committee: bool, months: int = 12) -> MemberTarget:
        full, group, class_required = self._full(committee)
        hours = None if full is None else round(full * months / 12, 2)
        return MemberTarget(full, hours, months, group, class_required)

    def prorated_hours(self, committee: bool, months: int) -> float | None:
        """The pro-rated target alone (what statistics ask 100 000 times)."""
        key = (committee, months)
        if key not in self._hours_cache:
            self._hours_cache[key] = self.target_for_group(committee, months).hours
        return self._hours_cache[key]


def load_year_targets(session: Session, year: int) -> YearTargets:
    return YearTargets(year, rules_for_year(session, year), countable_type_ids(session, year),
                       committee_posts(session))


# ---------------------------------------------------------------- the settings page


@dataclass(frozen=True)
class TargetTypeRow:
    name: str
    counts_toward_target: bool  # the type's own setting (培训活动 → 活动类型)
    excluded: bool  # excluded by the office for the year


@dataclass(frozen=True)
class TargetSettings:
    """Everything the 学时目标 page shows for one year."""

    year: int
    rules: dict[str, RuleInfo]
    types: list[TargetTypeRow]
    builtin_posts: tuple[str, ...]
    extra_posts: tuple[str, ...]


def extra_committee_posts(session: Session) -> tuple[str, ...]:
    """Only the posts the office added (beyond COMMITTEE_POSTS)."""
    return tuple(p for p in committee_posts(session) if p not in COMMITTEE_POSTS)


def target_settings(session: Session, year: int) -> TargetSettings:
    excluded = excluded_type_ids(session, year)
    types = [TargetTypeRow(t.name, t.counts_toward_target, t.id in excluded)
             for t in session.scalars(select(ActivityType).order_by(ActivityType.sort_order, ActivityType.id))]
    return TargetSettings(year, rules_for_year(session, year), types, tuple(COMMITTEE_POSTS),
                          extra_committee_posts(session))


def save_target_settings(session: Session, actor: str, year: int,
                         rules: dict[str, tuple[float | None, bool, bool]], excluded_types: set[str],
                         extra_posts: list[str]) -> TargetSettings:
    """Store what changed on the 学时目标 page: rules (group → hours, enabled, class required),
    the excluded types of `year` and the extra 支委 posts. The caller frames one transaction."""
    current = target_settings(session, year)
    for group, (hours, enabled, class_required) in rules.items():
        before = current.rules.get(group)
        if before is None:
            raise ValidationError(f"目标分组“{group}”不存在（可选：{'、'.join(GROUPS)}）", "group")
        if (before.hours, before.enabled, before.class_required) == (hours, enabled, class_required):
            continue
        if hours is None:
            if enabled:
                raise ValidationError(f"“{GROUP_LABELS[group]}”已启用，请填写目标学时", "hours")
            hours = 0.0  # a switched-off group without a number
        set_rule(session, actor, year, group, hours, enabled, class_required)
    for row in current.types:
        if row.excluded != (row.name in excluded_types):
            set_type_excluded(session, actor, year, row.name, row.name in excluded_types)
    known = {t.name for t in current.types}
    unknown = sorted(excluded_types - known)
    if unknown:
        raise NotFoundError(f"活动类型“{'、'.join(unknown)}”不存在")
    clean = tuple(dict.fromkeys(p.strip() for p in extra_posts if p and p.strip() and p.strip() not in COMMITTEE_POSTS))
    if clean != current.extra_posts:
        set_extra_committee_posts(session, actor, list(clean))
    return target_settings(session, year)


def split_posts(text: str) -> list[str]:
    """Posts typed in one line, separated by 、 , ， ; or spaces."""
    return [p for p in _POST_SPLIT.split(text or "") if p]
