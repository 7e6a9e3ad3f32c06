"""A large 问卷星 import written in bulk: the same rows as the ORM wrote, nothing on cancel, no object a sheet."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from services.errors import CancelledError
from services.safety.storage import Database
from services.survey import surveys
from services.survey import tally as t
from services.survey.wjx_import import ParsedQuestion, ParsedSurvey

SHEETS = 1234  # more than two runs of SAVE_TICK_ROWS


def _parsed(sheets: int = SHEETS) -> ParsedSurvey:
    kinds = (t.SINGLE, t.MULTIPLE, t.TEXT, t.SCALE)
    questions = []
    for q in range(6):
        answers: list[str | None] = []
        for r in range(sheets):
            if (r + q) % 5 == 0:
                answers.append(None)  # skipped: no row
            elif kinds[q % 4] == t.TEXT:
                answers.append(f"　希望多组织（现场教学）， 第{r}份 ")  # kept exactly as written
            elif kinds[q % 4] == t.MULTIPLE:
                answers.append("集中授课┋网络培训" if r % 2 else "现场教学")
            else:
                answers.append(str(1 + (r * q) % 5))
        questions.append(ParsedQuestion(q + 1, f"第{q + 1}题（{kinds[q % 4]}）", kinds[q % 4], f"{q + 1}、题", answers))
    serials = [1000 + 3 * r for r in range(sheets)]  # 序号 as the file gives them, not 1, 2, 3
    submitted: list[str | None] = [None if r % 7 == 0 else f"2024/5/{1 + r % 28} 9:{r % 60:02d}:00"
                                   for r in range(sheets)]
    return ParsedSurvey(Path("2024年培训需求调查.xlsx"), "Sheet1", questions, serials, submitted)


def test_the_rows_stored_are_the_files_in_its_order(db: Database) -> None:
    parsed = _parsed()
    with db.session_factory.begin() as s:
        sid = surveys.save_import(s, parsed, "测试")
    with db.session_factory() as s:
        sheets = s.execute(select(SurveyResponse.survey_id, SurveyResponse.seq, SurveyResponse.submitted)
                           .order_by(SurveyResponse.id)).all()
        answers = s.execute(select(SurveyResponse.seq, SurveyQuestion.seq, SurveyAnswer.value)
                            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
                            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                            .where(SurveyQuestion.survey_id == sid).order_by(SurveyAnswer.id)).all()
        result = surveys.get_survey(s, sid)
    assert [tuple(r) for r in sheets] == [(sid, n, when) for n, when in zip(parsed.serials, parsed.submitted,
                                                                             strict=True)]
    assert [tuple(a) for a in answers] == [(serial, q, parsed.questions[q].answers[r])
                                           for r, serial in enumerate(parsed.serials)
                                           for q in range(len(parsed.questions)) if parsed.questions[q].answers[r]]
    assert result.info.responses == SHEETS
    assert [x.to_json() for x in result.tallies] == [x.to_json() for x in parsed.tallies()]


def test_cancel_while_the_answers_go_in_writes_nothing(db: Database) -> None:
    cancel = threading.Event()
    said: list[str] = []

    def progress(_percent: int, text: str) -> None:
        said.append(text)
        if "答案" in text:
            cancel.set()

    with pytest.raises(CancelledError), db.session_factory.begin() as s:
        surveys.save_import(s, _parsed(), "测试", progress=progress, cancel=cancel)
    assert said[:4] == ["正在写入第1份答卷（共1234份）……", "正在写入第501份答卷（共1234份）……",
                        "正在写入第1001份答卷（共1234份）……", "正在写入第1份答卷的答案（共1234份）……"]
    with db.session_factory() as s:
        assert [s.scalar(select(func.count()).select_from(table))
                for table in (Survey, SurveyQuestion, SurveyResponse, SurveyAnswer)] == [0, 0, 0, 0]


def test_no_object_is_made_for_a_sheet_or_an_answer(db: Database) -> None:
    """The sheets and answers go in through Core executemany: the ORM's bookkeeping a row took ~1 ms."""
    made: list[str] = []
    with db.session_factory.begin() as s:
        event.listen(s, "transient_to_pending", lambda _s, obj: made.append(type(obj).__name__))
        surveys.save_import(s, _parsed(300), "测试")
    assert "SurveyResponse" not in made and "SurveyAnswer" not in made and "Survey" in made
