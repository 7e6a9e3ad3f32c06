"""Surveys in the database: an import round-trips, paper questionnaires tally the same, reports read back."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Activity, ActivityType, Survey, SurveyAnswer
from services.errors import NotFoundError, ValidationError
from services.safety.storage import Database
from services.survey import survey_form, survey_report, surveys
from services.survey import tally as t
from services.survey.wjx_import import read_export
from tests.helpers.hostile_text import CONTROL, RARE, docx_text, store_raw
from tests.helpers.pdf_reading import pdf_text


def _activity(session) -> int:  # type: ignore[no-untyped-def]
    type_id = session.scalar(select(ActivityType.id).limit(1))
    activity = Activity(title="党性教育培训班", type_id=type_id, start_date=dt.date(2024, 3, 1), hours=8)
    session.add(activity)
    session.flush()
    return activity.id


def _paper(session, activity_id: int | None = None) -> int:  # type: ignore[no-untyped-def]
    drafts = [surveys.QuestionDraft("您所在的党支部", t.SINGLE, ("第一支部", "第二支部")),
              surveys.QuestionDraft("希望的培训形式", t.MULTIPLE, ("集中授课", "网络培训", "现场教学", "其他")),
              surveys.QuestionDraft("对本期培训班的满意度", t.SINGLE, ("非常满意", "满意", "基本满意", "不满意")),
              surveys.QuestionDraft("意见建议", t.TEXT)]
    return surveys.create_paper(session, "培训班评估", drafts, "测试", activity_id=activity_id)


def test_import_round_trips(db: Database, samples: Path) -> None:
    parsed = read_export(samples / "survey_wjx.xlsx")
    with db.session_factory.begin() as s:
        sid = surveys.save_import(s, parsed, "测试", title="2024年培训需求调查")
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
        listed = surveys.list_surveys(s)
    assert result.to_json() == {"id": sid, "title": "2024年培训需求调查", "responses": 40,
                                "questions": [x.to_json() for x in parsed.tallies()]}
    assert result.tallies[1].others["其他"][0] == "红色教育基地参观"
    assert [(i.title, i.responses, i.questions, i.source) for i in listed] == [("2024年培训需求调查", 40, 4, "wjx")]


def test_import_to_missing_activity_writes_nothing(db: Database, samples: Path) -> None:
    parsed = read_export(samples / "survey_wjx.xlsx")
    with pytest.raises(NotFoundError), db.session_factory.begin() as s:
        surveys.save_import(s, parsed, "测试", activity_id=999)
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Survey)) == 0


def test_import_cancelled_while_stored_writes_nothing(db: Database, samples: Path) -> None:
    import threading

    from services.errors import CancelledError

    parsed = read_export(samples / "survey_wjx.xlsx")
    cancel = threading.Event()
    said: list[str] = []

    def progress(_percent: int, text: str) -> None:
        said.append(text)
        cancel.set()  # the clerk presses 取消 as the answers start to be stored

    with pytest.raises(CancelledError), db.session_factory.begin() as s:
        surveys.save_import(s, parsed, "测试", progress=progress, cancel=cancel)
    assert said == ["正在写入第1份答卷（共40份）……"]
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Survey)) == 0
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_paper_survey_and_satisfaction(db: Database) -> None:
    with db.session_factory.begin() as s:
        aid = _activity(s)
        sid = _paper(s, aid)
        added = surveys.add_responses(s, sid, [["A", "ac", "1", "多讲案例"], ["2", "B┋D", "B", None],
                                               ["b", "", "C", ""], [None, None, None, None]])
    assert added == 3  # an all-empty row is not a response
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
        sat = surveys.satisfaction_by_activity(s)
    q1, q2, q3, q4 = result.tallies
    assert q1.counts == {"第一支部": 1, "第二支部": 2}
    assert q2.counts == {"集中授课": 1, "网络培训": 1, "现场教学": 1, "其他": 1} and q2.answered == 2
    assert q3.counts == {"非常满意": 1, "满意": 1, "基本满意": 1, "不满意": 0}
    assert q4.answers == ["多讲案例"]
    assert sat == {aid: round(2 / 3, 4)}


def test_paper_answers_checked(db: Database) -> None:
    with db.session_factory.begin() as s:
        sid = _paper(s)
    with pytest.raises(ValidationError) as err, db.session_factory.begin() as s:
        surveys.add_responses(s, sid, [["C", "A", "AB", "x"]])
    assert "第1题" in err.value.message and "单选题" in err.value.message
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


@pytest.mark.parametrize(("draft", "words"), [
    (surveys.QuestionDraft("", t.SINGLE, ("a", "b")), "没有题目"),
    (surveys.QuestionDraft("题", t.SINGLE, ("a",)), "至少要有两个选项"),
    (surveys.QuestionDraft("题", "radio", ("a", "b")), "不认识"),
    (surveys.QuestionDraft("题", t.MULTIPLE, ("a", "a")), "重复"),
])
def test_design_refused(db: Database, draft: surveys.QuestionDraft, words: str) -> None:
    with pytest.raises(ValidationError, match=words), db.session_factory.begin() as s:
        surveys.create_paper(s, "问卷", [draft], "测试")


def test_imported_survey_refuses_paper_answers(db: Database, samples: Path) -> None:
    with db.session_factory.begin() as s:
        sid = surveys.save_import(s, read_export(samples / "survey_wjx.xlsx"), "测试")
    with pytest.raises(ValidationError, match="不能手工录入"), db.session_factory.begin() as s:
        surveys.add_responses(s, sid, [["A"]])


def test_imported_survey_has_no_blank_form_to_print(db: Database, samples: Path, tmp_path: Path) -> None:
    """A 问卷星 survey keeps answers, not its options as designed: a clear refusal, no ReportLab error, no file."""
    with db.session_factory.begin() as s:
        sid = surveys.save_import(s, read_export(samples / "survey_wjx.xlsx"), "测试", title="需求调查")
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
    out = tmp_path / "form.pdf"
    with pytest.raises(ValidationError, match="需求调查.*没有纸质问卷可打印"):
        survey_form.write_form(result, out)
    assert not out.exists()


def test_report_pdf_and_docx(db: Database, samples: Path, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        sid = surveys.save_import(s, read_export(samples / "survey_wjx.xlsx"), "测试", title="需求调查")
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
    pdf = tmp_path / "r.pdf"
    assert survey_report.write_report(result, pdf) >= 1
    text = pdf_text(pdf)
    for words in ("需求调查统计报告", "机关第二党支部", "30.0%", "红色教育基地参观", "建议增加网络课程（14人）"):
        assert words in text
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded
    docx_path = tmp_path / "r.docx"
    survey_report.write_report(result, docx_path)
    import docx

    document = docx.Document(str(docx_path))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "需求调查统计报告" in body and "建议增加网络课程（14人）" in body
    assert len(document.tables) == 3 and "机关第二党支部" in cells and "30.0%" in cells


def test_form_pdf(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        sid = _paper(s)
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
    out = tmp_path / "form.pdf"
    assert survey_form.write_form(result, out) == 1
    text = pdf_text(out)
    assert "培训班评估" in text and "C．现场教学" in text and "（可多选）" in text


def test_delete(db: Database) -> None:
    with db.session_factory.begin() as s:
        sid = _paper(s)
        surveys.add_responses(s, sid, [["A", "A", "A", "好"]])
    with db.session_factory.begin() as s:
        assert surveys.delete_survey(s, sid) == "培训班评估"
    with db.session_factory() as s:
        assert surveys.list_surveys(s) == []
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


def test_same_export_twice_is_refused(db: Database, samples: Path) -> None:
    from services.errors import ConflictError

    parsed = read_export(samples / "survey_wjx.xlsx")
    with db.session_factory.begin() as s:
        sid = surveys.save_import(s, parsed, "测试")
    with pytest.raises(ConflictError, match=f"问卷编号{sid}"), db.session_factory.begin() as s:
        surveys.save_import(s, read_export(samples / "survey_wjx.xlsx"), "测试", title="另一个标题")


def test_report_pdf_keeps_line_breaks_of_text_answers(db: Database, tmp_path: Path) -> None:
    with db.session_factory.begin() as s:
        sid = _paper(s)
        surveys.add_responses(s, sid, [["A", "A", "A", "=1+1 多组织现场教学\n第二行：少开会"]])
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
    pdf = tmp_path / "r.pdf"
    survey_report.write_report(result, pdf)
    lines = [line.strip() for line in pdf_text(pdf).splitlines()]
    assert "· =1+1 多组织现场教学" in lines and "第二行：少开会" in lines


def test_form_does_not_repeat_the_hint_a_title_gives(db: Database, tmp_path: Path) -> None:
    drafts = [surveys.QuestionDraft("希望的培训形式（可多选）", t.MULTIPLE, ("集中授课", "网络培训")),
              surveys.QuestionDraft("您所在的党支部", t.SINGLE, ("第一支部", "第二支部"))]
    with db.session_factory.begin() as s:
        sid = surveys.create_paper(s, "需求调查", drafts, "测试")
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
    out = tmp_path / "form.pdf"
    survey_form.write_form(result, out)
    text = pdf_text(out)
    assert text.count("可多选") == 1 and "您所在的党支部（单选）" in text


def test_report_heading_says_the_kind_once(db: Database, samples: Path, tmp_path: Path) -> None:
    """问卷星 titles often carry their kind (“您希望的培训形式（多选）”): the heading does not repeat it."""
    with db.session_factory.begin() as s:
        sid = surveys.save_import(s, read_export(samples / "survey_wjx.xlsx"), "测试", title="需求调查")
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
    import docx

    path = tmp_path / "r.docx"
    survey_report.write_report(result, path)
    body = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "2、您希望的培训形式（多选）（40人作答）" in body
    assert "1、您所在的党支部（单选，40人作答）" in body
    pdf = tmp_path / "r.pdf"
    survey_report.write_report(result, pdf)
    assert "（多选）（多选" not in pdf_text(pdf)


def test_report_docx_with_old_control_characters_in_answers(db: Database, tmp_path: Path) -> None:
    """Answers stored before entry cleaned control characters: Word cannot hold them, the report is still
    written, with the rest of the text as it was."""
    with db.session_factory.begin() as s:
        sid = _paper(s)
        surveys.add_responses(s, sid, [["A", "A", "A", "多组织现场教学"]])
        answer_id = s.scalar(select(func.max(SurveyAnswer.id)))
    store_raw(db, "survey_answer", "value", answer_id, "=" + CONTROL + RARE)
    with db.session_factory() as s:
        result = surveys.get_survey(s, sid)
    out = tmp_path / "r.docx"
    survey_report.write_report(result, out)
    assert "=甲乙丙" + RARE in docx_text(out)
    import docx

    bullets = [p for p in docx.Document(str(out)).paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert [p.text for p in bullets] == ["=甲乙丙" + RARE]
