"""The command line starts light: a command builds only its own module's commands and imports no other
command's services; what it prints and how it parses stay what the full parser does."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import REPO
from ui.cli import main as cli_main

HEAVY = ("sqlalchemy", "models", "alembic", "openpyxl", "reportlab", "pypinyin", "python_calamine")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def _command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, sub in _subparsers(parser).items():
        paths.append((*prefix, name))
        paths.extend(_command_paths(sub, (*prefix, name)))
    return paths


def _handler_module(parser: argparse.ArgumentParser) -> str:
    handler = parser._defaults.get("handler")
    if handler is None:  # a command with actions of its own (members list, accounts create …)
        return _handler_module(next(iter(_subparsers(parser).values())))
    return str(handler.__module__).rsplit(".", 1)[-1]


def _outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = sorted(vars(parser.parse_args(argv)).items(), key=lambda kv: kv[0])
        except SystemExit as exc:
            result = ("exit", exc.code)
    return result, out.getvalue(), err.getvalue()


def test_the_table_names_each_modules_commands_in_order() -> None:
    full = cli_main.build_parser()
    found: dict[str, list[str]] = {}
    for name, sub in _subparsers(full).items():
        found.setdefault(_handler_module(sub), []).append(name)
    assert found == {module: list(commands) for module, commands in cli_main.COMMAND_MODULES.items()}


def test_a_command_builds_only_its_module() -> None:
    assert cli_main.modules_needed(["--db", "x.sqlite3", "import-members", "roll.xlsx"]) == ("roll_cmd",)
    assert cli_main.modules_needed(["--user", "甲", "members", "list"]) == ("members_cmd",)
    assert cli_main.modules_needed(["--version"]) == ()
    everything = tuple(cli_main.COMMAND_MODULES)
    for argv in ([], ["-h"], ["-h", "stats"], ["nope"], ["--db"], ["--db", "x"], ["--vers"]):
        assert cli_main.modules_needed(argv) == everything, argv


@pytest.mark.parametrize("extra", [["--help"], [], ["--bogus"], ["a", "b", "c", "d"]])
def test_every_command_parses_and_helps_as_with_all_commands(extra: list[str]) -> None:
    """Help pages, usage errors (in Chinese, exit 2) and parsed values: the same with the one module as with all."""
    full = cli_main.build_parser()
    for path in _command_paths(full):
        argv = ["--db", "x.sqlite3", *path, *extra]
        lazy = cli_main.build_parser(cli_main.modules_needed(argv))
        assert _outcome(lazy, argv) == _outcome(cli_main.build_parser(), argv), argv


def test_top_level_help_and_errors_list_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli_main.run(["--help"])
    assert exc.value.code == 0
    shown = capsys.readouterr().out
    assert all(command in shown for commands in cli_main.COMMAND_MODULES.values() for command in commands)
    with pytest.raises(SystemExit) as exc:
        cli_main.run(["nope"])
    assert exc.value.code == 2
    refused = capsys.readouterr().err
    assert "用法错误" in refused
    assert all(command in refused for commands in cli_main.COMMAND_MODULES.values() for command in commands)


def _loaded_after(code: str) -> dict[str, object]:
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def test_version_and_parsing_a_command_import_no_service() -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from ui.cli import main as m\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        "    m.run(['--version'], gui=lambda args: 9)\n"
        "version = out.getvalue()\n"
        "argv = ['--db', 'x.sqlite3', 'import-members', 'roll.xlsx', '--create-branches']\n"
        "args = m.build_parser(m.modules_needed(argv)).parse_args(argv)\n"
        "listed = m.build_parser(m.modules_needed(['members', 'list'])).parse_args(['members', 'list'])\n"
        f"heavy = sorted(name for name in {HEAVY!r} if name in sys.modules)\n"
        "print(json.dumps({'version': version, 'command': args.command, 'handler': args.handler.__name__,\n"
        "                  'listed': listed.handler.__name__, 'heavy': heavy}))\n"
    )
    data = _loaded_after(code)
    assert data["version"].startswith("党员教育培训管理系统 ")  # type: ignore[union-attr]
    assert (data["command"], data["handler"], data["listed"]) == ("import-members", "cmd_import_members",
                                                                   "cmd_members_list")
    assert data["heavy"] == []


def _main_process(argv: list[str], before: str = "", **kw: object) -> subprocess.CompletedProcess[str]:
    """`main.py ARGV` as a whole process (run as __main__, so that it ends the way a command ends)."""
    code = ("import runpy, sys\n" + before
            + f"sys.argv = ['main.py', *{argv!r}]\n"
            + f"runpy.run_path({str(REPO / 'main.py')!r}, run_name='__main__')\n")
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120, **kw)  # type: ignore[call-overload,no-any-return]


def test_a_command_ends_with_its_code_its_output_and_the_exit_handlers_run(tmp_path: Path) -> None:
    """A command's process ends without tearing the interpreter down, yet nothing said or due at exit is lost."""
    db = str(tmp_path / "leave.sqlite3")
    done = _main_process(["--db", db, "branches", "list"],
                         "import atexit\natexit.register(lambda: print('exit handler ran'))\n",
                         env=dict(os.environ, DANGXUN_DATA_DIR=str(tmp_path / "data")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("exit handler ran") and "已新建数据库" in done.stderr
    assert not Path(db + ".lock").exists() and not Path(db + "-wal").exists()  # closed before the end
    missing = str(REPO / "no-such-folder" / "x.sqlite3")
    refused = _main_process(["--db", missing, "members", "list"])
    assert refused.returncode == 2 and "不存在" in refused.stderr and refused.stdout == ""
    unknown = _main_process(["no-such-command"])  # argparse's own exit, untouched
    assert unknown.returncode == 2 and "用法错误" in unknown.stderr
