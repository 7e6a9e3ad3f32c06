"""What every command shares: its context (database, account), usage errors, the Chinese parser, JSON output.

Exit codes: 0 done; 1 input refused, nothing written; 2 usage error or unreadable file;
3 the database is in use by another copy of the program.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import DangxunError


class UsageError(DangxunError):
    exit_code = 2


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's usage errors, in Chinese, exit code 2
        self.print_usage(sys.stderr)
        self.exit(2, f"用法错误：{message}\n")


@dataclass
class CliContext:
    """What a command needs: the database path, who acts, and the workspace, opened on first use."""

    db_path: Path
    actor: str
    user: str | None = None  # --user as given; the login name when the database has accounts
    _ws: Any = field(default=None, repr=False)  # services.workspace.Workspace once opened

    def workspace(self) -> Any:
        """The workspace: lock taken, database opened (upgraded after a backup), account logged in."""
        if self._ws is None:
            from ui.cli.opening import open_workspace

            self._ws = open_workspace(self.db_path, self.actor, self.user)
            self.actor = self._ws.actor
        return self._ws

    @property
    def role(self) -> str | None:
        return self.workspace().role

    def close(self) -> None:
        if self._ws is not None:
            self._ws.close()
            self._ws = None


def default_actor() -> str:
    env = os.environ.get("DANGXUN_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # getpass raises a bare OSError/KeyError on odd systems
        return "unknown"


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="数据库文件（默认：用户数据文件夹中的 dangxun.sqlite3，或环境变量 DANGXUN_DB）")
    parser.add_argument("--screenshot", metavar="OUT.png", help="在屏幕外打开主窗口，保存截图后退出")
    parser.add_argument("--tab", metavar="NAME", help="与 --screenshot 一起：先切换到该标签页（如 党员）")
    parser.add_argument("--user", metavar="NAME", help="以该账号操作（也可用环境变量 DANGXUN_USER）")


def db_path_from(args: argparse.Namespace) -> Path:
    from services.paths import default_db_path

    return Path(args.db).expanduser() if args.db else default_db_path()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
