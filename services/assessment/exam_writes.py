"""Exam scores of one activity written in bulk: what assessments.set_exam_score does for each entry, in few statements.

An import of 20 000 scores took three queries, a flush and a log entry a row (~9 s); now one query
a run of members, one for the activity's scores, a few bulk writes (tests/benchmarks/bench_bulk_writes.py).
"""

from __future__ import annotations

import threading
from typing import cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from models import Activity, ExamScore, Member
from services import access, changes
from services.bulk import chunked, insert_rows
from services.errors import NotFoundError
from services.progress import Progress, tick
from services.safety import changelog

# Log entries between two looks at the cancel flag.
TICK_ROWS = 500


def write_exam_scores(session: Session, actor: str, activity: Activity, entries: list[tuple[int, float | None]],
                      *, progress: Progress | None = None, cancel: threading.Event | None = None) -> None:
    """What set_exam_score does for each entry in turn, with a few statements for them all.

    The members are read by one query a run of ids (services/bulk.py), the activity's scores by one
    query; every member is checked (found, in the account's branches) before anything is written.
    Scores then go in, change and go out in bulk; one log entry per entry, as set_exam_score writes.
    """
    if not entries:
        return
    members: dict[int, tuple[str, int]] = {}
    for run in chunked(sorted({m for m, _ in entries})):
        tick(cancel)
        members.update((m_id, (name, branch_id)) for m_id, name, branch_id in session.execute(
            select(Member.id, Member.name, Member.branch_id).where(Member.id.in_(run))))
    allowed = access.current_branches(session)
    for member_id, _score in entries:
        if member_id not in members:
            raise NotFoundError("找不到该活动或党员")
        if allowed is not None:
            access.require_branch(session, members[member_id][1], "录入")
    held = {m: (i, score) for i, m, score in session.execute(
        select(ExamScore.id, ExamScore.member_id, ExamScore.score).where(ExamScore.activity_id == activity.id))}
    # Walk the entries as set_exam_score would, one after another, then write the outcome.
    outcome: dict[int, float | None] = {}
    olds: list[float | None] = []
    for member_id, score in entries:
        before = outcome[member_id] if member_id in outcome else held.get(member_id, (None, None))[1]
        olds.append(before)
        outcome[member_id] = score
    _report(progress, 60, f"正在写入考试成绩（共{len(entries)}条）……")
    tick(cancel)
    table = cast(Table, ExamScore.__table__)
    gone = [held[m][0] for m, score in outcome.items() if score is None and m in held]
    for run in chunked(gone):
        session.execute(delete(table).where(table.c.id.in_(run)))
    kept = [{"b_id": held[m][0], "b_score": score} for m, score in outcome.items()
            if score is not None and m in held and held[m][1] != score]
    if kept:
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(score=bindparam("b_score")), kept)
    insert_rows(session.connection(), table, ("activity_id", "member_id", "score"),
                [(activity.id, m, score) for m, score in outcome.items() if score is not None and m not in held])
    ids = {m: i for i, m in session.execute(
        select(ExamScore.id, ExamScore.member_id).where(ExamScore.activity_id == activity.id))}
    changes.note(session, "exam_score", [*ids.values(), *gone])
    _report(progress, 80, f"正在记录考试成绩的修改（共{len(entries)}条）……")
    for n, ((member_id, score), old) in enumerate(zip(entries, olds, strict=True)):
        if n % TICK_ROWS == 0:
            tick(cancel)
        # set_exam_score logs the record's id: a deleted one's, a new one's, none when there was none.
        record_id = ids.get(member_id, held.get(member_id, (None, None))[0])
        changelog.record(session, actor, "update", "exam_score", record_id,
                         f"{activity.title}考试成绩：{members[member_id][0]} {score if score is not None else '删除'}",
                         {"score": (old, score)})


def _report(progress: Progress | None, percent: int, text: str) -> None:
    if progress is not None:
        progress(percent, text)
