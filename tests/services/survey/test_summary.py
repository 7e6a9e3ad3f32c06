"""A year's surveys in figures: responses, most asked-for contents and forms."""

from __future__ import annotations

from pathlib import Path

from services.safety.storage import Database
from services.survey import surveys
from services.survey import tally as t
from services.survey.summary import year_summary
from services.survey.wjx_import import read_export


def test_year_summary(db: Database, samples: Path) -> None:
    with db.session_factory.begin() as s:
        surveys.save_import(s, read_export(samples / "survey_wjx.xlsx"), "测试")  # answered in 2024
        sid = surveys.create_paper(s, "纸质", [
            surveys.QuestionDraft("希望的培训内容", t.MULTIPLE, ("党史", "理论", "其他"))], "测试")
        surveys.add_responses(s, sid, [["AB"], ["A"], ["C"]])
    with db.session_factory() as s:
        y2024 = year_summary(s, 2024)
        y1999 = year_summary(s, 1999)
    assert (y2024.surveys, y2024.responses) == (1, 40)
    assert y2024.forms == [("集中授课", 19), ("现场教学", 19), ("网络培训", 18)]  # 其他 left out
    assert y2024.contents == []
    assert y1999.to_json() == {"year": 1999, "surveys": 0, "responses": 0, "contents": [], "forms": []}
