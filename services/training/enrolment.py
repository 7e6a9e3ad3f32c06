"""Enrolment in an activity: in bulk by branch, post, membership, joining date or audience, by hand, or from a list."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from models import Activity, ActivitySession, Attendance, Branch, Enrolment, Member
from services import access, changes
from services.bulk import chunked, insert_rows
from services.errors import (
    ConflictError,
    FieldProblem,
    NormalizeError,
    NotFoundError,
    ValidationError,
)
from services.normalize import (
    CLOSED_ACTIVITY_STATUSES,
    COMMITTEE_POSTS,
    clean_text,
    fold_key,
    last_day_on_roll,
    normalize_id_number,
    normalize_name,
    partial_end,
    partial_start,
)
from services.plan import audience_stats
from services.progress import Progress, tick
from services.safety import changelog, privacy

# Rows of a list between two looks at the cancel flag (and two progress reports).
TICK_ROWS = 500


@dataclass(frozen=True)
class Participant:
    """One enrolled member, in the order lists of names are printed (branch, then surname strokes)."""

    member_id: int
    name: str
    id_number: str
    branch: str
    party_post: str | None
    job: str | None
    membership: str
    status: str
    left_date: str | None = None  # the day (or month) a member who left left

    def there_on(self, day: dt.date) -> bool:
        """Whether the member was still on the roll on `day` (one who left is not expected after it)."""
        last = last_day_on_roll(self.status, self.left_date)
        return last is None or last >= day


@dataclass
class EnrolResult:
    added: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    not_on_roll: list[str] = field(default_factory=list)  # names of members who left
    problems: list[FieldProblem] = field(default_factory=list)  # rows of a list that matched nobody


def participants(session: Session, activity_id: int) -> list[Participant]:
    stmt = (
        select(Member.id, Member.name, Member.id_number, Branch.name, Member.party_post, Member.job,
               Member.membership, Member.status, Member.left_date)
        .join(Enrolment, Enrolment.member_id == Member.id)
        .join(Branch, Branch.id == Member.branch_id)
        .where(Enrolment.activity_id == activity_id)
        .order_by(Branch.sort_order, Branch.id, Member.sort_key, Member.id))
    rows = session.execute(access.scope(session, stmt, branch=Member.branch_id))  # a branch account: its own
    return privacy.for_session(session, (Participant(*row) for row in rows))  # masked for 查阅


def select_members(session: Session, *, branch_ids: Iterable[int] | None = None,
                   posts: Iterable[str] | None = None, membership: str | None = None,
                   joined_from: str | dt.date | None = None, joined_to: str | dt.date | None = None,
                   query: str | None = None) -> list[int]:
    """Ids of members on the roll (在册) matching every filter given, in roll order.

    `posts` may include "支委" to mean every branch committee post (normalize.COMMITTEE_POSTS).
    Party joining dates may be month-only: a member counts when their date may fall in the range.
    """
    stmt = access.scope(session, select(Member.id, Member.joined_party).join(Branch, Branch.id == Member.branch_id)
                        .where(Member.status == "在册").order_by(Branch.sort_order, Branch.id, Member.sort_key,
                                                                Member.id), branch=Member.branch_id)
    if branch_ids is not None:
        stmt = stmt.where(Member.branch_id.in_(list(branch_ids)))
    if posts is not None:
        wanted: set[str] = set()
        for p in posts:
            wanted |= set(COMMITTEE_POSTS) if p in ("支委", "支部委员") else {p}
        stmt = stmt.where(Member.party_post.in_(sorted(wanted)))
    if membership:
        stmt = stmt.where(Member.membership == membership)
    q = clean_text(query or "")
    if q:
        stmt = stmt.where(Member.name.contains(q, autoescape=True) | Member.name_initials.startswith(q.lower(), autoescape=True))
    lo = _as_date(joined_from, start=True)
    hi = _as_date(joined_to, start=False)
    ids = []
    for member_id, joined in session.execute(stmt):
        if lo or hi:
            if not joined:
                continue
            if lo and partial_end(joined) < lo:
                continue
            if hi and partial_start(joined) > hi:
                continue
        ids.append(member_id)
    return ids


def _as_date(value: str | dt.date | None, start: bool) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    from services.normalize import parse_partial_date

    partial = parse_partial_date(value)
    if partial is None:
        return None
    return partial_start(partial) if start else partial_end(partial)


def _activity(session: Session, activity_id: int) -> Activity:
    a = session.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(f"编号为{activity_id}的活动不存在")
    access.require_activity_joinable(session, activity_id)
    return a


def enrol(session: Session, activity_id: int, member_ids: Iterable[int], actor: str) -> EnrolResult:
    """Enrol members on the roll; already enrolled ones are left as they are, others refused by name."""
    a = _activity(session, activity_id)
    if a.status in CLOSED_ACTIVITY_STATUSES:
        raise ConflictError(f"活动“{a.title}”{a.status}，不能再报名")
    ids = list(dict.fromkeys(member_ids))
    result = EnrolResult()
    if not ids:
        return result
    # Lists of members go in runs (services/bulk.py: a statement binds at most 999 values on old SQLite).
    members: dict[int, tuple[str, str]] = {}
    existing: set[int] = set()
    for run in chunked(ids):
        members.update((m_id, (name, status)) for m_id, name, status in session.execute(
            select(Member.id, Member.name, Member.status).where(Member.id.in_(run))))
    missing = [i for i in ids if i not in members]
    if missing:
        raise NotFoundError(f"党员编号{missing}不存在")
    access.require_members(session, ids, "报名")  # in runs itself
    for run in chunked(ids):
        existing.update(session.scalars(select(Enrolment.member_id).where(
            Enrolment.activity_id == activity_id, Enrolment.member_id.in_(run))))
    for member_id in ids:
        name, status = members[member_id]
        if member_id in existing:
            result.already.append(member_id)
        elif status != "在册":
            result.not_on_roll.append(f"{name}（{status}）")
        else:
            result.added.append(member_id)
    # Core through the driver's executemany (services/bulk.py); announced through changes.note.
    insert_rows(session.connection(), cast(Table, Enrolment.__table__), ("activity_id", "member_id"),
                [(activity_id, member_id) for member_id in result.added])
    if result.added:
        changes.note(session, "enrolment")
    session.flush()
    if result.added:
        names = [members[i][0] for i in result.added]
        shown = "、".join(names[:10]) + (f"等{len(names)}人" if len(names) > 10 else "")
        changelog.record(session, actor, "enrol", "activity", activity_id, f"活动“{a.title}”报名：{shown}",
                         {"enrolled": (None, len(result.added))})
    return result


def enrol_by_branch(session: Session, activity_id: int, branch_ids: Iterable[int], actor: str) -> EnrolResult:
    return enrol(session, activity_id, select_members(session, branch_ids=branch_ids), actor)


def enrol_by_post(session: Session, activity_id: int, posts: Iterable[str] | None, actor: str) -> EnrolResult:
    """By Party post; `None` means every branch committee post (支部书记, 支部副书记, 委员…)."""
    return enrol(session, activity_id, select_members(session, posts=posts or COMMITTEE_POSTS), actor)


def enrol_by_membership(session: Session, activity_id: int, membership: str, actor: str) -> EnrolResult:
    return enrol(session, activity_id, select_members(session, membership=membership), actor)


def enrol_by_joined(session: Session, activity_id: int, joined_from: str | dt.date | None,
                    joined_to: str | dt.date | None, actor: str) -> EnrolResult:
    return enrol(session, activity_id, select_members(session, joined_from=joined_from, joined_to=joined_to),
                 actor)


def enrol_by_audience(session: Session, activity_id: int, actor: str) -> EnrolResult:
    """The members the activity's audience (培训对象) names on its start date; an audience the roll
    cannot name (发展对象, 中心组成员, the office's own words…) is refused in Chinese, nobody enrolled."""
    a = _activity(session, activity_id)
    ids = audience_stats.audience_member_ids(session, a.target_group, a.start_date)
    return enrol(session, activity_id, ids, actor)


def match_people(session: Session, values: Iterable[tuple[int, str]], *, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> tuple[list[int], list[FieldProblem]]:
    """Members for (sheet row, name or ID number) pairs: an ID number when it is one, else a unique name.

    With `cancel` set it raises CancelledError (it reads only)."""
    values = list(values)
    ids: list[int] = []
    problems: list[FieldProblem] = []
    by_name: dict[str, list[int]] = {}
    for m_id, name in session.execute(access.scope(session, select(Member.id, Member.name).where(
            Member.status == "在册"), branch=Member.branch_id)):
        by_name.setdefault(fold_key(name), []).append(m_id)
    for n, (row, value) in enumerate(values):
        if n % TICK_ROWS == 0:
            tick(cancel)
            if progress is not None:
                progress(100 * n // len(values), f"正在查找第{row}行的党员（共{len(values)}行）……")
        text = clean_text(value)
        if not text:
            continue
        if any(ch.isdigit() for ch in text):
            try:
                number = normalize_id_number(text)
            except NormalizeError as exc:
                problems.append(FieldProblem("member", exc.message, row=row, column="姓名或身份证号码"))
                continue
            found = session.execute(access.scope(session, select(Member.id, Member.status).where(
                Member.id_number == number), branch=Member.branch_id)).first()
            if found is None:
                problems.append(FieldProblem("member", f"身份证号码{number}不在党员名册中", row=row,
                                             column="姓名或身份证号码"))
            elif found[1] != "在册":
                problems.append(FieldProblem("member", f"身份证号码{number}的党员已{found[1]}", row=row,
                                             column="姓名或身份证号码"))
            else:
                ids.append(found[0])
            continue
        try:
            name = normalize_name(text)
        except NormalizeError as exc:
            problems.append(FieldProblem("member", exc.message, row=row, column="姓名或身份证号码"))
            continue
        matches = by_name.get(fold_key(name), [])
        if len(matches) == 1:
            ids.append(matches[0])
        elif not matches:
            problems.append(FieldProblem("member", f"名册中没有在册党员“{name}”", row=row, column="姓名或身份证号码"))
        else:
            problems.append(FieldProblem("member", f"名册中有{len(matches)}名党员叫“{name}”，请改用身份证号码",
                                         row=row, column="姓名或身份证号码"))
    return ids, problems


def enrol_from_values(session: Session, activity_id: int, values: Iterable[tuple[int, str]], actor: str,
                      *, allow_partial: bool = False, progress: Progress | None = None,
                      cancel: threading.Event | None = None) -> EnrolResult:
    """Enrol from a list of names or ID numbers; with problems nothing is enrolled unless `allow_partial`.
    With `cancel` set it raises CancelledError before it writes."""
    ids, problems = match_people(session, values, progress=progress, cancel=cancel)
    if problems and not allow_partial:
        raise ValidationError(problems)
    tick(cancel)
    result = enrol(session, activity_id, ids, actor)
    result.problems = problems
    return result


def read_people_list(path: Path | str) -> list[tuple[int, str]]:
    """(sheet row, value) pairs from an Excel/CSV list: the 身份证号码 column if any, else 姓名, else column 1."""
    from services.files.spreadsheet import read_rows

    rows = read_rows(Path(path))
    id_headers = ("公民身份号码", "身份证号", "身份证号码", "身份证")
    for index, row in enumerate(rows[:20]):
        cells = [clean_text(c).replace(" ", "") for c in row]
        id_col = next((i for i, c in enumerate(cells) if c in id_headers), None)
        name_col = next((i for i, c in enumerate(cells) if c == "姓名"), None)
        if id_col is None and name_col is None:
            continue
        out = []
        for number, data in enumerate(rows[index + 1:], start=index + 2):
            id_value = clean_text(data[id_col]) if id_col is not None and id_col < len(data) else ""
            name_value = clean_text(data[name_col]) if name_col is not None and name_col < len(data) else ""
            if id_value or name_value:
                out.append((number, id_value or name_value))
        return out
    return [(n, clean_text(r[0])) for n, r in enumerate(rows, start=1) if r and clean_text(r[0])]


def enrol_from_file(session: Session, activity_id: int, path: Path | str, actor: str,
                    *, allow_partial: bool = False, progress: Progress | None = None,
                    cancel: threading.Event | None = None) -> EnrolResult:
    """Enrol the people a list names (see read_people_list); with `cancel` set, CancelledError before any write."""
    tick(cancel)
    values = read_people_list(path)
    try:
        return enrol_from_values(session, activity_id, values, actor, allow_partial=allow_partial,
                                 progress=progress, cancel=cancel)
    except ValidationError as exc:  # the rows' problems, said with the file they are in
        raise ValidationError(exc.problems, file=Path(path).name) from None


def unenrol(session: Session, activity_id: int, member_ids: Iterable[int], actor: str) -> int:
    """Remove members from an activity; a member whose attendance was taken stays (its history counts)."""
    a = _activity(session, activity_id)
    ids = list(member_ids)
    if not ids:
        return 0
    access.require_members(session, ids, "取消报名")  # in runs itself
    taken: list[str] = []
    for run in chunked(ids):
        taken += session.execute(
            select(Member.name).join(Attendance, Attendance.member_id == Member.id)
            .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            .where(ActivitySession.activity_id == activity_id, Attendance.member_id.in_(run))
            .group_by(Member.id)).scalars().all()
    if taken:
        raise ConflictError(f"{'、'.join(taken)}已有考勤记录，不能取消报名；可把考勤改为请假或缺席")
    removed = 0
    for run in chunked(ids):
        removed += session.execute(delete(Enrolment).where(  # type: ignore[attr-defined]
            Enrolment.activity_id == activity_id, Enrolment.member_id.in_(run))).rowcount or 0
    if removed:
        changelog.record(session, actor, "unenrol", "activity", activity_id,
                         f"活动“{a.title}”取消报名{removed}人", {"enrolled": (removed, None)})
    session.flush()
    return int(removed or 0)


def enrolled_count(session: Session, activity_id: int) -> int:
    return session.scalar(access.scope(session, select(func.count(Enrolment.id)).where(
        Enrolment.activity_id == activity_id), member=Enrolment.member_id)) or 0
