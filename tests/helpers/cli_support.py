"""Running the command line in-process with real accounts: a roll, an administrator, a clerk and a reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

PASSWORDS = {"boss": "secret-boss-1", "clerk": "secret-clerk-2", "reader": "secret-reader-3"}


class Cli:
    """`cli("members", "list", user="reader")` → (exit code, stdout, stderr); its own data folder."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        from services.safety import accounts
        from tests.helpers import backend

        self.db = backend.new_database(migrated=False) if backend.on_server() else str(tmp_path / "cli.sqlite3")
        self.data = tmp_path / "data"
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        # Tests hash several passwords: a small n keeps them fast (each hash stores its own parameters).
        monkeypatch.setattr(accounts, "SCRYPT_N", 2 ** 10)
        monkeypatch.setenv("DANGXUN_DATA_DIR", str(self.data))
        for var in ("DANGXUN_USER", "DANGXUN_PASSWORD", "DANGXUN_NEW_PASSWORD"):
            monkeypatch.delenv(var, raising=False)

    def __call__(self, *args: str, user: str | None = None, new: str | None = None) -> tuple[int, str, str]:
        from ui.cli.main import run

        self.capsys.readouterr()
        for var, value in (("DANGXUN_PASSWORD", PASSWORDS.get(user or "")), ("DANGXUN_NEW_PASSWORD", new)):
            if value is None:
                self.monkeypatch.delenv(var, raising=False)
            else:
                self.monkeypatch.setenv(var, value)
        argv = ["--db", self.db, *(("--user", user) if user else ()), *args]
        try:
            code = run(argv)
        except SystemExit as exc:  # argparse's usage errors (exit 2) and --help
            code = int(exc.code or 0)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def ok(self, *args: str, user: str | None = None, new: str | None = None) -> str:
        code, out, err = self(*args, user=user, new=new)
        assert code == 0, err
        return out

    def json(self, *args: str, user: str | None = None) -> Any:
        return json.loads(self.ok(*args, "--json", user=user))

    def backups(self, user: str = "boss") -> list[dict[str, Any]]:
        return list(self.json("backups", "list", user=user))

    def with_accounts(self, members: int = 12) -> Cli:
        """A demo roll, then the three accounts (boss 管理员, clerk 录入员, reader 查阅) made through the CLI."""
        self.ok("demo", "--members", str(members), "--branches", "3")
        self.ok("accounts", "create", "boss", "--role", "管理员", new=PASSWORDS["boss"])
        self.ok("accounts", "create", "clerk", "--role", "录入员", user="boss", new=PASSWORDS["clerk"])
        self.ok("accounts", "create", "reader", "--role", "查阅", user="boss", new=PASSWORDS["reader"])
        return self


def records_csv(path: Path, members: list[dict[str, Any]], title: str = "学习贯彻专题培训",
                hours: str = "3", bad_row: bool = False) -> Path:
    """A training-record file (学时记录) for `members`; `bad_row` adds a row naming nobody on the roll."""
    lines = ["姓名,公民身份号码,培训名称,培训类别,开始日期,学时"]
    for m in members:
        lines.append(f"{m['name']},{m['id_number']},{title},专题培训,2024-05-10,{hours}")
    if bad_row:
        lines.append("不在册,110101199003071236,,专题培训,2024-05-10,3")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
