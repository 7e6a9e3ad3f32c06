"""Reading a 问卷星 export (按选项文本, .xlsx/.xls/.csv): leading columns, then one column per question.

Nothing here touches the database; `read_export` returns the parsed survey or raises a Chinese
error naming the file and what is wrong with it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import UnreadableFileError, ValidationError
from services.files.spreadsheet import HEADER_SEARCH_ROWS, header_key, is_empty_row, open_sheets
from services.progress import Progress, tick
from services.survey import tally as t

# The columns 问卷星 writes before the questions (any may be missing).
LEADING = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")
# Columns 问卷星 adds in some exports (quizzes, named respondents): kept out of the tallies.
EXTRA = ("总分", "答题序号", "用户ID", "填写人", "答题人", "渠道", "自定义字段", "微信昵称", "性别(微信)",
         "地区(微信)", "所在地区", "联系方式")
# "1、题目", "1. 题目", "1．题目", "1.题目"; a matrix sub-item "5、(理论学习)".
_QUESTION = re.compile(r"^\s*(\d{1,3})\s*(?:(?:、|\.|．)\s*(.*)|([(（].*))$", re.S)
# Other tools' exports, named when recognised.
_OTHER_TOOLS = {"开始答题时间": "腾讯问卷", "结束答题时间": "腾讯问卷", "答题时长": "腾讯问卷",
                "提交时间": "其他问卷工具", "Timestamp": "Google 表单", "时间戳记": "Google 表单"}
MAX_QUESTIONS = 300
# Rows between two looks at the cancel flag (and two progress reports) while an export is read.
TICK_ROWS = 1000


@dataclass
class ParsedQuestion:
    number: int
    title: str
    kind: str
    column: str  # the header as written
    answers: list[str | None] = field(default_factory=list)  # one per response, None for an empty cell


@dataclass
class ParsedSurvey:
    path: Path
    sheet: str
    questions: list[ParsedQuestion]
    serials: list[int]
    submitted: list[str | None]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def responses(self) -> int:
        return len(self.serials)

    def tallies(self) -> list[t.Tally]:
        return [t.tally(q.number, q.title, q.kind, q.answers) for q in self.questions]


def split_header(text: str) -> tuple[int | None, str]:
    """ "3、题目" → (3, "题目"); a title without a number → (None, title)."""
    m = _QUESTION.match(text or "")
    if not m:
        return None, (text or "").strip()
    return int(m.group(1)), (m.group(2) or m.group(3) or "").strip()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _header_text(value: Any) -> str:
    return re.sub(r"[\r\n]+", " ", _text(value) or "").strip()


def _refuse(path: Path, message: str) -> ValidationError:
    return ValidationError(f"文件 {path.name} 不是可以导入的问卷星答卷（按选项文本）：{message}未导入任何内容。")


def _find_header(path: Path, rows: list[tuple[int, list[Any]]]) -> tuple[int, list[Any]] | None:
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        if any(_QUESTION.match(_header_text(c)) for c in cells if isinstance(c, str)):
            return number, cells
    return None


def read_export(path: Path | str, *, progress: Progress | None = None,
                cancel: threading.Event | None = None) -> ParsedSurvey:
    """Parse the first sheet that looks like a 问卷星 export; refuse anything else, naming why.

    `progress(percent, text)` hears how far the reading is; with `cancel` set it raises CancelledError
    (it writes nothing in any case)."""
    path = Path(path)
    tick(cancel)
    sheets = open_sheets(path)
    if not sheets:
        raise UnreadableFileError(f"文件 {path.name} 中没有工作表。")
    first_problem: ValidationError | None = None
    for raw in sheets:
        rows: list[tuple[int, list[Any]]] = []
        for row in raw.rows():
            if len(rows) % TICK_ROWS == 0:
                tick(cancel)
                if progress is not None and rows:
                    progress(0, f"正在读取第{row[0]}行……")
            rows.append(row)
        try:
            return _parse_sheet(path, raw.name, rows, progress, cancel)
        except ValidationError as exc:
            first_problem = first_problem or exc
    assert first_problem is not None
    raise first_problem


def _parse_sheet(path: Path, sheet: str, rows: list[tuple[int, list[Any]]], progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> ParsedSurvey:
    found = _find_header(path, rows)
    if found is None:
        heads = [_header_text(c) for _, cells in rows[:1] for c in cells if _text(c)]
        tools = {_OTHER_TOOLS[h] for h in heads if h in _OTHER_TOOLS}
        hint = f"这似乎是{'、'.join(sorted(tools))}的导出文件；" if tools else ""
        raise _refuse(path, f"{hint}前{HEADER_SEARCH_ROWS}行中找不到题目列（表头应为 序号、提交答卷时间、所用时间……"
                            "然后是“1、题目”“2、题目”……）。")
    header_row, header = found
    leading = {header_key(n): n for n in LEADING}
    extra = {header_key(n) for n in EXTRA}
    meta: dict[str, int] = {}
    questions: list[tuple[int, ParsedQuestion]] = []
    ignored: list[str] = []
    unknown: list[str] = []
    last_number = 0
    for index, cell in enumerate(header):
        shown = _header_text(cell)
        if not shown:
            continue
        key = header_key(shown)
        m = _QUESTION.match(shown)
        if m and not key.isdigit():
            number, title = int(m.group(1)), (m.group(2) or m.group(3) or "").strip()
            where = f"第{header_row}行第{index + 1}列“{shown}”"
            if not title:
                raise _refuse(path, f"{where}只有题号，没有题目。")
            if number < last_number or (number == last_number and not title.startswith(("(", "（"))):
                raise _refuse(path, f"{where}的题号{number}没有按顺序排列（前一题是第{last_number}题）。")
            last_number = number
            questions.append((index, ParsedQuestion(number, title, t.SINGLE, shown)))
        elif key in leading and not questions:
            meta[leading[key]] = index
        elif key in extra or key in leading:
            ignored.append(shown)
        else:
            unknown.append(shown)
    if unknown:
        tools = {_OTHER_TOOLS[u] for u in unknown if u in _OTHER_TOOLS}
        hint = f"（这似乎是{'、'.join(sorted(tools))}的导出文件）" if tools else ""
        raise _refuse(path, f"第{header_row}行有无法识别的列：{'、'.join(unknown[:8])}{hint}。"
                            "问卷星的答卷应只有 序号、提交答卷时间、所用时间、来源、来源详情、来自IP 和“N、题目”列。")
    if len(questions) > MAX_QUESTIONS:
        raise _refuse(path, f"题目列多达{len(questions)}个，超过{MAX_QUESTIONS}个。")
    serials: list[int] = []
    seen: dict[int, int] = {}  # serial → its row
    submitted: list[str | None] = []
    for n, (number, cells) in enumerate(rows):
        if n % TICK_ROWS == 0:
            tick(cancel)
            if progress is not None:
                progress(100 * n // len(rows), f"正在读取第{number}行答卷（共{len(rows)}行）……")
        if number <= header_row or is_empty_row(cells):
            continue
        serial = _serial(path, number, cells, meta.get("序号"), len(serials) + 1)
        if serial in seen:
            raise _refuse(path, f"第{number}行的序号{serial}与第{seen[serial]}行的答卷重复。")
        seen[serial] = number
        serials.append(serial)
        at = meta.get("提交答卷时间")
        submitted.append(_text(cells[at]) if at is not None and at < len(cells) else None)
        for index, q in questions:
            q.answers.append(_text(cells[index]) if index < len(cells) else None)
    if not serials:
        raise _refuse(path, "表头下面没有任何答卷。")
    for _, q in questions:
        q.kind = t.detect_kind(q.title, [a for a in q.answers if a])
        _check_by_number(path, q)
    return ParsedSurvey(path, sheet, [q for _, q in questions], serials, submitted, ignored)


def _serial(path: Path, number: int, cells: list[Any], index: int | None, default: int) -> int:
    """A row's 序号 (its place when the cell is empty). A text that is no number (合计, 平均 …) is no answer
    sheet: refused, where it would have been counted as one more response with empty answers."""
    if index is None or index >= len(cells):
        return default
    text = _text(cells[index])
    if not text:
        return default
    try:
        return int(float(unicodedata.normalize("NFKC", text)))
    except (ValueError, OverflowError):
        raise _refuse(path, f"第{number}行的序号“{text}”不是数字：问卷星的答卷每行一份，序号是数字。"
                            "如果这是合计、平均等行，请删去后再导入。") from None


def _check_by_number(path: Path, q: ParsedQuestion) -> None:
    """An export "按选项序号" writes 1┋3 for options: refuse it, it cannot be tallied by option text."""
    if q.kind != t.MULTIPLE:
        return
    given = [a for a in q.answers if a and not t.is_blank(a)]
    if given and all(all(p.strip().isdigit() for p in a.split(t.JOIN)) for a in given):
        raise _refuse(path, f"第{q.number}题“{q.column}”的答案是选项序号（如“{given[0]}”），这是“按选项序号”下载的文件。"
                            "请在问卷星中选择“按选项文本”下载答卷后再导入。")
