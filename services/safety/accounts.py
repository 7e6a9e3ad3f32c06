"""Accounts and roles: scrypt password hashes, lock-out after failed logins, permission checks."""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import os
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, object_session

from models import Account, AccountBranch, Branch
from services.access import (  # noqa: F401  (re-exported: the roles live in services.access)
    ADMIN,
    EDITOR,
    ROLE_RANK,
    ROLES,
    VIEWER,
    can_write,
    require,
    role_allows,
)
from services.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from services.normalize import keep_text
from services.roll.branches import BranchNames
from services.safety import changelog

MAX_FAILED = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 6

# scrypt parameters of new hashes (RFC 7914: n=2^17, r=8, p=1 uses 128 MiB and ~0.3 s).
# Each hash stores its own parameters, so tests may lower SCRYPT_N without breaking anything.
SCRYPT_N = 2 ** 17
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_MAXMEM = 256 * 1024 * 1024


@dataclass(frozen=True)
class AccountInfo:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    failed_count: int
    locked_until: dt.datetime | None
    created_at: dt.datetime | None
    changed_at: dt.datetime | None
    # A branch account's branches (ids, and names in roll order); empty: an office account.
    branch_ids: tuple[int, ...] = ()
    branches: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.display_name or self.username

    @property
    def is_branch_account(self) -> bool:
        return bool(self.branch_ids)

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or dt.datetime.now())


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a login attempt. The caller commits either way (failed counts must stick)."""

    account: AccountInfo | None
    message: str

    @property
    def ok(self) -> bool:
        return self.account is not None


def _info(a: Account) -> AccountInfo:
    ids, names = _branches_of(a)
    return AccountInfo(a.id, a.username, a.display_name or "", a.role, bool(a.active), a.failed_count or 0,
                       a.locked_until, a.created_at, a.changed_at, ids, names)


def _branches_of(a: Account) -> tuple[tuple[int, ...], tuple[str, ...]]:
    session = object_session(a)
    if session is None or a.id is None:
        return (), ()
    rows = session.execute(
        select(Branch.id, Branch.name).join(AccountBranch, AccountBranch.branch_id == Branch.id)
        .where(AccountBranch.account_id == a.id).order_by(Branch.sort_order, Branch.id)).all()
    return tuple(r[0] for r in rows), tuple(r[1] for r in rows)


def resolve_branches(session: Session, names: list[str] | tuple[str, ...]) -> list[Branch]:
    """The branches named (as on the roll, or differing only in full-width/half-width, spaces, case); an unknown name is refused, naming the branches there are."""
    found: list[Branch] = []
    named = BranchNames.load(session)
    for raw in names:
        name = keep_text(raw)
        branch_id = named.id_of(name)  # as typed: 第十二党支部(临时) is the stored 第十二党支部（临时）
        branch = None if branch_id is None else session.get(Branch, branch_id)
        if branch is None:
            known = "、".join(session.scalars(select(Branch.name).order_by(Branch.sort_order, Branch.id)))
            raise ValidationError(f"没有名为“{name}”的党支部" + (f"（现有：{known}）" if known else "，请先新建该支部"),
                                  "branch")
        if branch not in found:
            found.append(branch)
    return found


def set_account_branches(session: Session, username: str, branch_names: list[str] | tuple[str, ...],
                         actor: str) -> AccountInfo:
    """Limit an account to the branches named (empty: the whole bureau again). A 管理员 stays unlimited."""
    account = _get(session, username)
    branches = resolve_branches(session, branch_names)
    if branches and account.role == ADMIN:
        raise ValidationError("管理员账号管理全局，不能限定党支部；支部账号请用录入员或查阅角色", "branch")
    before = _branches_of(account)[1]
    session.execute(delete(AccountBranch).where(AccountBranch.account_id == account.id))
    for branch in branches:
        session.add(AccountBranch(account_id=account.id, branch_id=branch.id))
    session.flush()
    after = _branches_of(account)[1]
    if before != after:
        changelog.record(session, actor, "update", "account", account.id,
                         f"账号“{username}”的党支部：{'、'.join(after) or '不限（全局）'}",
                         {"branches": ("、".join(before) or None, "、".join(after) or None)})
    return _info(account)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash` with a fresh random 16-byte salt."""
    salt = os.urandom(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    import hashlib

    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=SCRYPT_MAXMEM, dklen=32)


def verify_password(password: str, stored: str) -> bool:
    """Constant-time comparison against a stored hash; a malformed hash never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少需要{MIN_PASSWORD}个字符", "password")


def _clean_username(username: str) -> str:
    name = (username or "").strip()
    if not name:
        raise ValidationError("用户名不能为空", "username")
    if len(name) > 50 or any(ch.isspace() for ch in name):
        raise ValidationError("用户名不能含空格，且不超过50个字符", "username")
    return name


def has_accounts(session: Session) -> bool:
    """A database without any account needs no login (a new file, or one made by `demo`)."""
    return bool(session.scalar(select(func.count()).select_from(Account.__table__)))  # Core: no ORM set-up


def list_accounts(session: Session) -> list[AccountInfo]:
    return [_info(a) for a in session.scalars(select(Account).order_by(Account.id))]


def _get(session: Session, username: str) -> Account:
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise NotFoundError(f"没有名为“{username}”的账号")
    return account


def get_account(session: Session, username: str) -> AccountInfo:
    return _info(_get(session, username))


def create_account(session: Session, username: str, role: str, password: str, actor: str,
                   display_name: str = "", branches: list[str] | tuple[str, ...] = ()) -> AccountInfo:
    """Create an account; the first account of a database must be a 管理员.

    `branches` (names as on the roll) makes a branch account that sees only those branches.
    """
    username = _clean_username(username)
    if role not in ROLES:
        raise ValidationError(f"角色只能是{'、'.join(ROLES)}", "role")
    if branches and role == ADMIN:
        raise ValidationError("管理员账号管理全局，不能限定党支部；支部账号请用录入员或查阅角色", "branch")
    limited = resolve_branches(session, branches)
    if not has_accounts(session) and role != ADMIN:
        raise ConflictError("第一个账号必须是管理员")
    if session.scalar(select(Account).where(Account.username == username)) is not None:
        raise ConflictError(f"账号“{username}”已存在")
    _check_password(password)
    account = Account(username=username, display_name=display_name.strip(), role=role,
                      password_hash=hash_password(password), failed_count=0, active=True)
    session.add(account)
    session.flush()
    for branch in limited:
        session.add(AccountBranch(account_id=account.id, branch_id=branch.id))
    session.flush()
    names = "、".join(b.name for b in limited)
    details: dict[str, tuple[object, object]] = {"username": (None, username), "role": (None, role),
                                                 "display_name": (None, account.display_name)}
    if limited:
        details["branches"] = (None, names)
    changelog.record(session, actor, "create", "account", account.id,
                     f"新建账号“{username}”（{role}{'，' + names if names else ''}）", details)
    return _info(account)


def authenticate(session: Session, username: str, password: str,
                 now: dt.datetime | None = None) -> LoginOutcome:
    """Check a login. Five failures in a row lock the account for five minutes.

    Never raises for a wrong password: the caller commits the failure count, then refuses.
    """
    now = now or dt.datetime.now()
    account = session.scalar(select(Account).where(Account.username == (username or "").strip()))
    if account is None:
        # Spend the same time as a real check so that timing does not reveal which names exist.
        verify_password(password, f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$AAAA$AAAA")
        return LoginOutcome(None, "用户名或密码不正确")
    if not account.active:
        return LoginOutcome(None, f"账号“{account.username}”已停用，请联系管理员")
    if account.locked_until is not None and account.locked_until > now:
        return LoginOutcome(None, f"密码连续输错{MAX_FAILED}次，账号已锁定，请于"
                                  f"{account.locked_until:%H:%M:%S}后再试，或请管理员重置密码")
    if not verify_password(password, account.password_hash):
        account.failed_count = (account.failed_count or 0) + 1
        if account.failed_count >= MAX_FAILED:
            account.failed_count = 0
            account.locked_until = (now + dt.timedelta(minutes=LOCK_MINUTES)).replace(microsecond=0)
            changelog.record(session, account.username, "lock", "account", account.id,
                             f"账号“{account.username}”密码连续输错{MAX_FAILED}次，锁定{LOCK_MINUTES}分钟")
            session.flush()
            return LoginOutcome(None, f"密码连续输错{MAX_FAILED}次，账号已锁定{LOCK_MINUTES}分钟")
        changelog.record(session, account.username, "login_failed", "account", account.id,
                         f"账号“{account.username}”登录失败（密码不正确，第{account.failed_count}次）")
        session.flush()
        left = MAX_FAILED - account.failed_count
        return LoginOutcome(None, f"用户名或密码不正确（再错{left}次将锁定{LOCK_MINUTES}分钟）")
    if account.failed_count or account.locked_until is not None:
        account.failed_count = 0
        account.locked_until = None
    changelog.record(session, account.username, "login", "account", account.id,
                     f"账号“{account.username}”登录")
    session.flush()
    return LoginOutcome(_info(account), "")


def change_password(session: Session, username: str, old_password: str, new_password: str) -> None:
    """An account changes its own password, proving it knows the old one."""
    account = _get(session, username)
    if not verify_password(old_password, account.password_hash):
        raise PermissionDeniedError("原密码不正确")
    _check_password(new_password)
    account.password_hash = hash_password(new_password)
    changelog.record(session, username, "password", "account", account.id, f"账号“{username}”修改密码")
    session.flush()


def reset_password(session: Session, username: str, new_password: str, actor: str) -> None:
    """An administrator sets a new password (and lifts a lock-out); the caller checks the role."""
    account = _get(session, username)
    _check_password(new_password)
    account.password_hash = hash_password(new_password)
    account.failed_count = 0
    account.locked_until = None
    changelog.record(session, actor, "reset_password", "account", account.id,
                     f"重置账号“{username}”的密码")
    session.flush()


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count(Account.id)).where(Account.role == ADMIN, Account.active)) or 0


def update_account(session: Session, username: str, actor: str, *, role: str | None = None,
                   active: bool | None = None, display_name: str | None = None) -> AccountInfo:
    """Change role, active flag or display name; the last active 管理员 cannot be removed."""
    account = _get(session, username)
    changes: dict[str, tuple[object, object]] = {}
    if role is not None and role != account.role:
        if role not in ROLES:
            raise ValidationError(f"角色只能是{'、'.join(ROLES)}", "role")
        if account.role == ADMIN and account.active and _active_admins(session) <= 1:
            raise ConflictError("至少要保留一个启用的管理员账号")
        if role == ADMIN and _branches_of(account)[0]:
            raise ConflictError(f"账号“{username}”限定了党支部，不能设为管理员；请先取消其党支部限定")
        changes["role"] = (account.role, role)
        account.role = role
    if active is not None and active != account.active:
        if not active and account.role == ADMIN and _active_admins(session) <= 1:
            raise ConflictError("至少要保留一个启用的管理员账号")
        changes["active"] = (account.active, active)
        account.active = active
    if display_name is not None and display_name.strip() != account.display_name:
        changes["display_name"] = (account.display_name, display_name.strip())
        account.display_name = display_name.strip()
    if changes:
        changelog.record(session, actor, "update", "account", account.id, f"修改账号“{username}”", changes)
        session.flush()
    return _info(account)
