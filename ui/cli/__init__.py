"""The command line: `python main.py [--db PATH] COMMAND ...`, calling the same services as the window.

Exit codes: 0 done; 1 input refused, nothing written; 2 usage error or unreadable file;
3 the database is in use by another copy of the program.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import DangxunError
from services.version import APP_NAME, VERSION

# Each module defines `register(subparsers)`; its subcommands set `handler(args, ctx) -> int`.
COMMAND_MODULES = (
    "ui.cli.members_cmd",
    "ui.cli.roll_cmd",
    "ui.cli.stats_cmd",
    "ui.cli.safety_cmd",
    "ui.cli.training_cmd",
    "ui.cli.print_cmd",
)


class UsageError(DangxunError):
    exit_code = 2


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's usage errors, in Chinese, exit code 2
        self.print_usage(sys.stderr)
        self.exit(2, f"用法错误：{message}\n")


@dataclass
class CliContext:
    """What a command needs: the database path, who acts, and a lazily opened database."""

    db_path: Path
    actor: str
    user: str | None = None  # --user as given; the login name when the database has accounts
    account: Any = None  # services.accounts.AccountInfo once logged in; None: database without accounts
    lock: Any = field(default=None, repr=False)  # services.lock.DatabaseLock, held until close()
    _db: Any = field(default=None, repr=False)

    def database(self) -> Any:
        if self._db is None:
            from ui.cli.safety_cmd import open_guarded  # lock, open/upgrade, log in

            self._db = open_guarded(self)
        return self._db

    def writable(self) -> Any:
        """The database, for a command that writes; refused (exit 1) for a read-only account."""
        from services.accounts import EDITOR, require

        db = self.database()
        require(self.account.role if self.account else None, EDITOR, "修改数据")
        return db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
        if self.lock is not None:
            self.lock.release()


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


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="main.py", description=f"{APP_NAME}（{VERSION}）")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {VERSION}")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ChineseArgumentParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def db_path_from(args: argparse.Namespace) -> Path:
    from services.paths import default_db_path

    return Path(args.db).expanduser() if args.db else default_db_path()


def run(argv: list[str] | None = None, gui: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Parse `argv` and run the command; with no command, hand over to `gui`."""
    if gui is not None:
        gui_args = _gui_only_args(sys.argv[1:] if argv is None else argv)
        if gui_args is not None:
            return gui(gui_args)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if gui is None:
            parser.print_help()
            return 2
        return gui(args)
    ctx = CliContext(db_path=db_path_from(args), actor=args.user or default_actor(), user=args.user)
    try:
        return int(args.handler(args, ctx) or 0)
    except DangxunError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断，数据库未作改动。", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `main.py members list | head`
        sys.stderr.close()
        return 0
    finally:
        ctx.close()


class _QuietParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise ValueError(message)


def _gui_only_args(argv: list[str]) -> argparse.Namespace | None:
    """The options of a plain window start, or None when `argv` names a command (or asks for help).

    Starting the window must not import every command module (and with them SQLAlchemy) before
    the window is on screen, so global options alone are parsed without building the full parser.
    """
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    parser = _QuietParser(add_help=False)
    add_global_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except ValueError:  # let the full parser report it, in Chinese
        return None
    if rest:
        return None
    args.command = None
    return args


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
