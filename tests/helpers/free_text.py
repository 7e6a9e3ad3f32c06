"""A small roll whose names and remarks carry full-width punctuation, digits and spaces."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from openpyxl import Workbook

from services.normalize import id_check_digit

HEADERS = ["姓名", "公民身份号码", "所在党支部", "工作岗位", "备注"]
# (as the file writes it, as it must come back)
ROWS = [
    (("张　伟", "张伟"), "11010119800101001", "机关第一党支部", "办公室（综合科）", "（借调）２０２１年起"),
    (("王芳", "王芳"), "11010119850202002", "机关第一党支部", "科员　　文书", "曾用名：李　明"),
    (("阿依古丽·买买提", "阿依古丽·买买提"), "11010119900303003", "机关第一党支部", "科长",
     "……专题党课（下半年）"),
]


def full_id(body17: str) -> str:
    return body17 + id_check_digit(body17)


def write_roll(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for (name, _), body, branch, job, remarks in ROWS:
        ws.append([f" {name} ", full_id(body), branch, job, remarks + "  "])
    wb.save(path)
    return path


def expected() -> dict[str, dict[str, str]]:
    """ID number → the name, job and remarks as they must be stored and shown."""
    return {full_id(body): {"name": name, "job": job, "remarks": remarks}
            for (_, name), body, _branch, job, remarks in ROWS}


def folded(text: str) -> str:
    """What the old import stored: NFKC with white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())
