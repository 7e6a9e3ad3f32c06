"""Training and study activities (培训 / 学习活动): types, activities, sessions (课次), status."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    ActivityType,
    Attendance,
    Certificate,
    Enrolment,
    HoursAdjustment,
)
from services import access
from services.assessment.stats_sums import attended_counts
from services.bulk import chunked
from services.errors import (
    ConflictError,
    FieldProblem,
    NormalizeError,
    NotFoundError,
    ValidationError,
)
from services.normalize import (
    ATTENDED_STATUSES,
    CLOSED_ACTIVITY_STATUSES,
    clean_text,
    fold_key,
    normalize_optional_text,
    parse_full_date,
    parse_hours,
)
from services.safety import changelog
from services.safety.versions import claim_version
from services.training.activity_sessions import SESSION_LABELS, clean_sessions
from services.training.twins import refuse_twins

STATUSES = ("计划", "进行中", "已结束", "已取消", "已归档")
PAID_BY = ("党费", "行政经费")
# Of several activities of one (title, type, start date), the one meant: the first not cancelled or archived, else
# the first (ORDER BY these; find_activity and the records import).
OPEN_FIRST = (Activity.status.in_(CLOSED_ACTIVITY_STATUSES), Activity.id)
MAX_COST = 1e9  # yuan: as for a spending (services/assessment/spending.py)
# What completing a class takes (for certificates): every session, a number of hours, a share of sessions.
COMPLETION_RULES = {"all_sessions": "全部课次出勤", "hours": "学时达到", "share": "出勤课次比例达到"}

FIELD_LABELS = {
    "title": "活动名称", "type": "类别", "organiser": "主办单位", "start_date": "开始日期",
    "end_date": "结束日期", "place": "地点", "lecturer": "授课人", "hours": "学时",
    "target_group": "培训对象", "cost": "费用", "paid_by": "经费来源", "status": "状态",
    "completion_rule": "结业条件", "completion_value": "结业条件数值", "remarks": "备注",
}


@dataclass(frozen=True)
class ActivityTypeInfo:
    id: int
    name: str
    code: str
    sort_order: int
    counts_toward_target: bool
    is_class: bool


@dataclass(frozen=True)
class SessionInfo:
    id: int
    seq: int
    date: dt.date
    start_time: str | None
    end_time: str | None
    hours: float
    topic: str | None
    place: str | None
    lecturer: str | None

    def time_text(self) -> str:
        if self.start_time and self.end_time:
            return f"{self.start_time}—{self.end_time}"
        return self.start_time or ""


@dataclass(frozen=True)
class ActivityInfo:
    id: int
    title: str
    type_id: int
    type_name: str
    type_code: str
    organiser: str | None
    start_date: dt.date
    end_date: dt.date | None
    place: str | None
    lecturer: str | None
    hours: float
    target_group: str | None
    cost: float | None
    paid_by: str | None
    status: str
    completion_rule: str
    completion_value: float | None
    remarks: str | None
    sessions: tuple[SessionInfo, ...] = ()
    enrolled: int = 0
    attended: int = 0
    version: int = 1  # moved on by every save: an edit sends back the version it opened

    @property
    def last_date(self) -> dt.date:
        return self.end_date or self.start_date

    def date_text(self) -> str:
        """2023年4月11日, or 2023年4月11日至4月14日 for a class of several days."""
        start = f"{self.start_date.year}年{self.start_date.month}月{self.start_date.day}日"
        end = self.end_date
        if not end or end == self.start_date:
            return start
        if end.year == self.start_date.year:
            return f"{start}至{end.month}月{end.day}日"
        return f"{start}至{end.year}年{end.month}月{end.day}日"

    def completion_text(self) -> str:
        if self.completion_rule == "hours":
            return f"学时达到{_num(self.completion_value)}学时"
        if self.completion_rule == "share":
            return f"出勤课次达到{_num((self.completion_value or 0) * 100)}%"
        return "全部课次出勤"


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# ---------------------------------------------------------------- types


def _type_info(t: ActivityType) -> ActivityTypeInfo:
    return ActivityTypeInfo(t.id, t.name, t.code, t.sort_order, t.counts_toward_target, t.is_class)


def list_types(session: Session) -> list[ActivityTypeInfo]:
    return [_type_info(t) for t in session.scalars(select(ActivityType).order_by(ActivityType.sort_order,
                                                                                 ActivityType.id))]


def get_type(session: Session, name_or_id: str | int) -> ActivityTypeInfo:
    if isinstance(name_or_id, int):
        t = session.get(ActivityType, name_or_id)
    else:
        t = session.scalar(select(ActivityType).where(ActivityType.name == clean_text(name_or_id)))
    if t is None:
        names = "、".join(i.name for i in list_types(session))
        raise NotFoundError(f"没有“{name_or_id}”这一活动类别（现有：{names}）")
    return _type_info(t)


def add_type(session: Session, name: str, code: str, actor: str, *, is_class: bool = False,
             counts_toward_target: bool = True) -> ActivityTypeInfo:
    """The office extends the list of types; the code goes into certificate numbers."""
    name = clean_text(name)
    code = clean_text(code).upper()
    problems = []
    if not name or len(name) > 50:
        problems.append(FieldProblem("name", "类别名称不能为空，且不超过50个字", column="类别名称"))
    if not code.isalnum() or not code.isascii() or len(code) > 10:
        problems.append(FieldProblem("code", "类别代码应为1～10个字母或数字（用于证书编号，如 DX）", column="代码"))
    if problems:
        raise ValidationError(problems)
    if session.scalar(select(ActivityType).where(ActivityType.name == name)) is not None:
        raise ConflictError(f"活动类别“{name}”已存在")
    if session.scalar(select(ActivityType).where(ActivityType.code == code)) is not None:
        raise ConflictError(f"类别代码“{code}”已被使用")
    last = session.scalar(select(func.max(ActivityType.sort_order))) or 0
    t = ActivityType(name=name, code=code, sort_order=last + 1, is_class=is_class,
                     counts_toward_target=counts_toward_target)
    session.add(t)
    session.flush()
    changelog.record(session, actor, "create", "activity_type", t.id, f"新增活动类别“{name}”（{code}）",
                     {"name": (None, name), "code": (None, code)})
    return _type_info(t)


def set_type_counts(session: Session, type_id: int, counts: bool, actor: str) -> ActivityTypeInfo:
    """Exclude a type from the yearly targets (or count it again)."""
    t = session.get(ActivityType, type_id)
    if t is None:
        raise NotFoundError(f"编号为{type_id}的活动类别不存在")
    if t.counts_toward_target != counts:
        changelog.record(session, actor, "update", "activity_type", t.id,
                         f"活动类别“{t.name}”{'计入' if counts else '不计入'}学时目标",
                         {"counts_toward_target": (t.counts_toward_target, counts)})
        t.counts_toward_target = counts
        session.flush()
    return _type_info(t)


# ---------------------------------------------------------------- reading


def _session_info(s: ActivitySession) -> SessionInfo:
    return SessionInfo(s.id, s.seq, s.date, s.start_time, s.end_time, s.hours, s.topic, s.place, s.lecturer)


def _counts(session: Session, activity_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Enrolled and attended members of each activity (a branch account: of its branches only)."""
    enrolled: dict[int, int] = {}
    attended: dict[int, int] = {}
    scope = functools.partial(access.scope, session)
    for run in chunked(activity_ids):  # every activity of the list: in runs (services/bulk.py)
        enrolled.update(session.execute(scope(
            select(Enrolment.activity_id, func.count(Enrolment.id))
            .where(Enrolment.activity_id.in_(run)).group_by(Enrolment.activity_id),
            member=Enrolment.member_id)).all())
        attended.update(attended_counts(session, run, scope))
    return enrolled, attended


def _info(a: Activity, t: ActivityType, sessions: Iterable[ActivitySession] = (), enrolled: int = 0,
          attended: int = 0) -> ActivityInfo:
    return ActivityInfo(
        a.id, a.title, a.type_id, t.name, t.code, a.organiser, a.start_date, a.end_date, a.place,
        a.lecturer, a.hours, a.target_group, a.cost, a.paid_by, a.status, a.completion_rule,
        a.completion_value, a.remarks, tuple(_session_info(s) for s in sessions), enrolled, attended,
        a.version)


def get_activity(session: Session, activity_id: int) -> ActivityInfo:
    a = session.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    access.require_activity(session, activity_id)
    sessions = session.scalars(select(ActivitySession).where(ActivitySession.activity_id == a.id)
                               .order_by(ActivitySession.seq)).all()
    enrolled, attended = _counts(session, [a.id])
    t = session.get(ActivityType, a.type_id)
    assert t is not None
    return _info(a, t, sessions, enrolled.get(a.id, 0), attended.get(a.id, 0))


def list_activities(session: Session, *, year: int | None = None, type_name: str | None = None,
                    status: str | None = None, query: str | None = None) -> list[ActivityInfo]:
    """Activities, newest first, with enrolled and attended counts (sessions left out).

    A branch account lists the activities of its branches (see services/access.py for the rule).
    """
    stmt = access.scope(session, select(Activity, ActivityType).join(ActivityType, ActivityType.id == Activity.type_id),
                        activity=Activity.id)
    if year:
        stmt = stmt.where(extract("year", Activity.start_date) == year)
    if type_name:
        stmt = stmt.where(ActivityType.name == clean_text(type_name))
    if status:
        stmt = stmt.where(Activity.status == status)
    rows: list[Any] = list(session.execute(stmt.order_by(Activity.start_date.desc(), Activity.id.desc())).all())
    q = fold_key(query or "")
    if q:  # titles are stored as written: compare folded, so (上半年) finds （上半年）
        rows = [(a, t) for a, t in rows
                if any(q in fold_key(text or "") for text in (a.title, a.organiser, a.place))]
    enrolled, attended = _counts(session, [a.id for a, _ in rows])
    return [_info(a, t, (), enrolled.get(a.id, 0), attended.get(a.id, 0)) for a, t in rows]


def activity_years(session: Session) -> list[int]:
    years = session.scalars(access.scope(session, select(extract("year", Activity.start_date)).distinct(),
                                         activity=Activity.id)).all()
    return sorted((int(y) for y in years if y is not None), reverse=True)


def find_activity(session: Session, title: str, type_id: int, start_date: dt.date) -> int | None:
    """The activity (title, type, start date), its title matched through `fold_key`: of several, the first open
    one (OPEN_FIRST), as the records import picks it."""
    key = fold_key(title)
    for a_id, a_title in session.execute(select(Activity.id, Activity.title).where(
            Activity.type_id == type_id, Activity.start_date == start_date).order_by(*OPEN_FIRST)):
        if fold_key(a_title) == key:
            return int(a_id)
    return None


# ---------------------------------------------------------------- validation


def clean_activity(session: Session, raw: dict[str, Any]) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Normalise an activity's fields; `type` may be a type name or id."""
    clean: dict[str, Any] = {}
    problems: list[FieldProblem] = []

    def problem(key: str, message: str) -> None:
        problems.append(FieldProblem(key, message, column=FIELD_LABELS.get(key, key)))

    def run(key: str, fn: Any) -> None:
        if key not in raw:
            return
        try:
            clean[key] = fn(raw[key])
        except NormalizeError as exc:
            problem(key, exc.message)

    run("title", lambda v: normalize_optional_text(v, 200))
    if "title" in raw and not clean.get("title") and "title" not in {p.field for p in problems}:
        problem("title", "活动名称不能为空")
    if "type" in raw:
        try:
            t = get_type(session, raw["type"] if isinstance(raw["type"], int) else clean_text(raw["type"]))
            clean["type_id"] = t.id
        except NotFoundError as exc:
            problem("type", exc.message)
    for key, limit in (("organiser", 100), ("place", 200), ("lecturer", 200), ("target_group", 200),
                       ("remarks", 2000)):
        run(key, lambda v, limit=limit: normalize_optional_text(v, limit))
    run("start_date", parse_full_date)
    run("end_date", parse_full_date)
    if "start_date" in raw and "start_date" in clean and clean["start_date"] is None:
        problem("start_date", "开始日期不能为空")
    run("hours", parse_hours)
    if "hours" in clean and clean["hours"] is None:
        clean["hours"] = 0.0

    def money(v: Any) -> float | None:
        text = clean_text(v).replace(",", "").removesuffix("元")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise NormalizeError(f"费用“{text}”应为数字（元）") from None
        if number < 0:
            raise NormalizeError("费用不能为负")
        if not number <= MAX_COST:  # also nan and inf
            raise NormalizeError(f"费用“{text}”不在合理范围（0～{MAX_COST:,.0f}元）")
        return round(number, 2)

    run("cost", money)

    def paid_by(v: Any) -> str | None:
        text = clean_text(v)
        if not text:
            return None
        if text not in PAID_BY:
            raise NormalizeError(f"经费来源“{text}”应为{'或'.join(PAID_BY)}")
        return text

    run("paid_by", paid_by)
    if "status" in raw:
        status = clean_text(raw["status"]) or "计划"
        if status not in STATUSES:
            problem("status", f"状态“{status}”不在可选范围内（{'、'.join(STATUSES)}）")
        else:
            clean["status"] = status
    if "completion_rule" in raw:
        rule = clean_text(raw["completion_rule"]) or "all_sessions"
        rule = {v: k for k, v in COMPLETION_RULES.items()}.get(rule, rule)
        if rule not in COMPLETION_RULES:
            problem("completion_rule", f"结业条件“{rule}”不在可选范围内（{'、'.join(COMPLETION_RULES.values())}）")
        else:
            clean["completion_rule"] = rule
    if "completion_value" in raw:
        try:
            given = raw["completion_value"]
            clean["completion_value"] = None if given in (None, "") else float(given)
        except (TypeError, ValueError):
            problem("completion_value", "结业条件数值应为数字")
    chosen_rule = clean.get("completion_rule")
    needed = clean.get("completion_value")
    if chosen_rule == "hours" and (needed is None or needed <= 0):
        problem("completion_value", "按学时结业时须给出所需学时（大于0）")
    if chosen_rule == "share" and (needed is None or not 0 < needed <= 1):
        problem("completion_value", "按出勤比例结业时须给出0～1之间的比例（如0.8）")
    start, end = clean.get("start_date"), clean.get("end_date")
    if start and end and end < start:
        problem("end_date", f"结束日期{end.isoformat()}早于开始日期{start.isoformat()}")
    return clean, problems


# ---------------------------------------------------------------- writing


def _session_changes(old: ActivitySession | None, new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for key in SESSION_LABELS:
        before = getattr(old, key) if old is not None else None
        if before != new.get(key):
            changes[key] = (before, new.get(key))
    return changes


def create_activity(session: Session, raw: dict[str, Any], actor: str,
                    sessions: list[dict[str, Any]] | None = None, *, allow_twin: bool = True) -> ActivityInfo:
    """Create an activity; without `sessions`, one session on the start date with the activity's hours.

    Without `allow_twin`, a twin of an existing activity (services/training/twins.py) is refused.
    """
    raw = {"status": "计划", "completion_rule": "all_sessions", **raw}
    for key in ("title", "type", "start_date"):
        raw.setdefault(key, None)
    if not clean_text(raw.get("organiser")):  # a branch account's own activity: organised by its branch
        raw["organiser"] = access.own_branch_name(session) or raw.get("organiser")
    clean, problems = clean_activity(session, raw)
    items, session_problems = clean_sessions(sessions or [])
    problems += session_problems
    if problems:
        raise ValidationError(problems)
    if not items:
        items = [{"date": clean["start_date"], "hours": clean.get("hours") or 0.0,
                  "start_time": None, "end_time": None, "topic": None, "place": None, "lecturer": None}]
    elif not raw.get("hours"):
        clean["hours"] = round(sum(i["hours"] for i in items), 2)
    if clean.get("end_date") is None and items:
        last = max(i["date"] for i in items)
        clean["end_date"] = last if last != clean["start_date"] else None
    _check_session_dates(clean["start_date"], clean.get("end_date"), items)
    if not allow_twin:
        refuse_twins(session, clean["title"], clean["start_date"])
    a = Activity(**{k: v for k, v in clean.items()})
    session.add(a)
    session.flush()
    for seq, item in enumerate(sorted(items, key=lambda i: (i["date"], i.get("start_time") or "")), start=1):
        session.add(ActivitySession(activity_id=a.id, seq=seq, **{k: item.get(k) for k in SESSION_LABELS}))
    session.flush()
    t = session.get(ActivityType, a.type_id)
    assert t is not None
    changelog.record(session, actor, "create", "activity", a.id,
                     f"新建活动“{a.title}”（{t.name}，{a.start_date.isoformat()}，{len(items)}个课次）",
                     _worded(session, {k: (None, v) for k, v in clean.items() if v is not None}))
    return get_activity(session, a.id)


def _worded(session: Session, changes: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """Changes as the log shows them: the type by its name, the completion rule in words (not type_id, all_sessions)."""
    names = {i: n for i, n in session.execute(select(ActivityType.id, ActivityType.name))} if "type_id" in changes else {}

    def word(key: str, value: Any) -> Any:
        if key == "type_id":
            return names.get(value, value)
        return COMPLETION_RULES.get(value, value) if key == "completion_rule" and value else value

    return {("type" if k == "type_id" else k): (word(k, old), word(k, new)) for k, (old, new) in changes.items()}


def _check_session_dates(start: dt.date, end: dt.date | None, items: list[dict[str, Any]]) -> None:
    last = end or start
    problems = []
    for index, item in enumerate(items, start=1):
        if not start <= item["date"] <= last:
            problems.append(FieldProblem(f"sessions.{index}.date",
                                         f"第{index}课次的日期{item['date'].isoformat()}不在活动起止日期之内",
                                         column="日期"))
    if problems:
        raise ValidationError(problems)


def update_activity(session: Session, activity_id: int, raw: dict[str, Any], actor: str,
                    sessions: list[dict[str, Any]] | None = None,
                    expected_version: int | None = None, *, allow_twin: bool = True) -> ActivityInfo:
    """Change the fields given in `raw`; with `sessions`, replace the session list.

    A session given with its `id` is updated in place; one without is added; an existing session
    missing from the list is removed, unless attendance was taken at it. With `expected_version`
    (the version the clerk opened), a save over another clerk's later save is refused, saying what
    the other changed. Without `allow_twin`, a new title or start date that makes it a twin of
    another activity is refused.
    """
    a = session.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    access.require_activity_editable(session, activity_id)
    if expected_version is not None:
        claim_version(session, Activity, activity_id, expected_version, f"活动“{a.title}”", "activity",
                      FIELD_LABELS)
    clean, problems = clean_activity(session, raw)
    items, session_problems = clean_sessions(sessions or [])
    problems += session_problems
    if problems:
        raise ValidationError(problems)
    title, start = clean.get("title", a.title), clean.get("start_date", a.start_date)
    if not allow_twin and (fold_key(title), start) != (fold_key(a.title), a.start_date):
        refuse_twins(session, title, start, other_than=a.id)
    changes: dict[str, tuple[Any, Any]] = {}
    for key, value in clean.items():
        if key == "status":
            continue  # status changes go through set_status, which knows the rules
        old = getattr(a, key)
        if old != value:
            changes[key] = (old, value)
            setattr(a, key, value)
    if a.completion_rule == "all_sessions":
        a.completion_value = None
    if sessions is not None:
        if not items:
            raise ValidationError("活动至少要有一个课次", field="sessions")
        _check_session_dates(a.start_date, a.end_date, items)
        existing = {s.id: s for s in session.scalars(
            select(ActivitySession).where(ActivitySession.activity_id == a.id))}
        keep = {i["id"] for i in items if i.get("id")}
        unknown = keep - set(existing)
        if unknown:
            raise NotFoundError(f"课次编号{sorted(unknown)}不属于该活动")
        for sid, s in existing.items():
            if sid in keep:
                continue
            taken = session.scalar(select(func.count(Attendance.id)).where(Attendance.session_id == sid))
            if taken:
                raise ConflictError(f"第{s.seq}课次（{s.date.isoformat()}）已有{taken}条考勤记录，不能删除")
            session.delete(s)
            changes[f"第{s.seq}课次"] = (s.date.isoformat(), None)
        session.flush()
        # Renumber in two steps so the (activity, seq) uniqueness never trips half-way.
        for s in session.scalars(select(ActivitySession).where(ActivitySession.activity_id == a.id)):
            s.seq += 10000
        session.flush()
        ordered = sorted(items, key=lambda i: (i["date"], i.get("start_time") or ""))
        for seq, item in enumerate(ordered, start=1):
            found = existing.get(item["id"]) if item.get("id") else None
            diff = _session_changes(found, item)
            if found is None:
                s = ActivitySession(activity_id=a.id, seq=seq, **{k: item.get(k) for k in SESSION_LABELS})
                session.add(s)
                changes[f"第{seq}课次"] = (None, item["date"].isoformat())
            else:
                found.seq = seq
                for key in SESSION_LABELS:
                    setattr(found, key, item.get(key))
                if diff:
                    changes[f"第{seq}课次"] = (None, "改" + "、".join(SESSION_LABELS[k] for k in diff))
                    if "hours" in diff:
                        _recredit_session(session, found.id, item["hours"])
        session.flush()
    if changes:
        if expected_version is None:
            claim_version(session, Activity, activity_id, None, f"活动“{a.title}”", "activity")
        changes = _worded(session, changes)
        changelog.record(session, actor, "update", "activity", a.id,
                         f"修改活动“{a.title}”：" + "、".join(FIELD_LABELS.get(k, k) for k in changes), changes)
    session.flush()
    session.expire(a, ["version"])  # moved on by claim_version's own UPDATE
    return get_activity(session, a.id)


def _recredit_session(session: Session, session_id: int, hours: float) -> None:
    """A session's hours changed: grid attendance is credited again by the rule."""
    for att in session.scalars(select(Attendance).where(Attendance.session_id == session_id,
                                                        Attendance.source == "grid")):
        att.hours = hours if att.status in ATTENDED_STATUSES else 0.0


def set_status(session: Session, activity_id: int, status: str, actor: str) -> ActivityInfo:
    a = session.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    access.require_activity_editable(session, activity_id, "更改状态")
    if status not in STATUSES:
        raise ValidationError(f"状态“{status}”不在可选范围内（{'、'.join(STATUSES)}）", field="status")
    if a.status != status:
        changelog.record(session, actor, "status", "activity", a.id, f"活动“{a.title}”状态改为{status}",
                         {"status": (a.status, status)})
        a.status = status
        session.flush()
    return get_activity(session, a.id)


def attendance_count(session: Session, activity_id: int) -> int:
    return session.scalar(select(func.count(Attendance.id)).join(
        ActivitySession, ActivitySession.id == Attendance.session_id).where(
        ActivitySession.activity_id == activity_id)) or 0


def delete_activity(session: Session, activity_id: int, actor: str) -> None:
    """Delete an activity that has no attendance yet; one with attendance is cancelled or archived."""
    # On a server the activity and its sessions are locked first: attendance, an adjustment or a certificate
    # another clerk is saving meanwhile is waited for and counted below, never deleted with the activity.
    a = session.get(Activity, activity_id, with_for_update=True)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    session.execute(select(ActivitySession.id).where(ActivitySession.activity_id == a.id).with_for_update())
    access.require_activity_editable(session, activity_id, "删除")
    taken = attendance_count(session, activity_id)
    if taken:
        raise ConflictError(f"活动“{a.title}”已有{taken}条考勤记录，不能删除；可将其状态改为“已取消”或“已归档”，历史记录会保留")
    if session.scalar(select(func.count(HoursAdjustment.id)).where(HoursAdjustment.activity_id == a.id)):
        raise ConflictError(f"活动“{a.title}”有手工调整的学时记录，不能删除；可将其取消或归档")
    if session.scalar(select(func.count(Certificate.id)).where(Certificate.activity_id == a.id)):
        raise ConflictError(f"活动“{a.title}”已发过结业证书，不能删除；可将其归档")
    changelog.record(session, actor, "delete", "activity", a.id, f"删除活动“{a.title}”（{a.start_date.isoformat()}）",
                     {"title": (a.title, None)})
    session.delete(a)
    session.flush()
