"""The same office gives the same answers on a SQLite file and on a PostgreSQL server.

Every test here runs on both backends (with DANGXUN_TEST_SERVER on the server, else on a file).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from models import Exemption, Member
from services.errors import ValidationError
from services.plan import rules
from services.safety.storage import Database
from services.survey import summary, surveys
from tests.helpers import backend
from tests.helpers.stats_dataset import build_dataset
from ui.cli.main import run

LONG = "年老体弱，" * 41  # 205 characters: the column holds 200


def test_text_longer_than_its_column_is_refused_alike(db: Database) -> None:
    # A server refuses it (VARCHAR(200)); a file kept it, and copy-db to a server then failed.
    with db.session_factory.begin() as s:
        number = s.get(Member, build_dataset(s).members["m2"]).id_number
    with pytest.raises(ValidationError) as caught, db.session_factory.begin() as s:
        rules.exempt(s, "测试", number, 2024, LONG)
    assert str(caught.value) == "内容过长（超过200个字符）：“年老体弱，年老体弱，年老体弱，年老体弱，……”；没有保存，请改短后再试"
    with db.session_factory() as s:
        assert s.scalars(select(Exemption)).all() == []
    with db.session_factory.begin() as s:  # exactly 200 is kept as written
        rules.exempt(s, "测试", number, 2024, LONG[:200])
    with db.session_factory() as s:
        assert s.scalars(select(Exemption.reason)).one() == LONG[:200]


def test_the_command_line_says_so_in_chinese(db: Database, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    with db.session_factory.begin() as s:
        number = s.get(Member, build_dataset(s).members["m2"]).id_number
    db.dispose()
    where = backend.location(db)
    code = run(["--db", where, "rules", "mobile", number, "--from", "2025-01-01", "--place", "深圳（南山区）" * 30])
    err = capsys.readouterr().err
    assert code == 1
    assert "内容过长（超过200个字符）：“深圳（南山区）深圳（南山区）深圳（南山区……”" in err and "Traceback" not in err
    assert run(["--db", where, "rules", "check", "--from", "2025-01-01", "--to", "2025-12-31", "--json"]) == 0
    assert '"mobile": []' in capsys.readouterr().out


@pytest.fixture
def beijing_time() -> Iterator[None]:
    """The clerk's PC on Beijing time (UTC+8), whatever zone the machine and the server keep."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_when_a_row_was_made_is_the_clerks_local_time(db: Database, beijing_time: None) -> None:
    # CURRENT_TIMESTAMP is UTC on a file and the server's zone on a server: a paper questionnaire made on
    # the morning of 1 January in Beijing counted in the year before on a file (survey summary).
    with db.session_factory.begin() as s:
        made = surveys.create_paper(s, "培训需求调查", [surveys.QuestionDraft("1、最需要的培训内容", options=("理论", "业务"))],
                                    "测试")
    now = dt.datetime.now()
    with db.session_factory() as s:
        info = surveys.list_surveys(s)[0]
        assert info.id == made and info.created_at is not None
        assert abs(info.created_at - now) < dt.timedelta(minutes=5)
        assert summary.survey_year(s, info) == now.year
        assert info.to_json()["created"] == info.created_at.isoformat(sep=" ", timespec="seconds")


@backend.server_only
def test_copying_a_file_with_overlong_text_to_a_server_names_it(tmp_path) -> None:
    # A file written before the length rule may hold such text; the copy said only “StringDataRightTruncation”.
    from sqlalchemy import text

    from services.errors import ConflictError
    from services.safety.copying import copy_database
    from services.safety.storage import open_database

    source = open_database(tmp_path / "旧库.sqlite3")
    with source.session_factory.begin() as s:
        number = s.get(Member, build_dataset(s).members["m2"]).id_number
        rules.exempt(s, "测试", number, 2024, "年老体弱")
        s.execute(text("UPDATE exemption SET reason = :r"), {"r": LONG})
    target = backend.new_database(migrated=False)
    try:
        with pytest.raises(ConflictError) as caught:
            copy_database(source, target)
        assert "表 exemption 中编号为1的记录，reason 超过200个字符（“年老体弱，年老体弱，年老体弱，年老体弱，……”）" in str(caught.value)
        assert "没有作任何改动" in str(caught.value)
        with source.session_factory.begin() as s:
            s.execute(text("UPDATE exemption SET reason = '年老体弱'"))
        assert copy_database(source, target).members == 5
    finally:
        source.dispose()
        backend.drop_database(target)
