"""The survey commands: import --json shape and tallies, list, show, report, paper questionnaires, refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Activity, ActivityType, Survey
from services.safety.storage import Database, open_database
from tests.helpers import backend
from ui.cli.main import run


@pytest.fixture
def db_path(db: Database) -> Path:
    with db.session_factory.begin() as s:
        type_id = s.scalar(select(ActivityType.id).limit(1))
        s.add(Activity(title="党性教育培训班", type_id=type_id, start_date=dt.date(2024, 3, 1), hours=8))
    db.dispose()
    return backend.location(db)  # type: ignore[return-value]


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def _surveys(path: Path) -> int:
    db = open_database(path)
    try:
        with db.session_factory() as s:
            return int(s.scalar(select(func.count()).select_from(Survey)) or 0)
    finally:
        db.dispose()


def test_import_json_and_satisfaction(db_path: Path, samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    sample = str(samples / "survey_wjx.xlsx")
    assert run(db + ["survey", "import", sample, "--title", "培训班评估", "--activity", "1", "--json"]) == 0
    out = _json(capsys)
    assert isinstance(out, dict) and set(out) == {"id", "title", "responses", "questions"}
    assert out["title"] == "培训班评估" and out["responses"] == 40
    expected = json.loads((samples / "survey_wjx.expected.json").read_text(encoding="utf-8"))
    for want, mine in zip(expected["questions"], out["questions"], strict=False):
        assert set(mine) == {"number", "title", "kind", "answered", "counts"}
        assert {k: mine[k] for k in want} == want
    assert out["questions"][3] == {"number": 4, "title": "您的意见建议", "kind": "text", "answered": 24,
                                   "answers": out["questions"][3]["answers"]}
    assert run(db + ["survey", "show", str(out["id"]), "--json"]) == 0
    assert _json(capsys) == out
    assert run(db + ["survey", "list", "--json"]) == 0
    listed = _json(capsys)
    assert isinstance(listed, list) and [(s["id"], s["responses"], s["activity"]) for s in listed] == [(out["id"], 40, 1)]
    assert run(db + ["activities", "list", "--json"]) == 0
    activities = _json(capsys)
    assert isinstance(activities, list) and activities[0]["satisfaction"] == round(14 / 36, 4)
    assert run(db + ["survey", "show", str(out["id"])]) == 0
    text = capsys.readouterr().out
    assert "〖红色教育基地参观〗 ×19" in text and "满意率：38.9%" in text
    assert "（多选）（多选" not in text and "（多选）（" in text  # a title saying its kind: not told twice
    assert run(db + ["survey", "summary", "--year", "2019"]) == 0
    assert capsys.readouterr().out.strip() == "2019年尚未登记问卷调查。"


def test_activity_without_survey_has_null_satisfaction(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--db", str(db_path), "activities", "list", "--json"]) == 0
    activities = _json(capsys)
    assert isinstance(activities, list) and activities[0]["satisfaction"] is None


def test_refusals_write_nothing(db_path: Path, samples: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    assert run(db + ["survey", "import", str(samples / "roll_clean.xlsx")]) == 1
    assert "不是可以导入的问卷星答卷" in capsys.readouterr().err
    assert run(db + ["survey", "import", str(samples / "survey_wjx.xlsx"), "--activity", "99"]) == 1
    assert "没有编号为99的活动" in capsys.readouterr().err
    assert run(db + ["survey", "import", str(tmp_path / "missing.xlsx")]) == 2
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 broken \x00\xff\xfe" * 20)  # a damaged workbook: unreadable
    assert run(db + ["survey", "import", str(junk)]) == 2
    assert run(db + ["survey", "show", "5"]) == 1
    assert _surveys(db_path) == 0


def test_report(db_path: Path, samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    assert run(db + ["survey", "import", str(samples / "survey_wjx.xlsx")]) == 0
    assert run(db + ["survey", "import", str(samples / "survey_wjx.xlsx")]) == 1  # already imported
    assert "已经导入过" in capsys.readouterr().err
    assert run(db + ["survey", "report", "1", str(tmp_path / "r.pdf")]) == 0
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert run(db + ["survey", "report", "1", str(tmp_path / "r.docx")]) == 0
    assert (tmp_path / "r.docx").stat().st_size > 0
    with pytest.raises(SystemExit) as refused:  # the one rule for output names: exit code 2, as every command
        run(db + ["survey", "report", "1", str(tmp_path / "r.txt")])
    assert refused.value.code == 2 and not (tmp_path / "r.txt").exists()


def test_paper_questionnaire(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    assert run(db + ["survey", "new", "--title", "需求调查", "--question", "1、所在支部", "--options", "一支部┋二支部",
                     "--question", "2、希望的形式", "--options", "集中授课┋网络培训┋其他", "--kind", "multiple",
                     "--question", "3、满意度打分", "--kind", "scale", "--question", "4、意见建议", "--json"]) == 0
    created = _json(capsys)
    assert created == {"id": 1, "title": "需求调查", "questions": 4}
    assert run(db + ["survey", "form", "1", str(tmp_path / "form.pdf")]) == 0
    assert run(db + ["survey", "enter", "1", "--response", "A|AB|5|多讲案例", "--response", "B|C|4|"]) == 0
    assert run(db + ["survey", "enter", "1", "--response", "C|A|5|"]) == 1
    capsys.readouterr()
    assert run(db + ["survey", "show", "1", "--json"]) == 0
    out = _json(capsys)
    assert isinstance(out, dict) and out["responses"] == 2
    q = out["questions"]
    assert [x["kind"] for x in q] == ["single", "multiple", "scale", "text"]
    assert q[0]["counts"] == {"一支部": 1, "二支部": 1}
    assert q[1]["counts"] == {"集中授课": 1, "网络培训": 1, "其他": 1}
    assert q[2]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    assert q[3] == {"number": 4, "title": "意见建议", "kind": "text", "answered": 1, "answers": ["多讲案例"]}
    definition = tmp_path / "def.json"
    definition.write_text(json.dumps({"questions": [{"title": "性别", "options": ["男", "女"]}]},
                                     ensure_ascii=False), encoding="utf-8")
    assert run(db + ["survey", "new", "--title", "第二份", "--from", str(definition)]) == 0
    definition.write_text("{", encoding="utf-8")
    assert run(db + ["survey", "new", "--title", "第三份", "--from", str(definition)]) == 2
    assert run(db + ["survey", "new", "--title", "空"]) == 1
    assert run(db + ["survey", "delete", "2"]) == 0
    assert _surveys(db_path) == 1
