"""Accounts and roles: hashing, lock-out, password changes, permissions, and the command line acting as an account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Account, ChangeLog
from services.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from services.safety import accounts
from services.safety.privacy import can_see_full_ids, display_id, display_phone, mask_phone
from services.safety.storage import Database


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests hash many passwords: a small n keeps them fast (each hash stores its own parameters)."""
    monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
    yield


def _admin(db: Database, name: str = "boss", password: str = "secret-1") -> None:
    with db.session_factory.begin() as s:
        accounts.create_account(s, name, accounts.ADMIN, password, "安装", display_name="办公室主任")


def test_production_parameters_are_the_promised_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    assert (accounts.SCRYPT_N, accounts.SCRYPT_R, accounts.SCRYPT_P) == (2 ** 17, 8, 1)
    stored = accounts.hash_password("正确的密码")
    assert stored.startswith("scrypt$131072$8$1$")
    assert accounts.verify_password("正确的密码", stored)
    assert not accounts.verify_password("正确的密码 ", stored)


def test_hashes_are_salted_and_malformed_ones_never_match() -> None:
    a, b = accounts.hash_password("abcdef"), accounts.hash_password("abcdef")
    assert a != b and accounts.verify_password("abcdef", a) and accounts.verify_password("abcdef", b)
    for broken in ("", "plain", "scrypt$1$2$3", "bcrypt$1$8$1$AAAA$AAAA", "scrypt$x$8$1$AAAA$AAAA"):
        assert not accounts.verify_password("abcdef", broken)


def test_first_account_must_be_an_administrator(db: Database) -> None:
    with db.session_factory.begin() as s:
        assert not accounts.has_accounts(s)
        with pytest.raises(ConflictError, match="第一个账号必须是管理员"):
            accounts.create_account(s, "clerk", accounts.EDITOR, "secret-1", "t")
    _admin(db)
    with db.session_factory.begin() as s:
        accounts.create_account(s, "clerk", accounts.EDITOR, "secret-2", "boss")
        with pytest.raises(ConflictError, match="已存在"):
            accounts.create_account(s, "clerk", accounts.VIEWER, "secret-2", "boss")
        with pytest.raises(ValidationError, match="至少"):
            accounts.create_account(s, "short", accounts.VIEWER, "123", "boss")
        with pytest.raises(ValidationError, match="角色"):
            accounts.create_account(s, "odd", "超级用户", "secret-2", "boss")
        infos = accounts.list_accounts(s)
    assert [(a.username, a.role) for a in infos] == [("boss", "管理员"), ("clerk", "录入员")]
    with db.session_factory() as s:
        raw = s.scalar(select(Account.password_hash).where(Account.username == "boss"))
        logged = " ".join(e.changes for e in s.scalars(select(ChangeLog)))
    assert raw is not None and "secret-1" not in raw and raw not in logged  # no hash in the log


def test_five_failed_logins_lock_for_five_minutes(db: Database) -> None:
    _admin(db)
    t0 = dt.datetime(2026, 11, 25, 9, 0, 0)
    for i in range(1, 5):
        with db.session_factory.begin() as s:
            out = accounts.authenticate(s, "boss", "wrong", now=t0)
        assert not out.ok and f"再错{5 - i}次" in out.message
    with db.session_factory.begin() as s:
        out = accounts.authenticate(s, "boss", "wrong", now=t0)
    assert not out.ok and "锁定" in out.message
    # Locked: even the right password is refused until five minutes have passed.
    with db.session_factory.begin() as s:
        out = accounts.authenticate(s, "boss", "secret-1", now=t0 + dt.timedelta(minutes=4, seconds=59))
    assert not out.ok and "锁定" in out.message and "09:05:00" in out.message
    with db.session_factory.begin() as s:
        out = accounts.authenticate(s, "boss", "secret-1", now=t0 + dt.timedelta(minutes=5, seconds=1))
    assert out.ok and out.account is not None and out.account.role == accounts.ADMIN
    with db.session_factory() as s:
        acc = s.scalar(select(Account))
        assert acc is not None and acc.failed_count == 0 and acc.locked_until is None
        actions = [a for a in s.scalars(select(ChangeLog.action).where(ChangeLog.entity == "account"))]
    assert actions.count("login_failed") == 4 and "lock" in actions and actions[-1] == "login"


def test_unknown_and_disabled_accounts_cannot_log_in(db: Database) -> None:
    _admin(db)
    with db.session_factory.begin() as s:
        accounts.create_account(s, "reader", accounts.VIEWER, "secret-3", "boss")
        assert not accounts.authenticate(s, "nobody", "secret-1").ok
        accounts.update_account(s, "reader", "boss", active=False)
        out = accounts.authenticate(s, "reader", "secret-3")
    assert not out.ok and "停用" in out.message


def test_change_and_reset_password(db: Database) -> None:
    _admin(db)
    with db.session_factory.begin() as s:
        accounts.create_account(s, "clerk", accounts.EDITOR, "secret-2", "boss")
    with db.session_factory.begin() as s:
        with pytest.raises(PermissionDeniedError, match="原密码"):
            accounts.change_password(s, "clerk", "bad", "newpass-1")
        accounts.change_password(s, "clerk", "secret-2", "newpass-1")
        assert accounts.authenticate(s, "clerk", "newpass-1").ok
    with db.session_factory.begin() as s:  # locked out, then the administrator resets
        for _ in range(5):
            accounts.authenticate(s, "clerk", "x")
        assert accounts.get_account(s, "clerk").is_locked()
        accounts.reset_password(s, "clerk", "fresh-pass", "boss")
        assert not accounts.get_account(s, "clerk").is_locked()
        assert accounts.authenticate(s, "clerk", "fresh-pass").ok
        with pytest.raises(NotFoundError):
            accounts.reset_password(s, "ghost", "fresh-pass", "boss")


def test_last_administrator_stays(db: Database) -> None:
    _admin(db)
    with db.session_factory.begin() as s:
        with pytest.raises(ConflictError, match="管理员"):
            accounts.update_account(s, "boss", "boss", role=accounts.VIEWER)
        with pytest.raises(ConflictError, match="管理员"):
            accounts.update_account(s, "boss", "boss", active=False)
        accounts.create_account(s, "boss2", accounts.ADMIN, "secret-9", "boss")
        info = accounts.update_account(s, "boss", "boss2", role=accounts.EDITOR)
    assert info.role == accounts.EDITOR


def test_role_rules() -> None:
    assert accounts.role_allows(None, accounts.ADMIN)  # a database without accounts
    assert accounts.role_allows(accounts.ADMIN, accounts.EDITOR)
    assert accounts.can_write(accounts.EDITOR) and not accounts.can_write(accounts.VIEWER)
    with pytest.raises(PermissionDeniedError, match="查阅"):
        accounts.require(accounts.VIEWER, accounts.EDITOR, "修改数据")
    with pytest.raises(PermissionDeniedError):
        accounts.require(accounts.EDITOR, accounts.ADMIN)


def test_personal_data_masking_per_role() -> None:
    id_number = "11010519491231002X"
    assert can_see_full_ids(accounts.ADMIN) and can_see_full_ids(accounts.EDITOR) and can_see_full_ids(None)
    assert not can_see_full_ids(accounts.VIEWER)
    assert display_id(id_number, accounts.EDITOR) == id_number
    assert display_id(id_number, accounts.VIEWER) == "110105********002X"
    assert display_id(id_number, accounts.ADMIN, printout=True) == "110105********002X"  # printouts mask by default
    assert display_id(id_number, accounts.ADMIN, printout=True, full=True) == id_number
    assert display_id(id_number, accounts.VIEWER, printout=True, full=True) == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-65123456") == "010-****3456"
    assert display_phone("13812345678", accounts.VIEWER) == "138****5678"
    assert display_phone("13812345678", accounts.EDITOR) == "13812345678"
    assert mask_phone("") == "" and mask_phone("110") == "110"


# ---------------------------------------------------------------- command line

class Cli:
    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = str(tmp_path / "acc.sqlite3")
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        monkeypatch.setenv("DANGXUN_DATA_DIR", str(tmp_path / "data"))
        for var in ("DANGXUN_USER", "DANGXUN_PASSWORD", "DANGXUN_NEW_PASSWORD"):
            monkeypatch.delenv(var, raising=False)

    def __call__(self, *args: str, password: str | None = None, new: str | None = None) -> tuple[int, str, str]:
        from ui.cli.main import run

        for var, value in (("DANGXUN_PASSWORD", password), ("DANGXUN_NEW_PASSWORD", new)):
            if value is None:
                self.monkeypatch.delenv(var, raising=False)
            else:
                self.monkeypatch.setenv(var, value)
        code = run(["--db", self.db, *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, monkeypatch, capsys)


def _branch_count(path: str) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("select count(*) from branch").fetchone()[0])
    finally:
        conn.close()


def test_cli_without_accounts_needs_no_login_and_first_account_is_admin(cli: Cli) -> None:
    assert cli("demo", "--members", "10", "--branches", "3")[0] == 0
    code, _, err = cli("accounts", "create", "clerk", "--role", "录入员", new="secret-2")
    assert code == 1 and "第一个账号必须是管理员" in err
    code, _, err = cli("accounts", "create", "boss", "--role", "管理员", new="secret-1")
    assert code == 0 and "需要登录" in err
    # Now every invocation must name an account.
    code, _, err = cli("members", "list")
    assert code == 1 and "--user" in err
    code, _, err = cli("--user", "boss", "members", "list", password="nope")
    assert code == 1 and "登录失败" in err
    code, out, _ = cli("--user", "boss", "members", "list", "--json", password="secret-1")
    assert code == 0 and out.count('"name"') == 10


def test_cli_read_only_account_cannot_write(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("demo", "--members", "10", "--branches", "3")
    cli("accounts", "create", "boss", "--role", "管理员", new="secret-1")
    code, _, err = cli("--user", "boss", "accounts", "create", "reader", "--role", "查阅",
                       password="secret-1", new="secret-3")
    assert code == 0, err
    before = _branch_count(cli.db)
    monkeypatch.setenv("DANGXUN_USER", "reader")  # the environment names the account too
    code, _, err = cli("branches", "create", "查阅者新建的支部", password="secret-3")
    assert code == 1 and "无权" in err and "查阅" in err
    code, _, err = cli("branches", "merge", "第1党支部", "离退休干部党支部", password="secret-3")
    assert code == 1 and "无权" in err
    assert _branch_count(cli.db) == before
    code, _, err = cli("backup", password="secret-3")
    assert code == 1 and "无权" in err
    code, _, err = cli("accounts", "create", "x", "--role", "查阅", password="secret-3", new="secret-4")
    assert code == 1 and "无权" in err
    # Reading is allowed.
    assert cli("branches", "list", password="secret-3")[0] == 0
    monkeypatch.delenv("DANGXUN_USER")
    code, _, err = cli("--user", "boss", "branches", "create", "管理员新建的支部", password="secret-1")
    assert code == 0 and _branch_count(cli.db) == before + 1


def test_cli_password_change_reset_and_list(cli: Cli) -> None:
    cli("accounts", "create", "boss", "--role", "管理员", new="secret-1")
    cli("--user", "boss", "accounts", "create", "clerk", "--role", "录入员", password="secret-1", new="secret-2")
    code, _, err = cli("--user", "clerk", "accounts", "passwd", "clerk", password="secret-2", new="secret-5")
    assert code == 0, err
    code, _, err = cli("--user", "clerk", "accounts", "passwd", "boss", password="secret-5", new="hijack-1")
    assert code == 1 and "无权" in err
    for _ in range(5):
        cli("--user", "clerk", "members", "list", password="wrong")
    code, _, err = cli("--user", "clerk", "members", "list", password="secret-5")
    assert code == 1 and "锁定" in err
    code, out, _ = cli("--user", "boss", "accounts", "list", "--json", password="secret-1")
    assert code == 0 and '"locked": true' in out
    code, _, err = cli("--user", "boss", "accounts", "reset", "clerk", password="secret-1", new="secret-6")
    assert code == 0, err
    assert cli("--user", "clerk", "members", "list", password="secret-6")[0] == 0
    code, _, err = cli("--user", "boss", "accounts", "set", "clerk", "--role", "查阅", password="secret-1")
    assert code == 0 and "查阅" in err
    code, _, err = cli("--user", "clerk", "branches", "create", "x", password="secret-6")
    assert code == 1


def test_cli_demo_by_viewer_leaves_nothing(cli: Cli) -> None:
    cli("accounts", "create", "boss", "--role", "管理员", new="secret-1")
    cli("--user", "boss", "accounts", "create", "reader", "--role", "查阅", password="secret-1", new="secret-3")
    code, _, err = cli("--user", "reader", "demo", password="secret-3")
    assert code == 1 and "无权" in err
    import sqlite3

    conn = sqlite3.connect(cli.db)
    assert conn.execute("select count(*) from member").fetchone()[0] == 0
    conn.close()



def test_member_rows_masked_for_viewers() -> None:
    from services.safety.privacy import mask_member_json

    row = {"name": "王老", "id_number": "11010519491231002X", "phone": "13812345678"}
    assert mask_member_json(row, accounts.EDITOR) == row
    assert mask_member_json(row, accounts.VIEWER) == {"name": "王老", "id_number": "110105********002X",
                                                       "phone": "138****5678"}
