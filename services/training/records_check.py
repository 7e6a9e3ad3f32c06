"""Checking a records row's cells: who (name, ID number) and which activity, once per distinct cells.

records_import.py calls these once per distinct (name, number) and once per distinct activity cells
of a file (services/files/grouped.py); cells recur across those too, so the normalisers are memoised here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from services.errors import NormalizeError
from services.normalize import (
    clean_text,
    fold_key,
    normalize_id_number,
    normalize_name,
    normalize_optional_text,
    parse_full_date,
    parse_hours,
)
from services.training.attendance import ATTENDED, normalize_status


def memo(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Remember a normaliser's answer (or its refusal) per cell value: imports repeat the same values a lot."""
    cache: dict[tuple[type, Any], tuple[bool, Any]] = {}

    def wrapped(value: Any) -> Any:
        try:
            key = (type(value), value)
            hit = cache.get(key)
        except TypeError:  # an unhashable cell: no caching
            return fn(value)
        if hit is None:
            try:
                hit = (True, fn(value))
            except NormalizeError as exc:
                hit = (False, exc.message)
            cache[key] = hit
        if hit[0]:
            return hit[1]
        raise NormalizeError(hit[1])

    return wrapped


# (problems as (field, message), the member's id, whether both name and number are empty)
MemberCheck = tuple[tuple[tuple[str, str], ...], "int | None", bool]
# (problems, (activity key, title, type id, start, end, status, reason, hours, organiser, place, audience))
ActivityCheck = tuple[tuple[tuple[str, str], ...], "tuple[Any, ...] | None"]


def member_checker(by_number: dict[str, tuple[int, str]],
                   by_name: dict[str, list[int]] | Callable[[], dict[str, list[int]]],
                   own: set[int] | None = None,
                   names_by_id: dict[int, str] | None = None) -> Callable[[Any, Any], MemberCheck]:
    """Who a row's name and ID number cells name (checked once per distinct pair by the caller).

    `by_name` (folded name → member ids) may be given as a function making it: it is then made only
    if a row names a member without an ID number.
    """
    n_name, n_number, n_text = memo(normalize_name), memo(normalize_id_number), memo(clean_text)
    names: list[dict[str, list[int]]] = [by_name] if isinstance(by_name, dict) else []

    def members_named(name: str) -> list[int]:
        if not names:
            assert callable(by_name)
            names.append(by_name())
        return names[0].get(fold_key(name), [])

    def check(name_cell: Any, number_cell: Any) -> MemberCheck:
        problems: list[tuple[str, str]] = []
        member_id: int | None = None
        name: str | None = None
        try:
            name = n_name(name_cell) if n_text(name_cell) else None
        except NormalizeError as exc:
            problems.append(("name", exc.message))
        if n_text(number_cell):
            try:
                number = n_number(number_cell)
                found = by_number.get(number)
                if found is None:
                    problems.append(("id_number", f"身份证号码{number}不在党员名册中，请先导入花名册"))
                elif name and fold_key(found[1]) != fold_key(name):
                    problems.append(("name", f"姓名“{name}”与身份证号码{number}的党员“{found[1]}”不符"))
                else:
                    member_id = found[0]
            except NormalizeError as exc:
                problems.append(("id_number", exc.message))
        elif name:
            matches = members_named(name)
            if len(matches) == 1:
                member_id = matches[0]
            elif not matches:
                problems.append(("name", f"名册中没有名叫“{name}”的党员"))
            else:
                problems.append(("name", f"名册中有{len(matches)}名党员叫“{name}”，请填写身份证号码以区分"))
        elif not problems:
            return (), None, True
        if own is not None and member_id is not None and member_id not in own:
            name_of = (names_by_id or {}).get(member_id, name or "")
            problems.append(("name", f"党员“{name_of}”不属于本账号的党支部，不能导入其学时"))
            member_id = None
        return tuple(problems), member_id, False

    return check


def activity_checker(types: dict[str, int], office: bool = True) -> Callable[..., ActivityCheck]:
    """A row's activity and attendance cells, checked (once per distinct cells by the caller). `office`: the
    account may add a type to the list (a branch account asks the office)."""
    add_type = "可先在类别表中新增" if office else "请改用表中的类别，或请党委办公室在类别表中新增"
    n_date, n_status, n_hours = memo(parse_full_date), memo(normalize_status), memo(parse_hours)
    n_text = memo(clean_text)
    n_title = memo(lambda v: normalize_optional_text(v, 200))
    n_organiser = memo(lambda v: normalize_optional_text(v, 100))
    n_place = memo(lambda v: normalize_optional_text(v, 200))

    def check(title_cell: Any, type_cell: Any, start_cell: Any, end_cell: Any, attendance_cell: Any,
              hours_cell: Any, organiser_cell: Any, place_cell: Any, audience_cell: Any) -> ActivityCheck:
        problems: list[tuple[str, str]] = []
        title: str | None = None
        try:
            title = n_title(title_cell)
            if not title:
                problems.append(("title", "培训名称不能为空"))
        except NormalizeError as exc:
            problems.append(("title", exc.message))
        type_text = n_text(type_cell).replace(" ", "")
        type_id: int | None = types.get(type_text)
        if not type_text:
            problems.append(("type", "培训类别不能为空"))
        elif type_id is None:
            problems.append(("type", f"培训类别“{type_text}”不在类别表中（{'、'.join(types)}）；{add_type}"))
        start: dt.date | None = None
        end: dt.date | None = None
        try:
            start = n_date(start_cell)
            if start is None:
                problems.append(("start_date", "开始日期不能为空"))
        except NormalizeError as exc:
            problems.append(("start_date", exc.message))
        try:
            end = n_date(end_cell)
            if start and end and end < start:
                problems.append(("end_date", f"结束日期{end.isoformat()}早于开始日期{start.isoformat()}"))
                end = None
        except NormalizeError as exc:
            problems.append(("end_date", exc.message))
        status, reason = "出席", None
        try:
            status, reason = n_status(attendance_cell)
        except NormalizeError as exc:
            problems.append(("attendance", exc.message))
        hours: float | None = None
        try:
            hours = n_hours(hours_cell)
            if hours is None and status in ATTENDED:
                problems.append(("hours", "学时不能为空"))
        except NormalizeError as exc:
            problems.append(("hours", exc.message))
        texts: dict[str, str | None] = {}
        for key, normalize, cell in (("organiser", n_organiser, organiser_cell), ("place", n_place, place_cell),
                                     ("audience", n_organiser, audience_cell)):
            try:  # each refused under its own column (a long 地点 was reported as 主办单位's)
                texts[key] = normalize(cell)
            except NormalizeError as exc:
                problems.append((key, exc.message))
        if problems:
            return tuple(problems), None
        assert title and type_id is not None and start is not None
        return (), ((fold_key(title), type_id, start), title, type_id, start, end, status, reason, hours,
                    texts["organiser"], texts["place"], texts["audience"])

    return check


MEMBER_FIELDS = ("name", "id_number")
ACTIVITY_FIELDS = ("title", "type", "start_date", "end_date", "attendance", "hours", "organiser", "place",
                   "audience")
