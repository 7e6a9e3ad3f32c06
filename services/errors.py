"""The product's own errors: each carries a Chinese message a clerk can act on, and an exit code."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A value quoted in a message (“…”) is shown whole up to this many characters; a longer one (a cell pasted
# full of text) is cut to its start and its length, so that a message stays a line a clerk can read.
QUOTED_MOST = 200
_LONG_QUOTE = re.compile(f"“([^“”]{{{QUOTED_MOST + 1},}})”")


def clip_quoted(message: str) -> str:
    """`message` with every quoted value longer than QUOTED_MOST characters cut to its first 20 and its length."""
    if len(message) <= QUOTED_MOST:
        return message
    return _LONG_QUOTE.sub(lambda m: f"“{m.group(1)[:20]}……”（共{len(m.group(1)):,}个字符）", message)


class DangxunError(Exception):
    """Base of every error the product raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        message = clip_quoted(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field (and, for imports, one sheet row)."""

    field: str
    message: str
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", clip_quoted(self.message))

    def describe(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        prefix = "".join(where)
        return f"{prefix}：{self.message}" if prefix else self.message


class ValidationError(DangxunError):
    """Input refused: one or more fields are wrong. Nothing was written."""

    exit_code = 1

    def __init__(self, problems: list[FieldProblem] | str, field: str = "", *, file: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [FieldProblem(field, problems)]
        self.problems = problems
        self.file = file  # the name of the file the problems are in, said first
        text = "；".join(p.describe() for p in problems)
        super().__init__(f"文件 {file}：{text}" if file else text)


class NormalizeError(DangxunError):
    """A single value could not be understood (a date, an ID number, a number)."""

    exit_code = 1


class NotFoundError(DangxunError):
    exit_code = 1


class ConflictError(DangxunError):
    """The operation contradicts the data already there (a duplicate, a non-empty branch)."""

    exit_code = 1


class UnreadableFileError(DangxunError):
    """A file could not be read at all (missing, corrupt, encrypted, not a spreadsheet)."""

    exit_code = 2


class DatabaseLockedError(DangxunError):
    """Another copy of the program is writing to the same database."""

    exit_code = 3


class PermissionDeniedError(DangxunError):
    """The current account may not do this."""

    exit_code = 1


class CancelledError(DangxunError):
    """The user cancelled a long operation; nothing was written."""

    exit_code = 1

    def __init__(self, message: str = "操作已取消，数据库未作改动。") -> None:
        super().__init__(message)
