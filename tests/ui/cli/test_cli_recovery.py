"""`accounts create` prints the first administrator's recovery code once; `accounts reset NAME --code` uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli_support import PASSWORDS, Cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path, monkeypatch, capsys)


def test_first_account_prints_a_code_and_the_code_resets_the_password(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.ok("demo", "--members", "5", "--branches", "1")
    code, out, err = cli("accounts", "create", "boss", "--role", "管理员", new="secret-boss-1")
    assert code == 0 and "恢复码" in err and "只显示这一次" in err
    first_code = out.strip()
    assert len(first_code) == 23 and first_code.count("-") == 3
    # Later accounts get no code.
    _, out, _ = cli("accounts", "create", "clerk", "--role", "录入员", user="boss", new="secret-clerk-2")
    assert out.strip() == ""

    code, out, err = cli("accounts", "reset", "boss", "--code", "WRONG-CODE1-XXXXX-YYYYY", "--password", "forgot-it-3")
    assert code == 1 and "恢复码不正确" in err and out == ""
    code, out, err = cli("accounts", "reset", "boss", "--code", first_code.lower(), "--password", "forgot-it-3")
    assert code == 0 and "已用恢复码重置" in err
    second_code = out.strip()
    assert second_code and second_code != first_code
    # The old code is spent; the new password logs in; the reset is in the log, in Chinese.
    assert cli("accounts", "reset", "boss", "--code", first_code, "--password", "forgot-it-4")[0] == 1
    monkeypatch.setitem(PASSWORDS, "boss", "forgot-it-3")
    entries = cli.json("log", user="boss")
    assert {"recover", "recovery_failed", "recovery_code"} <= {e["action"] for e in entries}
    recovered = next(e for e in entries if e["action"] == "recover")
    assert recovered["action_label"] == "用恢复码重置密码" and recovered["user"] == "boss"
    # With DANGXUN_NEW_PASSWORD instead of --password; the code printed last works.
    code, out, err = cli("accounts", "reset", "boss", "--code", second_code, new="forgot-it-5")
    assert code == 0 and out.strip()


def test_reset_with_code_refusals(cli: Cli) -> None:
    cli.ok("demo", "--members", "5", "--branches", "1")
    code, _, err = cli("accounts", "reset", "nobody", "--code", "X", "--password", "secret-9")
    assert code == 1 and "没有名为" in err
    cli.ok("accounts", "create", "boss", "--role", "管理员", new="secret-boss-1")
    code, _, err = cli("accounts", "reset", "boss", "--password", "secret-9", user="boss")
    assert code == 2 and "--code" in err
    code, out, err = cli("accounts", "recovery-code", "boss", user="boss")
    assert code == 0 and len(out.strip()) == 23
