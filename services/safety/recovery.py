"""Recovery codes: the way back in when the only 管理员 forgets the password; the idle-lock setting.

A code is shown once (when the first account is made, and after every use); only its salted scrypt
hash is kept (`account.recovery_hash`, hashed like a password). Using it sets a new password, lifts a
lock-out and issues a new code. A wrong code counts as a failed login.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Account, Setting
from services.errors import NotFoundError, PermissionDeniedError, ValidationError
from services.safety import accounts, changelog

# No 0/O, 1/I/L: a code is copied by hand from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LEN = 4, 5  # 20 characters from 31: about 99 bits

IDLE_KEY = "accounts.idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 15
MAX_IDLE_MINUTES = 24 * 60


@dataclass(frozen=True)
class RecoveryOutcome:
    """The result of using a code: the new code on success, else the reason (the caller commits either way)."""

    new_code: str | None
    message: str

    @property
    def ok(self) -> bool:
        return self.new_code is not None


def new_code() -> str:
    """A fresh code, `ABCDE-FGHJK-MNPQR-STUVW`."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN))
    return "-".join(chars[i:i + GROUP_LEN] for i in range(0, len(chars), GROUP_LEN))


def normalize_code(text: str) -> str:
    """What is compared: full-width forms folded, case ignored, spaces and dashes dropped."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in folded if ch.isalnum())


def _account(session: Session, username: str) -> Account:
    account = session.scalar(select(Account).where(Account.username == (username or "").strip()))
    if account is None:
        raise NotFoundError(f"没有名为“{username}”的账号")
    return account


def has_code(session: Session, username: str) -> bool:
    return _account(session, username).recovery_hash is not None


def issue_code(session: Session, username: str, actor: str) -> str:
    """Give a 管理员 account a new recovery code (the old one stops working); returns it, to be shown once."""
    account = _account(session, username)
    if account.role != accounts.ADMIN:
        raise ValidationError("恢复码只发给管理员账号", "username")
    code = new_code()
    account.recovery_hash = accounts.hash_password(normalize_code(code))
    changelog.record(session, actor, "recovery_code", "account", account.id,
                     f"为账号“{account.username}”生成新的恢复码（旧恢复码作废）")
    session.flush()
    return code


def reset_with_code(session: Session, username: str, code: str, new_password: str,
                    now: dt.datetime | None = None) -> RecoveryOutcome:
    """Set a new password with the recovery code; a wrong code is counted like a failed login.

    Raises for a bad new password (before the code is tried, so a typo does not cost an attempt)
    and for an account that cannot be recovered; returns the outcome otherwise.
    """
    now = now or dt.datetime.now()
    account = _account(session, username)
    if not account.active:
        raise PermissionDeniedError(f"账号“{account.username}”已停用，不能用恢复码重置密码")
    if account.recovery_hash is None or account.role != accounts.ADMIN:
        raise PermissionDeniedError(f"账号“{account.username}”没有恢复码：请管理员在账号管理中重置其密码")
    if len(new_password) < accounts.MIN_PASSWORD:
        raise ValidationError(f"密码至少需要{accounts.MIN_PASSWORD}个字符", "password")
    if account.locked_until is not None and account.locked_until > now:
        return RecoveryOutcome(None, f"输错次数过多，账号已锁定，请于{account.locked_until:%H:%M:%S}后再试")
    if not accounts.verify_password(normalize_code(code), account.recovery_hash):
        account.failed_count = (account.failed_count or 0) + 1
        message = "恢复码不正确，密码没有重置"
        if account.failed_count >= accounts.MAX_FAILED:
            account.failed_count = 0
            account.locked_until = (now + dt.timedelta(minutes=accounts.LOCK_MINUTES)).replace(microsecond=0)
            message += f"；连续输错{accounts.MAX_FAILED}次，账号已锁定{accounts.LOCK_MINUTES}分钟"
        changelog.record(session, account.username, "recovery_failed", "account", account.id,
                         f"账号“{account.username}”用恢复码重置密码失败（恢复码不正确）")
        session.flush()
        return RecoveryOutcome(None, message)
    account.password_hash = accounts.hash_password(new_password)
    account.failed_count = 0
    account.locked_until = None
    changelog.record(session, account.username, "recover", "account", account.id,
                     f"账号“{account.username}”用恢复码重置了密码")
    session.flush()
    return RecoveryOutcome(issue_code(session, account.username, account.username), "")


def idle_lock_minutes(session: Session) -> int:
    """Minutes without input after which the window locks itself (0: never)."""
    row = session.get(Setting, IDLE_KEY)
    try:
        return max(0, min(int(row.value), MAX_IDLE_MINUTES)) if row is not None else DEFAULT_IDLE_MINUTES
    except ValueError:
        return DEFAULT_IDLE_MINUTES


def set_idle_lock_minutes(session: Session, minutes: int, actor: str) -> int:
    """Set the idle lock (0 turns it off); the change is logged."""
    if not 0 <= minutes <= MAX_IDLE_MINUTES:
        raise ValidationError(f"闲置锁定时间应在0到{MAX_IDLE_MINUTES}分钟之间（0表示不锁定）", "minutes")
    old = idle_lock_minutes(session)
    if old == minutes:
        return minutes
    row = session.get(Setting, IDLE_KEY)
    if row is None:
        session.add(Setting(key=IDLE_KEY, value=str(minutes)))
    else:
        row.value = str(minutes)
    session.flush()
    said = f"{minutes}分钟" if minutes else "不锁定"
    changelog.record(session, actor, "update", "setting", None, f"设置窗口闲置自动锁定：{said}",
                     {IDLE_KEY: (old, minutes)})
    return minutes
