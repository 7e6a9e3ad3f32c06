"""The roll printout (党员花名册) read back: order, masking, page numbers, repeated header, fonts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from models import ChangeLog
from services.demo.demo import seed_demo
from services.errors import NotFoundError
from services.normalize import mask_id_number
from services.printing import print_roll
from services.roll import members
from services.safety.storage import Database, open_database

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext、pdffonts）")


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _all_embedded(path: Path) -> bool:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:] if line.strip()]
    # columns: name type [type2] encoding emb sub uni object ID — emb is the 5th from the end
    return bool(fonts) and all(f[-5] == "yes" for f in fonts)


def _pages(text: str) -> list[str]:
    return [p for p in text.split("\f") if p.strip()]


def _in_order(text: str, names: list[str]) -> bool:
    pos = 0
    for name in names:
        found = text.find(name, pos)
        if found < 0:
            return False
        pos = found + len(name)
    return True


@pytest.fixture
def one_branch_db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "one.sqlite3")
    with database.session_factory.begin() as s:
        seed_demo(s, members=60, branches=1, seed=11)
    yield database
    database.dispose()


def test_whole_roll(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session_factory.begin() as s:
        records = members.list_members(s, status="在册")
        result = print_roll.print_roll(s, tmp_path / "roll.pdf", actor="tester")
    assert result.members == len(records) and result.pages >= 2
    text = _text(result.path)
    pages = _pages(text)
    assert len(pages) == result.pages
    assert "党员花名册" in pages[0] and "制表日期" in pages[0]
    for n, page in enumerate(pages, start=1):
        assert f"第{n}页 共{result.pages}页" in page
        assert "公民身份号码" in page and "所在党支部" in page
    assert _in_order(text, [r.name for r in records])
    for r in records:
        assert mask_id_number(r.id_number) in text
        assert r.id_number not in text
    assert "制表人" in pages[-1] and "审核人" in pages[-1]
    assert _all_embedded(result.path)
    with demo_db.session_factory() as s:
        logged = s.scalars(select(ChangeLog).where(ChangeLog.action == "print")).all()
    assert [e.actor for e in logged] == ["tester"] and "党员花名册" in logged[0].summary


def test_one_branch_repeats_header_and_omits_branch_column(one_branch_db: Database, tmp_path: Path) -> None:
    with one_branch_db.session_factory.begin() as s:
        records = members.list_members(s, status="在册")
        branch = records[0].branch
        result = print_roll.print_roll(s, tmp_path / "b.pdf", branch=branch)
    assert result.pages >= 2 and result.members == len(records) >= 50
    pages = _pages(_text(result.path))
    assert f"{branch}党员花名册" in pages[0]
    for n, page in enumerate(pages, start=1):
        assert f"第{n}页 共{result.pages}页" in page
        assert "姓名" in page and "公民身份号码" in page and "入党时间" in page
        assert "所在党支部" not in page
    assert _in_order("".join(pages), [r.name for r in records])


def test_given_records_portrait_full_ids(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session_factory.begin() as s:
        records = members.list_members(s, status="在册")[:12]
        result = print_roll.print_roll(s, tmp_path / "p.pdf", records=list(reversed(records)), landscape=False,
                                       full_ids=True, title="测试花名册")
    text = _text(result.path)
    assert result.members == 12 and "测试花名册" in text
    # Printed by branch then 按姓氏笔画, whatever order the records came in.
    assert _in_order(text, [r.name for r in records])
    assert all(r.id_number in text.replace(" ", "") or r.id_number[:9] in text for r in records)
    months = [r for r in records if r.joined_party and len(r.joined_party) == 7]
    for r in months:
        assert r.joined_party.replace("-", ".") in text
    assert re.search(r"\d{4}\.\d{2}", text)
    assert _all_embedded(result.path)


def test_unknown_branch(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session_factory() as s, pytest.raises(NotFoundError):
        print_roll.print_roll(s, tmp_path / "x.pdf", branch="没有这个支部")
    assert not (tmp_path / "x.pdf").exists()


@pytest.fixture
def big_db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "big.sqlite3")
    with database.session_factory.begin() as s:
        seed_demo(s, members=700, branches=3, seed=5)
    yield database
    database.dispose()


def test_a_long_roll_has_the_header_on_each_page_and_every_member_once(big_db: Database, tmp_path: Path) -> None:
    with big_db.session_factory.begin() as s:
        records = members.list_members(s, status="在册")
        result = print_roll.print_roll(s, tmp_path / "big.pdf")
    pages = _pages(_text(result.path))
    assert result.members == len(records) >= 600 and len(pages) == result.pages >= 20
    assert "党员花名册" in pages[0] and f"共{len(records)}人" in pages[0]
    seqs: list[int] = []
    for n, page in enumerate(pages, start=1):
        assert f"第{n}页 共{result.pages}页" in page
        assert "序号" in page and "公民身份号码" in page and "所在党支部" in page
        seqs += [int(line.split()[0]) for line in page.splitlines() if re.match(r"\s*\d+\s+\S", line)
                 and not line.strip().startswith(("第", "党员花名册"))]
    assert seqs == list(range(1, len(records) + 1))  # every member once, in order, none lost at a page break
    assert not any("制表日期" in page for page in pages[1:])  # the title and its date on the first page only
    assert "制表人" in pages[-1]


def test_a_long_roll_takes_work_linear_in_its_rows(big_db: Database, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A split Table made a table of all the remaining rows, and measured them again, at each page break
    (20 000 members: 107 s); now each row goes into a table twice (measured, then laid out on its page) and each
    cell is broken into lines once."""
    from reportlab.platypus import tables

    from services.pdf.pdf_text import para

    cls = type(para("", None))
    breaks, init, table_init = cls.breakLinesCJK, cls.__init__, tables.Table.__init__
    counts = {"paragraphs": 0, "breaks": 0, "table rows": 0}

    def counted(self: object, widths: object) -> object:
        counts["breaks"] += 1
        return breaks(self, widths)

    def making(self: object, *args: object, **kwargs: object) -> None:
        counts["paragraphs"] += 1
        init(self, *args, **kwargs)

    def table(self: object, data: list[object], *args: object, **kwargs: object) -> None:
        counts["table rows"] += len(data)
        table_init(self, data, *args, **kwargs)

    monkeypatch.setattr(cls, "breakLinesCJK", counted)
    monkeypatch.setattr(cls, "__init__", making)
    monkeypatch.setattr(tables.Table, "__init__", table)
    with big_db.session_factory.begin() as s:
        result = print_roll.print_roll(s, tmp_path / "big.pdf")
    assert result.pages >= 20
    assert counts["table rows"] <= 3 * result.members
    assert counts["breaks"] <= counts["paragraphs"] + 50  # (a few more for fitting long names)


def test_cancelling_a_roll_print_leaves_no_file_and_no_log_entry(big_db: Database, tmp_path: Path) -> None:
    import threading

    from services.errors import CancelledError

    cancel = threading.Event()
    told: list[tuple[int, str]] = []

    def progress(percent: int, text: str) -> None:
        told.append((percent, text))
        if len(told) == 3:
            cancel.set()

    out = tmp_path / "out" / "roll.pdf"
    out.parent.mkdir()
    with pytest.raises(CancelledError), big_db.session_factory.begin() as s:
        print_roll.print_roll(s, out, progress=progress, cancel=cancel, actor="tester")
    assert told[0][0] < told[-1][0] < 50 and "花名册" in told[0][1]
    assert list(out.parent.iterdir()) == []
    with big_db.session_factory() as s:
        assert not s.scalars(select(ChangeLog).where(ChangeLog.action == "print")).all()
