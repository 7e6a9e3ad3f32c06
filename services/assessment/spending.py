"""Spending on education (党费和经费开支): records and totals by year and purpose."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Spending
from services.errors import FieldProblem, NormalizeError, NotFoundError, ValidationError
from services.normalize import clean_text, keep_text, parse_full_date
from services.safety import changelog

OTHER_PURPOSE = "其他"
PURPOSES = ("书籍", "订阅", "培训班", "下拨支部经费", OTHER_PURPOSE)
SOURCES = ("党费", "行政经费")


@dataclass(frozen=True)
class SpendingRow:
    id: int
    date: dt.date
    amount: float
    purpose: str
    source: str
    remarks: str


def _clean(date: Any, amount: Any, purpose: str, source: str) -> tuple[dt.date, float, str, str]:
    problems: list[FieldProblem] = []
    day = None
    try:
        day = parse_full_date(date)
        if day is None:
            problems.append(FieldProblem("date", "日期不能为空"))
    except NormalizeError as exc:
        problems.append(FieldProblem("date", exc.message))
    try:
        value = round(float(clean_text(amount).replace(",", "").replace("元", "")), 2)
        if not 0 < value <= 1e9:
            raise ValueError
    except ValueError:
        problems.append(FieldProblem("amount", f"金额“{amount}”应为大于0的数字"))
        value = 0.0
    purpose, source = clean_text(purpose), clean_text(source)
    if purpose not in PURPOSES:
        problems.append(FieldProblem("purpose", f"用途“{purpose}”不在可选范围内（{'、'.join(PURPOSES)}）"))
    if source not in SOURCES:
        problems.append(FieldProblem("source", f"经费来源“{source}”不在可选范围内（{'、'.join(SOURCES)}）"))
    if problems or day is None:
        raise ValidationError(problems)
    return day, value, purpose, source


def _row(record: Spending) -> SpendingRow:
    return SpendingRow(record.id, record.date, record.amount, record.purpose, record.source, record.remarks or "")


def add_spending(session: Session, actor: str, date: Any, amount: Any, purpose: str, source: str,
                 remarks: str | None = None) -> SpendingRow:
    day, value, purpose, source = _clean(date, amount, purpose, source)
    record = Spending(date=day, amount=value, purpose=purpose, source=source, remarks=keep_text(remarks) or None)
    session.add(record)
    session.flush()
    changelog.record(session, actor, "create", "spending", record.id,
                     f"登记经费开支：{day.isoformat()} {purpose} {value:.2f}元（{source}）",
                     {"amount": (None, value), "purpose": (None, purpose), "source": (None, source)})
    return _row(record)


def update_spending(session: Session, actor: str, spending_id: int, date: Any, amount: Any, purpose: str,
                    source: str, remarks: str | None = None) -> SpendingRow:
    """Correct an entry; the change log keeps the old values."""
    record = session.get(Spending, spending_id)
    if record is None:
        raise NotFoundError("找不到该笔经费开支（可能已被删除）")
    day, value, purpose, source = _clean(date, amount, purpose, source)
    new_remarks = keep_text(remarks) or None
    changes = {k: (old, new) for k, old, new in (
        ("date", record.date.isoformat(), day.isoformat()), ("amount", record.amount, value),
        ("purpose", record.purpose, purpose), ("source", record.source, source),
        ("remarks", record.remarks, new_remarks)) if old != new}
    if not changes:
        return _row(record)
    record.date, record.amount, record.purpose, record.source, record.remarks = day, value, purpose, source, new_remarks
    session.flush()
    changelog.record(session, actor, "update", "spending", record.id,
                     f"修改经费开支：{day.isoformat()} {purpose} {value:.2f}元（{source}）", changes)
    return _row(record)


def delete_spending(session: Session, actor: str, spending_id: int) -> None:
    record = session.get(Spending, spending_id)
    if record is None:
        raise NotFoundError("找不到该笔经费开支（可能已被删除）")
    summary = f"删除经费开支：{record.date.isoformat()} {record.purpose} {record.amount:.2f}元（{record.source}）"
    changes = {"date": (record.date.isoformat(), None), "amount": (record.amount, None),
               "purpose": (record.purpose, None), "source": (record.source, None)}
    session.delete(record)
    session.flush()
    changelog.record(session, actor, "delete", "spending", spending_id, summary, changes)


def list_spending(session: Session, date_from: dt.date, date_to: dt.date) -> list[SpendingRow]:
    q = (select(Spending).where(Spending.date >= date_from, Spending.date <= date_to)
         .order_by(Spending.date, Spending.id))
    return [_row(s) for s in session.scalars(q)]


@dataclass(frozen=True)
class SpendingTotals:
    by_year: dict[int, dict[str, float]]  # year → purpose → amount (purposes with spending only)
    by_source: dict[str, float]
    total: float


def spending_totals(session: Session, date_from: dt.date, date_to: dt.date) -> SpendingTotals:
    by_year: dict[int, dict[str, float]] = {}
    by_source: dict[str, float] = {}
    total = 0.0
    for row in list_spending(session, date_from, date_to):
        year = by_year.setdefault(row.date.year, {})
        # A purpose outside the list (a record from an older version or written outside the program) is
        # 其他: the columns of 表3 then add up to its total.
        purpose = row.purpose if row.purpose in PURPOSES else OTHER_PURPOSE
        year[purpose] = round(year.get(purpose, 0.0) + row.amount, 2)
        by_source[row.source] = round(by_source.get(row.source, 0.0) + row.amount, 2)
        total += row.amount
    ordered = {y: {p: by_year[y][p] for p in PURPOSES if p in by_year[y]} for y in sorted(by_year)}
    return SpendingTotals(ordered, by_source, round(total, 2))
