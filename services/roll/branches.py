"""Branches (党支部): create, rename, reorder, merge, delete when empty."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from models import AccountBranch, Branch, Member
from services import access
from services.errors import ConflictError, NormalizeError, NotFoundError, ValidationError
from services.normalize import fold_key, keep_text, normalize_branch_name
from services.roll.records import BranchInfo
from services.safety import changelog


def _clean_name(name: str) -> str:
    try:
        text = normalize_branch_name(name)
    except NormalizeError as exc:
        raise ValidationError(exc.message, field="name") from exc
    if not text:
        raise ValidationError("支部名称不能为空", field="name")
    return text


class BranchNames:
    """Every branch's name and the key it is found by, from one query (the table is small: a few hundred
    rows at most), for a command or a whole roll.

    A name is found as stored, else through `fold_key`: `第十二党支部(临时)` finds the stored
    `第十二党支部（临时）`. Two stored names with one key (kept from before keys were compared): the
    one first in the roll's order answers the key; each still answers its exact spelling.
    """

    def __init__(self, rows: Iterable[tuple[int, str]]) -> None:
        self.ids: dict[str, int] = {}
        self.names: dict[str, str] = {}
        for id_, name in rows:
            self.add(name, id_)

    @classmethod
    def load(cls, session: Session) -> BranchNames:
        rows = session.execute(select(Branch.id, Branch.name).order_by(Branch.sort_order, Branch.id))
        return cls((id_, name) for id_, name in rows)

    def add(self, name: str, id_: int) -> None:
        self.ids.setdefault(name, id_)
        self.names.setdefault(fold_key(name), name)

    def stored(self, typed: str) -> str | None:
        """The stored name `typed` means, or None when no branch is so named."""
        if typed in self.ids:
            return typed
        return self.names.get(fold_key(typed)) if typed else None

    def id_of(self, typed: str) -> int | None:
        name = self.stored(typed)
        return None if name is None else self.ids[name]


def _duplicate(name: str, existing: str) -> str:
    if name == existing:
        return f"党支部“{name}”已存在"
    return f"党支部“{name}”与已有的党支部“{existing}”只是写法不同（全角半角、空格或大小写），视为同一支部，不能重复新建"


def get_branch(session: Session, name_or_id: str | int) -> Branch:
    """A branch by id, or by name as typed (compared through fold_key)."""
    branch = session.get(Branch, name_or_id) if isinstance(name_or_id, int) else find_branch(session, name_or_id)
    if branch is None:
        raise NotFoundError(f"没有名为“{name_or_id}”的党支部")
    return branch


def find_branch(session: Session, name: str) -> Branch | None:
    """The branch named `name` as typed (full-width or half-width brackets, spaces: compared through fold_key)."""
    found = BranchNames.load(session).id_of(keep_text(name))
    return None if found is None else session.get(Branch, found)


def _same_key(session: Session, name: str, other_than: int | None = None) -> str | None:
    """The stored name of another branch whose name has the key of `name`: a duplicate."""
    key = fold_key(name)
    for id_, stored in session.execute(select(Branch.id, Branch.name).order_by(Branch.sort_order, Branch.id)):
        if id_ != other_than and fold_key(stored) == key:
            return str(stored)
    return None


def list_branches(session: Session) -> list[BranchInfo]:
    active = func.sum(case((Member.status == "在册", 1), else_=0))
    rows = session.execute(access.scope(
        session,
        select(Branch.id, Branch.name, Branch.sort_order, func.coalesce(active, 0), func.count(Member.id))
        .outerjoin(Member, Member.branch_id == Branch.id)
        .group_by(Branch.id)
        .order_by(Branch.sort_order, Branch.id),
        branch=Branch.id))
    return [BranchInfo(*row) for row in rows]


def create_branch(session: Session, name: str, actor: str) -> BranchInfo:
    access.require_office(session, "新建党支部")
    name = _clean_name(name)
    existing = _same_key(session, name)
    if existing is not None:
        raise ConflictError(_duplicate(name, existing))
    last = session.scalar(select(func.max(Branch.sort_order))) or 0
    branch = Branch(name=name, sort_order=last + 1)
    session.add(branch)
    session.flush()
    changelog.record(session, actor, "create", "branch", branch.id, f"新建党支部“{name}”",
                     {"name": (None, name)})
    return BranchInfo(branch.id, branch.name, branch.sort_order, 0, 0)


def rename_branch(session: Session, branch_id: int, new_name: str, actor: str) -> None:
    access.require_office(session, "更改党支部名称")
    branch = get_branch(session, branch_id)
    new_name = _clean_name(new_name)
    if new_name == branch.name:
        return
    existing = _same_key(session, new_name, other_than=branch.id)
    if existing is not None:
        raise ConflictError(_duplicate(new_name, existing))
    old = branch.name
    branch.name = new_name
    changelog.record(session, actor, "update", "branch", branch.id, f"党支部“{old}”更名为“{new_name}”",
                     {"name": (old, new_name)})


def reorder_branches(session: Session, ordered_ids: list[int], actor: str) -> None:
    """Put the branches in the given order; branches not listed keep their place after them."""
    access.require_office(session, "调整党支部顺序")
    branches = {b.id: b for b in session.scalars(select(Branch))}
    unknown = [i for i in ordered_ids if i not in branches]
    if unknown:
        raise NotFoundError(f"党支部编号 {unknown} 不存在")
    rest = sorted((b for b in branches.values() if b.id not in ordered_ids),
                  key=lambda b: (b.sort_order, b.id))
    order = [branches[i] for i in ordered_ids] + rest
    changes = {}
    for position, branch in enumerate(order, start=1):
        if branch.sort_order != position:
            changes[branch.name] = (branch.sort_order, position)
            branch.sort_order = position
    if changes:
        changelog.record(session, actor, "reorder", "branch", None, "调整党支部顺序", changes)


def merge_branches(session: Session, source_id: int, target_id: int, actor: str) -> int:
    """Move every member of `source` into `target` and remove `source`; returns members moved."""
    access.require_office(session, "合并党支部")
    if source_id == target_id:
        raise ValidationError("不能把党支部合并到它自己", field="branch")
    source = get_branch(session, source_id)
    target = get_branch(session, target_id)
    result = session.execute(update(Member).where(Member.branch_id == source.id).values(branch_id=target.id))
    # A branch account of the source now sees the merged branch (once, even if it had both).
    for account_id in session.scalars(select(AccountBranch.account_id).where(AccountBranch.branch_id == source.id)):
        if session.get(AccountBranch, (account_id, target.id)) is None:
            session.add(AccountBranch(account_id=account_id, branch_id=target.id))
    session.flush()
    session.execute(delete(AccountBranch).where(AccountBranch.branch_id == source.id))
    moved = int(getattr(result, "rowcount", 0))
    changelog.record(session, actor, "merge", "branch", target.id,
                     f"党支部“{source.name}”并入“{target.name}”，转入党员{moved}名",
                     {"merged_from": (source.name, None), "members_moved": (0, moved)})
    session.delete(source)
    session.flush()
    return moved


def delete_branch(session: Session, branch_id: int, actor: str) -> None:
    access.require_office(session, "删除党支部")
    branch = get_branch(session, branch_id)
    count = session.scalar(select(func.count(Member.id)).where(Member.branch_id == branch.id)) or 0
    if count:
        raise ConflictError(
            f"党支部“{branch.name}”还有{count}名党员的记录（含已转出），不能删除；可先把它合并到其他支部"
        )
    accounts = session.scalar(select(func.count()).where(AccountBranch.branch_id == branch.id)) or 0
    if accounts:
        # Deleting it would leave such an account unlimited (an office account): refuse instead.
        raise ConflictError(f"有{accounts}个支部账号限定在党支部“{branch.name}”，不能删除；请先修改这些账号的党支部")
    changelog.record(session, actor, "delete", "branch", branch.id, f"删除党支部“{branch.name}”",
                     {"name": (branch.name, None)})
    session.delete(branch)
    session.flush()
