"""Certificate guards on the command line: exit 1 with a Chinese reason, --revoke, verify a revoked number."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _class(run: Callable[..., Any], db: str, first: dt.date, last: dt.date) -> int:
    made = run("--db", db, "activities", "create", "--title", "党性教育培训班", "--type", "党性教育培训班",
               "--start", first.isoformat(), "--end", last.isoformat(), "--session", f"{first.isoformat()},3",
               "--session", f"{last.isoformat()},3", "--json")
    assert made.returncode == 0, made.stderr
    activity = str(json.loads(made.stdout)["id"])
    assert run("--db", db, "enrol", activity, "--member", "1", "--member", "2").returncode == 0
    for seq in ("1", "2"):
        assert run("--db", db, "attendance", "set", activity, "--session", seq, "--all-present").returncode == 0
    return int(activity)


def test_certificate_guards(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli
    db = str(tmp_path / "cli.sqlite3")
    assert run("--db", db, "demo", "--members", "10", "--branches", "2", "--no-activities").returncode == 0
    today = dt.date.today()
    future = _class(run, db, today, today + dt.timedelta(days=2))
    refused = run("--db", db, "print-certificates", str(future), str(tmp_path / "f.pdf"))
    assert refused.returncode == 1 and "尚未结业" in refused.stderr
    assert not (tmp_path / "f.pdf").exists()

    past = str(_class(run, db, today - dt.timedelta(days=3), today))  # the closing day is today: issuing works
    issued = run("--db", db, "print-certificates", past, str(tmp_path / "c.pdf"), "--json")
    assert issued.returncode == 0, issued.stderr
    numbers = {c["number"] for c in json.loads(issued.stdout)["certificates"]}
    change = ("--db", db, "attendance", "set", past, "--session", "2", "--member", "1", "--status", "缺席")
    kept = run(*change)
    assert kept.returncode == 1 and "--revoke" in kept.stderr
    number = re.search(r"证书(\d{4}-DX-\d{5})", kept.stderr).group(1)  # type: ignore[union-attr]
    assert number in numbers
    assert run("--db", db, "verify-certificate", number).returncode == 0
    revoked = run(*change, "--revoke")
    assert revoked.returncode == 0, revoked.stderr
    checked = run("--db", db, "verify-certificate", number)
    assert checked.returncode == 1 and "作废" in checked.stderr and f"{today.year}年" in checked.stderr


def test_a_viewer_account_verifies_a_certificate(cli: Callable[..., Any], tmp_path: Path, monkeypatch: Any) -> None:
    """核验证书 is a check: a 查阅 account (an inspector's) may run it on the command line, as in the window,
    and it writes nothing (no log entry)."""
    run = cli
    db = str(tmp_path / "cli.sqlite3")
    assert run("--db", db, "demo", "--members", "10", "--branches", "2", "--no-activities").returncode == 0
    today = dt.date.today()
    past = str(_class(run, db, today - dt.timedelta(days=3), today))
    issued = run("--db", db, "print-certificates", past, str(tmp_path / "c.pdf"), "--json")
    assert issued.returncode == 0, issued.stderr
    number = sorted(c["number"] for c in json.loads(issued.stdout)["certificates"])[0]
    from services.safety import accounts
    from services.safety.storage import open_database

    database = open_database(db)
    with database.session_factory.begin() as s:
        accounts.create_account(s, "boss", accounts.ADMIN, "secret-1", "t")
        accounts.create_account(s, "reader", accounts.VIEWER, "secret-3", "boss")
    database.dispose()
    monkeypatch.setenv("DANGXUN_PASSWORD", "secret-3")
    before = run("--db", db, "--user", "reader", "log", "--json")
    checked = run("--db", db, "--user", "reader", "verify-certificate", number)
    assert checked.returncode == 0, checked.stderr
    assert "证书真实有效" in checked.stdout and "Traceback" not in checked.stderr
    after = run("--db", db, "--user", "reader", "log", "--json")

    def entries(done: Any) -> list[Any]:  # each command's own login is logged: the rest must be as it was
        return [e for e in json.loads(done.stdout) if e["action"] != "login"]

    assert entries(after) == entries(before) != []
