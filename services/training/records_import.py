"""Training-record import (学时记录): one row per member per activity, checked first, written all or nothing."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table as SqlTable
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivityIdentity,
    ActivitySession,
    ActivityType,
    Attendance,
    Certificate,
    Enrolment,
    Member,
)
from services import access, changes
from services.bulk import insert_rows
from services.errors import UnreadableFileError, ValidationError
from services.files.spreadsheet import SheetInfo, Table, TableRow, read_table
from services.normalize import fold_key
from services.progress import Progress, RowProblem, bulk_work, tick
from services.roll.members import FIELD_BY_KEY
from services.safety import changelog, server
from services.training.attendance import ATTENDED
from services.training.records_check import (
    ACTIVITY_FIELDS,
    MEMBER_FIELDS,
    ActivityCheck,
    MemberCheck,
    activity_checker,
    cells_getter,
    full_cells,
    member_checker,
)

RECORD_HEADERS: dict[str, tuple[str, ...]] = {
    "name": FIELD_BY_KEY["name"].headers,
    "id_number": FIELD_BY_KEY["id_number"].headers,
    "title": ("培训名称", "活动名称", "课程名称"),
    "type": ("培训类别", "类别", "类型"),
    "start_date": ("开始日期", "日期", "培训日期"),
    "end_date": ("结束日期",),
    "hours": ("学时", "学时数"),
    "attendance": ("出勤情况", "出勤"),
    "organiser": ("主办单位",),
    "place": ("地点",),
    "audience": ("培训对象", "对象", "参训对象", "培训对象类别"),
}
LABELS = {key: names[0] for key, names in RECORD_HEADERS.items()}
ON_EXISTING = ("update", "skip", "refuse")
# The texts of an activity a re-import brings back to the file's exact form.
RESTORED_FIELDS = ("title", "organiser", "place")

# (the title's fold_key, type id, start date): an activity as a file names it.
ActivityKey = tuple[str, int, dt.date]


@dataclass
class NewActivity:
    title: str
    type_id: int
    type_name: str
    start_date: dt.date
    end_date: dt.date | None
    hours: float
    organiser: str | None
    place: str | None
    first_row: int
    audience: str | None = None


@dataclass(slots=True)
class RecordRow:
    """A checked row: who, which activity, what they earned."""

    row: int
    member_id: int
    name: str
    key: ActivityKey
    status: str
    reason: str | None
    hours: float
    attendance_id: int | None = None  # an existing record to update


@dataclass
class RecordsPlan:
    """What an import would do; nothing is written until `apply_records`."""

    path: str
    sheet: str
    header_row: int
    on_existing: str
    total_rows: int = 0
    added: list[RecordRow] = field(default_factory=list)
    updated: list[RecordRow] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_activities: dict[ActivityKey, NewActivity] = field(default_factory=dict)
    # activity id → {field: (stored, as the file writes it)}: same text but for width or punctuation
    # forms, put back as written; not a changed record, never refused.
    restored: dict[int, dict[str, tuple[str | None, str]]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # field → the header the file used
    form: str = ""  # the form the file was found in, e.g. 网页表格（HTML）另存的 .xls
    sheets: list[SheetInfo] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def summary(self) -> dict[str, Any]:
        """The JSON shape of `import-members`, counting records, plus activities_created."""
        return {
            "added": len(self.added), "updated": len(self.updated), "unchanged": len(self.unchanged),
            "skipped": len(self.skipped), "refused": [p.to_json() for p in self.refused],
            "ignored_columns": list(self.ignored_columns), "branches_created": [],
            "activities_created": len(self.new_activities), "form": self.form,
        }


@dataclass(frozen=True)
class RecordsResult:
    added: int
    updated: int
    unchanged: int
    skipped: int
    activities_created: list[int]


# ---------------------------------------------------------------- reading


def plan_records(session: Session, path: Path | str, on_existing: str = "update", *,
                 progress: Progress | None = None, cancel: threading.Event | None = None) -> RecordsPlan:
    """Read and check every row against the database; raises UnreadableFileError for a file it cannot read."""
    table = read_table(path, RECORD_HEADERS, required=("title",), progress=progress, cancel=cancel)
    return plan_from_table(session, table, on_existing, progress=progress, cancel=cancel)


@bulk_work
def plan_from_table(session: Session, table: Table, on_existing: str = "update", *,
                    progress: Progress | None = None, cancel: threading.Event | None = None) -> RecordsPlan:
    if on_existing not in ON_EXISTING:
        raise ValueError(on_existing)
    plan = RecordsPlan(path=str(table.path), sheet=table.sheet, header_row=table.header_row,
                       on_existing=on_existing, total_rows=len(table.rows),
                       ignored_columns=list(table.unknown_columns), form=table.form_label,
                       sheets=list(table.sheets))
    plan.headers = {c.field: c.header for c in table.columns if c.field}
    missing = [k for k in ("title", "type", "start_date") if k not in plan.headers]
    if "name" not in plan.headers and "id_number" not in plan.headers:
        missing.insert(0, "name")
    if missing:
        names = "、".join("/".join(RECORD_HEADERS[k][:3]) for k in missing)
        raise UnreadableFileError(f"第{table.header_row}行的表头缺少这些列：{names}")

    def col(key: str) -> str:
        return plan.headers.get(key, LABELS[key])

    by_number: dict[str, tuple[int, str]] = {}
    by_name: dict[str, list[int]] = {}
    for m_id, m_name, m_number in session.execute(select(Member.id, Member.name, Member.id_number)):
        by_number[m_number] = (m_id, m_name)
        by_name.setdefault(fold_key(m_name), []).append(m_id)
    names_by_id = dict(by_number.values())
    own = access.visible_member_ids(session)  # a branch account imports its own members' hours only
    own = access.visible_member_ids(session)  # a branch account imports its own members' hours only
    types: dict[str, int] = {t_name: t_id for t_id, t_name in session.execute(select(ActivityType.id, ActivityType.name))}
    type_names = {t_id: t_name for t_name, t_id in types.items()}
    existing: dict[ActivityKey, tuple[int, int, float]] = {}
    stored_text: dict[int, dict[str, str | None]] = {}
    for a_id, a_title, a_type, a_start, a_organiser, a_place, s_id, s_hours in session.execute(
            select(Activity.id, Activity.title, Activity.type_id, Activity.start_date, Activity.organiser,
                   Activity.place, ActivitySession.id, ActivitySession.hours)
            .join(ActivitySession, ActivitySession.activity_id == Activity.id).where(ActivitySession.seq == 1)
            .order_by(Activity.id)):
        existing.setdefault((fold_key(a_title), a_type, a_start), (a_id, s_id, s_hours))
        stored_text[a_id] = {"title": a_title, "organiser": a_organiser, "place": a_place}
    seen: dict[tuple[ActivityKey, int], int] = {}
    # Members holding a valid certificate: an import never changes their attendance (see attendance.py).
    certified = set(session.execute(select(Certificate.activity_id, Certificate.member_id)
                                    .where(Certificate.status == "有效"))) if on_existing == "update" else set()
    check_member = member_checker(by_number, by_name, own, names_by_id)
    check_activity = activity_checker(types)
    # First pass: each row's member and activity, checked once per distinct (name, number) and once
    # per distinct activity cells (a file repeats both a lot).
    member_cache: dict[Any, MemberCheck] = {}
    activity_cache: dict[Any, ActivityCheck] = {}
    checked: list[tuple[TableRow, MemberCheck, ActivityCheck]] = []
    n_rows = len(table.rows)
    # Every row's values hold the same keys (the mapped columns): the cells of each check in one C call.
    present = set(plan.headers)
    m_get = cells_getter(MEMBER_FIELDS, present)
    a_get = cells_getter(ACTIVITY_FIELDS, present)
    # A CSV's cells are all str (or None): the cells themselves are the cache key. Otherwise their
    # types too, so that 1, 1.0 and "1" are each checked on their own.
    typed = not table.text_only
    for index, trow in enumerate(table.rows):
        if index % 2000 == 0:
            tick(cancel)
            if progress is not None and index:
                progress(int(index * 50 / max(1, n_rows)), f"正在检查第{trow.number}行……")
        values = trow.values
        m_cells, a_cells = m_get(values), a_get(values)
        try:
            m_key = (m_cells, tuple(map(type, m_cells))) if typed else m_cells
            m_res = member_cache.get(m_key)
            if m_res is None:
                m_res = member_cache[m_key] = check_member(*full_cells(MEMBER_FIELDS, values))
        except TypeError:  # an unhashable cell: checked without the cache
            m_res = check_member(*full_cells(MEMBER_FIELDS, values))
        try:
            a_key = (a_cells, tuple(map(type, a_cells))) if typed else a_cells
            a_res = activity_cache.get(a_key)
            if a_res is None:
                a_res = activity_cache[a_key] = check_activity(*full_cells(ACTIVITY_FIELDS, values))
        except TypeError:
            a_res = check_activity(*full_cells(ACTIVITY_FIELDS, values))
        checked.append((trow, m_res, a_res))
    # The stored records of the existing activities this file names (not of every activity).
    wanted_sessions = {existing[r[1][0]][1] for r in activity_cache.values()
                       if r[1] is not None and r[1][0] in existing}
    records: dict[tuple[int, int], tuple[int, str, str | None, float]] = {}
    if wanted_sessions:
        query = select(Attendance.id, Attendance.session_id, Attendance.member_id, Attendance.status,
                       Attendance.reason, Attendance.hours)
        if len(wanted_sessions) <= 500:
            query = query.where(Attendance.session_id.in_(sorted(wanted_sessions)))
        for att_id, s_id, m_id, a_status, a_reason, a_hours in session.execute(query):
            if s_id in wanted_sessions:
                records[(s_id, m_id)] = (att_id, a_status, a_reason, a_hours)

    # Per distinct activity cells, worked out at their first row: (status, reason, earned, existing activity).
    contexts: dict[int, tuple[str, str | None, float, tuple[int, int, float] | None]] = {}
    for index, (trow, (m_problems, member_id, both_empty), (a_problems, a_values)) in enumerate(checked):
        if index % 5000 == 0:
            tick(cancel)
        if trow.problems or m_problems or a_problems or both_empty:
            problems = [RowProblem(trow.number, column, message) for column, message in trow.problems]
            if both_empty and not problems:
                problems.append(RowProblem(trow.number, col("name"), "姓名和身份证号码都为空"))
            problems.extend(RowProblem(trow.number, col(k), m) for k, m in (*m_problems, *a_problems))
            if problems:
                plan.refused.extend(problems)
                continue
        assert a_values is not None and member_id is not None
        key = a_values[0]
        earlier = seen.get((key, member_id))
        if earlier is not None:
            plan.refused.append(RowProblem(trow.number, col("name"),
                                           f"与第{earlier}行重复：同一党员同一培训只能有一条记录"))
            continue
        seen[(key, member_id)] = trow.number
        context = contexts.get(id(a_values))  # a_values lives in activity_cache: its id is stable
        if context is None:
            context = contexts[id(a_values)] = _activity_context(plan, a_values, existing, stored_text,
                                                                 type_names, trow.number)
        status, reason, earned, found_activity = context
        record = RecordRow(trow.number, member_id, names_by_id[member_id], key, status, reason, earned)
        if found_activity is None:
            plan.added.append(record)
            continue
        old = records.get((found_activity[1], member_id))
        if old is None:
            plan.added.append(record)
        elif (old[1], old[2], old[3]) == (status, reason, earned):
            plan.unchanged.append(trow.number)
        elif on_existing == "skip":
            plan.skipped.append(trow.number)
        elif on_existing == "refuse":
            plan.refused.append(RowProblem(trow.number, col("hours"),
                                           f"“{record.name}”在该培训已有记录（{old[1]}，{old[3]:g}学时），与本行不同；"
                                           "如需以本文件为准，请选择“更新已有记录”"))
        elif (found_activity[0], member_id) in certified:
            plan.refused.append(RowProblem(trow.number, col("attendance"),
                                           f"“{record.name}”已获该培训的结业证书，导入不能更改其考勤；"
                                           "如确需更改，请在考勤中确认作废证书后再导入"))
        else:
            record.attendance_id = old[0]
            plan.updated.append(record)
    return plan


def _activity_context(plan: RecordsPlan, a_values: tuple[Any, ...], existing: dict[ActivityKey, tuple[int, int, float]],
                      stored_text: dict[int, dict[str, str | None]], type_names: dict[int, str],
                      row: int) -> tuple[str, str | None, float, tuple[int, int, float] | None]:
    """What the first row of these activity cells makes of them: a new activity (or more of one), or
    an existing one whose texts the file may restore; the first row's text wins."""
    key, title, type_id, start, end, status, reason, hours, organiser, place, audience = a_values
    earned = (hours or 0.0) if status in ATTENDED else 0.0
    found_activity = existing.get(key)
    if found_activity is None:
        new = plan.new_activities.get(key)
        if new is None:
            plan.new_activities[key] = NewActivity(title, type_id, type_names[type_id], start, end,
                                                   hours or 0.0, organiser, place, row, audience)
        else:
            new.hours = max(new.hours, hours or 0.0)
            new.end_date = new.end_date or end
            new.organiser = new.organiser or organiser
            new.place = new.place or place
            new.audience = new.audience or audience
    else:
        _restore(plan, found_activity[0], stored_text[found_activity[0]],
                 {"title": title, "organiser": organiser, "place": place})
    return status, reason, earned, found_activity


def _restore(plan: RecordsPlan, activity_id: int, stored: dict[str, str | None], given: dict[str, str | None]) -> None:
    """Note the texts the file writes differently but means the same (the same fold_key)."""
    for key in RESTORED_FIELDS:
        new, old = given.get(key), stored.get(key)
        if new and old and new != old and fold_key(new) == fold_key(old):
            plan.restored.setdefault(activity_id, {}).setdefault(key, (old, new))


# ---------------------------------------------------------------- writing


@bulk_work
def apply_records(session: Session, plan: RecordsPlan, actor: str, *, progress: Progress | None = None,
                  cancel: threading.Event | None = None) -> RecordsResult:
    """Write a checked plan: all rows or, when any row was refused, nothing."""
    if plan.refused:
        raise ValidationError(f"有{len(plan.refused)}处错误，未导入任何记录：" +
                              "；".join(p.describe() for p in plan.refused[:5]))
    created: list[int] = []
    session_of: dict[ActivityKey, tuple[int, int]] = {}
    today = dt.date.today()
    for key, new in plan.new_activities.items():
        tick(cancel)
        last = new.end_date or new.start_date
        a = Activity(title=new.title, type_id=new.type_id, start_date=new.start_date, end_date=new.end_date,
                     organiser=new.organiser, place=new.place, hours=new.hours, target_group=new.audience,
                     status="已结束" if last < today else "计划", completion_rule="all_sessions")
        session.add(a)
        session.flush()
        winner = claim_identity(session, key, a.id)
        if winner != a.id:  # another import created it meanwhile (on a server): use that one
            session.delete(a)
            session.flush()
            s_id = session.scalar(select(ActivitySession.id).where(ActivitySession.activity_id == winner)
                                  .order_by(ActivitySession.seq).limit(1))
            session_of[key] = (winner, int(s_id or 0))
            continue
        s = ActivitySession(activity_id=a.id, seq=1, date=new.start_date, hours=new.hours)
        session.add(s)
        session.flush()
        session_of[key] = (a.id, s.id)
        created.append(a.id)
        changelog.record(session, actor, "create", "activity", a.id,
                         f"导入学时记录时新建活动“{new.title}”（{new.type_name}，{new.start_date.isoformat()}）",
                         {"title": (None, new.title), "hours": (None, new.hours)})
    needed = {r.key for r in plan.added} - set(session_of)
    if needed:
        for a_id, title, type_id, start, s_id in session.execute(
                select(Activity.id, Activity.title, Activity.type_id, Activity.start_date, ActivitySession.id)
                .join(ActivitySession, ActivitySession.activity_id == Activity.id).where(ActivitySession.seq == 1)
                .order_by(Activity.id)):
            key = (fold_key(title), type_id, start)
            if key in needed and key not in session_of:
                session_of[key] = (a_id, s_id)
    _apply_restored(session, plan, actor)
    tick(cancel)
    enrolled = {(a, m) for a, m in session.execute(select(Enrolment.activity_id, Enrolment.member_id).where(
        Enrolment.activity_id.in_({a for a, _ in session_of.values()})))} if session_of else set()
    # Core inserts through the driver's executemany (services/bulk.py), as tuples: no ORM bookkeeping
    # and no per-row parameter handling (a Core write announces itself through changes.note).
    conn = session.connection()
    enrol_table, att_table = cast(SqlTable, Enrolment.__table__), cast(SqlTable, Attendance.__table__)
    enrol_keys = ("activity_id", "member_id")
    att_keys = ("session_id", "member_id", "status", "reason", "hours", "source")
    chunk = 20000
    added = plan.added
    for first in range(0, len(added), chunk):
        tick(cancel)
        if progress is not None:
            progress(int(first * 100 / max(1, len(added))), "正在写入学时记录……")
        enrol_rows = []
        att_rows = []
        for r in added[first:first + chunk]:
            a_id, s_id = session_of[r.key]
            pair = (a_id, r.member_id)
            if pair not in enrolled:
                enrolled.add(pair)
                enrol_rows.append(pair)
            att_rows.append((s_id, r.member_id, r.status, r.reason, r.hours, "import"))
        insert_rows(conn, enrol_table, enrol_keys, enrol_rows)
        insert_rows(conn, att_table, att_keys, att_rows)
    if added:
        changes.note(session, "enrolment")
        changes.note(session, "attendance")
    if plan.updated:
        session.execute(update(Attendance), [
            {"id": r.attendance_id, "status": r.status, "reason": r.reason, "hours": r.hours, "source": "import"}
            for r in plan.updated])
    if plan.added or plan.updated:
        changelog.record(session, actor, "import", "attendance", None,
                         f"导入学时记录{Path(plan.path).name}：新增{len(plan.added)}条，更新{len(plan.updated)}条，"
                         f"新建活动{len(created)}项",
                         {"added": (None, len(plan.added)), "updated": (None, len(plan.updated)),
                          "activities_created": (None, len(created))})
    session.flush()
    return RecordsResult(len(plan.added), len(plan.updated), len(plan.unchanged), len(plan.skipped), created)


def identity_text(key: ActivityKey) -> str:
    """The activity identity as stored (models.ActivityIdentity.key): folded title | type | start."""
    folded, type_id, start = key
    return f"{folded}|{type_id}|{start.isoformat()}"[:400]


def claim_identity(session: Session, key: ActivityKey, activity_id: int) -> int:
    """Insert-or-get the activity of `key`: `activity_id` when this import is the first, else the other's."""
    text = identity_text(key)
    if server.insert_if_absent(session, ActivityIdentity.__table__, {"key": text, "activity_id": activity_id}):
        return activity_id
    return int(session.scalar(select(ActivityIdentity.activity_id).where(ActivityIdentity.key == text)) or 0)


def _apply_restored(session: Session, plan: RecordsPlan, actor: str) -> None:
    """Put the texts of existing activities back as the file writes them (one log entry each)."""
    for activity_id, texts in plan.restored.items():
        a = session.get(Activity, activity_id)
        if a is None:
            continue
        for key, (_old, new) in texts.items():
            setattr(a, key, new)
        changelog.record(session, actor, "update", "activity", a.id,
                         f"导入学时记录时按文件恢复活动“{a.title}”的原文（{'、'.join(LABELS[k] for k in texts)}）",
                         dict(texts))


def import_records(session: Session, path: Path | str, actor: str, on_existing: str = "update",
                   dry_run: bool = False) -> RecordsPlan:
    """Plan and, unless `dry_run` or refused, apply; returns the plan (its summary is the report)."""
    plan = plan_records(session, path, on_existing)
    if not dry_run and plan.ok:
        apply_records(session, plan, actor)
    return plan
