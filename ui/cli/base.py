"""What every command shares: its context (database, account), usage errors, the Chinese parser, JSON output.

Exit codes: 0 done; 1 input refused, nothing written; 2 usage error or unreadable file;
3 the database is in use by another copy of the program.
"""

from __future__ import annotations

import argparse
import getpass
import json
import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.errors import DangxunError, UnreadableFileError


class UsageError(DangxunError):
    exit_code = 2


# argparse's own messages (its gettext msgids) and what a clerk reads instead. A message argparse
# builds is matched against these patterns and rebuilt in Chinese, inner messages first.
_ARGPARSE_MESSAGES: tuple[tuple[str, str], ...] = (
    ("argument %(argument_name)s: %(message)s", "参数 {argument_name}：{message}"),
    ("the following arguments are required: %s", "缺少必需的参数：{0}"),
    ("one of the arguments %s is required", "参数 {0} 中必须给出一个"),
    ("unrecognized arguments: %s", "无法识别的参数：{0}"),
    ("invalid choice: %(value)r (choose from %(choices)s)", "无效的选项：{value}（可选：{choices}）"),
    ("invalid %(type)s value: %(value)r", "无效的{type}：{value}"),
    ("expected one argument", "需要给出一个值"),
    ("expected at most one argument", "最多只能给出一个值"),
    ("expected at least one argument", "至少需要给出一个值"),
    ("expected %s arguments", "需要给出{0}个值"),
    ("expected %s argument", "需要给出{0}个值"),
    ("not allowed with argument %s", "不能与参数 {0} 同时使用"),
    ("ignored explicit argument %r", "多余的值 {0}"),
    ("ambiguous option: %(option)s could match %(matches)s", "选项 {option} 有歧义，可能是：{matches}"),
    ("unknown parser %(parser_name)r (choices: %(choices)s)", "未知的命令 {parser_name}（可选：{choices}）"),
    ("can't open '%(filename)s': %(error)s", "无法打开“{filename}”：{error}"),
    ("unexpected option string: %s", "意外的选项：{0}"),
    ("cannot have multiple subparser arguments", "不能有多个子命令参数"),
)
_TYPE_NAMES = {"int": "整数", "integer": "整数", "float": "数字", "str": "文本"}


def _pattern(msgid: str) -> re.Pattern[str]:
    parts = re.split(r"(%\((\w+)\)[sr]|%[sr])", msgid)
    out, index, names = "", 0, iter(parts)
    for literal in names:
        out += re.escape(literal)
        spec = next(names, None)
        if spec is None:
            break
        name = next(names)
        out += f"(?P<{name or f'_{index}'}>.*?)"
        index += 0 if name else 1
    return re.compile(out + r"\Z", re.S)


_COMPILED = tuple((_pattern(msgid), zh) for msgid, zh in _ARGPARSE_MESSAGES)


def translate_argparse(message: str) -> str:
    """One of argparse's English messages in Chinese (anything else comes back unchanged)."""
    for pattern, zh in _COMPILED:
        m = pattern.match(message)
        if m is None:
            continue
        named = {k: v for k, v in m.groupdict().items() if not k.startswith("_")}
        positional = [v for k, v in sorted(m.groupdict().items()) if k.startswith("_")]
        if "message" in named:
            named["message"] = translate_argparse(named["message"])
        if "type" in named:
            named["type"] = _TYPE_NAMES.get(named["type"], "值")
        return zh.format(*positional, **named)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Help pages headed 用法：, 位置参数, 选项."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse speaking Chinese: headings, the -h option, usage errors (exit code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.get("add_help", True)
        kwargs.update(add_help=False, formatter_class=kwargs.get("formatter_class", ChineseHelpFormatter))
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> Any:  # argparse's usage errors, in Chinese, exit code 2
        self.print_usage(sys.stderr)
        self.exit(2, f"用法错误（{self.prog}）：{translate_argparse(message)}\n")


@dataclass
class CliContext:
    """What a command needs: the database (file or server), who acts, and the workspace, opened on first use."""

    location: Any  # services.safety.location.Location
    actor: str
    user: str | None = None  # --user as given; the login name when the database has accounts
    _ws: Any = field(default=None, repr=False)  # services.workspace.Workspace once opened

    def workspace(self) -> Any:
        """The workspace: lock taken, database opened (upgraded after a backup), account logged in."""
        if self._ws is None:
            from ui.cli.opening import open_workspace

            self._ws = open_workspace(self.location, self.actor, self.user)
            self.actor = self._ws.actor
        return self._ws

    @property
    def db_path(self) -> Path | None:
        """The database file; None for a server."""
        return self.location.path  # type: ignore[no-any-return]

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
    parser.add_argument("--db", metavar="PATH", help="数据库文件，或数据库服务器地址 postgresql+psycopg://账号@主机:端口/库名"
                        "（默认：用户数据文件夹中的 dangxun.sqlite3，或环境变量 DANGXUN_DB）")
    parser.add_argument("--screenshot", metavar="OUT.png", type=output_file_of(".png"),
                        help="在屏幕外打开主窗口，保存截图（.png）后退出")
    parser.add_argument("--tab", metavar="NAME", help="与 --screenshot 一起：先切换到该标签页（如 党员）")
    parser.add_argument("--user", metavar="NAME", help="以该账号操作（也可用环境变量 DANGXUN_USER）")


def db_path_from(args: argparse.Namespace) -> Path:
    from services.paths import default_db_path

    return Path(args.db).expanduser() if args.db else default_db_path()


# The largest whole number a database column holds (SQLite's and PostgreSQL's 64-bit integers).
_LARGEST_INTEGER = 2 ** 63 - 1


def integer(text: str) -> int:
    """A whole-number argument (argparse type: an id, a count): one no database column could hold is out of range."""
    value = int(text)  # a ValueError is argparse's 无效的整数
    if abs(value) > _LARGEST_INTEGER:
        raise argparse.ArgumentTypeError(f"“{text}”太大，超出范围")
    return value


def number(text: str) -> float:
    """A number argument (argparse type): Python's float() also takes nan and inf, which are no number of hours or yuan."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”应为数字") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"“{text}”应为数字")
    return value


def output_file(text: str) -> str:
    """An output file argument (argparse type): given, and not a folder (a name ending in / or \\, or one that is)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("没有给出输出文件名")
    if text.endswith(("/", "\\")) or Path(text).expanduser().is_dir():
        raise argparse.ArgumentTypeError(f"“{text}”是文件夹，请给出文件名")
    return text


def output_file_of(*suffixes: str) -> Callable[[str], str]:
    """The argparse type of a command's output file: one rule for every command that writes a file.

    The name must end in one of `suffixes` (the kinds of file the command writes; compared without
    regard to case, so .XLSX is taken). Any other name, and a name with no extension, is refused at
    once (exit code 2), before anything is read or written: the file written is always the one named.
    """
    allowed = "、".join(suffixes)

    def checked(text: str) -> str:
        output_file(text)
        suffix = Path(text).suffix
        if not suffix:
            raise argparse.ArgumentTypeError(
                f"输出文件“{text}”没有扩展名：本命令写的是 {allowed} 文件，请给出如“{text}{suffixes[0]}”的文件名")
        if suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(
                f"输出文件“{text}”的扩展名 {suffix} 不对：本命令写的是 {allowed} 文件，请以 {allowed} 结尾")
        return text

    checked.__name__ = "output_file"
    return checked


def named_file(text: str, what: str = "文件", error: type[DangxunError] | None = None) -> Path:
    """`text` as a path; an empty argument (a script's unset variable) is refused, not taken for the current folder."""
    if not text.strip():
        raise (error or UnreadableFileError)(f"没有给出{what}名：请给出要读取的{what}。")
    return Path(text).expanduser()


def input_file(text: str, what: str = "文件", error: type[DangxunError] | None = None) -> Path:
    """The file a command reads, refused at once (exit code 2) when not given, missing or a folder.

    An empty argument is not taken for the current folder: `Path("")` is `.`, which names nothing a clerk typed.
    """
    kind = error or UnreadableFileError
    path = named_file(text, what, kind)
    if path.is_dir():
        raise kind(f"{path} 是一个文件夹，不是{what}：请给出文件名。")
    if not path.is_file():
        raise kind(f"找不到{what} {path}")
    return path


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


# Problems of a refused file listed on the terminal: the first ones, then how many more (a 48 000-row file of bad
# names printed 48 000 lines). `--json` and the --errors workbook carry every one.
PROBLEMS_SHOWN = 50


def print_problems(lines: list[str], more: str = "加 --json 可得到全部") -> None:
    """Each problem on its own line on stderr, at most PROBLEMS_SHOWN, then how many were left out and where to find them."""
    for line in lines[:PROBLEMS_SHOWN]:
        print(line, file=sys.stderr)
    if len(lines) > PROBLEMS_SHOWN:
        print(f"……另有{len(lines) - PROBLEMS_SHOWN}处问题未列出（{more}）。", file=sys.stderr)
