"""Generated rolls of any size with valid fictional ID numbers, for tests and the benchmark."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from services.demo.demo import GIVEN, SURNAMES
from services.normalize import id_check_digit

HEADERS = ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "入党时间", "转正时间", "党员类别",
           "所在党支部", "党内职务", "工作岗位", "人员类别", "联系电话", "转入日期", "转出日期", "状态", "备注"]
REGIONS = ("110101", "110102", "110105", "130102", "320102", "370102", "410105", "420106", "510104", "610103")


def roll_rows(n: int, seed: int = 7, branches: int = 20) -> list[list[object]]:
    rng = random.Random(seed)
    used: set[str] = set()
    rows: list[list[object]] = []
    for i in range(1, n + 1):
        while True:
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 60))
            male = rng.random() < 0.6
            seq = rng.randrange(0, 1000)
            if (seq % 2 == 1) != male:
                seq = (seq + 1) % 1000
            body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
            id_number = body + id_check_digit(body)
            if id_number not in used:
                used.add(id_number)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        joined = dt.date(birth.year + 22 + rng.randrange(0, 20), birth.month, min(birth.day, 28))
        if joined > dt.date(2023, 1, 1):
            joined = dt.date(2022, rng.randrange(1, 13), 1)
        full = joined + dt.timedelta(days=366)
        joined_text = f"{joined:%Y.%m}" if rng.random() < 0.3 else f"{joined:%Y-%m-%d}"
        rows.append([i, name, "男" if male else "女", "汉族", f"{birth:%Y-%m-%d}", id_number, "大学本科",
                     joined_text, f"{full:%Y-%m-%d}", "正式党员", f"第{i % branches + 1}党支部", "",
                     "科员", "在职", f"13{rng.randrange(0, 10**9):09d}", "", "", "在册", ""])
    return rows


def write_roll_xlsx(path: Path, n: int, seed: int = 7) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员花名册")
    ws.append(HEADERS)
    for row in roll_rows(n, seed):
        ws.append(row)
    wb.save(path)
    return path


def write_roll_csv(path: Path, n: int, seed: int = 7) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(roll_rows(n, seed))
    return path
