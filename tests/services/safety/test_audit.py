"""Audit log: events beside changes, filters, Excel export, and tamper detection by `check`."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from models import ChangeLog
from services.safety import audit
from services.safety.storage import Database
from tests.helpers.backend import sqlite_only
from tests.helpers.hostile_text import CONTROL, LONG, sheet_texts


def _events(db: Database) -> None:
    with db.session_factory.begin() as s:
        audit.record_event(s, "录入员甲", "import", "导入花名册 花名册.xlsx：新增30人",
                           {"file": "花名册.xlsx", "added": 30})
        audit.log_export(s, "管理员乙", "党员名册", full_ids=True, rows=100, path="/tmp/名册.xlsx")
        audit.log_print(s, "录入员甲", "签到表", pages=3)
        audit.record_event(s, "录入员甲", "export", "=HYPERLINK(\"http://x\")")


def test_events_are_chained_entries_of_the_change_log(demo_db: Database) -> None:
    _events(demo_db)
    with demo_db.session_factory() as s:
        rows = audit.query_log(s, audit.LogFilter(entity="event"), newest_first=False)
        assert audit.check_log_chain(s).ok
    assert [r.action for r in rows] == ["import", "export", "print", "export"]
    export = rows[1]
    assert export.summary == "导出党员名册（含完整身份证号码）"
    assert export.changes["full_ids"] == [None, True] and "含完整身份证号码：是" in export.changes_text
    assert rows[0].changes_text == "新增：30；文件：花名册.xlsx"  # keys sorted by the change log


def test_filters(demo_db: Database) -> None:
    _events(demo_db)
    with demo_db.session_factory() as s:
        total = audit.count_log(s)
        assert total == len(audit.query_log(s)) > 4
        assert audit.count_log(s, audit.LogFilter(actor="录入员甲")) == 3
        assert audit.count_log(s, audit.LogFilter(action="export")) == 2
        assert audit.count_log(s, audit.LogFilter(actor="录入员甲", action="print")) == 1
        assert audit.count_log(s, audit.LogFilter(text="花名册")) == 1
        assert audit.count_log(s, audit.LogFilter(text="身份证")) == 1
        today = dt.date.today()
        assert audit.count_log(s, audit.LogFilter(date_from=today, date_to=today)) == total
        assert audit.count_log(s, audit.LogFilter(date_to=today - dt.timedelta(days=1))) == 0
        assert audit.count_log(s, audit.LogFilter(date_from=today + dt.timedelta(days=1))) == 0
        choices = audit.log_choices(s)
        assert {"录入员甲", "管理员乙"} <= set(choices.actors)
        assert {"import", "export", "print"} <= set(choices.actions)
        assert "event" in choices.entities and "database" in choices.entities
        newest = audit.query_log(s, limit=1)[0]
        assert newest.summary.startswith("=HYPERLINK")
    assert audit.action_label("export") == "导出" and audit.entity_label("member") == "党员"
    assert audit.action_label("something_new") == "其他操作" and audit.action_label("新动作") == "新动作"
    assert audit.action_label("import-records") == "导入学时记录" and audit.action_label("x-import") == "导入" and audit.entity_label("whatever") == "其他"


def test_excel_export_reads_back_with_another_reader(demo_db: Database, tmp_path: Path) -> None:
    _events(demo_db)
    out = tmp_path / "日志.xlsx"
    with demo_db.session_factory() as s:
        n = audit.export_log_xlsx(s, out, audit.LogFilter(entity="event"))
    assert n == 4
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("操作日志").to_python()
    assert list(rows[0]) == list(audit.EXPORT_HEADERS)
    assert [r[3] for r in rows[1:]] == ["导入", "导出", "打印", "导出"]
    assert rows[4][6].startswith("=HYPERLINK(\"http://x\")")  # kept as text, never a formula
    with demo_db.session_factory() as s:  # the 内容 column is the sentence the 日志 tab shows
        shown = [r.text for r in audit.query_log(s, audit.LogFilter(entity="event"), newest_first=False)]
    assert [r[6] for r in rows[1:]] == shown
    from openpyxl import load_workbook

    ws = load_workbook(out)["操作日志"]
    assert ws.cell(row=5, column=7).data_type == "s"


def _tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


@sqlite_only
def test_tampering_is_detected_and_named(demo_db: Database) -> None:
    _events(demo_db)
    with demo_db.session_factory() as s:
        victim = s.scalars(select(ChangeLog).where(ChangeLog.action == "print")).one()
        victim_id = victim.id
    demo_db.dispose()
    assert demo_db.path is not None
    _tamper(demo_db.path, f"UPDATE change_log SET summary='打印了别的东西' WHERE id={victim_id}")
    with demo_db.session_factory() as s:
        report = audit.check_log_chain(s)
    assert not report.ok and report.broken_entries == [victim_id]
    assert f"日志第{victim_id}条" in report.problems[0] and "打印了别的东西" in report.problems[0]


@sqlite_only
def test_deleting_an_entry_is_detected(demo_db: Database) -> None:
    _events(demo_db)
    with demo_db.session_factory() as s:
        ids = [e.id for e in s.scalars(select(ChangeLog).order_by(ChangeLog.id))]
    assert demo_db.path is not None
    _tamper(demo_db.path, f"DELETE FROM change_log WHERE id={ids[-3]}")
    with demo_db.session_factory() as s:
        report = audit.check_log_chain(s)
    assert report.broken_entries == [ids[-2]]


def test_cli_check_exits_1_naming_the_tampered_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli.main import run

    monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
    dbp = tmp_path / "t.sqlite3"
    assert run(["--db", str(dbp), "demo", "--members", "12", "--branches", "3"]) == 0
    assert run(["--db", str(dbp), "branches", "create", "第二个"]) == 0
    assert run(["--db", str(dbp), "branches", "create", "第三个"]) == 0
    capsys.readouterr()
    assert run(["--db", str(dbp), "check", "--json"]) == 0
    assert '"ok": true' in capsys.readouterr().out
    conn = sqlite3.connect(dbp)
    target = conn.execute("SELECT id FROM change_log WHERE summary LIKE '%第二个%'").fetchone()[0]
    conn.execute("UPDATE change_log SET actor='别人' WHERE id=?", (target,))
    conn.commit()
    conn.close()
    code = run(["--db", str(dbp), "check"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"日志第{target}条" in err and "别人" in err and "程序之外" in err
    code = run(["--db", str(dbp), "check", "--json"])
    out = capsys.readouterr().out
    assert code == 1 and f'"broken_entries": [\n    {target}\n  ]' in out


@sqlite_only
def test_log_cut_off_at_the_end_is_detected_against_the_newest_backup(demo_db: Database, tmp_path: Path) -> None:
    from services.safety import backup, restore

    _events(demo_db)
    folder = tmp_path / "b"
    assert restore.log_tail_problems(demo_db, folder) == []  # no backup yet: nothing to compare
    backup.backup_now(demo_db, "t", folder=folder)
    assert restore.log_tail_problems(demo_db, folder) == []
    assert demo_db.path is not None
    with demo_db.session_factory() as s:
        ids = [e.id for e in s.scalars(select(ChangeLog).order_by(ChangeLog.id))]
    _tamper(demo_db.path, f"DELETE FROM change_log WHERE id >= {ids[-3]}")  # the tail, incl. the backup event
    with demo_db.session_factory() as s:
        assert audit.check_log_chain(s).ok  # the chain alone cannot see a cut tail
    problems = restore.log_tail_problems(demo_db, folder)
    assert len(problems) == 1 and f"日志第{ids[-2]}条" in problems[0] and "已不存在" in problems[0]


def test_text_search_finds_the_characters_typed_wildcards_included(db: Database) -> None:
    """"50%" and "_" are what the clerk looks for in the log, not LIKE's wildcards."""
    with db.session_factory.begin() as s:
        audit.record_event(s, "录入员甲", "print", "打印完成率50%的名单")
        audit.record_event(s, "录入员甲", "print", "打印完成率500名的名单")
        audit.record_event(s, "录入员甲", "export", "导出 a_b.xlsx")
        audit.record_event(s, "录入员甲", "export", "导出 axb.xlsx")
    with db.session_factory() as s:
        assert [r.summary for r in audit.query_log(s, audit.LogFilter(text="50%"))] == ["打印完成率50%的名单"]
        assert [r.summary for r in audit.query_log(s, audit.LogFilter(text="a_b"))] == ["导出 a_b.xlsx"]
        assert audit.count_log(s, audit.LogFilter(text="50")) == 2


def test_excel_export_of_hostile_entries(demo_db: Database, tmp_path: Path) -> None:
    """A file name may hold control characters, a summary may be longer than a cell: the export is written, the
    control characters come back as written, the long text is cut and says so."""
    with demo_db.session_factory.begin() as s:
        audit.record_event(s, "录入员甲", "import", "导入花名册 " + CONTROL + ".xlsx")
        audit.record_event(s, "录入员甲", "import", "-" + LONG)
    out = tmp_path / "日志.xlsx"
    with demo_db.session_factory() as s:
        assert audit.export_log_xlsx(s, out, audit.LogFilter(entity="event")) == 2
    rows = sheet_texts(out)["操作日志"]
    assert rows[1][6] == "导入花名册 " + CONTROL + ".xlsx。"  # the sentence the 日志 tab shows
    assert rows[2][6].startswith("-长长") and "超出 Excel 单元格" in rows[2][6]
