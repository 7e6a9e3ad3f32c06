"""Odd but realistic paths and values from a clerk: each is refused with a Chinese message naming the
file (exit code 1 or 2), no traceback, and nothing half-written: the database and the files stay as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.backend import sqlite_only
from tests.helpers.office_cli import cli, leftovers, settled
from ui.cli.main import run


@sqlite_only
@pytest.mark.parametrize("command", [("export-members",), ("template", "members"), ("print-roll",)])
def test_an_export_onto_the_database_itself_is_refused(capsys: pytest.CaptureFixture[str], office: Path,
                                                       command: tuple[str, ...]) -> None:
    before = settled(office)
    code, err = cli(capsys, "--db", str(office), *command, str(office))
    assert code == 2 and str(office) in err and "扩展名 .sqlite3 不对" in err, err  # not a name the command writes
    assert settled(office) == before
    assert leftovers(office.parent) == []
    code, err = cli(capsys, "--db", str(office), "check")
    assert code == 0, err


@sqlite_only
def test_an_export_onto_a_backup_is_refused(capsys: pytest.CaptureFixture[str], office: Path) -> None:
    # A backup renamed by hand to a workbook's name (the program names none so): the export's own extension.
    made = office.parent / "备份.sqlite3"
    assert cli(capsys, "--db", str(office), "backup", str(made))[0] == 0
    backup = made.rename(office.parent / "备份 #1.xlsx")
    before = backup.read_bytes()
    code, err = cli(capsys, "--db", str(office), "export-members", str(backup))
    assert code == 1 and str(backup) in err and "数据库文件" in err, err
    assert backup.read_bytes() == before



def _first_activity(capsys: pytest.CaptureFixture[str], db: Path) -> str:
    import json

    assert run(["--db", str(db), "activities", "list", "--json"]) == 0
    return str(json.loads(capsys.readouterr().out)[-1]["id"])


def _reads(activity: str) -> dict[str, tuple[str, ...]]:
    """Each command that reads a file, with `{}` where the file goes."""
    return {
        "import-members": ("import-members", "{}"),
        "import-records": ("import-records", "{}"),
        "grades": ("grades", "import", "--year", "2026", "{}"),
        "enrol": ("enrol", "--file", "{}", activity),
        "survey": ("survey", "import", "{}"),
        "restore": ("restore", "{}"),
        "study-plan": ("study-plan", "set", "--year", "2026", "--title", "计划", "--body-file", "{}"),
    }


@pytest.mark.parametrize("command", ["import-members", "import-records", "grades", "enrol", "survey", "restore",
                                     "study-plan"])
def test_a_folder_given_to_read_is_called_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   office: Path, command: str) -> None:
    folder = tmp_path / "名册 #1 %41"
    folder.mkdir()
    args = _reads(_first_activity(capsys, office))[command]
    before = settled(office)
    code, err = cli(capsys, "--db", str(office), *(str(folder) if a == "{}" else a for a in args))
    assert code == 2 and str(folder) in err and "文件夹" in err and "找不到" not in err, err
    assert settled(office) == before


@pytest.mark.parametrize("command", ["import-members", "import-records", "grades", "enrol", "survey", "restore",
                                     "study-plan"])
def test_an_empty_file_argument_is_refused_not_taken_for_the_current_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path, command: str) -> None:
    args = _reads(_first_activity(capsys, office))[command]
    before = settled(office)
    code, err = cli(capsys, "--db", str(office), *("" if a == "{}" else a for a in args))
    assert code == 2 and "没有给出" in err, err
    assert settled(office) == before


@pytest.mark.parametrize("option", [("ledger", "--year", "2026", "--notice", "", "台账.xlsx"),
                                    ("report", "--year", "2026", "--xlsx", "", "报告.docx")])
def test_an_empty_second_output_is_refused_not_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       office: Path, option: tuple[str, ...]) -> None:
    out = tmp_path / option[-1]
    code, err = cli(capsys, "--db", str(office), *option[:-1], str(out))
    assert code == 2 and "没有给出输出文件名" in err, err
    assert not out.exists()


def test_errors_file_named_as_the_roll_itself_keeps_the_roll(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            office: Path) -> None:
    from openpyxl import Workbook

    roll = tmp_path / "花名册 #3.xlsx"  # --errors writes .xlsx: the roll it could overwrite is a workbook
    book = Workbook()
    for row in (("姓名", "公民身份号码"), ("张三", "123"), ("李四", "110101199003078515")):
        book.active.append(row)
    book.save(roll)
    before = roll.read_bytes()
    code, err = cli(capsys, "--db", str(office), "import-members", "--errors", str(roll), str(roll))
    assert code == 1 and str(roll) in err and "正在导入的花名册" in err, err
    assert roll.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("value", ["nan", "inf", "NaN"])
def test_nan_and_inf_are_no_number_of_hours(capsys: pytest.CaptureFixture[str], office: Path, value: str) -> None:
    before = settled(office)
    for args in (("activities", "create", "--title", "学习", "--type", "主题党日", "--start", "2026-01-05",
                  "--hours", value),
                 ("adjust-hours", "--reason", "补录", "1", value),
                 ("targets", "set", "--year", "2026", "--group", "all", "--hours", value)):
        try:
            code = run(["--db", str(office), *args])
        except SystemExit as exc:  # argparse's usage error
            code = int(exc.code or 0)
        err = capsys.readouterr().err
        assert code == 2 and f"“{value}”应为数字" in err, (args, err)
    assert settled(office) == before


@pytest.mark.parametrize("args", [("print-register", "{}", "签到.pdf"), ("adjust-hours", "--reason", "补录", "{}", "1"),
                                  ("survey", "show", "{}"), ("attendance", "show", "{}"), ("activities", "delete", "{}")])
def test_an_id_too_large_for_any_database_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                          office: Path, args: tuple[str, ...]) -> None:
    before = settled(office)
    # adjust-hours names its member by 编号 or ID number (member_reference), the others take numbers only.
    not_a_number = "既不是党员编号，也不是身份证号码" if args[0] == "adjust-hours" else "无效的整数"
    for value, words in (("99999999999999999999", "太大，超出范围"), ("abc", not_a_number)):
        try:
            code = run(["--db", str(office), *(value if a == "{}" else a for a in args)])
        except SystemExit as exc:  # argparse's usage error
            code = int(exc.code or 0)
        err = capsys.readouterr().err
        assert code == 2 and words in err and "意外问题" not in err, err
    assert settled(office) == before


@pytest.mark.parametrize(("definition", "code", "words"), [
    ('{"questions": [{"title": "满意吗", "options": 5}]}', 1, "第1题的 options"),
    ('{"questions": [{"title": "满意吗", "options": [["满意"], {"不": 1}]}]}', 1, "第1题的 options"),
    ('{"questions": [{"title": "好", "options": ["是"]}, {"title": null, "options": ["是", "否"]}]}', 1, "第2题的 title"),
    ('{"questions": [{"title": "满意吗", "kind": 5}]}', 1, "第1题的 kind"),
    ('{"questions": [\n', 2, "不是有效的 JSON：第2行第1列"),
])
def test_a_survey_definition_of_the_wrong_shape_names_the_file_and_question(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path, definition: str, code: int,
        words: str) -> None:
    path = tmp_path / "问卷 #1.json"
    path.write_text(definition, encoding="utf-8")
    before = settled(office)
    got, err = cli(capsys, "--db", str(office), "survey", "new", "--title", "满意度", "--from", str(path))
    assert got == code and f"问卷定义文件 {path.name}" in err and words in err, err
    assert "Expecting" not in err
    assert settled(office) == before


@pytest.mark.parametrize(("args", "text", "words"), [
    (("grades", "import", "--year", "2026"), "姓名,评议等次\n查无此人,优秀\n", "第2行"),
    (("import-records",), "姓名,培训名称,学时\n查无此人,党课,2\n", "第1行的表头缺少这些列"),
    (("enrol", "--file"), "姓名\n查无此人\n", "第2行"),
])
def test_a_refused_row_names_the_file_it_is_in(tmp_path: Path, capsys: pytest.CaptureFixture[str], office: Path,
                                              args: tuple[str, ...], text: str, words: str) -> None:
    path = tmp_path / "名单 #2.csv"
    path.write_text(text, encoding="utf-8")
    extra = (_first_activity(capsys, office),) if args[0] == "enrol" else ()
    before = settled(office)
    code, err = cli(capsys, "--db", str(office), *args, str(path), *extra)
    assert code in (1, 2) and f"文件 {path.name}" in err and words in err, err
    assert settled(office) == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="/proc: a folder no file can be made in (Linux)")
def test_copy_db_to_a_place_no_file_can_be_made_names_the_target(capsys: pytest.CaptureFixture[str],
                                                                   office: Path) -> None:
    before = settled(office)
    code, err = cli(capsys, "--db", str(office), "copy-db", "/proc/副本.sqlite3")
    assert code == 1 and "/proc/副本.sqlite3" in err and str(office) not in err, err
    assert settled(office) == before


def test_copy_db_to_an_empty_target_is_not_the_default_database(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                office: Path) -> None:
    before = settled(office)
    code, err = cli(capsys, "--db", str(office), "copy-db", "")
    assert code == 2 and "没有给出复制的目标" in err, err
    assert settled(office) == before
    assert not (tmp_path / "data" / "dangxun.sqlite3").exists()


@sqlite_only
@pytest.mark.parametrize("suffix", ["-wal", "-shm", ".lock"])
def test_a_backup_named_as_a_companion_of_the_database_is_refused(capsys: pytest.CaptureFixture[str], office: Path,
                                                                    suffix: str) -> None:
    target = office.with_name(office.name + suffix)
    code, err = cli(capsys, "--db", str(office), "backup", str(target))
    assert code == 2 and str(target) in err and "附属文件" in err, err
    code, err = cli(capsys, "--db", str(office), "check")
    assert code == 0, err


def test_an_empty_survey_title_is_reported_as_kept(capsys: pytest.CaptureFixture[str], office: Path) -> None:
    import json

    assert run(["--db", str(office), "survey", "new", "--title", " ", "--question", "1、满意吗", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert run(["--db", str(office), "survey", "list", "--json"]) == 0
    kept = {s["id"]: s["title"] for s in json.loads(capsys.readouterr().out)}
    assert made["title"] == kept[made["id"]] == "问卷"


@pytest.mark.parametrize("command", [("export-members",), ("template", "members"), ("print-roll",),
                                     ("import-members", "--dry-run", "--errors")])
@pytest.mark.parametrize("given", ["", "新文件夹/"])
def test_an_output_that_is_empty_or_names_a_folder_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, office: Path,
        command: tuple[str, ...], given: str) -> None:
    monkeypatch.chdir(tmp_path)
    roll = tmp_path / "roll.csv"
    roll.write_text("姓名,公民身份号码\n张三,123\n", encoding="utf-8")
    extra = (str(roll),) if command[0] == "import-members" else ()
    try:
        code = run(["--db", str(office), *command, given, *extra])
    except SystemExit as exc:  # argparse's usage error
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and ("没有给出输出文件名" if not given else f"“{given}”是文件夹") in err, err
    assert not (tmp_path / "新文件夹").exists()
