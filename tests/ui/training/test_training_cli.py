"""The training commands, with the exact forms, exit codes and JSON shapes of issue 4."""

from __future__ import annotations

import json

import pytest

from tests.helpers import backend
from tests.helpers.training_helpers import load_roll
from ui.cli.main import run


@pytest.fixture
def roll_path(db, samples):
    with db.session_factory.begin() as s:
        load_roll(s, samples / "roll_clean.xlsx")
    db.dispose()
    return backend.location(db)


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_import_records_json_and_idempotent(roll_path, samples, capsys):
    records = str(samples / "records.xlsx")
    assert run(["--db", str(roll_path), "import-records", records, "--dry-run", "--json"]) == 0
    dry = _json(capsys)
    assert set(dry) == {"added", "updated", "unchanged", "skipped", "refused", "ignored_columns",
                        "branches_created", "activities_created", "form"}
    assert dry["form"] == "Excel 工作簿（.xlsx）"
    assert dry["activities_created"] == 4 and dry["refused"] == []
    assert run(["--db", str(roll_path), "import-records", records, "--json"]) == 0
    first = _json(capsys)
    assert first["added"] == dry["added"] > 0
    assert run(["--db", str(roll_path), "import-records", records, "--json"]) == 0
    second = _json(capsys)
    assert second["added"] == 0 and second["unchanged"] == first["added"] and second["activities_created"] == 0
    assert run(["--db", str(roll_path), "activities", "list", "--year", "2023", "--json"]) == 0
    listed = _json(capsys)
    assert len(listed) == 4
    assert set(listed[0]) == {"id", "title", "type", "start", "end", "hours", "enrolled", "attended",
                              "satisfaction"}
    assert all(a["attended"] <= a["enrolled"] for a in listed)
    assert run(["--db", str(roll_path), "activities", "list", "--type", "专题党课", "--json"]) == 0
    assert [a["type"] for a in _json(capsys)] == ["专题党课"]


def test_import_records_refused_and_unreadable(roll_path, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,培训名称,培训类别,开始日期,学时\n查无此人,学习,专题党课,2024-01-01,2\n", encoding="utf-8")
    assert run(["--db", str(roll_path), "import-records", str(bad), "--json"]) == 1
    out = _json(capsys)
    assert out["refused"] == [{"row": 2, "column": "姓名", "message": "名册中没有名叫“查无此人”的党员"}]
    assert run(["--db", str(roll_path), "import-records", str(tmp_path / "missing.xlsx")]) == 2
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"junk")
    assert run(["--db", str(roll_path), "import-records", str(junk)]) == 2


def test_plan_to_certificates(roll_path, tmp_path, capsys):
    db = ["--db", str(roll_path)]
    assert run(db + ["activities", "create", "--title", "党性教育培训班", "--type", "党性教育培训班",
                     "--start", "2024-05-06", "--end", "2024-05-07", "--place", "西柏坡", "--organiser", "局党委",
                     "--session", "2024-05-06,6,09:00-17:00,开班", "--session", "2024-05-07,4", "--json"]) == 0
    act = _json(capsys)["id"]
    assert run(db + ["enrol", str(act), "--all"]) == 0
    for n in ("1", "2"):
        assert run(db + ["attendance", "set", str(act), "--session", n, "--all-present"]) == 0
    assert run(db + ["attendance", "set", str(act), "--session", "2", "--member", "1", "--status", "病假"]) == 0
    pdf = tmp_path / "s.pdf"
    assert run(db + ["print-signin", str(act), str(pdf), "--session", "2", "--blank-rows", "3"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert run(db + ["print-certificates", str(act), str(tmp_path / "c.pdf"), "--json"]) == 0
    out = _json(capsys)
    assert set(out) == {"pdf", "certificates"} and len(out["certificates"]) == 29
    assert set(out["certificates"][0]) == {"number", "name", "id_number"}
    number = out["certificates"][0]["number"]
    assert number.startswith("2024-DX-")
    assert run(db + ["verify-certificate", number]) == 0
    assert run(db + ["verify-certificate", "2024-DX-09999"]) == 1
    assert "不在本单位的发证记录中" in capsys.readouterr().err
    assert run(db + ["activities", "delete", str(act)]) == 1
    assert run(db + ["print-signin", str(act), str(pdf), "--session", "9"]) == 1


def test_types_and_adjustment(roll_path, capsys):
    db = ["--db", str(roll_path)]
    assert run(db + ["activities", "add-type", "读书班", "DS"]) == 0
    assert run(db + ["activities", "add-type", "读书班", "DS"]) == 1
    assert run(db + ["activities", "exclude-type", "自学"]) == 0
    assert run(db + ["activities", "types", "--json"]) == 0
    types = {t["name"]: t for t in _json(capsys)}
    assert types["读书班"]["code"] == "DS" and types["自学"]["counts_toward_target"] is False
    assert run(db + ["adjust-hours", "1", "2.5", "--reason", "补记外出学习", "--date", "2024-03-01"]) == 0
    assert run(db + ["adjust-hours", "1", "2.5", "--reason", " "]) == 1


def test_changed_records_refused_unless_told(roll_path, tmp_path, capsys):
    from services.safety.storage import open_database

    db = open_database(roll_path)
    with db.session_factory() as s:
        from services.roll import members

        m = members.list_members(s)[0]
    db.dispose()

    def write(hours):
        path = tmp_path / f"r{hours}.csv"
        path.write_text(f"公民身份号码,培训名称,培训类别,开始日期,学时\n{m.id_number},网上党校,网络培训,2024-03-01,{hours}\n",
                        encoding="utf-8")
        return str(path)

    base = ["--db", str(roll_path), "import-records"]
    assert run(base + [write(5), "--json"]) == 0
    capsys.readouterr()
    assert run(base + [write(5), "--json"]) == 0
    assert _json(capsys)["unchanged"] == 1
    assert run(base + [write(6), "--json"]) == 1
    refused = _json(capsys)["refused"]
    assert len(refused) == 1 and "--on-existing update" in refused[0]["message"]  # the option, on a command line
    assert run(base + [write(6), "--json", "--on-existing", "update"]) == 0
    assert _json(capsys)["updated"] == 1


def test_signin_without_session_prints_every_session(roll_path, tmp_path, capsys):
    """`print-signin` says 默认每个课次一页: a three-day class gets three sheets, not the first day's alone."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("需要 poppler-utils（pdftotext）")
    db = ["--db", str(roll_path)]
    assert run(db + ["activities", "create", "--title", "三天的班", "--type", "党性教育培训班", "--start", "2024-05-06",
                     "--session", "2024-05-06,6", "--session", "2024-05-07,6", "--session", "2024-05-08,4",
                     "--json"]) == 0
    act = _json(capsys)["id"]
    assert run(db + ["enrol", str(act), "--all"]) == 0
    every, one = tmp_path / "every.pdf", tmp_path / "one.pdf"
    assert run(db + ["print-signin", str(act), str(every)]) == 0
    assert "（30人，6页）" in capsys.readouterr().err  # 30 names and 5 blank rows: two pages a session
    text = subprocess.run(["pdftotext", "-layout", str(every), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")[:6]
    assert [[n for n in (1, 2, 3) if f"第{n}课次" in page] for page in pages] == [[1], [], [2], [], [3], []]
    assert "2024年5月8日" in pages[4] and "第6页 共6页" in pages[5]
    assert run(db + ["print-signin", str(act), str(one), "--session", "2"]) == 0
    text = subprocess.run(["pdftotext", str(one), "-"], capture_output=True, text=True, check=True).stdout
    assert "第2课次" in text and "第1课次" not in text and "第3课次" not in text


def test_changed_member_refused_with_the_option_that_takes_it(roll_path, samples, tmp_path, capsys):
    """A member already on the roll with other values: the refusal names the command line's option (it said only
    请选择“更新”, a choice of the window)."""
    import openpyxl

    wb = openpyxl.load_workbook(samples / "roll_clean.xlsx")
    ws = wb.active
    ws.cell(2, 15).value = "13900000000"  # 联系电话 of the first member
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    db = ["--db", str(roll_path)]
    assert run(db + ["import-members", str(changed), "--json"]) == 1
    refused = _json(capsys)["refused"]
    assert [(r["row"], r["column"]) for r in refused] == [(2, "公民身份号码")]
    assert "--on-duplicate update" in refused[0]["message"] and "--on-duplicate skip" in refused[0]["message"]
    assert run(db + ["import-members", str(changed), "--on-duplicate", "update", "--json"]) == 0
    assert _json(capsys)["updated"] == 1
