"""Output files on the command line: one rule for every command (the file named is the file written, its
extension one the command writes), several files written together or not at all, no new database under a
spreadsheet's or a document's name, and a --screenshot name checked before any window is made."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.backend import sqlite_only
from tests.helpers.bad_files import folder_not_writable
from tests.helpers.office_cli import cli, leftovers, settled
from tests.helpers.paths import REPO
from ui.cli.main import build_parser, run

# Every command that writes a file, with {} where its name goes, and the extensions it writes.
WRITERS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("export-members", "{}"), (".xlsx",)),
    (("template", "members", "{}"), (".xlsx",)),
    (("import-members", "--dry-run", "--errors", "{}", "roll.csv"), (".xlsx",)),
    (("print-roll", "{}"), (".pdf",)),
    (("ledger", "--year", "2026", "{}"), (".xlsx",)),
    (("ledger", "--year", "2026", "--notice", "{}", "台账.xlsx"), (".pdf",)),
    (("report", "--year", "2026", "{}"), (".docx",)),
    (("report", "--year", "2026", "--xlsx", "{}", "报告.docx"), (".xlsx",)),
    (("card", "110101199003078515", "{}"), (".pdf", ".xlsx")),
    (("survey", "report", "1", "{}"), (".pdf", ".docx")),
    (("survey", "form", "1", "{}"), (".pdf",)),
    (("print-signin", "1", "{}"), (".pdf",)),
    (("print-register", "1", "{}"), (".pdf",)),
    (("print-certificates", "1", "{}"), (".pdf",)),
    (("certificate-register", "{}"), (".pdf", ".xlsx")),
    (("study-plan", "print", "--year", "2026", "{}"), (".pdf",)),
    (("materials", "sheet", "学习资料", "{}"), (".pdf",)),
]


def _actions(parser: argparse.ArgumentParser, prefix: str = "") -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _actions(sub, f"{prefix} {name}".strip())
        else:
            found.append((prefix, action))
    return found


def test_every_output_file_argument_follows_the_one_rule() -> None:
    """An argument shown as OUT… is checked by output_file_of (the backup, a database copy, excepted)."""
    outputs = [(where, a) for where, a in _actions(build_parser())
               if str(a.metavar or "").startswith("OUT") and where != "backup"]
    assert len(outputs) == len(WRITERS) + 1  # and --screenshot
    for where, action in outputs:
        assert getattr(action.type, "__qualname__", "").startswith("output_file_of"), (where, action.dest)


@pytest.mark.parametrize(("args", "suffixes"), WRITERS, ids=[" ".join(a[:2]) for a, _ in WRITERS])
@pytest.mark.parametrize("name", ["输出 #1.txt", "输出.xlsx.bak", "输出"])
def test_a_name_the_command_does_not_write_is_refused_before_anything(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path, args: tuple[str, ...],
        suffixes: tuple[str, ...], name: str) -> None:
    out = tmp_path / "exports" / name
    out.parent.mkdir()
    before = settled(office)
    code, err = cli(capsys, "--db", str(office), *(str(out) if a == "{}" else a for a in args))
    assert code == 2 and f"“{out}”" in err and all(s in err for s in suffixes), err
    assert ("没有扩展名" if "." not in name else "扩展名") in err
    assert list(out.parent.iterdir()) == []
    assert settled(office) == before


@pytest.mark.parametrize("args", [("export-members", "花名册.XLSX"), ("print-roll", "花名册.Pdf"),
                                  ("report", "--year", "2026", "报告.DOCX", "--xlsx", "附表.Xlsx")])
def test_the_extension_is_compared_without_case(tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path,
                                                args: tuple[str, ...]) -> None:
    named = [a for a in args if "." in a]
    code, err = cli(capsys, "--db", str(office), *(str(tmp_path / a) if a in named else a for a in args))
    assert code == 0, err
    assert all((tmp_path / a).stat().st_size > 0 for a in named)


# ---------------------------------------------------------------- two files: both or neither


@pytest.mark.parametrize(("command", "first", "second"), [
    (("report", "--year", "2026"), "报告.docx", "--xlsx=附表.xlsx"),
    (("ledger", "--year", "2026"), "台账.xlsx", "--notice=提醒.pdf"),
])
def test_a_second_file_that_cannot_be_written_leaves_the_first_as_it_was(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, office: Path,
        command: tuple[str, ...], first: str, second: str) -> None:
    option, name = second.split("=")
    kept = tmp_path / first
    kept.write_bytes(b"last year's file")
    locked = tmp_path / "只读"
    locked.mkdir()
    folder_not_writable(monkeypatch, locked)
    code, err = cli(capsys, "--db", str(office), *command, str(kept), option, str(locked / name))
    monkeypatch.undo()
    assert code == 1 and str(locked / name) in err and "没有写入权限" in err, err
    assert "都没有写成" in err and str(kept) in err
    assert kept.read_bytes() == b"last year's file"
    assert list(locked.iterdir()) == [] and leftovers(tmp_path) == []


@sqlite_only
def test_a_second_file_that_is_a_database_leaves_the_first_unwritten(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path) -> None:
    made = tmp_path / "备份.sqlite3"  # a backup renamed by hand to a workbook's name
    assert cli(capsys, "--db", str(office), "backup", str(made))[0] == 0
    backup = made.rename(tmp_path / "附表.xlsx")
    before = backup.read_bytes()
    report = tmp_path / "报告.docx"
    code, err = cli(capsys, "--db", str(office), "report", "--year", "2026", str(report), "--xlsx", str(backup))
    assert code == 1 and str(backup) in err and "数据库文件" in err and "都没有写成" in err, err
    assert not report.exists() and backup.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_both_files_written_together(tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path) -> None:
    report, table = tmp_path / "报告.docx", tmp_path / "表" / "附表.xlsx"
    report.write_bytes(b"old")
    table.parent.mkdir()
    code, err = cli(capsys, "--db", str(office), "report", "--year", "2026", str(report), "--xlsx", str(table))
    assert code == 0, err
    assert report.read_bytes()[:2] == b"PK" and table.read_bytes()[:2] == b"PK"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("args", [("ledger", "--year", "2026", "{}.xlsx"), ("report", "--year", "2026", "{}.docx"),
                                  ("card", "{id}", "{}.pdf"), ("print-roll", "{}.pdf"), ("export-members", "{}.xlsx")])
def test_a_missing_output_folder_is_made_by_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          office: Path, args: tuple[str, ...]) -> None:
    """One rule: the folder of an output file is made when missing (ledger, report and card used to refuse)."""
    code, out = _json(capsys, "--db", str(office), "members", "list", "--json")
    first = json.loads(out)[0]["id_number"]
    folder = tmp_path / "新建 #2026" / "台账"
    given = [a.replace("{}", str(folder / "输出")).replace("{id}", first) for a in args]
    code, err = cli(capsys, "--db", str(office), *given)
    assert code == 0, err
    made = Path(given[-1])
    assert made.is_file() and made.stat().st_size > 0
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["备份.xlsx", "备份.PDF", "备份.csv"])
def test_a_backup_is_not_written_under_a_documents_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        office: Path, name: str) -> None:
    code, err = cli(capsys, "--db", str(office), "backup", str(tmp_path / name))
    assert code == 2 and name in err and ".sqlite3" in err, err
    assert not (tmp_path / name).exists()
    code, err = cli(capsys, "--db", str(office), "backup", str(tmp_path / "备份.sqlite3"))
    assert code == 0 and (tmp_path / "备份.sqlite3").is_file(), err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run(list(args))
    return code, capsys.readouterr().out


# ---------------------------------------------------------------- --db named like a spreadsheet


@pytest.mark.parametrize("name", ["empty.xlsx", "名册.XLS", "roll.csv", "表.et", "报告.pdf", "报告.docx", "旧.doc",
                                  "说明.txt", "问卷.json"])
def test_no_new_database_under_a_documents_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DANGXUN_DB", raising=False)
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / name
    code, err = cli(capsys, "--db", str(path), "members", "list")
    assert code == 2 and str(path) in err and ".sqlite3" in err and "没有新建数据库" in err, err
    assert list(folder.iterdir()) == []
    path.write_bytes(b"")  # an empty file of that name (a new blank workbook) is no database either
    code, err = cli(capsys, "--db", str(path), "members", "list")
    assert code == 2 and str(path) in err and "空文件" in err, err
    assert path.read_bytes() == b"" and sorted(p.name for p in folder.iterdir()) == [name]


def test_an_existing_roll_given_as_the_database_is_named_and_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    roll = tmp_path / "花名册.xlsx"
    Workbook().save(roll)
    before = roll.read_bytes()
    code, err = cli(capsys, "--db", str(roll), "members", "list")
    assert code == 2 and str(roll) in err and "不是本程序的数据库文件" in err, err
    assert roll.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["花名册.xlsx"]


@pytest.mark.parametrize("name", ["new.sqlite3", "new.db", "new.sqlite", "new", "党建 2026"])
def test_database_names_still_make_a_new_database(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    code, err = cli(capsys, "--db", str(tmp_path / name), "members", "list")
    assert code == 0 and (tmp_path / name).is_file(), err


def test_the_open_database_dialog_obeys_the_same_rule(qtbot, tmp_path: Path) -> None:
    from ui.safety.open_database_dialog import OpenDatabaseDialog

    dialog = OpenDatabaseDialog(None, None)
    qtbot.addWidget(dialog)
    dialog.file_choice.setChecked(True)
    dialog.path.setText(str(tmp_path / "花名册.xlsx"))
    dialog.accept()
    assert dialog.result() != OpenDatabaseDialog.DialogCode.Accepted
    assert "没有新建数据库" in dialog.problem.text() and str(tmp_path / "花名册.xlsx") in dialog.problem.text()
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- --screenshot


@pytest.mark.parametrize("given", ["", "  ", "{folder}", "{folder}/", "shot.jpg", "shot", "shot.png.txt"])
def test_a_refused_screenshot_name_opens_no_window(tmp_path: Path, given: str) -> None:
    """Run as main.py runs: a window that opened (offscreen, no screenshot to end it) would run until the timeout."""
    db = tmp_path / "office.sqlite3"
    value = given.replace("{folder}", str(tmp_path))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DANGXUN_DATA_DIR=str(tmp_path / "data"))
    env.pop("DANGXUN_DB", None)
    result = subprocess.run([sys.executable, str(REPO / "main.py"), "--db", str(db), "--screenshot", value],
                            cwd=tmp_path, env=env, capture_output=True, timeout=60)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and "--screenshot" in err and "Traceback" not in err, err
    assert ("没有给出输出文件名" if not value.strip() else f"“{value}”") in err
    if value.strip() and not value.startswith(str(tmp_path)):
        assert ".png" in err
    assert not db.exists() and sorted(p.name for p in tmp_path.iterdir()) == []
