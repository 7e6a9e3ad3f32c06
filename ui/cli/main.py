"""The command line: `python main.py [--db PATH] COMMAND ...`, calling the same services as the window.

Exit codes: 0 done; 1 input refused, nothing written; 2 usage error or unreadable file;
3 the database is in use by another copy of the program.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Collection
from typing import Any

from services.errors import DangxunError, UnreadableFileError
from services.version import APP_NAME, VERSION
from ui.cli.base import (
    ChineseArgumentParser,
    CliContext,
    add_global_options,
    default_actor,
)

# The command modules in the order their commands are listed, each with the commands it registers.
# A command line naming a command builds only its module's commands, so that it imports nothing the
# other commands need; --help, a usage error or anything unclear builds them all, and a bare --version
# none (tests/ui/cli/test_cli_start.py holds this table to what the modules register).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "members_cmd": ("demo", "members", "branches"),
    "roll_cmd": ("import-members", "export-members", "template"),
    "stats_cmd": ("stats", "ledger", "report", "targets", "grades", "spending", "card"),
    "safety_cmd": ("log", "backup", "backups", "restore", "check", "accounts"),
    "server_cmd": ("copy-db",),
    "training_cmd": ("import-records", "activities", "adjust-hours", "enrol", "attendance", "print-signin",
                     "print-register", "print-certificates", "certificate-register", "verify-certificate"),
    "print_cmd": ("print-roll",),
    "plan_cmd": ("plans", "rules", "study-plan", "materials"),
    "survey_cmd": ("survey",),
}


def build_parser(modules: Collection[str] = tuple(COMMAND_MODULES)) -> argparse.ArgumentParser:
    """The parser with the commands of `modules` (keys of COMMAND_MODULES; by default all)."""
    parser = ChineseArgumentParser(prog="main.py", description=f"{APP_NAME}（{VERSION}）")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {VERSION}",
                        help="显示版本号并退出")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ChineseArgumentParser)
    _register(sub, modules)
    from ui.cli.help_texts import fill_standard_help

    fill_standard_help(parser)
    return parser


def _register(sub: Any, modules: Collection[str]) -> None:
    # Each module defines `register(subparsers)`; its subcommands set `handler(args, ctx) -> int`.
    if "members_cmd" in modules:
        from ui.cli import members_cmd
        members_cmd.register(sub)
    if "roll_cmd" in modules:
        from ui.cli import roll_cmd
        roll_cmd.register(sub)
    if "stats_cmd" in modules:
        from ui.cli import stats_cmd
        stats_cmd.register(sub)
    if "safety_cmd" in modules:
        from ui.cli import safety_cmd
        safety_cmd.register(sub)
    if "server_cmd" in modules:
        from ui.cli import server_cmd
        server_cmd.register(sub)
    if "training_cmd" in modules:
        from ui.cli import training_cmd
        training_cmd.register(sub)
    if "print_cmd" in modules:
        from ui.cli import print_cmd
        print_cmd.register(sub)
    if "plan_cmd" in modules:
        from ui.cli import plan_cmd
        plan_cmd.register(sub)
    if "survey_cmd" in modules:
        from ui.cli import survey_cmd
        survey_cmd.register(sub)


def modules_needed(argv: list[str]) -> tuple[str, ...]:
    """The command modules parsing `argv` needs: the named command's, none for a bare --version, else all."""
    parser = _QuietParser(add_help=False)
    add_global_options(parser)
    try:
        _args, rest = parser.parse_known_args(argv)
    except ValueError:  # the full parser reports it
        return tuple(COMMAND_MODULES)
    if rest == ["--version"]:
        return ()
    if rest:
        for module, commands in COMMAND_MODULES.items():
            if rest[0] in commands:
                return (module,)
    return tuple(COMMAND_MODULES)


def run(argv: list[str] | None = None, gui: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Parse `argv` and run the command; with no command, hand over to `gui`."""
    if gui is not None:
        gui_args = _gui_only_args(sys.argv[1:] if argv is None else argv)
        if gui_args is not None:
            return gui(gui_args)
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(modules_needed(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        if gui is None:
            parser.print_help()
            return 2
        return gui(args)
    try:
        location = _location(args)
    except DangxunError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    ctx = CliContext(location=location, actor=args.user or default_actor(), user=args.user)
    from ui.safety.end_signals import interrupt_on_end_signals

    undo_signals = interrupt_on_end_signals()  # logout, shutdown, a closed terminal: as Ctrl+C
    try:
        code = int(args.handler(args, ctx) or 0)
        _say_missing_characters()
        return code
    except DangxunError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断，数据库未作改动。", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `main.py members list | head`
        sys.stderr.close()
        return 0
    except Exception as exc:  # never a traceback on the terminal
        error = _unexpected(exc, ctx)  # a database or disk error no service turned into Chinese
        if error is None:  # anything unforeseen: a Chinese message here, the traceback in the log
            return report_unexpected(exc, args.command)
        print(f"错误：{error.message}", file=sys.stderr)
        return error.exit_code
    finally:
        ctx.close()
        undo_signals()


def _say_missing_characters() -> None:
    """A PDF the command made lacks characters its font has no glyph for (a rare character of a name)."""
    if "services.pdf.pdf_fonts" not in sys.modules:  # no PDF was made: nothing to ask
        return
    from services.pdf.pdf_fonts import missing_text, take_missing_where

    missing = take_missing_where()
    if missing:
        print(missing_text(missing), file=sys.stderr)


def report_unexpected(exc: BaseException, command: str = "") -> int:
    """Write `exc`'s traceback to the log file and tell the clerk where it is; exit code 1."""
    from services.logfile import append_error

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    path = append_error(text, f"命令 {command}" if command else "命令行")
    print(f"错误：程序出现意外问题（{type(exc).__name__}），操作没有完成。"
          f"详细信息已写入日志文件 {path}，请把该文件发给维护人员。", file=sys.stderr)
    return 1


def _location(args: argparse.Namespace) -> Any:
    """`--db` (or DANGXUN_DB): a file path or a server URL; a URL is never taken for a path."""
    import os

    from services.safety.location import resolve_database

    return resolve_database(args.db or os.environ.get("DANGXUN_DB") or None)


def _unexpected(exc: Exception, ctx: CliContext) -> DangxunError | None:
    """A Chinese error for a database or file-system error that reached the command line untranslated."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    from services.files.safe_write import FileWriteError, reason_of
    from services.safety import backup as backup_service
    from services.safety.recognise import DamagedDatabaseError
    from services.workspace import translate_db_error

    if isinstance(exc, SQLAlchemyError | sqlite3.Error):
        error = translate_db_error(exc, ctx.location)
        if isinstance(error, DamagedDatabaseError) and ctx.db_path is not None:
            return backup_service.damage_with_backup(DamagedDatabaseError(ctx.db_path, error.detail))
        return error
    if isinstance(exc, OSError):
        where = exc.filename or ctx.location
        if isinstance(exc, FileNotFoundError):
            return UnreadableFileError(f"找不到文件 {where}。")
        return FileWriteError(f"无法读写文件 {where}：{reason_of(exc)}。数据库未作改动。")
    return None


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


