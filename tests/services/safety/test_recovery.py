"""Recovery codes: shown once, kept as a salted hash, usable once, counted like a failed login."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from models import Account, ChangeLog
from services.errors import PermissionDeniedError, ValidationError
from services.safety import accounts, recovery
from services.safety.storage import Database


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    yield


def _first_admin(db: Database) -> str:
    with db.session_factory.begin() as s:
        accounts.create_account(s, "boss", accounts.ADMIN, "secret-1", "安装")
        return recovery.issue_code(s, "boss", "安装")


def test_code_is_stored_only_as_a_salted_hash(db: Database) -> None:
    code = _first_admin(db)
    assert len(recovery.normalize_code(code)) == 20 and set(recovery.normalize_code(code)) <= set(recovery.ALPHABET)
    with db.session_factory() as s:
        account = s.scalar(select(Account).where(Account.username == "boss"))
        assert account is not None and account.recovery_hash is not None
        assert account.recovery_hash.startswith("scrypt$") and recovery.normalize_code(code) not in account.recovery_hash
        assert code not in " ".join(e.summary + (e.changes or "") for e in s.scalars(select(ChangeLog)))
        assert recovery.has_code(s, "boss")


def test_reset_with_the_code_sets_the_password_and_issues_a_new_code(db: Database) -> None:
    code = _first_admin(db)
    # Typed by hand: lower case, full-width, without dashes.
    typed = recovery.normalize_code(code).lower().replace("a", "ａ")
    with db.session_factory.begin() as s:
        outcome = recovery.reset_with_code(s, "boss", typed, "brand-new-2")
    assert outcome.ok and outcome.new_code and outcome.new_code != code
    with db.session_factory.begin() as s:
        assert accounts.authenticate(s, "boss", "brand-new-2").ok
        # The old code is spent; the new one works.
        assert not recovery.reset_with_code(s, "boss", code, "another-3").ok
        assert recovery.reset_with_code(s, "boss", outcome.new_code, "another-3").ok
        actions = [e.action for e in s.scalars(select(ChangeLog).order_by(ChangeLog.id))]
    assert actions.count("recover") == 2 and "recovery_failed" in actions


def test_wrong_codes_count_and_lock_like_failed_logins(db: Database) -> None:
    code = _first_admin(db)
    now = dt.datetime(2026, 12, 1, 10, 0)
    for _ in range(accounts.MAX_FAILED):
        with db.session_factory.begin() as s:
            outcome = recovery.reset_with_code(s, "boss", "AAAAA-AAAAA-AAAAA-AAAAA", "brand-new-2", now=now)
            assert not outcome.ok and "恢复码不正确" in outcome.message
    assert "锁定" in outcome.message
    with db.session_factory.begin() as s:
        locked = recovery.reset_with_code(s, "boss", code, "brand-new-2", now=now)
        assert not locked.ok and "锁定" in locked.message
        later = now + dt.timedelta(minutes=accounts.LOCK_MINUTES + 1)
        assert recovery.reset_with_code(s, "boss", code, "brand-new-2", now=later).ok


def test_refusals(db: Database) -> None:
    code = _first_admin(db)
    with db.session_factory.begin() as s:
        accounts.create_account(s, "clerk", accounts.EDITOR, "secret-2", "boss")
        with pytest.raises(ValidationError, match="至少"):  # a short password costs no attempt
            recovery.reset_with_code(s, "boss", code, "123")
        with pytest.raises(PermissionDeniedError, match="没有恢复码"):
            recovery.reset_with_code(s, "clerk", code, "secret-22")
        with pytest.raises(ValidationError, match="管理员"):
            recovery.issue_code(s, "clerk", "boss")
        assert s.scalar(select(Account.failed_count).where(Account.username == "boss")) == 0


def test_idle_lock_setting(db: Database) -> None:
    with db.session_factory.begin() as s:
        assert recovery.idle_lock_minutes(s) == recovery.DEFAULT_IDLE_MINUTES == 15
        recovery.set_idle_lock_minutes(s, 0, "boss")
        assert recovery.idle_lock_minutes(s) == 0
        with pytest.raises(ValidationError):
            recovery.set_idle_lock_minutes(s, -1, "boss")
        entry = s.scalars(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
        assert entry is not None and "不锁定" in entry.summary
