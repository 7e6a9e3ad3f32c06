"""The command line speaks Chinese: every help page and usage error, with no English from argparse."""

from __future__ import annotations

import argparse
import functools
import re

import pytest

from ui.cli.base import translate_argparse
from ui.cli.help_texts import parsers_of as _parsers
from ui.cli.main import build_parser, run

# Words argparse itself writes (headings, its -h help, its error messages).
ARGPARSE_WORDS = {"usage", "positional", "arguments", "argument", "options", "optional", "show", "help",
                  "message", "exit", "invalid", "choice", "choose", "required", "expected", "unrecognized",
                  "error", "program", "version", "ambiguous", "allowed", "ignored", "explicit", "value",
                  "following", "from", "could", "match"}


@functools.lru_cache(maxsize=1)
def _command_names() -> re.Pattern[str]:
    names: set[str] = set()
    for parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                names.update(action.choices)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w-])")


def _english(text: str) -> set[str]:
    # Command names (attendance show) are ours; so are option strings (--help, --on-existing) and upper-case placeholders (FILE) are ours, not prose.
    text = _command_names().sub(" ", text)
    text = re.sub(r'"[^"\n]*"', " ", text)  # quoted examples (JSON keys) are the command's own
    text = re.sub(r"-{1,2}[A-Za-z][\w-]*", " ", text)
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text) if not w.isupper()}
    return words & ARGPARSE_WORDS


def test_every_help_page_is_chinese() -> None:
    parsers = list(_parsers(build_parser()))
    assert len(parsers) > 40, "every command and sub-command is walked"
    for parser in parsers:
        page = parser.format_help()
        assert page.startswith("用法："), parser.prog
        assert not _english(page), (parser.prog, _english(page), page)
        assert "显示本帮助并退出" in page


@pytest.mark.parametrize("argv", [
    ["activities", "create"],                       # required options missing
    ["activities", "lst"],                          # invalid choice of sub-command
    ["activities"],                                 # sub-command missing
    ["members", "list", "--branch"],                # expected one argument
    ["members", "list", "extra"],                   # unrecognized arguments
    ["import-records", "x.xlsx", "--on-existing", "foo"],
    ["stats", "--from"],
    ["attendance", "show", "abc"],                  # invalid int value
    ["nosuchcommand"],
])
def test_usage_errors_are_chinese_and_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法："), err
    assert "用法错误" in err
    assert not _english(err), err


def test_help_exits_0_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(["print-certificates", "--help"])
    assert stopped.value.code == 0
    assert not _english(capsys.readouterr().out)


def test_translate_nested_and_unknown() -> None:
    assert translate_argparse("argument --year: invalid int value: 'x'") == "参数 --year：无效的整数：'x'"
    assert translate_argparse("expected 2 arguments") == "需要给出2个值"
    assert translate_argparse("something else") == "something else"
