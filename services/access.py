"""Roles and who is acting: the three roles, what each may do, and the account bound to a session.

The workspace binds the logged-in account's role to every session it hands out, so that a
service can ask `current_role(session)` (for example to mask ID numbers for a 查阅 account)
without any view having to remember it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.errors import PermissionDeniedError

ADMIN = "管理员"
EDITOR = "录入员"
VIEWER = "查阅"
ROLES = (ADMIN, EDITOR, VIEWER)
# What each role may do; a higher rank includes everything below it.
ROLE_RANK = {VIEWER: 1, EDITOR: 2, ADMIN: 3}

_ROLE = "dangxun.role"
_ACTOR = "dangxun.actor"


def role_allows(role: str | None, needed: str) -> bool:
    """None stands for a database without accounts, where everyone may do everything."""
    if role is None:
        return True
    return ROLE_RANK.get(role, 0) >= ROLE_RANK[needed]


def require(role: str | None, needed: str, what: str = "此操作") -> None:
    """Raise PermissionDeniedError unless `role` includes `needed`."""
    if not role_allows(role, needed):
        raise PermissionDeniedError(f"当前账号（{role}）无权{what}：需要“{needed}”或更高权限。")


def can_write(role: str | None) -> bool:
    return role_allows(role, EDITOR)


def bind(session: Session, role: str | None, actor: str) -> Session:
    """Mark `session` as acting for `actor` with `role` (None: a database without accounts)."""
    session.info[_ROLE] = role
    session.info[_ACTOR] = actor
    return session


def current_role(session: Session) -> str | None:
    """The role bound to `session`; None when unbound or the database has no accounts."""
    return session.info.get(_ROLE)


def current_actor(session: Session, default: str = "系统") -> str:
    return session.info.get(_ACTOR) or default
