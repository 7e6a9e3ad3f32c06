"""The implementation report in the office's words: built from a bureau of our own through the command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.safety.storage import Database
from tests.helpers.paths import REPO, SAMPLES

needs_samples = pytest.mark.skipif(not (SAMPLES / "roll_clean.xlsx").is_file(), reason="shared samples missing")

HEADER = ["姓名", "身份证号", "培训名称", "培训类别", "培训对象", "开始日期", "学时", "出勤情况", "主办单位", "地点"]


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, str(REPO / "main.py"), "--db", str(db), *args],
                            capture_output=True, text=True, timeout=180)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _records(members: list[dict[str, str]], path: Path) -> None:
    """A year of records: every form the report speaks of, with known counts."""
    rows: list[list[object]] = []

    def add(title: str, kind: str, audience: str, day: str, people: list[dict[str, str]], hours: float = 4,
            organiser: str = "局党委", place: str = "", status: str = "出席") -> None:
        for m in people:
            rows.append([m["name"], m["id_number"], title, kind, audience, day, hours, status, organiser, place])

    everyone, leaders = members[:-1], members[:6]  # the last member trains nowhere
    for n in range(3):
        add(f"中心组第{n + 1}次集体学习", "中心组学习", "党委理论学习中心组成员", f"2024-0{n + 2}-10", leaders)
    for n in range(2):
        add(f"书记培训班（第{n + 1}期）", "专题培训", "基层党组织书记和党务干部", f"2024-0{n + 3}-15", members[:5])
    add("纪检干部业务培训", "专题培训", "纪检干部", "2024-05-20", members[5:8])
    add("专家讲党史", "专题讲座", "全体党员", "2024-06-01", everyone[:10])
    add("专家讲党纪", "专题讲座", "全体党员", "2024-06-08", everyone[:10])
    add("党性教育培训班", "党性教育培训班", "党员干部", "2024-07-01", everyone[:7], hours=24, place="西柏坡")
    add("党性教育培训班（二期）", "党性教育培训班", "党员干部", "2024-09-01", everyone[7:12], hours=24,
        place="延安")
    add("红色教育现场教学（一）", "现场教学", "优秀共产党员", "2024-04-02", everyone[:3], organiser="市委组织部")
    add("红色教育现场教学（二）", "现场教学", "优秀共产党员", "2024-05-02", everyone[1:4], organiser="市委组织部")
    add("先进事迹报告会", "报告会", "全体党员", "2024-10-01", everyone)
    add("网络学院专题课", "网络培训", "全体党员", "2024-11-01", everyone, hours=30)
    add("请假的人不算人次", "专题讲座", "全体党员", "2024-12-01", everyone[:2], status="请假")
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)


@needs_samples
def test_report_tells_the_figures_in_the_offices_words(tmp_path: Path) -> None:
    from docx import Document

    db = tmp_path / "局.sqlite3"
    assert _cli(db, "import-members", str(SAMPLES / "roll_clean.xlsx"), "--create-branches").returncode == 0
    members = json.loads(_cli(db, "members", "list", "--json").stdout)
    records = tmp_path / "学时.csv"
    _records(members, records)
    done = _cli(db, "import-records", str(records), "--json")
    assert done.returncode == 0, done.stderr
    for amount, purpose in (("60000", "培训班"), ("52000.5", "书籍")):
        assert _cli(db, "spending", "add", "--date", "2024-03-01", "--amount", amount, "--purpose", purpose,
                    "--source", "党费").returncode == 0
    out = tmp_path / "报告.docx"
    made = _cli(db, "report", "--from", "2024-01-01", "--to", "2024-12-31", str(out))
    assert made.returncode == 0, made.stderr
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert text.splitlines()[0] == "《2024—2028年全国党员教育培训工作规划》贯彻落实情况报告"
    assert f"我局党委现有党员{len(members)}名" in text
    assert "组织中心组学习共计3次" in text
    assert "举办培训共计2期" in text and "基层党组织书记和党务干部" in text
    assert "举办纪检干部培训1期" in text
    assert "邀请专家举办专题讲座3次、20人次" in text  # the third, all on leave, earns no person-time
    assert "举办2期党性教育培训班，赴西柏坡、延安等地开展现场教学，培训党员干部共计12人次" in text
    assert "组织优秀共产党员4人参加市委组织部举办的2期现场教学培训" in text
    assert "举办典型事迹报告会共计1次" in text
    assert "共开支党费11万余元" in text
    last = members[-1]["name"]
    assert f"{last}（" in text and "未参加任何教育培训" in text
    assert "全覆盖" not in text
    assert "【请党委办公室在此填写" in text



def test_submitted_figures_and_what_moved_them_since(db: Database) -> None:
    import datetime as dt

    from models import Member
    from services.plan import submitted
    from services.printing import report
    from services.roll.members import mark_left
    from tests.helpers.stats_dataset import build_dataset

    lo, hi = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
    with db.session_factory.begin() as s:
        data = build_dataset(s)
        content = report.build_report(s, lo, hi)
        assert not any(t.title.endswith("上报数的比较") for t in content.tables)  # never submitted
        submitted.submit(s, "测试", lo, hi, content.title, content.figures)
        same = report.build_report(s, lo, hi)
        assert not any("数据变动说明" in h for h, _ in same.sections)  # nothing moved
        mark_left(s, data.members["m2"], "转出", "2024-12-01", "调离", "测试")
        name = s.get(Member, data.members["m2"]).name
        later = report.build_report(s, lo, hi)
    table = next(t for t in later.tables if t.title.endswith("上报数的比较"))
    assert ["现有党员", 4, 3] in table.rows
    why = dict(later.sections)["附：数据变动说明"][0]
    assert name in why and "项数据有变动" in why


def test_yearly_return_for_one_year(db: Database) -> None:
    from services.printing import report
    from tests.helpers.stats_dataset import build_dataset

    with db.session_factory.begin() as s:
        build_dataset(s)
        content = report.build_year_return(s, 2024)
    assert content.title == "关于2024年度党员教育培训工作情况的报告"
    assert (content.date_from.isoformat(), content.date_to.isoformat()) == ("2024-01-01", "2024-12-31")
    assert list(content.figures["years"]) == ["2024"]
    text = "".join(p for _h, ps in content.sections for p in ps)
    assert "2024年，我局党委认真贯彻落实《2024—2028年全国党员教育培训工作规划》" in text


def test_yearly_return_tells_what_moved_since_it_was_submitted(db: Database) -> None:
    """`report --year Y --submit` keeps the year's figures; a later return of Y tells what moved them, as a report
    of the same period by --from/--to does."""
    import datetime as dt

    from services.plan import submitted
    from services.printing import report
    from services.training.attendance import add_adjustment
    from tests.helpers.stats_dataset import build_dataset

    with db.session_factory.begin() as s:
        data = build_dataset(s)
        first = report.build_year_return(s, 2024)
        submitted.submit(s, "测试", first.date_from, first.date_to, first.title, first.figures)
        assert not any("数据变动说明" in h for h, _ in report.build_year_return(s, 2024).sections)  # nothing moved
        add_adjustment(s, data.members["m2"], 3, "补登学时", "测试", dt.date(2024, 9, 1))
        later = report.build_year_return(s, 2024)
    table = next(t for t in later.tables if t.title.endswith("上报数的比较"))
    assert ["2024年累计学时", first.figures["years"]["2024"]["total_hours"],
            first.figures["years"]["2024"]["total_hours"] + 3] in table.rows
    why = dict(later.sections)["附：数据变动说明"][0]
    assert "补登学时" in why and "项数据有变动" in why


def test_cli_yearly_return_and_submitted_figures(tmp_path: Path) -> None:
    from docx import Document

    db = tmp_path / "局.sqlite3"
    assert _cli(db, "demo").returncode == 0
    year_out = tmp_path / "年度.docx"
    done = _cli(db, "report", "--year", "2024", str(year_out))
    assert done.returncode == 0, done.stderr
    assert Document(str(year_out)).paragraphs[0].text == "关于2024年度党员教育培训工作情况的报告"
    assert _cli(db, "report", "--year", "2024", "--from", "2024-01-01", str(year_out)).returncode == 2
    assert _cli(db, "report", str(year_out)).returncode == 2

    first = tmp_path / "上报.docx"
    assert _cli(db, "report", "--from", "2024-01-01", "--to", "2024-12-31", "--submit", str(first)).returncode == 0
    added = _cli(db, "activities", "create", "--title", "补录的中心组学习", "--type", "中心组学习",
                 "--start", "2024-06-01", "--hours", "2")
    assert added.returncode == 0, added.stderr
    later = tmp_path / "再报.docx"
    assert _cli(db, "report", "--from", "2024-01-01", "--to", "2024-12-31", str(later)).returncode == 0
    doc = Document(str(later))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "附：数据变动说明" in text and "补录的中心组学习" in text
    compared = doc.tables[-1]
    assert any(row.cells[0].text == "中心组学习次数" for row in compared.rows)


@needs_samples
def test_report_cites_the_years_surveys(tmp_path: Path) -> None:
    from docx import Document

    db = tmp_path / "局.sqlite3"
    assert _cli(db, "demo").returncode == 0
    imported = _cli(db, "survey", "import", str(SAMPLES / "survey_wjx.xlsx"), "--json")
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "报告.docx"
    span = ("2024-01-01", "2028-12-31")
    assert _cli(db, "report", "--from", span[0], "--to", span[1], str(out)).returncode == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "共开展问卷调查1次，收回答卷40份" in text
    assert "最希望的培训形式是" in text  # question 2 asks for forms
