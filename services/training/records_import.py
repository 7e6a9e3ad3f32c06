"""Training-record import (学时记录): one row per member per activity, checked first, written all or nothing."""

from __future__ import annotations

import datetime as dt
import json
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
    ChangeLog,
    Enrolment,
    Member,
)
from services import access, changes
from services.bulk import chunked, insert_rows
from services.errors import UnreadableFileError, ValidationError
from services.files.grouped import Grouped, group_rows
from services.files.spreadsheet import SheetInfo, Table, read_grouped
from services.normalize import CLOSED_ACTIVITY_STATUSES, fold_key, last_day_on_roll
from services.progress import Progress, RowProblem, bulk_work, tick
from services.roll.members import FIELD_BY_KEY
from services.safety import changelog, server
from services.training import twins
from services.training.activities import OPEN_FIRST
from services.training.attendance import ATTENDED
from services.training.records_check import (
    ACTIVITY_FIELDS,
    MEMBER_FIELDS,
    ActivityCheck,
    MemberCheck,
    activity_checker,
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
# How the change log's entries of this import begin: later imports tell by them which activities an import
# made and which texts a clerk changed since (_clerks_texts). Keep them when rewording the entries.
IMPORT_CREATED = "导入学时记录时新建活动"
IMPORT_RESTORED = "导入学时记录时按文件恢复"

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
    # New activities with the title and start date of existing ones of another type (twins.py): the
    # identity is (title, type, start), so they are created, and the clerk is told.
    twinned: list[tuple[NewActivity, tuple[twins.ActivityTwin, ...]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def warnings(self, written: bool = False) -> list[str]:
        """One line per new activity that twins an existing one, naming both, and per new one alike but for its
        type to a new one of an earlier row (将新建, or 已新建 once `written`)."""
        verb = "已新建" if written else "将新建"
        lines = [f"第{new.first_row}行：{verb}“{new.title}”（{new.type_name}），库中已有同名同日的" +
                 "、".join(f"“{t.title}”（{t.type_name}）" for t in others)
                 for new, others in self.twinned]
        # Two new ones of one file, alike but for their type: the second names the first.
        first_of: dict[tuple[str, dt.date], NewActivity] = {}
        for key, new in sorted(self.new_activities.items(), key=lambda item: item[1].first_row):
            first = first_of.setdefault((key[0], key[2]), new)
            if first is not new:
                lines.append(f"第{new.first_row}行：{verb}“{new.title}”（{new.type_name}），与第{first.first_row}行"
                             f"{verb}的“{first.title}”（{first.type_name}）同名同日，类别不同")
        return lines

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
    table, grouped = read_grouped(path, RECORD_HEADERS, (MEMBER_FIELDS, ACTIVITY_FIELDS), required=("title",),
                                  progress=progress, cancel=cancel)
    return plan_from_grouped(session, table, grouped, on_existing, progress=progress, cancel=cancel)


def plan_from_table(session: Session, table: Table, on_existing: str = "update", *,
                    progress: Progress | None = None, cancel: threading.Event | None = None) -> RecordsPlan:
    """plan_records for a table read already (read_table)."""
    return plan_from_grouped(session, table, group_rows(table, (MEMBER_FIELDS, ACTIVITY_FIELDS)), on_existing,
                             progress=progress, cancel=cancel)


@bulk_work
def plan_from_grouped(session: Session, table: Table, grouped: Grouped, on_existing: str = "update", *,
                      progress: Progress | None = None, cancel: threading.Event | None = None) -> RecordsPlan:
    """Check each distinct (name, number) and each distinct activity cells once, then every row in order."""
    if on_existing not in ON_EXISTING:
        raise ValueError(on_existing)
    plan = RecordsPlan(path=str(table.path), sheet=table.sheet, header_row=table.header_row,
                       on_existing=on_existing, total_rows=len(grouped),
                       ignored_columns=list(table.unknown_columns), form=table.form_label,
                       sheets=list(table.sheets))
    plan.headers = {c.field: c.header for c in table.columns if c.field}
    missing = [k for k in ("title", "type", "start_date") if k not in plan.headers]
    if "name" not in plan.headers and "id_number" not in plan.headers:
        missing.insert(0, "name")
    if missing:
        names = "、".join("/".join(RECORD_HEADERS[k][:3]) for k in missing)
        raise UnreadableFileError(f"文件 {Path(table.path).name} 第{table.header_row}行的表头缺少这些列：{names}")

    def col(key: str) -> str:
        return plan.headers.get(key, LABELS[key])

    by_number: dict[str, tuple[int, str]] = {
        m_number: (m_id, m_name)
        for m_id, m_name, m_number in session.execute(select(Member.id, Member.name, Member.id_number))}
    names_by_id = dict(by_number.values())
    # Members who left (转出, 去世 …): the last day they were on the roll; no record of a later activity.
    gone: dict[int, tuple[dt.date, str]] = {
        m_id: (last, m_status) for m_id, m_left, m_status in session.execute(
            select(Member.id, Member.left_date, Member.status).where(Member.status != "在册",
                                                                     Member.left_date.is_not(None)))
        if (last := last_day_on_roll(m_status, m_left))}

    def by_name() -> dict[str, list[int]]:  # made only if a row gives a name without a number
        folded: dict[str, list[int]] = {}
        for m_id, m_name in names_by_id.items():
            folded.setdefault(fold_key(m_name), []).append(m_id)
        return folded

    own = access.visible_member_ids(session)  # a branch account imports its own members' hours only
    types: dict[str, int] = {t_name: t_id for t_id, t_name in session.execute(select(ActivityType.id, ActivityType.name))}
    type_names = {t_id: t_name for t_name, t_id in types.items()}
    existing: dict[ActivityKey, tuple[int, int, float]] = {}
    stored_text: dict[int, dict[str, str | None]] = {}
    closed: dict[int, tuple[str, str]] = {}  # activity id → (title, status) of a cancelled or archived one
    for a_id, a_title, a_type, a_start, a_organiser, a_place, a_status, s_id, s_hours in session.execute(
            select(Activity.id, Activity.title, Activity.type_id, Activity.start_date, Activity.organiser,
                   Activity.place, Activity.status, ActivitySession.id, ActivitySession.hours)
            .join(ActivitySession, ActivitySession.activity_id == Activity.id).where(ActivitySession.seq == 1)
            .order_by(*OPEN_FIRST)):  # of several of one key: the open one
        existing.setdefault((fold_key(a_title), a_type, a_start), (a_id, s_id, s_hours))
        stored_text[a_id] = {"title": a_title, "organiser": a_organiser, "place": a_place}
        if a_status in CLOSED_ACTIVITY_STATUSES:
            closed[a_id] = (a_title, a_status)
    # Members holding a valid certificate: an import never changes their attendance (see attendance.py).
    certified = set(session.execute(select(Certificate.activity_id, Certificate.member_id)
                                    .where(Certificate.status == "有效"))) if on_existing == "update" else set()
    check_member = member_checker(by_number, by_name, own, names_by_id)
    check_activity = activity_checker(types, office=access.current_branches(session) is None)
    # Each distinct (name, number) and each distinct activity cells checked once (a file repeats both a lot).
    m_checked: list[MemberCheck] = []
    for index, cells in enumerate(grouped.distinct[0]):
        if index % 2000 == 0:
            tick(cancel)
        m_checked.append(check_member(*grouped.full(0, cells)))
    a_checked: list[ActivityCheck] = [check_activity(*grouped.full(1, cells)) for cells in grouped.distinct[1]]
    if progress is not None:
        progress(50, "正在检查学时记录……")
    # The stored records of the existing activities this file names (not of every activity).
    wanted_sessions = {existing[r[1][0]][1] for r in a_checked if r[1] is not None and r[1][0] in existing}
    records: dict[tuple[int, int], tuple[int, str, str | None, float]] = {}
    if wanted_sessions:
        query = select(Attendance.id, Attendance.session_id, Attendance.member_id, Attendance.status,
                       Attendance.reason, Attendance.hours)
        if len(wanted_sessions) <= 500:
            query = query.where(Attendance.session_id.in_(sorted(wanted_sessions)))
        for att_id, s_id, m_id, a_status, a_reason, a_hours in session.execute(query):
            if s_id in wanted_sessions:
                records[(s_id, m_id)] = (att_id, a_status, a_reason, a_hours)

    # Each activity key as a small number, for the (activity, member) pairs seen so far.
    key_numbers: dict[ActivityKey, int] = {}
    a_keyno = [-1 if v is None else key_numbers.setdefault(v[0], len(key_numbers)) for _p, v in a_checked]
    stride = max(names_by_id, default=0) + 1
    seen: dict[int, int] = {}  # activity key number * stride + member id → the row that named it first
    # Per distinct activity cells, worked out at their first row: (key, status, reason, earned, existing activity).
    contexts: dict[int, tuple[ActivityKey, str, str | None, float, tuple[int, int, float] | None]] = {}
    # Per distinct cells: the member (None when refused); the activity's key number (-1 when refused).
    member_of = [None if p or both_empty else m_id for p, m_id, both_empty in m_checked]
    reader_problems = grouped.problems
    added, refused = plan.added, plan.refused
    rows = zip(grouped.numbers, grouped.index[0], grouped.index[1], strict=True)
    for position, (number, mi, ai) in enumerate(rows):
        if not position % 5000:
            tick(cancel)
        member_id = member_of[mi]
        keyno = a_keyno[ai]
        if member_id is None or keyno < 0 or (reader_problems and position in reader_problems):
            m_problems, _member, both_empty = m_checked[mi]
            problems = [RowProblem(number, column, message) for column, message in reader_problems.get(position, ())]
            if both_empty and not problems:
                problems.append(RowProblem(number, col("name"), "姓名和身份证号码都为空"))
            problems.extend(RowProblem(number, col(k), m) for k, m in (*m_problems, *a_checked[ai][0]))
            if problems:
                refused.extend(problems)
                continue
        assert member_id is not None
        pair = keyno * stride + member_id
        earlier = seen.get(pair)
        if earlier is not None:
            refused.append(RowProblem(number, col("name"), f"与第{earlier}行重复：同一党员同一培训只能有一条记录"))
            continue
        seen[pair] = number
        context = contexts.get(ai)
        if context is None:
            a_values = a_checked[ai][1]
            assert a_values is not None
            context = contexts[ai] = (a_values[0], *_activity_context(plan, a_values, existing, stored_text,
                                                                      type_names, number))
        key, status, reason, earned, found_activity = context
        if gone and member_id in gone and key[2] > gone[member_id][0]:
            left, left_status = gone[member_id]
            refused.append(RowProblem(number, col("start_date"),
                                      f"“{names_by_id[member_id]}”已于{left.isoformat()}{left_status}，"
                                      f"不能记录其后（{key[2].isoformat()}）的培训学时；请核对日期或党员"))
            continue
        record = RecordRow(number, member_id, names_by_id[member_id], key, status, reason, earned)
        if found_activity is None:
            added.append(record)
            continue
        old = records.get((found_activity[1], member_id))
        unchanged = old is not None and (old[1], old[2], old[3]) == (status, reason, earned)
        if found_activity[0] in closed and (old is None or not (unchanged or on_existing == "skip")):
            # The grid takes no change to a cancelled or archived activity; neither does an import
            # (a row that leaves its record as it is passes: the same file imported again changes nothing).
            title, a_status = closed[found_activity[0]]
            refused.append(RowProblem(number, col("title"), f"活动“{title}”{a_status}，不能再记录学时"))
        elif old is None:
            added.append(record)
        elif unchanged:
            plan.unchanged.append(number)
        elif on_existing == "skip":
            plan.skipped.append(number)
        elif on_existing == "refuse":
            refused.append(RowProblem(number, col("hours"),
                                      f"“{record.name}”在该培训已有记录（{old[1]}，{old[3]:g}学时），与本行不同；"
                                      "如需以本文件为准，请选择“以文件为准更新已有记录”（命令行加 --on-existing update）"))
        elif (found_activity[0], member_id) in certified:
            refused.append(RowProblem(number, col("attendance"),
                                      f"“{record.name}”已获该培训的结业证书，导入不能更改其考勤；"
                                      "如确需更改，请在考勤中确认作废证书后再导入"))
        else:
            record.attendance_id = old[0]
            plan.updated.append(record)
    if plan.restored:
        _keep_the_clerks_texts(session, plan, closed)
    if plan.new_activities:  # a new activity whose title and date another type already has: said, not refused
        found = twins.twins_by_key(session, [(key[0], key[2]) for key in plan.new_activities])
        plan.twinned = [(new, tuple(found[key[0], key[2]])) for key, new in plan.new_activities.items()
                      if (key[0], key[2]) in found]
        refused.extend(_in_another_branchs_name(session, plan, col("organiser")))
    return plan


def _in_another_branchs_name(session: Session, plan: RecordsPlan, column: str) -> list[RowProblem]:
    """A branch account's new activities organised by another branch: refused at the check, row and column
    named (the write would refuse them anyway: services/access.py `require_organiser`)."""
    ids = access.current_branches(session)
    if ids is None:
        return []
    rule = access.branch_organisers(session)
    return [RowProblem(new.first_row, column, f"主办单位“{new.organiser}”是其他党支部：支部账号不能以其他党支部的名义"
                                              "新建活动；请填写本支部或上级组织，或由党委办公室的账号导入")
            for new in plan.new_activities.values() if rule.branch_of(new.organiser) not in (None, *ids)]


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


def _keep_the_clerks_texts(session: Session, plan: RecordsPlan, closed: dict[int, tuple[str, str]]) -> None:
    """Restore only what an import wrote: never a cancelled or archived activity, nor a text the clerk
    typed (an activity made in the window, or a text changed there after an import made it)."""
    own = _clerks_texts(session, [a_id for a_id in plan.restored if a_id not in closed])
    for a_id in list(plan.restored):
        texts = plan.restored[a_id]
        for key in RESTORED_FIELDS if a_id in closed else own.get(a_id, ()):
            texts.pop(key, None)
        if not texts:
            del plan.restored[a_id]


def _clerks_texts(session: Session, ids: list[int]) -> dict[int, set[str]]:
    """Per activity, its restorable texts that a clerk wrote, as the change log tells: all of them unless
    the activity's (last) creation entry is an import's, else those an edit changed since.

    The log is the only record of where an activity came from: `activity_identity` cannot tell, its
    migration (server_0001) gave every activity then existing an identity, those typed in the window too.
    """
    by_import: dict[int, bool] = {}
    edited: dict[int, set[str]] = {}
    # Read on the connection: a log query through the session would chain this transaction's pending
    # entries now and hold the server's audit-chain lock for the rest of the import (changelog.py).
    conn = session.connection()
    for run in chunked(ids):
        for entity_id, action, summary, changed in conn.execute(
                select(ChangeLog.entity_id, ChangeLog.action, ChangeLog.summary, ChangeLog.changes)
                .where(ChangeLog.entity == "activity", ChangeLog.entity_id.in_(run),
                       ChangeLog.action.in_(("create", "update"))).order_by(ChangeLog.id)):
            a_id = entity_id or 0  # never None: the query asks for these ids
            if action == "create":  # a later creation of the same id (a deleted row's id reused) starts afresh
                by_import[a_id], edited[a_id] = summary.startswith(IMPORT_CREATED), set()
            elif not summary.startswith(IMPORT_RESTORED):
                edited.setdefault(a_id, set()).update(json.loads(changed or "{}"))
    return {a_id: set(RESTORED_FIELDS) if not by_import.get(a_id) else edited.get(a_id, set()) & set(RESTORED_FIELDS)
            for a_id in ids}


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
                         f"{IMPORT_CREATED}“{new.title}”（{new.type_name}，{new.start_date.isoformat()}）",
                         {"title": (None, new.title), "hours": (None, new.hours)})
    needed = {r.key for r in plan.added} - set(session_of)
    if needed:
        for a_id, title, type_id, start, s_id in session.execute(
                select(Activity.id, Activity.title, Activity.type_id, Activity.start_date, ActivitySession.id)
                .join(ActivitySession, ActivitySession.activity_id == Activity.id).where(ActivitySession.seq == 1)
                .order_by(*OPEN_FIRST)):  # of several of one key: the open one
            key = (fold_key(title), type_id, start)
            if key in needed and key not in session_of:
                session_of[key] = (a_id, s_id)
    _apply_restored(session, plan, actor)
    tick(cancel)
    enrolled: set[tuple[int, int]] = set()
    for run in chunked(sorted({a for a, _ in session_of.values()})):  # the file's activities: in runs (bulk.py)
        enrolled.update((a, m) for a, m in session.execute(
            select(Enrolment.activity_id, Enrolment.member_id).where(Enrolment.activity_id.in_(run))))
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
        last_key: ActivityKey | None = None
        a_id = s_id = 0
        for r in added[first:first + chunk]:
            if r.key is not last_key:  # rows come in runs of one activity
                last_key = r.key
                a_id, s_id = session_of[last_key]
            member_id = r.member_id
            pair = (a_id, member_id)
            if pair not in enrolled:
                enrolled.add(pair)
                enrol_rows.append(pair)
            att_rows.append((s_id, member_id, r.status, r.reason, r.hours, "import"))
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
                         f"{IMPORT_RESTORED}活动“{a.title}”的原文（{'、'.join(LABELS[k] for k in texts)}）",
                         dict(texts))


def import_records(session: Session, path: Path | str, actor: str, on_existing: str = "update",
                   dry_run: bool = False) -> RecordsPlan:
    """Plan and, unless `dry_run` or refused, apply; returns the plan (its summary is the report)."""
    plan = plan_records(session, path, on_existing)
    if not dry_run and plan.ok:
        apply_records(session, plan, actor)
    return plan
