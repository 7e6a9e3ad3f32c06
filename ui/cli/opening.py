"""Opening the workspace for a command: lock, open (upgrading after a backup), log in when needed."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from services.errors import PermissionDeniedError, UnreadableFileError
from services.safety.location import Location
from services.workspace import Workspace


def open_workspace(path: Path | Location, actor: str, user: str | None) -> Workspace:
    """The workspace of one command; notes (a stale lock, an upgrade) go to stderr."""
    ws = Workspace.open(path, actor=actor)
    try:
        for note in ws.notes:
            print(note, file=sys.stderr)
        if ws.needs_login():
            username = user or os.environ.get("DANGXUN_USER")
            if not username:
                raise PermissionDeniedError(
                    "此数据库已设账号：请用 --user 账号名（或环境变量 DANGXUN_USER）指明账号，"
                    "密码用环境变量 DANGXUN_PASSWORD 给出或在提示时输入。")
            ws.login(username, _password(username))
    except BaseException:
        ws.close()
        raise
    return ws


def _password(username: str) -> str:
    password = os.environ.get("DANGXUN_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin or not sys.stdin.isatty():
        raise UnreadableFileError("请设置 DANGXUN_PASSWORD 或在终端中运行（没有终端，无法输入密码）。")
    try:
        return getpass.getpass(f"账号“{username}”的密码：")
    except EOFError as exc:
        raise UnreadableFileError("请设置 DANGXUN_PASSWORD 或在终端中运行（没有终端，无法输入密码）。") from exc
