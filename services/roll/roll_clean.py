"""A whole roll cleaned column by column: the values and messages of clean_member, row by row, faster.

A roll of 50 000 rows repeats the same branch names, dates, choices and remarks thousands of
times: each column is normalised once per distinct value (a refusal is remembered as its message),
ID numbers in their usual form are checked in one tight loop, and the checks across fields
(check_member) then run per row on values already clean. tests/services/roll/test_roll_clean.py
holds the result to clean_member's, row for row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from operator import mul
from typing import Any

from services.errors import FieldProblem, NormalizeError
from services.normalize import (
    ID_CHECK_CHARS,
    ID_WEIGHTS,
    PLAIN_NAME,
    id_birth_date,
    id_sex,
    keep_text,
    normalize_id_number,
)
from services.roll.members import LABELS, MEMBER_FIELDS, check_member

KEYS = (*(f.key for f in MEMBER_FIELDS), "left_reason")
# sum(map(mul, text.encode(), ID_WEIGHTS)) weighs the digits' character codes: take the '0's back off.
_ZERO_WEIGHT = ord("0") * sum(ID_WEIGHTS)
_DIGITS = frozenset("0123456789")
_ODD = frozenset("13579")
_MISSING = object()
_TEXT_TYPES = frozenset((str, type(None)))


class Refused:
    """A cell's value refused by its normaliser: the Chinese reason."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _apply(normalizer: Callable[[Any], Any], value: Any) -> Any:
    try:
        return normalizer(value)
    except NormalizeError as exc:
        return Refused(exc.message)


def clean_column(normalizer: Callable[[Any], Any], values: Sequence[Any],
                 as_is: Callable[[str], Any] | None = None, refused: set[int] | None = None) -> list[Any]:
    """The normaliser's result for every cell (a Refused where it refuses), once per distinct text.

    `as_is`: a test a text passes only if the normaliser would return it unchanged (a plain name, an
    ISO date), which is quicker than the normaliser. `refused` collects the indices of refused cells.
    """
    results: dict[Any, Any] = dict.fromkeys(values)
    # Equal values of other types (1, 1.0, True) share a key here, but any such value leaves a key
    # that is not text: the distinct keys' types tell whether every cell is text or empty.
    if set(map(type, results)) <= _TEXT_TYPES:
        # Texts and empty cells only (the usual roll): each distinct value once, then C loops.
        for value in results:
            results[value] = value if as_is is not None and value is not None and as_is(value) else _apply(
                normalizer, value)
        bad = {value for value, result in results.items() if type(result) is Refused}
        if bad and refused is not None:
            refused.update(i for i, value in enumerate(values) if value in bad)
        return list(map(results.__getitem__, values))
    cache: dict[Any, Any] = {}
    out: list[Any] = []
    append = out.append
    for value in values:
        if value is None or type(value) is str:  # exact type: 1, 1.0 and True must not share an entry
            result = cache.get(value, _MISSING)
            if result is _MISSING:
                if as_is is not None and value is not None and as_is(value):
                    result = cache[value] = value
                else:
                    result = cache[value] = _apply(normalizer, value)
        else:
            result = _apply(normalizer, value)
        if type(result) is Refused and refused is not None:
            refused.add(len(out))
        append(result)
    return out


def clean_id_column(values: Sequence[Any]) -> tuple[list[Any], list[tuple[dt.date, str] | None]]:
    """normalize_id_number for every cell, and the birth date and sex each valid number gives.

    An 18-character number of digits (or a final X) is checked here in one loop, its date of birth
    looked up once per date; anything else, and any number found wrong, goes through
    normalize_id_number itself, so every refusal has its exact message.
    """
    today = dt.date.today()  # as normalize_id_number judges a birth date in the future
    births: dict[str, dt.date | None] = {}
    out: list[Any] = []
    facts: list[tuple[dt.date, str] | None] = []
    for value in values:
        if (type(value) is str and len(value) == 18 and value.isascii()
                and _DIGITS.issuperset(value[:17]) and (value[17] == "X" or value[17] in _DIGITS)):
            day = value[6:14]
            birth = births.get(day, _MISSING)  # type: ignore[arg-type]
            if birth is _MISSING:
                try:
                    birth = dt.date(int(day[:4]), int(day[4:6]), int(day[6:]))
                except ValueError:
                    birth = None
                if birth is not None and (birth.year < 1900 or birth > today):
                    birth = None
                births[day] = birth
            if birth is not None and value[17] == ID_CHECK_CHARS[
                    (sum(map(mul, value.encode(), ID_WEIGHTS)) - _ZERO_WEIGHT) % 11]:
                out.append(value)
                facts.append((birth, "男" if value[16] in _ODD else "女"))  # type: ignore[arg-type]
                continue
        result = _apply(normalize_id_number, value)
        out.append(result)
        facts.append(None if type(result) is Refused or not result else (id_birth_date(result), id_sex(result)))
    return out, facts


def _left_reason(value: Any) -> str | None:
    return keep_text(value) or None


def clean_rows(columns: Mapping[str, Sequence[Any] | None], count: int,
               today: dt.date) -> list[tuple[dict[str, Any], list[FieldProblem]]]:
    """clean_member for `count` rows given as columns (key → the column's cells, None: no such column)."""
    cleaned: list[list[Any]] = []
    refused: set[int] = set()  # rows with a refused cell
    for key in KEYS:
        values = columns.get(key)
        if key == "id_number":
            ids, facts = clean_id_column(values if values is not None else [None] * count)
            refused.update(i for i, fact in enumerate(facts) if fact is None)
            cleaned.append(ids)
        elif values is not None:
            cleaned.append(clean_column(_left_reason if key == "left_reason" else _NORMALIZERS[key], values,
                                        _AS_IS.get(key), refused))
        else:
            result = _apply(_left_reason if key == "left_reason" else _NORMALIZERS[key], None)
            if type(result) is Refused:
                refused.update(range(count))
            cleaned.append([result] * count)
    out: list[tuple[dict[str, Any], list[FieldProblem]]] = []
    for index, row in enumerate(zip(*cleaned, strict=True)):
        problems: list[FieldProblem] = []
        if index in refused:
            clean: dict[str, Any] = {}
            for key, value in zip(KEYS, row, strict=True):
                if type(value) is Refused:
                    problems.append(FieldProblem(key, value.message, column=LABELS.get(key, key)))
                else:
                    clean[key] = value
        else:
            clean = dict(zip(KEYS, row, strict=True))
        check_member(clean, problems, today, facts[index])
        out.append((clean, problems))
    return out


def _iso_day(text: str) -> bool:
    """A text parse_partial_date returns unchanged: an existing day written 2019-07-01."""
    if not _ISO_DAY.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:  # 2019-02-30: the normaliser says why
        return False
    return True


_NORMALIZERS: dict[str, Callable[[Any], Any]] = {f.key: f.normalizer for f in MEMBER_FIELDS}
# Years 1900-2099, months 01-12: inside the bounds parse_partial_date checks.
_ISO_DAY = re.compile(r"(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-[0-3][0-9]")
_AS_IS: dict[str, Callable[[str], Any]] = {
    "name": PLAIN_NAME.fullmatch,   # normalize_name's own shortcut
    "phone": re.compile(r"[0-9]{5,20}").fullmatch,
    **{key: _iso_day for key in ("birth_date", "joined_party", "full_member_since", "joined_org", "left_date")},
}
