"""Surveys in the database: save an import, design a paper questionnaire, enter answers, read tallies.

Every function takes a Session first and never commits; callers frame writes through the workspace.
"""

from __future__ import annotations

import datetime as dt
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from models import Activity, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from services import changes
from services.bulk import insert_rows
from services.errors import ConflictError, FieldProblem, NotFoundError, ValidationError
from services.progress import Progress, tick
from services.survey import tally as t
from services.survey.wjx_import import ParsedSurvey

SOURCE_LABELS = {"wjx": "问卷星", "paper": "纸质问卷"}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Responses written between two looks at the cancel flag (and two progress reports).
SAVE_TICK_ROWS = 500


@dataclass(frozen=True)
class SurveyInfo:
    id: int
    title: str
    source: str
    responses: int
    questions: int
    activity_id: int | None
    activity_title: str | None
    created_at: dt.datetime | None
    file_name: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "source": self.source, "responses": self.responses,
                "questions": self.questions, "activity": self.activity_id,
                "created": self.created_at.isoformat(sep=" ", timespec="seconds") if self.created_at else None}


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    number: int
    title: str
    kind: str
    options: tuple[str, ...]


@dataclass
class SurveyResult:
    """A survey with its tallies, one per question in order."""

    info: SurveyInfo
    questions: list[QuestionInfo]
    tallies: list[t.Tally] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.info.id, "title": self.info.title, "responses": self.info.responses,
                "questions": [x.to_json() for x in self.tallies]}

    def satisfaction(self) -> tuple[int, int] | None:
        """(satisfied, answered) of the first 满意度 question, or None when there is none."""
        for x in self.tallies:
            if t.is_satisfaction(x):
                return t.satisfaction(x)
        return None


@dataclass(frozen=True)
class QuestionDraft:
    """A question of a paper questionnaire as designed: title, kind and its options in order."""

    title: str
    kind: str = t.SINGLE
    options: tuple[str, ...] = ()
    number: int | None = None


# ------------------------------------------------------------------ writing


def _check_activity(session: Session, activity_id: int | None) -> None:
    if activity_id is not None and session.get(Activity, activity_id) is None:
        raise NotFoundError(f"没有编号为{activity_id}的活动。")


def _clean_title(title: str | None, default: str) -> str:
    text = (title or "").strip() or default
    if len(text) > 200:
        raise ValidationError("问卷标题不能超过200个字。", "title")
    return text


def save_import(session: Session, parsed: ParsedSurvey, actor: str, *, title: str | None = None,
                activity_id: int | None = None, progress: Progress | None = None,
                cancel: threading.Event | None = None) -> int:
    """Store a parsed 问卷星 export as a new survey; returns its id.

    The same answers imported twice would count every respondent twice: refused. With `cancel` set
    it raises CancelledError, while it writes too: the caller's transaction then rolls back.
    """
    _check_activity(session, activity_id)
    same = _already_imported(session, parsed)
    if same is not None:
        raise ConflictError(f"文件 {parsed.path.name} 的答卷已经导入过（问卷编号{same.id}“{same.title}”），未重复导入。")
    survey = Survey(title=_clean_title(title, parsed.path.stem), source="wjx", file_name=parsed.path.name,
                    activity_id=activity_id, created_by=actor)
    session.add(survey)
    questions = [SurveyQuestion(seq=i, number=q.number, title=q.title, kind=q.kind, options="")
                 for i, q in enumerate(parsed.questions)]
    survey.questions = questions
    session.flush()
    _insert_sheets(session, survey.id, [q.id for q in questions], parsed, progress, cancel)
    return survey.id


def _insert_sheets(session: Session, survey_id: int, question_ids: list[int], parsed: ParsedSurvey,
                   progress: Progress | None, cancel: threading.Event | None) -> None:
    """The answer sheets of a new survey and their answers, through the driver's executemany (services/bulk.py).

    The sheets go in first, each run of SAVE_TICK_ROWS after a look at `cancel`; their ids are then read
    back by 序号 (unique in a survey), and the answers go in, one row per answered question.
    """
    total = parsed.responses
    conn = session.connection()
    rows = list(zip(parsed.serials, parsed.submitted, strict=True))
    for first in range(0, total, SAVE_TICK_ROWS):
        if progress is not None:
            progress(50 * first // total, f"正在写入第{first + 1}份答卷（共{total}份）……")
        tick(cancel)
        insert_rows(conn, cast(Table, SurveyResponse.__table__), ("survey_id", "seq", "submitted"),
                    [(survey_id, serial, submitted) for serial, submitted in rows[first:first + SAVE_TICK_ROWS]])
    id_of = dict(session.execute(select(SurveyResponse.seq, SurveyResponse.id)
                                 .where(SurveyResponse.survey_id == survey_id)).all())
    response_ids = [id_of[serial] for serial in parsed.serials]
    columns = [(q_id, p.answers) for q_id, p in zip(question_ids, parsed.questions, strict=True)]
    answer_table = cast(Table, SurveyAnswer.__table__)
    for first in range(0, total, SAVE_TICK_ROWS):
        if progress is not None:
            progress(50 + 50 * first // total, f"正在写入第{first + 1}份答卷的答案（共{total}份）……")
        tick(cancel)
        insert_rows(conn, answer_table, ("response_id", "question_id", "value"),
                    [(response_ids[row], q_id, answers[row])
                     for row in range(first, min(total, first + SAVE_TICK_ROWS))
                     for q_id, answers in columns if answers[row]])
    changes.note(session, "survey_response")
    changes.note(session, "survey_answer")


def _already_imported(session: Session, parsed: ParsedSurvey) -> SurveyInfo | None:
    titles = [q.title for q in parsed.questions]
    for info in _infos(session, Survey.source == "wjx"):
        if info.responses != parsed.responses or info.questions != len(titles):
            continue
        known = session.scalars(select(SurveyQuestion.title).where(SurveyQuestion.survey_id == info.id)
                                .order_by(SurveyQuestion.seq)).all()
        rows = session.execute(select(SurveyResponse.seq, SurveyResponse.submitted)
                               .where(SurveyResponse.survey_id == info.id).order_by(SurveyResponse.id)).all()
        if list(known) == titles and [tuple(r) for r in rows] == list(zip(parsed.serials, parsed.submitted,
                                                                           strict=True)):
            return info
    return None


def _clean_drafts(drafts: Sequence[QuestionDraft]) -> list[QuestionDraft]:
    problems: list[FieldProblem] = []
    cleaned: list[QuestionDraft] = []
    if not drafts:
        raise ValidationError("问卷至少要有一道题。", "questions")
    for i, d in enumerate(drafts, start=1):
        where = f"第{i}题"
        title = (d.title or "").strip()
        options = tuple(o.strip() for o in d.options if o and o.strip())
        if not title:
            problems.append(FieldProblem("questions", f"{where}没有题目。"))
        if d.kind not in t.KINDS:
            problems.append(FieldProblem("questions", f"{where}的题型“{d.kind}”不认识（单选 single、多选 multiple、"
                                                      "量表 scale、填空 text）。"))
        kind = d.kind
        if kind == t.SCALE and not options:
            options = tuple(str(n) for n in range(1, 6))
        if kind == t.SCALE and not all(o.isdigit() for o in options):
            problems.append(FieldProblem("questions", f"{where}是量表题，选项应为数字（如 1┋2┋3┋4┋5）。"))
        if kind in (t.SINGLE, t.MULTIPLE) and len(options) < 2:
            problems.append(FieldProblem("questions", f"{where}是选择题，至少要有两个选项。"))
        if len(options) > len(LETTERS):
            problems.append(FieldProblem("questions", f"{where}的选项超过{len(LETTERS)}个。"))
        if len({t.fold(o) for o in options}) != len(options):
            problems.append(FieldProblem("questions", f"{where}有重复的选项。"))
        if any(t.JOIN in o for o in options):
            problems.append(FieldProblem("questions", f"{where}的选项中不能有“{t.JOIN}”。"))
        cleaned.append(QuestionDraft(title, kind, options if kind != t.TEXT else (), d.number or i))
    if problems:
        raise ValidationError(problems)
    return cleaned


def create_paper(session: Session, title: str, drafts: Sequence[QuestionDraft], actor: str, *,
                 activity_id: int | None = None) -> int:
    """A questionnaire designed here, to be printed and answered on paper; returns its id."""
    _check_activity(session, activity_id)
    cleaned = _clean_drafts(drafts)
    survey = Survey(title=_clean_title(title, "问卷"), source="paper", activity_id=activity_id, created_by=actor)
    survey.questions = [SurveyQuestion(seq=i, number=d.number or i + 1, title=d.title, kind=d.kind,
                                       options=t.JOIN.join(d.options)) for i, d in enumerate(cleaned)]
    session.add(survey)
    session.flush()
    return survey.id


def parse_paper_answer(q: QuestionInfo, text: str | None) -> str | None:
    """A keyed-in answer as 问卷星 would write it: "AC" → "选项一┋选项三", "3" → "3"; None when empty."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return None
    if q.kind == t.TEXT:
        return (text or "").strip()
    if q.kind == t.SCALE:
        if raw not in q.options:
            raise ValidationError(f"第{q.number}题是量表题，答案应为 {'、'.join(q.options)} 之一，不是“{raw}”。")
        return raw
    letters = [c for c in raw.upper() if c not in " ,，、;；" + t.JOIN]
    picked: list[str] = []
    for c in letters:
        index = LETTERS.find(c) if c.isalpha() else (int(c) - 1 if c.isdigit() else -1)
        if not 0 <= index < len(q.options):
            last = LETTERS[len(q.options) - 1]
            raise ValidationError(f"第{q.number}题的答案“{raw}”不对：选项是 A～{last}（或 1～{len(q.options)}）。")
        if q.options[index] not in picked:
            picked.append(q.options[index])
    if q.kind == t.SINGLE and len(picked) > 1:
        raise ValidationError(f"第{q.number}题是单选题，只能选一个选项，不是“{raw}”。")
    return t.JOIN.join(picked)


def add_responses(session: Session, survey_id: int, rows: Iterable[Sequence[str | None]]) -> int:
    """Add paper responses: each row holds one keyed-in answer per question; returns how many."""
    info, questions = _load(session, survey_id)
    if info.source != "paper":
        raise ValidationError(f"问卷“{info.title}”是导入的问卷星答卷，不能手工录入。")
    next_seq = (session.scalar(select(func.max(SurveyResponse.seq)).where(SurveyResponse.survey_id == survey_id))
                or 0) + 1
    problems: list[FieldProblem] = []
    parsed_rows: list[list[str | None]] = []
    for r, row in enumerate(rows, start=1):
        cells = list(row) + [None] * (len(questions) - len(row))
        if len(row) > len(questions):
            problems.append(FieldProblem("answers", f"第{r}份答卷有{len(row)}个答案，问卷只有{len(questions)}题。"))
            continue
        values: list[str | None] = []
        for q, cell in zip(questions, cells, strict=True):
            try:
                values.append(parse_paper_answer(q, cell))
            except ValidationError as exc:
                problems.append(FieldProblem("answers", f"第{r}份答卷：{exc.message.rstrip('。')}"))
                values.append(None)
        if any(values):
            parsed_rows.append(values)
    if problems:
        raise ValidationError(problems)
    for offset, values in enumerate(parsed_rows):
        response = SurveyResponse(survey_id=survey_id, seq=next_seq + offset)
        response.answers = [SurveyAnswer(question_id=q.id, value=v) for q, v in zip(questions, values, strict=True) if v]
        session.add(response)
    session.flush()
    return len(parsed_rows)


def set_activity(session: Session, survey_id: int, activity_id: int | None) -> None:
    survey = _get(session, survey_id)
    _check_activity(session, activity_id)
    survey.activity_id = activity_id


def delete_survey(session: Session, survey_id: int) -> str:
    survey = _get(session, survey_id)
    title = survey.title
    # Answers hang off both responses and questions: remove them first, in one statement.
    responses = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id)
    session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(responses)))
    changes.note(session, "survey_answer")
    session.delete(survey)
    session.flush()
    return title


# ------------------------------------------------------------------ reading


def _get(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFoundError(f"没有编号为{survey_id}的问卷。")
    return survey


def _infos(session: Session, where: Any = None) -> list[SurveyInfo]:
    responses = (select(SurveyResponse.survey_id, func.count().label("n"))
                 .group_by(SurveyResponse.survey_id).subquery())
    questions = (select(SurveyQuestion.survey_id, func.count().label("n"))
                 .group_by(SurveyQuestion.survey_id).subquery())
    stmt = (select(Survey, func.coalesce(responses.c.n, 0), func.coalesce(questions.c.n, 0), Activity.title)
            .outerjoin(responses, responses.c.survey_id == Survey.id)
            .outerjoin(questions, questions.c.survey_id == Survey.id)
            .outerjoin(Activity, Activity.id == Survey.activity_id)
            .order_by(Survey.id))
    if where is not None:
        stmt = stmt.where(where)
    return [SurveyInfo(s.id, s.title, s.source, int(nr), int(nq), s.activity_id, at, s.created_at, s.file_name)
            for s, nr, nq, at in session.execute(stmt)]


def list_surveys(session: Session, *, activity_id: int | None = None) -> list[SurveyInfo]:
    return _infos(session, Survey.activity_id == activity_id if activity_id is not None else None)


def _load(session: Session, survey_id: int) -> tuple[SurveyInfo, list[QuestionInfo]]:
    infos = _infos(session, Survey.id == survey_id)
    if not infos:
        raise NotFoundError(f"没有编号为{survey_id}的问卷。")
    rows = session.scalars(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id)
                           .order_by(SurveyQuestion.seq))
    questions = [QuestionInfo(q.id, q.number, q.title, q.kind, tuple(o for o in q.options.split(t.JOIN) if o))
                 for q in rows]
    return infos[0], questions


def get_survey(session: Session, survey_id: int) -> SurveyResult:
    """The survey with every question tallied."""
    info, questions = _load(session, survey_id)
    answers: dict[int, list[str]] = {q.id: [] for q in questions}
    stmt = (select(SurveyAnswer.question_id, SurveyAnswer.value)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.survey_id == survey_id).order_by(SurveyResponse.seq))
    for qid, value in session.execute(stmt):
        answers.setdefault(qid, []).append(value)
    tallies = [t.tally(q.number, q.title, q.kind, answers[q.id], q.options) for q in questions]
    return SurveyResult(info, questions, tallies)


def satisfaction_by_activity(session: Session, activity_ids: Iterable[int] | None = None) -> dict[int, float]:
    """Each evaluated activity's satisfaction share (0..1) over its linked surveys; absent when none."""
    wanted = set(activity_ids) if activity_ids is not None else None
    pooled: dict[int, list[int]] = {}
    for info in _infos(session, Survey.activity_id.is_not(None)):
        assert info.activity_id is not None
        if wanted is not None and info.activity_id not in wanted:
            continue
        figure = get_survey(session, info.id).satisfaction()
        if figure is None:
            continue
        total = pooled.setdefault(info.activity_id, [0, 0])
        total[0] += figure[0]
        total[1] += figure[1]
    return {aid: round(good / answered, 4) for aid, (good, answered) in pooled.items() if answered}
