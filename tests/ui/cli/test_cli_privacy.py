"""A 查阅 account never gets a full ID or phone number: not by export, print, JSON or search; its export is logged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.helpers.cli_support import Cli

MASKED = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, monkeypatch, capsys).with_accounts()


def _cells(path: Path) -> list[str]:
    book = CalamineWorkbook.from_path(str(path))
    return [str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row]


def test_a_readers_export_holds_no_full_id_and_is_logged(cli: Cli, tmp_path: Path) -> None:
    full = cli.json("members", "list", user="clerk")
    ids = {m["id_number"] for m in full}
    phones = {m["phone"] for m in full if m["phone"]}
    assert all(len(i) == 18 and "*" not in i for i in ids) and phones

    out = tmp_path / "查阅导出.xlsx"
    code, _, err = cli("export-members", str(out), user="reader")
    assert code == 0, err
    cells = _cells(out)
    assert not ids & set(cells) and not phones & set(cells)
    assert not any(i in c for c in cells for i in ids)
    masked = [c for c in cells if MASKED.match(c)]
    assert len(masked) == len(ids)

    log = cli.json("log", "--by", "reader", user="boss")
    exports = [e for e in log if e["action"] == "export"]
    assert len(exports) == 1 and exports[0]["user"] == "reader"
    assert "导出" in exports[0]["summary"] and "完整" not in exports[0]["summary"]

    # The clerk's own export keeps full numbers (the office's work needs them) and says so in the log.
    mine = tmp_path / "录入员导出.xlsx"
    cli.ok("export-members", str(mine), user="clerk")
    assert ids <= set(_cells(mine))
    clerk = [e for e in cli.json("log", "--by", "clerk", user="boss") if e["action"] == "export"]
    assert clerk and "含完整身份证号码" in clerk[0]["summary"]


def test_members_list_masks_numbers_for_a_reader(cli: Cli) -> None:
    full = cli.json("members", "list", user="boss")
    shown = cli.json("members", "list", user="reader")
    assert [m["name"] for m in shown] == [m["name"] for m in full]
    for mine, theirs in zip(shown, full, strict=True):
        assert MASKED.match(mine["id_number"]) and mine["id_number"][-4:] == theirs["id_number"][-4:]
        if theirs["phone"]:
            assert "*" in mine["phone"] and mine["phone"] != theirs["phone"]
    _, plain, _ = cli("members", "list", user="reader")
    assert not any(m["id_number"] in plain for m in full)
    # A search cannot guess the hidden digits: only the shown tail is searched.
    one = full[0]["id_number"]
    assert cli.json("members", "list", "--search", one[-4:], user="reader")
    assert cli.json("members", "list", "--search", one[-8:], user="reader") == []
    assert cli.json("members", "list", "--search", one[-8:], user="clerk")


def test_print_roll_full_ids_refused_for_a_reader(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "花名册.pdf"
    code, stdout, err = cli("print-roll", str(out), "--full-ids", user="reader")
    assert code == 1 and not out.exists() and not stdout
    assert "查阅" in err and "身份证号码" in err and "Traceback" not in err
    assert cli("print-roll", str(out), user="reader")[0] == 0 and out.exists()
    assert cli("print-roll", str(tmp_path / "完整.pdf"), "--full-ids", user="clerk")[0] == 0
    prints = [e for e in cli.json("log", "--action", "print", user="boss")]
    assert [e["user"] for e in prints] == ["clerk", "reader"]


def test_certificate_register_masks_ids_for_a_reader(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "登记册.xlsx"
    code, _, err = cli("certificate-register", str(out), user="reader")
    assert code == 0, err
    ids = {m["id_number"] for m in cli.json("members", "list", user="boss")}
    cells = _cells(out)
    assert not ids & set(cells)
    assert any(MASKED.match(c) for c in cells)
    exports = [e for e in cli.json("log", "--action", "export", user="boss")]
    assert [(e["user"], "发证登记册" in e["summary"]) for e in exports] == [("reader", True)]
