"""Yearly assessments: 民主评议 grades, branch assessment and 述职评议, exam scores, 评先评优 eligibility.

Grade rules: a full member gets one of 优秀 / 合格 / 基本合格 / 不合格 (or none yet); a probationary
member (预备党员) takes part but gets no grade, and a grade given to one is refused. When 优秀
exceeds a third of the graded members of a branch, or of the whole bureau, the save goes through
with a warning (the third is a norm, not a law). A member must be on the roll in the year.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Activity,
    ActivitySession,
    ActivityType,
    Attendance,
    Branch,
    BranchAssessment,
    Enrolment,
    EvaluationGrade,
    ExamScore,
    Member,
)
from services import access
from services.assessment.exam_writes import write_exam_scores
from services.assessment.ledger import EXEMPT, MET, NO_TARGET, year_ledger
from services.assessment.stats import ATTENDED
from services.assessment.targets import roll_span
from services.errors import DangxunError, FieldProblem, NotFoundError, ValidationError
from services.normalize import (
    CANCELLED_ACTIVITY,
    clean_text,
    keep_text,
    normalize_id_number,
    normalize_name,
    partial_start,
)
from services.progress import Progress, tick
from services.safety import changelog

GRADES = ("优秀", "合格", "基本合格", "不合格")
BRANCH_GRADES = ("好", "较好", "一般", "差")
PROBATIONARY = "预备党员"
GRADE_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "身份证"),
    "grade": ("评议等次", "评议结果", "等次", "民主评议等次", "评定等次"),
    "remarks": ("备注",),
}
# Rows between two looks at the cancel flag (and two progress reports) while a file is checked or written.
TICK_ROWS = 500
_GRADE_SYNONYMS = {g: g for g in GRADES} | {"基本合格党员": "基本合格", "合格党员": "合格", "优秀党员": "优秀",
                                             "不合格党员": "不合格", "不定等次": "", "不评定等次": "", "—": "",
                                             "-": "", "/": "", "无": ""}


def normalize_grade(value: Any) -> str | None:
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    if text in _GRADE_SYNONYMS:
        return _GRADE_SYNONYMS[text] or None
    raise ValidationError(f"评议等次“{text}”不在可选范围内（{'、'.join(GRADES)}）", "grade")


@dataclass
class GradeRow:
    member_id: int
    name: str
    branch_id: int
    branch: str
    membership: str
    grade: str | None
    remarks: str

    @property
    def probationary(self) -> bool:
        return self.membership == PROBATIONARY


@dataclass
class SaveResult:
    saved: int
    warnings: list[str] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)


def list_grades(session: Session, year: int, branch_id: int | None = None) -> list[GradeRow]:
    """Every member on the roll in `year` with their grade (None when not yet graded or probationary)."""
    q = (select(Member.id, Member.name, Member.branch_id, Branch.name, Member.membership, Member.full_member_since,
                Member.joined_party, Member.joined_org, Member.left_date, Member.status, EvaluationGrade.grade,
                EvaluationGrade.remarks)
         .join(Branch, Branch.id == Member.branch_id)
         .outerjoin(EvaluationGrade, (EvaluationGrade.member_id == Member.id) & (EvaluationGrade.year == year))
         .order_by(Branch.sort_order, Branch.id, Member.sort_key, Member.id))
    if branch_id is not None:
        q = q.where(Member.branch_id == branch_id)
    q = access.scope(session, q, branch=Member.branch_id)  # a branch account grades its own members only
    out = []
    for mid, name, bid, branch, membership, full_since, joined, joined_org, left, status, grade, remarks \
            in session.execute(q):
        if roll_span(joined, joined_org, left, status).on_roll_in_year(year):
            out.append(GradeRow(mid, name, bid, branch, membership_in_year(membership, full_since, year), grade,
                                remarks or ""))
    return out


def membership_in_year(membership: str, full_member_since: str | None, year: int) -> str:
    """The member's 党员类别 at the end of `year`, when 民主评议 grades it: 预备党员 when 转正 came after that year
    (a member who became 正式 in May 2025 took part in 2024's 评议 without a grade), 正式党员 when it came
    before; without a 转正 date, as the roll says today."""
    if not full_member_since:
        return membership
    try:
        since = partial_start(full_member_since)
    except ValueError:  # not a date the roll could hold: as the roll says
        return membership
    return PROBATIONARY if since > dt.date(year, 12, 31) else "正式党员"


def excellent_warnings(rows: Sequence[GradeRow]) -> list[str]:
    """Warnings where 优秀 exceeds a third of the graded members of a branch or of the bureau."""
    warnings = []
    groups: dict[str, list[GradeRow]] = {}
    for r in rows:
        groups.setdefault(r.branch, []).append(r)
    for label, members in [*groups.items(), ("全局", list(rows))]:
        graded = [r for r in members if r.grade]
        excellent = sum(1 for r in graded if r.grade == "优秀")
        if graded and excellent * 3 > len(graded):
            warnings.append(f"{label}评为优秀的{excellent}人，超过参评定等次党员（{len(graded)}人）的三分之一")
    return warnings


def save_grades(session: Session, actor: str, year: int,
                entries: Sequence[tuple[int, str | None, str | None]], *,
                progress: Progress | None = None, cancel: threading.Event | None = None) -> SaveResult:
    """Save (member id, grade, remarks) entries for `year`, all or nothing; warn on too many 优秀.

    With `cancel` set it raises CancelledError: before the first write while checking, and while
    writing (the caller's transaction then rolls back: nothing is written)."""
    on_roll = {r.member_id: r for r in list_grades(session, year)}
    problems: list[FieldProblem] = []
    clean: list[tuple[GradeRow, str | None, str | None]] = []
    for n, (member_id, grade, remarks) in enumerate(entries, start=1):
        if n % TICK_ROWS == 0:
            tick(cancel)
        row = on_roll.get(member_id)
        if row is None:
            member = session.get(Member, member_id)
            who = member.name if member else f"编号{member_id}"
            problems.append(FieldProblem("member", f"{who}不在{year}年度的党员名册上", n))
            continue
        try:
            value = normalize_grade(grade)
        except ValidationError as exc:
            problems.append(FieldProblem("grade", f"{row.name}：{exc.message}", n))
            continue
        if value and row.probationary:
            problems.append(FieldProblem("grade", f"{row.name}是预备党员，参加民主评议但不评定等次", n))
            continue
        clean.append((row, value, (remarks or "").strip() or None))
    if problems:
        raise ValidationError(problems)
    tick(cancel)
    saved = 0
    existing = {g.member_id: g for g in session.scalars(select(EvaluationGrade).where(EvaluationGrade.year == year))}
    for n, (row, value, remarks) in enumerate(clean):
        if n % TICK_ROWS == 0:
            _report(progress, 50 + 50 * n // len(clean), f"正在写入评议等次（{n}/{len(clean)}）……")
            tick(cancel)
        record = existing.get(row.member_id)
        old = (record.grade, record.remarks) if record else (None, None)
        if old == (value, remarks):
            continue
        if record is None:
            record = EvaluationGrade(member_id=row.member_id, year=year, grade=value, remarks=remarks)
            session.add(record)
            existing[row.member_id] = record
        else:
            record.grade, record.remarks = value, remarks
        session.flush()
        changelog.record(session, actor, "update", "evaluation_grade", record.id,
                         f"{year}年度民主评议：{row.name} {value or '不定等次'}",
                         {"grade": (old[0], value), "remarks": (old[1], remarks)})
        row.grade = value
        saved += 1
    return SaveResult(saved, excellent_warnings(list(on_roll.values())))


def import_grades(session: Session, actor: str, year: int, path: Path | str, *,
                  progress: Progress | None = None,
                  cancel: threading.Event | None = None) -> SaveResult:
    """Import grades from a spreadsheet (姓名 and/or 公民身份号码, 评议等次, 备注); all or nothing.

    A member is found by ID number when given, else by name when the name is unique among the
    members on the roll that year. Any problem refuses the whole file, naming the sheet row.
    `cancel` is looked at every TICK_ROWS rows: a cancelled import raises CancelledError, before it
    writes while it reads and checks, and inside the caller's transaction while it writes.
    """
    from services.files.spreadsheet import read_table

    table = read_table(path, GRADE_HEADERS, required=("grade",), progress=progress, cancel=cancel)
    file = Path(path).name
    if "name" not in table.fields and "id_number" not in table.fields:
        raise ValidationError("表格中没有“姓名”或“公民身份号码”列，无法对应党员", "name", file=file)
    rows = list_grades(session, year)
    by_name: dict[str, list[GradeRow]] = {}
    for r in rows:
        by_name.setdefault(r.name, []).append(r)
    id_map = dict(session.execute(select(Member.id_number, Member.id)).all())
    problems: list[FieldProblem] = []
    entries: list[tuple[int, str | None, str | None]] = []
    seen: dict[int, int] = {}
    for n, trow in enumerate(table.rows):
        if n % TICK_ROWS == 0:
            tick(cancel)
            _report(progress, 50 * n // len(table.rows), f"正在检查第{trow.number}行（共{len(table.rows)}行）……")
        values = trow.values
        problems += [FieldProblem("row", message, trow.number, column) for column, message in trow.problems]
        try:
            member_id = _resolve_member(values, id_map, by_name, "不在本年度党员名册中")
        except DangxunError as exc:  # NormalizeError or ValidationError: a Chinese message for the row
            problems.append(FieldProblem("row", exc.message, trow.number, _member_column(table, values)))
            continue
        try:
            grade = normalize_grade(values.get("grade"))
        except DangxunError as exc:
            problems.append(FieldProblem("row", exc.message, trow.number, table.header_of("grade")))
            continue
        if member_id in seen:
            problems.append(FieldProblem("row", f"与第{seen[member_id]}行是同一名党员", trow.number))
            continue
        seen[member_id] = trow.number
        entries.append((member_id, grade, keep_text(values.get("remarks")) or None))
    if problems:
        raise ValidationError(problems, file=file)
    try:
        return save_grades(session, actor, year, entries, progress=progress, cancel=cancel)
    except ValidationError as exc:
        # Map the entry numbers back to sheet rows.
        numbers = [r.number for r in table.rows]
        raise ValidationError([FieldProblem(p.field, p.message, numbers[p.row - 1] if p.row else None)
                               for p in exc.problems], file=file) from None


# ---------------------------------------------------------------- branches


@dataclass(frozen=True)
class BranchAssessmentRow:
    branch_id: int
    branch: str
    grade: str | None
    secretary_review: str | None
    remarks: str


def list_branch_assessments(session: Session, year: int) -> list[BranchAssessmentRow]:
    q = (select(Branch.id, Branch.name, BranchAssessment.grade, BranchAssessment.secretary_review,
                BranchAssessment.remarks)
         .outerjoin(BranchAssessment, (BranchAssessment.branch_id == Branch.id) & (BranchAssessment.year == year))
         .order_by(Branch.sort_order, Branch.id))
    q = access.scope(session, q, branch=Branch.id)
    return [BranchAssessmentRow(i, n, g, s, r or "") for i, n, g, s, r in session.execute(q)]


def set_branch_assessment(session: Session, actor: str, branch_id: int, year: int, grade: str | None,
                          secretary_review: str | None, remarks: str | None = None) -> BranchAssessmentRow:
    """The branch's yearly result and its secretary's 述职评议 (好 / 较好 / 一般 / 差, or empty)."""
    access.require_office(session, "评定党支部的考核结果")  # the committee assesses its branches
    branch = session.get(Branch, branch_id)
    if branch is None:
        raise NotFoundError("找不到该党支部")
    for label, value in (("支部考核结果", grade), ("书记述职评议结果", secretary_review)):
        if value and value not in BRANCH_GRADES:
            raise ValidationError(f"{label}“{value}”不在可选范围内（{'、'.join(BRANCH_GRADES)}）", "grade")
    record = session.scalar(select(BranchAssessment).where(BranchAssessment.branch_id == branch_id,
                                                           BranchAssessment.year == year))
    old = (record.grade, record.secretary_review, record.remarks) if record else (None, None, None)
    if record is None:
        record = BranchAssessment(branch_id=branch_id, year=year)
        session.add(record)
    record.grade, record.secretary_review, record.remarks = grade or None, secretary_review or None, remarks or None
    session.flush()
    changelog.record(session, actor, "update", "branch_assessment", record.id,
                     f"{year}年度{branch.name}考核：{grade or '—'}，书记述职评议：{secretary_review or '—'}",
                     {"grade": (old[0], record.grade), "secretary_review": (old[1], record.secretary_review),
                      "remarks": (old[2], record.remarks)})
    return BranchAssessmentRow(branch.id, branch.name, record.grade, record.secretary_review, record.remarks or "")


# ---------------------------------------------------------------- exams


@dataclass(frozen=True)
class ExamRow:
    member_id: int
    name: str
    branch: str
    score: float | None


def set_exam_score(session: Session, actor: str, activity_id: int, member_id: int, score: float | None) -> None:
    """Record (or, with None, remove) one member's exam score at an activity (0–100)."""
    activity = session.get(Activity, activity_id)
    member = session.get(Member, member_id)
    if activity is None or member is None:
        raise NotFoundError("找不到该活动或党员")
    access.require_branch(session, member.branch_id, "录入")
    if score is not None and not 0 <= score <= 100:
        raise ValidationError("考试成绩应在0～100之间", "score")
    record = session.scalar(select(ExamScore).where(ExamScore.activity_id == activity_id,
                                                    ExamScore.member_id == member_id))
    old = record.score if record else None
    if score is None:
        if record is not None:
            session.delete(record)
    elif record is None:
        record = ExamScore(activity_id=activity_id, member_id=member_id, score=score)
        session.add(record)
    else:
        record.score = score
    session.flush()
    changelog.record(session, actor, "update", "exam_score", record.id if record else None,
                     f"{activity.title}考试成绩：{member.name} {score if score is not None else '删除'}",
                     {"score": (old, score)})


def list_exam_scores(session: Session, activity_id: int) -> list[ExamRow]:
    """Members enrolled in or attending the activity (or with a score), with their score."""
    attended = select(Attendance.member_id).join(ActivitySession, ActivitySession.id == Attendance.session_id) \
        .where(ActivitySession.activity_id == activity_id, Attendance.status.in_(ATTENDED))
    enrolled = select(Enrolment.member_id).where(Enrolment.activity_id == activity_id)
    scored = select(ExamScore.member_id).where(ExamScore.activity_id == activity_id)
    q = (select(Member.id, Member.name, Branch.name, ExamScore.score)
         .join(Branch, Branch.id == Member.branch_id)
         .outerjoin(ExamScore, (ExamScore.member_id == Member.id) & (ExamScore.activity_id == activity_id))
         .where(Member.id.in_(attended) | Member.id.in_(enrolled) | Member.id.in_(scored))
         .order_by(Branch.sort_order, Member.sort_key))
    q = access.scope(session, q, branch=Member.branch_id)
    return [ExamRow(i, n, b, s) for i, n, b, s in session.execute(q)]


EXAM_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "身份证"),
    "score": ("成绩", "考试成绩", "分数", "得分", "考试分数"),
}


def parse_score(value: Any) -> float | None:
    """A score typed or read from a sheet: empty → None; else a number 0–100 (Chinese message if not)."""
    text = clean_text(value).replace(" ", "").removesuffix("分")
    if not text:
        return None
    try:
        score = float(text)
    except ValueError:
        raise ValidationError(f"考试成绩“{text}”不是数字，应为0～100之间的数字", "score") from None
    if not 0 <= score <= 100 or score != score:
        raise ValidationError(f"考试成绩“{text}”超出范围，应为0～100之间的数字", "score")
    return round(score, 2)


@dataclass(frozen=True)
class ExamActivity:
    id: int
    title: str
    start_date: dt.date
    type: str
    is_class: bool


def exam_activities(session: Session, year: int | None = None, classes_only: bool = False) -> list[ExamActivity]:
    """Activities that may hold an exam (not cancelled), newest first; classes only if asked."""
    q = (select(Activity.id, Activity.title, Activity.start_date, ActivityType.name, ActivityType.is_class)
         .join(ActivityType, ActivityType.id == Activity.type_id)
         .where(Activity.status != CANCELLED_ACTIVITY)
         .order_by(Activity.start_date.desc(), Activity.id.desc()))
    if year is not None:
        q = q.where(Activity.start_date >= dt.date(year, 1, 1), Activity.start_date <= dt.date(year, 12, 31))
    if classes_only:
        q = q.where(ActivityType.is_class.is_(True))
    return [ExamActivity(i, t, d, n, bool(c)) for i, t, d, n, c in session.execute(q)]


def save_exam_scores(session: Session, actor: str, activity_id: int,
                     entries: Sequence[tuple[int, Any]], *,
                     progress: Progress | None = None, cancel: threading.Event | None = None) -> int:
    """Save (member id, score or None) entries of one activity, all or nothing; returns how many changed.

    With `cancel` set it raises CancelledError (while writing, the caller's transaction rolls back)."""
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFoundError("找不到该活动")
    problems: list[FieldProblem] = []
    clean: list[tuple[int, float | None]] = []
    for n, (member_id, value) in enumerate(entries, start=1):
        if n % TICK_ROWS == 0:
            tick(cancel)
        try:
            clean.append((member_id, parse_score(value)))
        except ValidationError as exc:
            problems.append(FieldProblem("score", exc.message, n))
    if problems:
        raise ValidationError(problems)
    tick(cancel)
    current = {r.member_id: r.score for r in list_exam_scores(session, activity_id)}
    changed = [(m, score) for m, score in clean if not (m in current and current[m] == score)]
    write_exam_scores(session, actor, activity, changed, progress=progress, cancel=cancel)
    return len(changed)


def import_exam_scores(session: Session, actor: str, activity_id: int, path: Path | str, *,
                       progress: Progress | None = None,
                       cancel: threading.Event | None = None) -> int:
    """Import scores of one activity from a sheet (姓名 and/or 公民身份号码, 成绩); all or nothing.

    A member is found by ID number when given, else by name when the name is unique among the
    members listed for the activity (enrolled, attending or scored). Problems name the sheet row.
    `cancel` works as in import_grades.
    """
    from services.files.spreadsheet import read_table

    table = read_table(path, EXAM_HEADERS, required=("score",), progress=progress, cancel=cancel)
    file = Path(path).name
    if "name" not in table.fields and "id_number" not in table.fields:
        raise ValidationError("表格中没有“姓名”或“公民身份号码”列，无法对应党员", "name", file=file)
    listed = list_exam_scores(session, activity_id)
    by_name: dict[str, list[ExamRow]] = {}
    for r in listed:
        by_name.setdefault(r.name, []).append(r)
    id_map = dict(session.execute(select(Member.id_number, Member.id)).all())
    problems: list[FieldProblem] = []
    entries: list[tuple[int, float | None]] = []
    seen: dict[int, int] = {}
    for n, trow in enumerate(table.rows):
        if n % TICK_ROWS == 0:
            tick(cancel)
            _report(progress, 50 * n // len(table.rows), f"正在检查第{trow.number}行（共{len(table.rows)}行）……")
        values = trow.values
        problems += [FieldProblem("row", message, trow.number, column) for column, message in trow.problems]
        try:
            member_id = _resolve_member(values, id_map, by_name, "不在该活动的参训名单中")
        except DangxunError as exc:
            problems.append(FieldProblem("row", exc.message, trow.number, _member_column(table, values)))
            continue
        try:
            score = parse_score(values.get("score"))
        except DangxunError as exc:
            problems.append(FieldProblem("row", exc.message, trow.number, table.header_of("score")))
            continue
        if member_id in seen:
            problems.append(FieldProblem("row", f"与第{seen[member_id]}行是同一名党员", trow.number))
            continue
        seen[member_id] = trow.number
        entries.append((member_id, score))
    if problems:
        raise ValidationError(problems, file=file)
    return save_exam_scores(session, actor, activity_id, entries, progress=progress, cancel=cancel)


# ---------------------------------------------------------------- 评先评优


@dataclass(frozen=True)
class AwardRule:
    """What selection for awards asks: target met, a grade among `grades`, and attendance.

    Attendance: with `min_attendance_share` None, no 缺席 at all in the year; otherwise the share
    of the member's attendance rows that year marked 出席/迟到/早退 must reach it (请假 counts
    as not attended).
    """

    require_target_met: bool = True
    grades: tuple[str, ...] = ("优秀",)
    min_attendance_share: float | None = None


# The choices the window offers for a rule: grades asked for, and attendance (None: no 缺席 at all).
AWARD_GRADE_CHOICES: tuple[tuple[str, tuple[str, ...]], ...] = (("优秀", ("优秀",)), ("优秀或合格", ("优秀", "合格")))
AWARD_ATTENDANCE_CHOICES: tuple[tuple[str, float | None], ...] = (
    ("全年无缺席", None), ("出勤率不低于90%", 0.9), ("出勤率不低于80%", 0.8), ("出勤率不低于70%", 0.7))


@dataclass(frozen=True)
class Eligibility:
    member_id: int
    name: str
    branch: str
    eligible: bool
    reasons: tuple[str, ...]  # every condition, passed or not, in words

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


def award_eligibility(session: Session, year: int, rule: AwardRule | None = None) -> list[Eligibility]:
    """For every member on the roll in `year`: eligible for 评先评优 or not, and why."""
    rule = rule or AwardRule()
    ledger = {r.member_id: r for r in year_ledger(session, year).rows}
    grades = {r.member_id: r for r in list_grades(session, year)}
    lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    att: dict[int, dict[str, int]] = {}
    q = (select(Attendance.member_id, Attendance.status, func.count())
         .join(ActivitySession, ActivitySession.id == Attendance.session_id)
         .where(ActivitySession.date >= lo, ActivitySession.date <= hi)
         .group_by(Attendance.member_id, Attendance.status))
    for member_id, status, count in session.execute(q):
        att.setdefault(member_id, {})[status] = count
    out = []
    for member_id, led in ledger.items():
        reasons: list[str] = []
        ok = True
        if rule.require_target_met:
            if led.verdict == MET:
                reasons.append(f"学时达标（{led.countable:g}/{led.target:g}学时）")
            elif led.verdict == NO_TARGET:
                reasons.append(f"本年度无学时目标（{led.countable:g}学时）")
            elif led.verdict == EXEMPT:
                reasons.append(f"本年度免予学时考核（{led.countable:g}学时）")
            else:
                ok = False
                reasons.append(f"学时未达标（{led.countable:g}/{led.target:g}学时，差{led.gap:g}学时）")
        g = grades.get(member_id)
        if g is not None and g.probationary:
            ok = ok and not rule.grades
            reasons.append("预备党员，不评定等次")
        elif g is None or not g.grade:
            ok = ok and not rule.grades
            reasons.append("尚未评定民主评议等次")
        elif rule.grades and g.grade not in rule.grades:
            ok = False
            reasons.append(f"民主评议等次为{g.grade}（要求{'或'.join(rule.grades)}）")
        else:
            reasons.append(f"民主评议等次为{g.grade}")
        counts = att.get(member_id, {})
        total = sum(counts.values())
        attended = sum(counts.get(s, 0) for s in ATTENDED)
        absent = counts.get("缺席", 0)
        if rule.min_attendance_share is None:
            if absent:
                ok = False
                reasons.append(f"缺席{absent}次")
            else:
                reasons.append("全年无缺席" if total else "全年无考勤记录")
        else:
            share = attended / total if total else 0.0
            if share + 1e-9 >= rule.min_attendance_share:
                reasons.append(f"出勤率{share:.0%}")
            else:
                ok = False
                reasons.append(f"出勤率{share:.0%}，低于{rule.min_attendance_share:.0%}")
        out.append(Eligibility(member_id, led.name, led.branch, ok, tuple(reasons)))
    return out


def _report(progress: Progress | None, percent: int, text: str) -> None:
    if progress is not None:
        progress(percent, text)


def _member_column(table: Any, values: dict[str, Any]) -> str | None:
    """The column a row's member was looked up by, as the sheet heads it: the ID number when given, else the name."""
    return table.header_of("id_number" if clean_text(values.get("id_number")) else "name")


def _resolve_member(values: dict[str, Any], id_map: dict[str, int], by_name: dict[str, list[Any]],
                    missing: str) -> int:
    """A sheet row's member: by ID number when given, else by a name that is unique in `by_name`."""
    if clean_text(values.get("id_number")):
        number = normalize_id_number(values.get("id_number"))
        member_id = id_map.get(number)
        if member_id is None:
            raise ValidationError(f"身份证号码 {number} 不在党员名册中")
        return member_id
    name = normalize_name(values.get("name"))
    found = by_name.get(name, [])
    if len(found) != 1:
        raise ValidationError(f"姓名“{name}”" + (missing if not found else "有重名，请填写身份证号码"))
    return int(found[0].member_id)
