"""The materials register (学习资料发放登记): what was handed to whom and when, and the sign-off sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from models import Branch, Material, MaterialIssue, Member, Spending
from services import access, changes
from services.bulk import chunked, insert_rows
from services.errors import NormalizeError, NotFoundError, ValidationError
from services.normalize import fold_key, last_day_on_roll, normalize_id_number, parse_full_date
from services.safety import changelog

PARTY_TEXTBOOK = "入党教材"
MAX_COPIES = 1000  # per member: more is a typing slip (and a huge number would not fit the column)


def bare_title(title: str) -> str:
    """A title as stored: trimmed, without the book-title marks (printed with one pair, 《…》)."""
    text = (title or "").strip()
    while text.startswith("《") and text.endswith("》"):
        text = text[1:-1].strip()
    return text


def _marks_balanced(text: str) -> bool:
    """The text has its own book-title marks, each 《 closed by a later 》 (《纲要》配套辅导读本)."""
    depth = 0
    for ch in text:
        depth += {"《": 1, "》": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and "《" in text


def book(title: str) -> str:
    """The title printed with one pair of 《》; a title that carries its own marks inside
    (《纲要》配套辅导读本, 《A》与《B》) is printed as written, not wrapped again."""
    bare = bare_title(title)
    return bare if _marks_balanced(bare) else f"《{bare}》"


@dataclass(frozen=True)
class IssueResult:
    material_id: int
    title: str
    date: dt.date
    issued: int  # new copies recorded now
    already: int  # members who already had it on that day

    def to_json(self) -> dict[str, object]:
        return {"material_id": self.material_id, "title": self.title, "date": self.date.isoformat(),
                "issued": self.issued, "already": self.already}


@dataclass(frozen=True)
class MaterialRow:
    id: int
    title: str
    members: int
    copies: int
    first: dt.date | None
    last: dt.date | None
    spending_id: int | None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "members": self.members, "copies": self.copies,
                "first": self.first.isoformat() if self.first else None,
                "last": self.last.isoformat() if self.last else None, "spending_id": self.spending_id}


@dataclass(frozen=True)
class IssueRow:
    """One line of the sign-off sheet."""

    member_id: int
    name: str
    branch: str
    date: dt.date
    copies: int


def _material(session: Session, title: str, create: bool) -> Material | None:
    key = fold_key(bare_title(title))
    for m in session.scalars(select(Material)):
        if fold_key(m.title) == key:
            return m
    if not create:
        return None
    material = Material(title=bare_title(title))
    session.add(material)
    session.flush()
    return material


def issue_material(session: Session, actor: str, title: str, date: object, id_numbers: Iterable[str],
                   copies: int = 1, spending_id: int | None = None) -> IssueResult:
    """Record that each member (by ID number) received `title` on `date`; refuses unknown members."""
    if not bare_title(title):
        raise ValidationError("请填写资料名称", "title")
    try:
        day = parse_full_date(date)
    except NormalizeError as exc:
        raise ValidationError(exc.message, "date") from exc
    if day is None:
        raise ValidationError("请填写发放日期", "date")
    if copies < 1:
        raise ValidationError("份数至少为1", "copies")
    if copies > MAX_COPIES:
        raise ValidationError(f"每人份数不能超过{MAX_COPIES}", "copies")
    wanted: list[str] = []
    bad: list[str] = []
    for raw in id_numbers:
        try:
            wanted.append(normalize_id_number(raw))
        except NormalizeError as exc:
            bad.append(f"{raw}（{exc.message}）")
    if bad:
        raise ValidationError("身份证号码有误：" + "；".join(bad), "member")
    if not wanted:
        raise ValidationError("请至少指定一名党员（--member 身份证号码）", "member")
    found: dict[str, int] = {}
    gone: list[str] = []
    for run in chunked(dict.fromkeys(wanted)):  # any number of members: in runs (services/bulk.py)
        for number, member_id, name, status, left in session.execute(
                select(Member.id_number, Member.id, Member.name, Member.status, Member.left_date)
                .where(Member.id_number.in_(run))):
            found[number] = member_id
            last = last_day_on_roll(status, left)
            if last and last < day:  # handed a book after they left?
                gone.append(f"{name}（{left}{status}）")
    missing = [n for n in wanted if n not in found]
    if missing:
        raise NotFoundError("名册中没有这些身份证号码的党员：" + "、".join(missing))
    if gone:
        raise ValidationError(f"以下党员在发放日期{day.isoformat()}之前已离册，不能登记为当日领取：" + "、".join(gone)
                              + "；请核对发放日期，数据库未作改动", "date")
    access.require_members(session, found.values(), "发放")
    if spending_id is not None and session.get(Spending, spending_id) is None:
        raise NotFoundError(f"没有编号为{spending_id}的经费开支")
    material = _material(session, title, create=True)
    assert material is not None
    if spending_id is not None:
        material.spending_id = spending_id
    have = set(session.scalars(select(MaterialIssue.member_id).where(
        MaterialIssue.material_id == material.id, MaterialIssue.date == day)))
    new_ids = [found[n] for n in dict.fromkeys(wanted) if found[n] not in have]
    # A whole bureau (20 000 members) at once: Core through the driver's executemany, not an ORM object a member
    # (2 s of the window's time); announced through changes.note as the ORM's flush would.
    session.flush()
    insert_rows(session.connection(), cast(Table, MaterialIssue.__table__), ("material_id", "member_id", "date", "copies"),
                [(material.id, member_id, day, copies) for member_id in new_ids])
    if new_ids:
        changes.note(session, "material_issue")
    if new_ids:
        changelog.record(session, actor, "create", "material_issue", material.id,
                         f"发放{book(material.title)}：{len(new_ids)}人（{day.year}年{day.month}月{day.day}日）",
                         {"members": (None, len(new_ids)), "date": (None, day)})
    return IssueResult(material.id, material.title, day, len(new_ids), len(wanted) - len(new_ids))


def list_materials(session: Session) -> list[MaterialRow]:
    rows = session.execute(
        select(Material.id, Material.title, Material.spending_id,
               func.count(func.distinct(MaterialIssue.member_id)), func.coalesce(func.sum(MaterialIssue.copies), 0),
               func.min(MaterialIssue.date), func.max(MaterialIssue.date))
        .outerjoin(MaterialIssue, MaterialIssue.material_id == Material.id)
        .group_by(Material.id).order_by(Material.id))
    return [MaterialRow(i, t, int(n or 0), int(c or 0), lo, hi, sp) for i, t, sp, n, c, lo, hi in rows]


def issues_of(session: Session, title: str, date_from: dt.date | None = None,
              date_to: dt.date | None = None) -> list[IssueRow]:
    """Who received `title` (by branch, then name order), for the sign-off sheet."""
    material = _material(session, title, create=False)
    if material is None:
        raise NotFoundError(f"没有发放过{book(title)}")
    query = (select(Member.id, Member.name, Branch.name, MaterialIssue.date, MaterialIssue.copies)
             .join(Member, Member.id == MaterialIssue.member_id).join(Branch, Branch.id == Member.branch_id)
             .where(MaterialIssue.material_id == material.id)
             .order_by(Branch.sort_order, Branch.id, Member.sort_key, MaterialIssue.date))
    if date_from is not None:
        query = query.where(MaterialIssue.date >= date_from)
    if date_to is not None:
        query = query.where(MaterialIssue.date <= date_to)
    query = access.scope(session, query, branch=Member.branch_id)
    return [IssueRow(*row) for row in session.execute(query)]


def members_given(session: Session, title: str, date_from: dt.date, date_to: dt.date) -> set[int]:
    """Ids of the members who received `title` between the two dates (for the report)."""
    material = _material(session, title, create=False)
    if material is None:
        return set()
    return set(session.scalars(select(MaterialIssue.member_id).where(
        MaterialIssue.material_id == material.id, MaterialIssue.date >= date_from, MaterialIssue.date <= date_to)))
