"""`activities create` with a twin (same title by fold_key, same start): a warning, or with --no-duplicate a refusal."""

from __future__ import annotations

import json

import pytest

from services.training import activities
from tests.helpers import backend
from ui.cli.main import run

TITLE = "“学思想、强党性”专题党课（上半年）"


@pytest.fixture
def location(db):
    with db.session_factory.begin() as s:
        activities.create_activity(s, {"title": TITLE, "type": "专题党课", "start_date": "2024-05-08", "hours": 3,
                                       "organiser": "局党委"}, "t")
    db.dispose()
    return str(backend.location(db))


def _listed(location, capsys) -> list[dict]:
    capsys.readouterr()
    assert run(["--db", location, "activities", "list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _create(location, *more: str) -> int:
    return run(["--db", location, "activities", "create", "--title", "“学思想、强党性”专题党课 (上半年)",
                "--type", "专题培训", "--start", "2024-05-08", *more])


def test_a_twin_is_created_with_a_warning_naming_the_other(location, capsys):
    assert _create(location, "--json") == 0
    captured = capsys.readouterr()
    made = json.loads(captured.out)
    assert set(made) == {"id", "title", "sessions", "hours"}  # the JSON shape unchanged
    assert made["title"] == "“学思想、强党性”专题党课 (上半年)"  # kept as typed
    assert f"注意：已有同名、同一开始日期的活动：“{TITLE}”（编号1，专题党课，2024年5月8日，局党委主办，尚无考勤记录）" in captured.err
    assert f"activities delete {made['id']}" in captured.err
    assert len(_listed(location, capsys)) == 2


def test_no_duplicate_refuses_with_exit_2_and_writes_nothing(location, capsys):
    assert _create(location, "--no-duplicate", "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"“{TITLE}”（编号1" in captured.err and "--no-duplicate" in captured.err and "未作改动" in captured.err
    assert [a["title"] for a in _listed(location, capsys)] == [TITLE]
    # Another day is no twin: --no-duplicate creates it, without a warning.
    assert run(["--db", location, "activities", "create", "--title", TITLE, "--type", "专题党课",
                "--start", "2024-05-09", "--no-duplicate"]) == 0
    assert "注意" not in capsys.readouterr().err
    assert len(_listed(location, capsys)) == 2


def test_the_help_mentions_no_duplicate(capsys):
    with pytest.raises(SystemExit) as done:
        run(["activities", "create", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--no-duplicate" in text and "退出码 2" in text
