"""The roll's plain records (a member, a branch, the roll in numbers), with no database import.

The window shows the member list's first screen before SQLAlchemy is imported (ui/app.py), so what
it shows is defined here; services/roll/members.py and branches.py fill the same records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

# The keys of members.MEMBER_FIELDS in order (the canonical roll's columns; a test keeps them equal).
JSON_KEYS = ("name", "id_number", "sex", "birth_date", "ethnicity", "education", "joined_party",
             "full_member_since", "membership", "branch", "party_post", "job", "staff_status", "phone",
             "joined_org", "left_date", "status", "remarks")


@dataclass(frozen=True)
class MemberRecord:
    """A plain snapshot of one member, safe to hand to another thread."""

    id: int
    name: str
    id_number: str
    sex: str
    birth_date: dt.date
    ethnicity: str | None
    education: str | None
    joined_party: str | None
    full_member_since: str | None
    membership: str
    branch: str
    party_post: str | None
    job: str | None
    staff_status: str | None
    phone: str | None
    joined_org: str | None
    left_date: str | None
    status: str
    remarks: str | None
    branch_id: int
    left_reason: str | None
    name_initials: str
    sort_key: str
    branch_order: int
    version: int = 1  # moves on every save: a save made from an older version is refused

    def to_json(self) -> dict[str, Any]:
        data = {key: getattr(self, key) for key in JSON_KEYS}
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return data

    def search_text(self) -> str:
        return "\x1f".join((self.name, self.name_initials, self.id_number, self.phone or ""))


RECORD_FIELDS = tuple(f.name for f in fields(MemberRecord))


@dataclass(frozen=True, slots=True)
class MemberPick:
    """One member as a list to tick shows it (报名 › 手工选择, 登记资料发放): a few of MemberRecord's fields, named
    alike, so the privacy rule masks `id_number` and `phone` as it masks a full record."""

    id: int
    name: str
    branch: str
    id_number: str
    name_initials: str
    phone: str | None
    status: str = "在册"  # 在册, or how the member left (转出, 去世, 出党, 停止党籍)


@dataclass(frozen=True)
class BranchInfo:
    id: int
    name: str
    sort_order: int
    active_members: int
    all_members: int


@dataclass(frozen=True)
class RollCounts:
    """The roll in numbers: all members, those on the roll (在册), of them 预备党员, and how many
    the given filters pass."""

    total: int
    active: int
    probationary: int
    matching: int
