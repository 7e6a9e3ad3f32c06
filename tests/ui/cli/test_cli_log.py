"""`log`: the audit log from the command line, newest first, filtered, in Chinese or as JSON."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from services.safety import audit
from tests.helpers.backend import sqlite_only
from tests.helpers.cli_support import Cli, records_csv


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    cli = Cli(tmp_path, monkeypatch, capsys).with_accounts()
    members = cli.json("members", "list", user="clerk")[:4]
    cli.ok("import-records", str(records_csv(tmp_path / "学时.csv", members)), user="clerk")
    cli.ok("export-members", str(tmp_path / "名册.xlsx"), user="reader")
    cli.ok("branches", "create", "新建的党支部", user="clerk")
    return cli


@sqlite_only
def test_json_is_newest_first_with_stable_keys(cli: Cli) -> None:
    entries = cli.json("log", user="boss")
    assert entries and all({"time", "user", "action", "summary"} <= set(e) for e in entries)
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True)
    times = [e["time"] for e in entries]
    assert times == sorted(times, reverse=True)
    actions = {e["action"] for e in entries}
    assert {"export", "import", "login", "create", "backup"} <= actions
    imported = next(e for e in entries if e["action"] == "import")
    assert imported["user"] == "clerk" and "新增4条" in imported["summary"]
    assert all(re.search(r"[\u4e00-\u9fff]", e["summary"]) for e in entries)


def test_filters_by_account_action_and_dates(cli: Cli) -> None:
    by_reader = cli.json("log", "--by", "reader", user="boss")
    assert by_reader and {e["user"] for e in by_reader} == {"reader"}
    assert {e["action"] for e in by_reader} == {"login", "export"}
    # --by filters; the global --user stays the login (a reader may read the log too).
    assert cli.json("log", "--by", "clerk", user="reader") == cli.json("log", "--by", "clerk", user="boss")
    assert [e["action"] for e in cli.json("log", "--action", "export", user="boss")] == ["export"]
    today = dt.date.today()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert cli.json("log", "--from", tomorrow, user="boss") == []
    assert cli.json("log", "--from", today.isoformat(), "--to", today.strftime("%Y年%m月%d日"), user="boss")
    assert len(cli.json("log", "--limit", "2", user="boss")) == 2
    code, _, err = cli("log", "--from", "2024-02-30", user="boss")
    assert code == 2 and "用法错误" in err
    code, _, err = cli("log", "--from", tomorrow, "--to", today.isoformat(), user="boss")
    assert code == 2 and "晚于" in err


def test_plain_output_is_chinese_throughout(cli: Cli) -> None:
    code, out, err = cli("log", user="boss")
    assert code == 0 and "条操作记录" in err
    lines = out.splitlines()
    assert len(lines) == len(cli.json("log", user="boss")) - 1  # the second `log` logged one more login
    for line in lines:
        when, user, action, text = line.split("\t")
        dt.datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
        assert user in {"boss", "clerk", "reader", "root", "系统"} or not user.isascii()
        assert not action.isascii(), line
        # No raw keys: nothing but file names and account names is written in ASCII words.
        words = set(re.findall(r"[A-Za-z_]{3,}", text)) - {"boss", "clerk", "reader", "csv", "xlsx", "sqlite"}
        assert not {w for w in words if not re.search(rf"[/\\.\-]{w}|{w}[/\\.\-]", text)}, line
        assert text.endswith("。")
    imported = next(line for line in lines if "\t导入\t" in line)
    assert "新增4条" in imported and "added" not in imported


def test_rendering_names_every_action_and_detail_in_chinese() -> None:
    row = audit.LogRow(1, dt.datetime(2024, 5, 1, 9, 0), "录入员甲", "import", "attendance", None,
                       "导入学时记录x.xlsx：新增2666条，更新0条，新建活动12项",
                       {"added": [None, 2666], "updated": [None, 0], "activities_created": [None, 12]})
    assert row.text == "导入学时记录x.xlsx：新增2666条，更新0条，新建活动12项。"
    demo = audit.LogRow(2, dt.datetime(2024, 5, 1), "root", "create", "activity", None,
                        "载入示例培训数据：活动430项，考勤3000条",
                        {"activities": [None, 430], "attendance": [None, 3000]})
    assert "activities" not in demo.text and "activities" not in demo.changes_text
    assert demo.changes_text == "活动：430；考勤记录：3000"
    issued = audit.LogRow(3, dt.datetime(2024, 5, 1), "root", "issue", "certificate", 7, "颁发结业证书18份",
                          {"issued": [None, 18], "some_new_key": [None, 1]})
    assert audit.action_label(issued.action) == "颁发证书" and "issue" not in issued.text
    assert "some_new_key" not in issued.text and "其他" in issued.text
    status = audit.LogRow(4, dt.datetime(2024, 5, 1), "甲", "status", "member", 3, "党员“张三”转出",
                          {"status": ["在册", "转出"], "left_date": [None, "2024-05-01"]})
    assert status.text == "党员“张三”转出，转出日期：2024-05-01，状态由“在册”改为“转出”。"
    for action in ("issue", "reissue", "enrol", "unenrol", "attendance", "adjust", "login_failed", "demo"):
        assert not audit.action_label(action).isascii()
    for entity in ("activity_session", "target_rule", "spending", "evaluation_grade", "exam_score"):
        assert not audit.entity_label(entity).isascii()
