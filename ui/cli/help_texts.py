"""One wording for the arguments many commands share (--json, --from/--to, --year, the output file …).

`fill_standard_help(parser)` gives every such argument of every command its Chinese help line where
the command's own definition gave none; what only one command has is described where it is defined.
tests/ui/cli/test_cli_chinese.py checks that no argument of any command is left without a help line.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

# By the argument's destination (the name the command reads it under).
_BY_DEST = {
    "json": "以 JSON 格式输出结果（供其他程序读取）",
    "date_from": "起始日期，如 2024-01-01（含当日）",
    "date_to": "截止日期，如 2024-12-31（含当日）",
    "year": "年度，如 2024",
    "activity_id": "活动编号（见 activities list）",
    "survey_id": "问卷编号（见 survey list）",
    "item_id": "学习计划条目编号（见 study-plan show）",
    "member_id": "党员编号（见 members list --json 的 id）",
}

# The file a command writes, by the extension its placeholder names.
_OUTPUT_KINDS = {
    "OUT.pdf": "要生成的 PDF 文件",
    "OUT.xlsx": "要生成的 Excel 文件（.xlsx）",
    "OUT.docx": "要生成的 Word 文件（.docx）",
    "OUT.pdf|OUT.xlsx": "要生成的文件：.pdf 为打印版，.xlsx 为 Excel 表",
    "OUT.pdf|OUT.docx": "要生成的文件：.pdf 或 Word（.docx）",
}


def parsers_of(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """`parser` and the parsers of all its commands and sub-commands."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from parsers_of(child)


def standard_help(action: argparse.Action) -> str | None:
    """The shared help line of `action`, or None when it is not one of the shared arguments."""
    if action.dest in _BY_DEST:
        return _BY_DEST[action.dest]
    if action.dest == "out" and isinstance(action.metavar, str):
        return _OUTPUT_KINDS.get(action.metavar)
    return None


def fill_standard_help(parser: argparse.ArgumentParser) -> None:
    """Give the shared arguments of every command of `parser` their help line where none was given."""
    for each in parsers_of(parser):
        for action in each._actions:
            if action.help is None:
                action.help = standard_help(action)


def arguments_without_help(parser: argparse.ArgumentParser) -> list[str]:
    """`command: argument` for every argument of `parser`'s commands that has no help line."""
    missing = []
    for each in parsers_of(parser):
        for action in each._actions:
            if action.help is None and not isinstance(action, argparse._SubParsersAction):
                name = "/".join(action.option_strings) or action.metavar or action.dest
                missing.append(f"{each.prog}: {name}")
    return missing
