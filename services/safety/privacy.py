"""Personal data: who sees full ID and phone numbers, and the masks everyone else sees.

The rule lives here and in the services that hand out member data, never in a view: a service
asks `shows_full_numbers(session)` (the role the workspace bound to the session) and passes its
records through `for_session` before returning them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from services.access import current_role
from services.errors import PermissionDeniedError
from services.normalize import mask_id_number
from services.roles import FULL_ID_ROLES, can_see_full_ids

# The fields of a record or a JSON row that hold personal numbers.
ID_FIELDS = ("id_number",)
PHONE_FIELDS = ("phone",)

T = TypeVar("T")
# An ID number or a mobile number inside free text (a log entry's summary, a changed value).
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1\d{10}(?!\d)")

__all__ = [
    "FULL_ID_ROLES", "can_see_full_ids", "display_id", "display_phone", "for_session", "mask_id_number",
    "mask_member_json", "mask_phone", "mask_record", "mask_text", "mask_value", "require_full_numbers",
    "shows_full_numbers",
]


def shows_full_numbers(session: Session) -> bool:
    """Whether the account acting through `session` may be handed full ID and phone numbers."""
    return can_see_full_ids(current_role(session))


def require_full_numbers(session: Session, what: str = "查看完整的身份证号码和电话号码") -> None:
    """Refuse (PermissionDeniedError, nothing written) unless the account may see full numbers."""
    role = current_role(session)
    if not can_see_full_ids(role):
        raise PermissionDeniedError(f"当前账号（{role}）不能{what}：只有管理员和录入员可以。")


def mask_phone(phone: str | None) -> str:
    """138****5678: the first three and last four digits of a mobile; shorter numbers keep the last four."""
    if not phone:
        return ""
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    if len(digits) <= 4:
        return phone
    keep_head = 3 if len(digits) >= 11 else 0
    hidden = set(digits[keep_head:len(digits) - 4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(phone))


def display_id(id_number: str | None, role: str | None, printout: bool = False, full: bool = False) -> str:
    """An ID number as a list or printout shows it to `role`.

    Printouts are masked unless `full` is asked for (and the role may see full numbers).
    """
    if not id_number:
        return ""
    if can_see_full_ids(role) and (not printout or full):
        return id_number
    return mask_id_number(id_number)


def display_phone(phone: str | None, role: str | None, printout: bool = False, full: bool = False) -> str:
    if not phone:
        return ""
    if can_see_full_ids(role) and (not printout or full):
        return phone
    return mask_phone(phone)


def mask_member_json(row: dict[str, Any], role: str | None) -> dict[str, Any]:
    """A member's JSON/list row as `role` may see it (id_number and phone masked for 查阅)."""
    if can_see_full_ids(role):
        return row
    masked = dict(row)
    for key in ID_FIELDS:
        if key in masked:
            masked[key] = mask_id_number(masked[key])
    for key in PHONE_FIELDS:
        if key in masked:
            masked[key] = mask_phone(masked[key])
    return masked


def mask_text(text: str) -> str:
    """`text` with every ID number and mobile number in it masked (for text written by the program)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def mask_value(key: str, value: Any) -> Any:
    """A field's value as a 查阅 account may see it: numbers masked in ID, phone and text values."""
    if not isinstance(value, str) or not value:
        return value
    if key in ID_FIELDS:
        return mask_id_number(value)
    if key in PHONE_FIELDS:
        return mask_phone(value)
    return mask_text(value)


def mask_record(record: T) -> T:
    """A copy of a dataclass record with its ID and phone numbers masked (empty ones stay empty)."""
    changed: dict[str, Any] = {}
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        if not value:
            continue
        if f.name in ID_FIELDS:
            changed[f.name] = mask_id_number(value)
        elif f.name in PHONE_FIELDS:
            changed[f.name] = mask_phone(value)
    return dataclasses.replace(record, **changed) if changed else record  # type: ignore[type-var]


def for_session(session: Session, records: Iterable[T]) -> list[T]:
    """`records` as the account of `session` may see them: masked for 查阅, unchanged otherwise."""
    if shows_full_numbers(session):
        return list(records)
    return [mask_record(r) for r in records]
