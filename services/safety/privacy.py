"""Personal data: who sees full ID and phone numbers, and the masks everyone else sees."""

from __future__ import annotations

from typing import Any

from services.normalize import mask_id_number
from services.safety.accounts import ADMIN, EDITOR
from services.safety.audit import log_export

# Roles whose work needs full numbers (entering and checking the roll). `None` is a database
# without accounts: a single-user office where the clerk is everyone.
FULL_ID_ROLES = (ADMIN, EDITOR, None)

__all__ = [
    "FULL_ID_ROLES", "can_see_full_ids", "display_id", "display_phone", "log_export", "mask_id_number",
    "mask_member_json", "mask_phone",
]


def can_see_full_ids(role: str | None) -> bool:
    """Whether lists show full ID and phone numbers to this role (printouts mask by default)."""
    return role in FULL_ID_ROLES


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
    if "id_number" in masked:
        masked["id_number"] = mask_id_number(masked["id_number"])
    if "phone" in masked:
        masked["phone"] = mask_phone(masked["phone"])
    return masked
