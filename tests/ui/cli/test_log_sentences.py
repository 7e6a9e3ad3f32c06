"""The log in the office's words: after a demo database has been imported into, exported, printed and
backed up, every entry reads as a Chinese sentence, in `log` and in the 日志 tab, with no raw key left.

An action, kind of record or detail key without a Chinese name of its own fails here
(`audit.missing_labels`), as does any English word left in a sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from services.safety import audit
from tests.conftest import SAMPLES
from tests.helpers import backend
from tests.helpers.cli_support import Cli, records_csv
from tests.helpers.roll_factory import write_roll_xlsx

# What may be written in ASCII inside a sentence: account names, file names and paths, certificate numbers.
_ALLOWED = re.compile(r"(?:[A-Za-z]:)?[\w./\\~-]*\.(?:xlsx|xls|csv|pdf|docx|sqlite3)|/[\w./~-]+|\b\d{4}-[A-Z]{2}-\d{5}\b")
_ACCOUNTS = {"boss", "clerk", "reader", "root"}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    cli = Cli(tmp_path, monkeypatch, capsys).with_accounts(members=30)
    cli.ok("import-members", str(write_roll_xlsx(tmp_path / "花名册.xlsx", 20)), "--create-branches", user="clerk")
    members = cli.json("members", "list", user="clerk")
    cli.ok("import-records", str(records_csv(tmp_path / "学时.csv", members[:25])), user="clerk")
    if (SAMPLES / "survey_wjx.xlsx").exists():
        cli.ok("survey", "import", str(SAMPLES / "survey_wjx.xlsx"), user="clerk")
    cli.ok("adjust-hours", "1", "2", "--reason", "补记自学", user="clerk")
    cli.ok("export-members", str(tmp_path / "名册.xlsx"), user="clerk")
    cli.ok("print-roll", str(tmp_path / "名册.pdf"), user="reader")
    cli.ok("ledger", "--year", "2024", str(tmp_path / "台账.xlsx"), user="clerk")
    cli.ok("branches", "create", "新建的党支部", user="clerk")
    cli.ok("backup", user="boss")
    cli.ok("check", user="boss")
    cli("accounts", "reset", "boss", "--code", "WRONG-WRONG-WRONG-WRONG", "--password", "secret-boss-1")
    return cli


def _english_words(text: str) -> set[str]:
    rest = _ALLOWED.sub(" ", text)
    return {w for w in re.findall(r"[A-Za-z_]{2,}", rest) if w not in _ACCOUNTS}


def test_every_entry_is_named_and_reads_as_a_chinese_sentence(cli: Cli) -> None:
    entries = cli.json("log", user="boss")
    actions = {e["action"] for e in entries}
    wanted = {"import", "export", "print", "backup", "issue", "login", "create", "recovery_failed"}
    assert wanted - ({"backup"} if backend.on_server() else set()) <= actions
    for e in entries:
        row = audit.LogRow(e["id"], dt.datetime.fromisoformat(e["time"]), e["user"], e["action"],
                           e["entity"], e["entity_id"], e["summary"],
                           {d["key"]: [d["old"], d["new"]] for d in e["details"]})
        assert not audit.missing_labels(row), (e["action"], audit.missing_labels(row))
        assert not _english_words(e["text"]), e["text"]
        assert re.search(r"[\u4e00-\u9fff]", e["text"]) and e["text"].endswith("。")
        assert not e["action_label"].isascii() and not e["entity_label"].isascii()
        assert "其他操作" not in e["text"] and "其他：" not in e["text"]
    # `log --json` keeps its keys: the stable English keys beside the Chinese words.
    assert {"id", "time", "user", "action", "action_label", "entity", "entity_label", "entity_id", "summary", "text",
            "details"} == set(entries[0])
    imported = next(e for e in entries if e["action"] == "import" and "学时" in e["summary"])
    assert "新增25条" in imported["text"]


def test_plain_log_has_no_raw_key(cli: Cli) -> None:
    code, out, _ = cli("log", user="boss")
    assert code == 0
    for line in out.splitlines():
        _when, user, action, text = line.split("\t")
        assert not action.isascii(), line
        assert not _english_words(text), line
    if not backend.on_server():  # a server takes no file backup before an import
        # A backup names its reason: "（导入学时记录 学时.csv 之前）" (the survey's too when the samples are there).
        assert re.search(r"（导入[^）]*之前）", out), out


def test_missing_labels_catches_a_new_key() -> None:

    row = audit.LogRow(1, dt.datetime(2026, 1, 1), "boss", "brand-new-action", "brand_new_thing", None, "做了一件事",
                       {"brand_new_key": [None, 1], "added": [None, 3]})
    assert audit.missing_labels(row) == ["action brand-new-action", "entity brand_new_thing", "detail brand_new_key"]


def test_every_operation_key_is_named() -> None:
    """The key of every unit of work (`ws.write("survey-import")`, or through a tab's `_write`/`_run`
    helper) can reach a reader (as the action of `uow.log`, or as the reason of its backup): each has
    its own Chinese name, not one guessed from its words."""
    import ast

    from tests.conftest import ROOT

    key = re.compile(r"[a-z]+(?:[-_][a-z]+)*")
    found: set[str] = set()
    for path in [*(ROOT / "services").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("write", "_write", "_run"):
                found.update(a.value for a in node.args[:2]
                             if isinstance(a, ast.Constant) and isinstance(a.value, str) and key.fullmatch(a.value))
    assert {"import-records", "account-create", "attendance-all-present"} <= found
    assert not sorted(k for k in found if k not in audit.ACTION_LABELS)
