"""The survey report as PDF with many written answers: every answer printed once, in order, as typed; the page
count it says is the PDF's; progress as the pages are laid out, and 取消 leaves no file; each character
measured once (ReportLab measured every character of every answer anew: 20 000 answers took 18 s)."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections import Counter
from pathlib import Path

import pytest

from services.errors import CancelledError
from services.safety.storage import Database
from services.survey import survey_report, surveys
from services.survey import tally as t
from services.survey.wjx_import import ParsedQuestion, ParsedSurvey

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext）")

SHEETS = 1200
FOOTER = re.compile(r"^需求调查\s+第(\d+)页 共(\d+)页$")


def _answer(r: int) -> str:
    if r % 97 == 5:
        return "同上。"  # the same words on several sheets: printed once, with how many wrote them
    return f"第{r}条：建议“学习强国”积分与学时挂钩，" + "多组织现场教学、案例研讨（含专题党课）；" * (r % 6) + "……完！"


def _result(db: Database) -> surveys.SurveyResult:
    options = ("非常满意", "满意", "基本满意", "不满意")
    questions = [
        ParsedQuestion(1, "您对本年度培训的总体评价", t.SINGLE, "1、您对本年度培训的总体评价",
                       [options[r % 4] for r in range(SHEETS)]),
        ParsedQuestion(2, "您的意见建议", t.TEXT, "2、您的意见建议",
                       [None if r % 10 == 3 else _answer(r) for r in range(SHEETS)]),
    ]
    parsed = ParsedSurvey(Path("需求调查.xlsx"), "Sheet1", questions, list(range(1, SHEETS + 1)),
                          [f"2024/5/{1 + r % 28} 9:00:00" for r in range(SHEETS)])
    with db.session_factory.begin() as s:
        sid = surveys.save_import(s, parsed, "测试", title="需求调查")
    with db.session_factory() as s:
        return surveys.get_survey(s, sid)


def _pages(pdf: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[line for line in page.splitlines() if line.strip()] for page in text.split("\f") if page.strip()]


def test_every_written_answer_prints_once_in_order_as_typed(db: Database, tmp_path: Path) -> None:
    result = _result(db)
    pdf = tmp_path / "r.pdf"
    pages = survey_report.write_report(result, pdf)
    printed = _pages(pdf)
    assert pages == len(printed) > 20
    for n, lines in enumerate(printed, start=1):
        footers = [m.groups() for m in map(FOOTER.match, lines) if m]
        assert footers == [(str(n), str(pages))]  # 第n页 共N页 on each page
    # The lines, the footers left out, joined across wraps and pages.
    body = "".join(line for lines in printed for line in lines if not FOOTER.match(line))
    expected = [f"· {answer}" + (f"（{n}人）" if n > 1 else "")
                for answer, n in Counter(a for r in range(SHEETS) if r % 10 != 3 for a in [_answer(r)]).items()]
    assert len(expected) > 1000 and "· 同上。（12人）" in expected
    at = body.index("2、您的意见建议")
    for line in expected:
        found = body.find(line, at)
        assert found >= 0, line  # every answer exactly, full-width punctuation included, in order
        at = found + len(line)
    assert body.count("· ") == len(expected)  # and once


def test_progress_as_pages_are_laid_out_and_cancel_leaves_no_file(db: Database, tmp_path: Path) -> None:
    result = _result(db)
    out = tmp_path / "out"
    out.mkdir()
    seen: list[tuple[int, str]] = []
    survey_report.write_report(result, out / "r.pdf", progress=lambda p, text: seen.append((p, text)))
    assert len(seen) >= 3 and seen == sorted(seen, key=lambda s: s[0]) and 0 < seen[-1][0] < 100
    assert seen[-1][1].startswith("已排版") and seen[-1][1].endswith("页……")
    (out / "r.pdf").unlink()

    cancel = threading.Event()
    with pytest.raises(CancelledError):
        survey_report.write_report(result, out / "c.pdf", progress=lambda _p, _t: cancel.set(), cancel=cancel)
    with pytest.raises(CancelledError):
        survey_report.write_report(result, out / "c.docx", cancel=cancel)
    assert list(out.iterdir()) == []  # neither file nor a half-written temporary one


def test_each_character_is_measured_once(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.pdfbase import pdfmetrics

    from services.pdf.pdf_fallback import fallback_font_class

    result = _result(db)
    for font in list(pdfmetrics._fonts.values()):  # measured by an earlier test: measured anew here
        font.__dict__.pop("_char_widths", None)
    cls = fallback_font_class()
    width = cls.stringWidth
    single: Counter[tuple[str, float, str]] = Counter()

    def counted(self: object, text: str, size: float, encoding: str = "utf8") -> float:
        if len(text) == 1:
            single[(getattr(self, "fontName", ""), size, text)] += 1
        return float(width(self, text, size, encoding))

    monkeypatch.setattr(cls, "stringWidth", counted)
    survey_report.write_report(result, tmp_path / "r.pdf")
    printed = sum(len(a) for q in result.tallies for a in q.answers)
    distinct = {ch for q in result.tallies for a in q.answers for ch in a}
    # Each character once per font and size (the bar chart's own labels aside); ReportLab's own breaking
    # measured every character printed, some 100 000 here.
    assert printed > 50_000 and 0 < sum(single.values()) < 4 * len(distinct) < 1000
