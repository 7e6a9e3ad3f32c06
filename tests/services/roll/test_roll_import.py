"""Roll import: the samples, refusals, duplicates, cancelling, the command line, a killed import."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from models import Branch, ChangeLog, Member
from services import naming
from services.errors import CancelledError, ConflictError, UnreadableFileError, ValidationError
from services.roll.members import derived_name_fields, list_members
from services.roll.roll_import import (
    ImportPlan,
    apply_import,
    fast_initials,
    plan_import,
    write_refused_rows,
)
from services.safety import changelog
from services.safety.storage import Database, integrity_check, open_database
from tests.helpers.hostile_text import sheet_texts
from tests.helpers.paths import REPO, SAMPLES
from ui.cli.main import run

ROOT = REPO
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample files not found at {SAMPLES}")

HEADERS = ["序号", "姓名", "性别", "出生日期", "公民身份号码", "入党时间", "党员类别", "所在党支部", "联系电话"]


# `db` is conftest's: a SQLite file, or a server database with DANGXUN_TEST_SERVER.


def count(db: Database, model: Any = Member) -> int:
    with db.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def do_import(db: Database, path: Path, create_branches: bool = True, **kw: Any) -> ImportPlan:
    with db.session_factory.begin() as s:
        plan = plan_import(s, path, **kw)
        if plan.can_apply:
            apply_import(s, plan, "tester", create_branches=create_branches)
    return plan


def xlsx(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


ZHANG = [1, "张　伟", "男", "1990-03-07", "110101199003071233", "2015.07", "正式党员", "一支部", "13800000000"]
LI = [2, "李娜", "女", "1985-01-02", "110101198501020020", "2010-06-01", "正式党员", "二支部", "13900000000"]


# ---------------------------------------------------------------- the samples


@needs_samples
def test_clean_sample_needs_branch_confirmation_then_imports(db: Database) -> None:
    with db.session_factory.begin() as s:
        plan = plan_import(s, SAMPLES / "roll_clean.xlsx")
        assert len(plan.added) == 30 and not plan.refused
        assert plan.new_branches == ["机关第一党支部", "机关第二党支部", "机关第三党支部", "信息中心党支部", "离退休党支部"]
        with pytest.raises(ValidationError, match="尚不存在"):
            apply_import(s, plan, "tester", create_branches=False)
    assert count(db) == 0 and count(db, Branch) == 0
    do_import(db, SAMPLES / "roll_clean.xlsx")
    assert count(db) == 30 and count(db, Branch) == 5
    with db.session_factory() as s:
        logs = changelog.entries(s, entity="member")
        assert [e.action for e in logs] == ["import"]
        assert logs[0].changes["added"] == [None, 30]
        assert not changelog.verify_chain(s)


@needs_samples
def test_messy_sample_values_normalised(db: Database) -> None:
    plan = do_import(db, SAMPLES / "roll_messy.xlsx")
    assert len(plan.added) == 40 and not plan.refused
    assert plan.ignored_columns == ["籍贯"]
    with db.session_factory() as s:
        members = {m.id_number: m for m in list_members(s)}
    assert len(members) == 40
    names = {m.name for m in members.values()}
    assert {"白杰", "武红", "夏东", "崔辉喆"} <= names and not any("\u3000" in n or " " in n for n in names)
    assert "51010419820224057X" in members                         # lower-case x
    assert "610103198908306996" in members                         # full-width digits
    assert "110101197404304318" in members                         # spaces around
    assert members["510104196712071973"].joined_party == "1994-11"  # 1994.11 kept to the month
    assert members["320102197401037176"].joined_party == "2005-10"
    assert members["420106199003143430"].joined_party == "2017-02"  # 201702
    assert members["420106199003143430"].full_member_since == "2018-02-11"  # 20180211
    assert members["110101197404304318"].joined_party == "1994-05"  # 1994年5月
    assert members["110101197404304318"].full_member_since == "1995-05-16"
    assert members["510104196712071973"].phone == "18050064507"


@needs_samples
@pytest.mark.parametrize(("name", "expected"), [("roll_messy.xls", 40), ("roll_gbk.csv", 25)])
def test_other_formats(db: Database, name: str, expected: int) -> None:
    plan = do_import(db, SAMPLES / name)
    assert (len(plan.added), plan.refused) == (expected, [])
    assert count(db) == expected
    with db.session_factory() as s:
        names = {m.name for m in list_members(s)}
    if name.endswith(".csv"):
        assert "闫赟琪" in names
    else:
        assert "孟镕" in names and "司马喆" in names


@needs_samples
def test_bad_sample_refused_exactly_as_listed(db: Database) -> None:
    faults = json.loads((SAMPLES / "roll_bad.faults.json").read_text(encoding="utf-8"))
    with db.session_factory.begin() as s:
        plan = plan_import(s, SAMPLES / "roll_bad.xlsx")
        reported = {str(p.row): p.column for p in plan.refused}
        assert reported == faults
        assert len(plan.refused) == len(faults)  # one reason per faulty row
        assert all(p.message and any("\u4e00" <= ch <= "\u9fff" for ch in p.message) for p in plan.refused)
        id_problem = next(p for p in plan.refused if p.row == 5)
        assert "文本" in id_problem.message
        with pytest.raises(ValidationError):
            apply_import(s, plan, "tester", create_branches=True)
    assert count(db) == 0 and count(db, Branch) == 0 and count(db, ChangeLog) == 0


@needs_samples
def test_second_import_changes_nothing(db: Database) -> None:
    do_import(db, SAMPLES / "roll_clean.xlsx")
    plan = do_import(db, SAMPLES / "roll_clean.xlsx")
    assert (len(plan.added), len(plan.updated), len(plan.unchanged), plan.refused) == (0, 0, 30, [])
    assert count(db) == 30


# ---------------------------------------------------------------- duplicates


def test_duplicates_against_database(db: Database, tmp_path: Path) -> None:
    do_import(db, xlsx(tmp_path / "a.xlsx", [ZHANG, LI]))
    changed = [ZHANG[:8] + ["13811112222"], LI[:7] + ["一支部", LI[8]]]
    path = xlsx(tmp_path / "b.xlsx", changed)

    refused = do_import(db, path)
    assert [p.row for p in refused.refused] == [2, 3]
    assert "联系电话" in refused.refused[0].message and refused.refused[0].column == "公民身份号码"

    skipped = do_import(db, path, on_duplicate="skip")
    assert skipped.skipped == [2, 3] and not skipped.refused

    updated = do_import(db, path, on_duplicate="update")
    assert [(u.row, u.changes) for u in updated.updated] == [
        (2, {"phone": ("13800000000", "13811112222")}), (3, {"branch": ("二支部", "一支部")})]
    with db.session_factory() as s:
        members = {m.name: m for m in list_members(s)}
        assert members["张伟"].phone == "13811112222" and members["李娜"].branch == "一支部"
        updates = [e for e in changelog.entries(s, entity="member") if e.action == "update"]
        assert updates[0].changes == {"phone": ["13800000000", "13811112222"]}
        assert not changelog.verify_chain(s)


def test_a_branch_name_too_long_is_refused_at_its_row_when_checked(db: Database, tmp_path: Path) -> None:
    """A cell pasted full of text as 所在党支部 passed the check, was offered as a new branch, and only 确认导入
    failed, without a row or a column."""
    long_name = "第一党支部" * 21  # 105 characters
    plan = do_import(db, xlsx(tmp_path / "a.xlsx", [ZHANG[:7] + [long_name, ZHANG[8]], LI]))
    assert [(p.row, p.column) for p in plan.refused] == [(2, "所在党支部")]
    assert "支部名称过长（超过100个字符）" in plan.refused[0].message
    assert long_name not in plan.new_branches and count(db) == 0  # nothing written while a row is refused


def test_empty_cells_never_erase(db: Database, tmp_path: Path) -> None:
    do_import(db, xlsx(tmp_path / "a.xlsx", [ZHANG]))
    plan = do_import(db, xlsx(tmp_path / "b.xlsx", [ZHANG[:8] + [None]]), on_duplicate="update")
    assert plan.unchanged == [2]


def test_duplicates_within_file(db: Database, tmp_path: Path) -> None:
    plan = do_import(db, xlsx(tmp_path / "d.xlsx", [ZHANG, LI, [3, *ZHANG[1:]]]))
    assert [(p.row, p.column) for p in plan.refused] == [(4, "公民身份号码")]
    assert "第2行" in plan.refused[0].message
    assert count(db) == 0


def test_fifteen_digit_id_converted(db: Database, tmp_path: Path) -> None:
    do_import(db, xlsx(tmp_path / "o.xlsx", [[1, "王五", "男", "", "110101900307123", "", "", "一支部", ""]]))
    with db.session_factory() as s:
        assert [m.id_number for m in list_members(s)] == ["110101199003071233"]


def test_database_changed_after_preview(db: Database, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "a.xlsx", [ZHANG])
    with db.session_factory() as s:
        plan = plan_import(s, path)
    do_import(db, path)
    with db.session_factory.begin() as s, pytest.raises(ConflictError, match="重新预览"):
        apply_import(s, plan, "tester", create_branches=True)
    assert count(db) == 1


def test_database_changed_after_preview_of_a_long_roll(db: Database, tmp_path: Path) -> None:
    """More than 900 new members are checked against the stored numbers in one query: the same refusal."""
    from tests.helpers.roll_factory import roll_rows, write_roll_csv

    path = write_roll_csv(tmp_path / "long.csv", 1200)
    with db.session_factory() as s:
        plan = plan_import(s, path)
    assert len(plan.added) == 1200
    late = roll_rows(1200)[700]
    do_import(db, xlsx(tmp_path / "late.xlsx", [[1, late[1], late[2], late[4], late[5], late[7], late[9], late[10], ""]]))
    with db.session_factory.begin() as s, pytest.raises(ConflictError, match=f"身份证号码{late[5]}已在库中"):
        apply_import(s, plan, "tester", create_branches=True)
    assert count(db) == 1


# ---------------------------------------------------------------- cancelling and errors file


def test_cancel_during_write_leaves_database_unchanged(db: Database, tmp_path: Path) -> None:
    from tests.helpers.roll_factory import write_roll_csv

    path = write_roll_csv(tmp_path / "big.csv", 5000)
    cancel = threading.Event()
    with db.session_factory() as s:
        plan = plan_import(s, path)
    assert len(plan.added) == 5000

    def progress(percent: int, _text: str) -> None:
        if percent > 0:
            cancel.set()

    with pytest.raises(CancelledError), db.session_factory.begin() as s:
        apply_import(s, plan, "tester", create_branches=True, progress=progress, cancel=cancel)
    assert count(db) == 0 and count(db, Branch) == 0 and count(db, ChangeLog) == 0
    cancel.set()
    with db.session_factory() as s, pytest.raises(CancelledError):
        plan_import(s, path, cancel=cancel)


def test_a_roll_of_several_chunks(db: Database, tmp_path: Path) -> None:
    """Several chunks of executemany: every member stored once with its derived fields, progress in order."""
    from tests.helpers.roll_factory import write_roll_csv

    path = write_roll_csv(tmp_path / "chunks.csv", 4500)
    seen: list[str] = []
    with db.session_factory.begin() as s:
        plan = plan_import(s, path)
        apply_import(s, plan, "tester", create_branches=True, progress=lambda _p, text: seen.append(text))
    assert seen == [f"已写入{n}名（共4500名）……" for n in (2000, 4000, 4500)]
    with db.session_factory() as s:
        stored = {number: key for number, key in s.execute(select(Member.id_number, Member.sort_key))}
    assert stored == {c["id_number"]: derived_name_fields(c["name"])["sort_key"] for c in plan.added}


def _member_indexes(db: Database) -> dict[str, str]:
    with db.engine.connect() as conn:
        if db.is_server:
            return dict(conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'member'").all())
        return dict(conn.exec_driver_sql(
            "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = 'member'").all())


def test_a_large_roll_into_a_small_table_builds_the_indexes_after(db: Database, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The same members as a row-at-a-time load, every index of the member table there again, and a
    cancel halfway leaves the database (its indexes included) as it was."""
    from services import bulk
    from tests.helpers.roll_factory import write_roll_csv

    monkeypatch.setattr(bulk, "REBUILD_AT_LEAST", 1000)
    indexes = _member_indexes(db)
    assert "ix_member_name" in indexes
    path = write_roll_csv(tmp_path / "large.csv", 4500)
    with db.session_factory() as s:
        plan = plan_import(s, path)
    cancel = threading.Event()

    def cancel_at_the_second_chunk(percent: int, _text: str) -> None:
        if percent > 50:
            cancel.set()

    with pytest.raises(CancelledError), db.session_factory.begin() as s:
        apply_import(s, plan, "tester", create_branches=True, progress=cancel_at_the_second_chunk, cancel=cancel)
    assert count(db) == 0 and _member_indexes(db) == indexes
    with db.session_factory.begin() as s:
        apply_import(s, plan, "tester", create_branches=True)
    assert _member_indexes(db) == indexes
    if not db.is_server:
        assert db.path is not None and integrity_check(db.path) == []
    with db.session_factory() as s:
        stored = {number: (name, key) for number, name, key in
                  s.execute(select(Member.id_number, Member.name, Member.sort_key))}
    assert stored == {c["id_number"]: (c["name"], derived_name_fields(c["name"])["sort_key"]) for c in plan.added}


@needs_samples
def test_errors_file_never_replaces_the_roll_being_imported(db: Database, tmp_path: Path) -> None:
    from services.files.safe_write import FileWriteError

    roll = tmp_path / "花名册 #2.xlsx"
    roll.write_bytes((SAMPLES / "roll_bad.xlsx").read_bytes())
    with db.session_factory() as s:
        plan = plan_import(s, roll)
    assert plan.refused
    with pytest.raises(FileWriteError) as caught:
        write_refused_rows(plan, tmp_path / "." / roll.name)
    assert str(roll.name) in caught.value.message and "正在导入的花名册" in caught.value.message
    assert roll.read_bytes() == (SAMPLES / "roll_bad.xlsx").read_bytes()


@needs_samples
def test_errors_file_can_be_fixed_and_imported(db: Database, tmp_path: Path) -> None:
    with db.session_factory() as s:
        plan = plan_import(s, SAMPLES / "roll_bad.xlsx")
    out = write_refused_rows(plan, tmp_path / "errors.xlsx")
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[-2:] == ["错误原因", "原行号"] and header[1] == "姓名"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[-1] for r in rows] == [5, 8, 12, 15, 18, 20, 22]
    assert "文本" in rows[0][-2]
    # The clerk fixes two rows and drops the rest: the file imports.
    wb = load_workbook(out)
    ws = wb.active
    ws.cell(2, 6).value = "110102197411154828"  # row 5: retyped as text (女 → even 17th digit)
    ws.cell(2, 6).number_format = "@"
    ws.cell(7, 2).value = "赵六"  # row 20: name supplied
    ws.delete_rows(3, 4)
    ws.delete_rows(4, 2)
    wb.save(out)
    fixed = do_import(db, out)
    assert not fixed.refused, fixed.refused
    assert len(fixed.added) == 2 and fixed.ignored_columns == ["错误原因", "原行号"]


def test_unreadable_file_is_exit_two(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(os.urandom(3000))
    with db.session_factory() as s, pytest.raises(UnreadableFileError) as info:
        plan_import(s, path)
    assert info.value.exit_code == 2


def test_fast_initials_match_naming() -> None:
    for name in ("张伟", "欧阳杰凤", "单雄信", "曾国藩", "长孙无忌", "阿依古丽·买买提", "Ma Li", "解放", "朝阳", "乐乐", "堃喆"):
        assert fast_initials(name) == naming.pinyin_initials(name) == derived_name_fields(name)["name_initials"]


# ---------------------------------------------------------------- command line


def cli(tmp_path: Path, *args: str) -> int:
    return run(["--db", str(tmp_path / "cli.sqlite3"), *args])


@needs_samples
def test_cli_import_forms_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(tmp_path, "import-members", str(SAMPLES / "roll_clean.xlsx"), "--json") == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"added", "updated", "unchanged", "skipped", "refused", "ignored_columns", "branches_created",
                        "form"}
    assert out["form"] == "Excel 工作簿（.xlsx）"
    assert [r["column"] for r in out["refused"]] == ["所在党支部"] * 5 and out["branches_created"] == []

    assert cli(tmp_path, "import-members", str(SAMPLES / "roll_clean.xlsx"), "--create-branches", "--dry-run") == 0
    capsys.readouterr()
    assert cli(tmp_path, "import-members", str(SAMPLES / "roll_clean.xlsx"), "--create-branches", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["added"] == 30 and len(out["branches_created"]) == 5 and out["refused"] == []

    assert cli(tmp_path, "import-members", str(SAMPLES / "roll_messy.xlsx"), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["added"] == 40 and out["ignored_columns"] == ["籍贯"]

    errors = tmp_path / "err.xlsx"
    assert cli(tmp_path, "import-members", str(SAMPLES / "roll_bad.xlsx"), "--json", "--errors", str(errors)) == 1
    out = json.loads(capsys.readouterr().out)
    assert sorted(r["row"] for r in out["refused"]) == [5, 8, 12, 15, 18, 20, 22]
    assert errors.exists()

    assert cli(tmp_path, "import-members", str(SAMPLES / "roll_clean.xlsx"), "--on-duplicate", "skip", "--json") == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 30
    assert cli(tmp_path, "import-members", str(tmp_path / "missing.xlsx")) == 2
    assert "找不到文件" in capsys.readouterr().err
    db = open_database(tmp_path / "cli.sqlite3")
    assert count(db) == 70
    db.dispose()


def test_cli_export_and_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(tmp_path, "demo", "--members", "20", "--branches", "3") == 0
    assert cli(tmp_path, "export-members", str(tmp_path / "all.xlsx")) == 0
    assert cli(tmp_path, "template", "members", str(tmp_path / "t.xlsx")) == 0
    assert cli(tmp_path, "export-members", str(tmp_path / "none.xlsx"), "--branch", "没有这个支部") == 1
    assert load_workbook(tmp_path / "all.xlsx").active.max_row == 22


# ---------------------------------------------------------------- a killed import


def test_killed_import_leaves_database_unchanged(tmp_path: Path) -> None:
    from tests.helpers.roll_factory import write_roll_csv

    db_path = tmp_path / "kill.sqlite3"
    db = open_database(db_path)
    do_import(db, xlsx(tmp_path / "a.xlsx", [ZHANG, LI]))
    db.dispose()
    big = write_roll_csv(tmp_path / "big.csv", 12000)
    backups = tmp_path / "data" / "backups"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "import-members", str(big),
                             "--create-branches"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=os.environ | {"DANGXUN_DATA_DIR": str(tmp_path / "data")})
    deadline = time.monotonic() + 120
    # Kill as soon as the write begins: the backup taken just before it is there. (The WAL is no sign:
    # with a large page cache SQLite writes it only at the commit.)
    while time.monotonic() < deadline and proc.poll() is None:
        if backups.is_dir() and any(backups.iterdir()):
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert integrity_check(db_path) == []
    db = open_database(db_path)
    assert count(db) == 2
    db.dispose()


# ---------------------------------------------------------------- unreadable files through the command line


def _encrypted(path: Path) -> Path:
    from tests.helpers.bad_files import make_encrypted_ole

    return make_encrypted_ole(path)


@pytest.mark.parametrize("kind", ["corrupt", "empty", "password", "not_spreadsheet", "too_many_rows", "no_header"])
def test_unreadable_files_exit_two_database_untouched(tmp_path: Path, kind: str,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(tmp_path, "import-members", str(xlsx(tmp_path / "ok.xlsx", [ZHANG])), "--create-branches") == 0
    path = tmp_path / f"{kind}.xlsx"
    if kind == "corrupt":
        path.write_bytes(b"PK\x03\x04" + os.urandom(4000))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "password":
        _encrypted(path)
    elif kind == "not_spreadsheet":
        path = tmp_path / "notes.pdf"
        path.write_bytes(b"%PDF-1.4\n" + os.urandom(500))
    elif kind == "too_many_rows":
        import services.files.spreadsheet as spreadsheet

        monkeypatch.setattr(spreadsheet, "DEFAULT_MAX_ROWS", 50)
        path = xlsx(path, [[i, "张三", "", "", "x", "", "", "一支部", ""] for i in range(200)])
    else:
        path = xlsx(path, [["a", "b"], [1, 2]], headers=["甲", "乙"])
    capsys.readouterr()
    assert cli(tmp_path, "import-members", str(path), "--create-branches") == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and any("\u4e00" <= ch <= "\u9fff" for ch in err[3:])
    db = open_database(tmp_path / "cli.sqlite3")
    assert count(db) == 1
    db.dispose()


def test_errors_file_keeps_hostile_cells_of_a_csv(db: Database, tmp_path: Path) -> None:
    """A CSV can carry control characters and formulas: the errors file is written, its cells read back as the CSV
    had them, the ID with its leading digits as text."""
    roll = tmp_path / "roll.csv"
    roll.write_text("姓名,公民身份号码,所在党支部,备注\n"
                    "张三,011010199003071233,机关第一党支部,\"=1+1\x07说明\"\n", encoding="utf-8")
    with db.session_factory() as s:
        plan = plan_import(s, roll)
    assert plan.refused
    rows = sheet_texts(write_refused_rows(plan, tmp_path / "errors.xlsx"))
    row = next(iter(rows.values()))[1]
    assert row[:4] == ["张三", "011010199003071233", "机关第一党支部", "=1+1\x07说明"]


def test_an_edit_opened_before_an_import_updated_the_member_is_refused(db: Database, tmp_path: Path) -> None:
    """A clerk's edit dialog, opened before another clerk's import changed the member, used to save the old phone
    back over the imported one without a word."""
    from services.roll import members as member_service

    do_import(db, xlsx(tmp_path / "a.xlsx", [ZHANG]))
    with db.session_factory() as s:
        opened = list_members(s)[0]
    do_import(db, xlsx(tmp_path / "b.xlsx", [ZHANG[:8] + ["13811112222"]]), on_duplicate="update")
    with pytest.raises(ConflictError) as refused, db.session_factory.begin() as s:
        member_service.update_member(s, opened.id, {**member_service.record_as_raw(opened), "remarks": "借调"},
                                     "李四", expected_version=opened.version)
    assert "已被其他人修改" in refused.value.message and "13811112222" in refused.value.message
    with db.session_factory() as s:
        assert list_members(s)[0].phone == "13811112222"


def test_an_import_previewed_before_another_clerks_edit_is_refused_not_written_over_it(db: Database,
                                                                                       tmp_path: Path) -> None:
    """Clerk A previews a roll that changes 张伟's phone; clerk B saves 张伟's new phone and job meanwhile; A's 导入
    wrote the preview's values over B's edit without a word. It is now refused, and nothing is written."""
    from services.roll import members as member_service

    do_import(db, xlsx(tmp_path / "a.xlsx", [ZHANG, LI]))
    with db.session_factory() as s:
        plan = plan_import(s, xlsx(tmp_path / "b.xlsx", [ZHANG[:8] + ["13811112222"], LI[:8] + ["13922223333"]]),
                           on_duplicate="update")
    assert len(plan.updated) == 2
    with db.session_factory.begin() as s:
        zhang = next(m for m in list_members(s) if m.id_number == ZHANG[4])
        member_service.update_member(s, zhang.id, {**member_service.record_as_raw(zhang), "phone": "13700001111"},
                                     "B", expected_version=zhang.version)
    with pytest.raises(ConflictError) as refused, db.session_factory.begin() as s:
        apply_import(s, plan, "A")
    assert "张伟" in refused.value.message and "联系电话" in refused.value.message and "重新预览" in refused.value.message
    with db.session_factory() as s:
        phones = {m.id_number: m.phone for m in list_members(s)}
    assert phones == {ZHANG[4]: "13700001111", LI[4]: LI[8]}  # B's edit stands, nothing of the import went in
    with db.session_factory.begin() as s:  # previewed again, the import goes in
        apply_import(s, plan_import(s, tmp_path / "b.xlsx", on_duplicate="update"), "A")
    with db.session_factory() as s:
        assert {m.id_number: m.phone for m in list_members(s)} == {ZHANG[4]: "13811112222", LI[4]: "13922223333"}
