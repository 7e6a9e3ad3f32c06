"""`copy-db TARGET`: the whole database to a new SQLite file or an empty server database."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from services.roles import ADMIN
from services.safety.location import resolve_database
from ui.cli.base import CliContext, UsageError, print_json


def register(sub: Any) -> None:
    c = sub.add_parser("copy-db", help="把整个数据库（--db）复制到 TARGET：新的数据库文件，或服务器上的空数据库"
                                       "（postgresql+psycopg://账号@主机:端口/库名）；仅限本单位的管理员")
    c.add_argument("target", metavar="TARGET", help="新的数据库文件，或服务器上空数据库的地址")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=cmd_copy_db)


def cmd_copy_db(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.safety import audit
    from services.safety import copying as copy_service

    if not args.target.strip():  # not the default database
        raise UsageError("没有给出复制的目标：请给出新的数据库文件名，或服务器上空数据库的地址。")
    ws = ctx.workspace()
    ws.require_snapshot("复制整个数据库")
    target = resolve_database(args.target)
    where = target.url if target.url is not None else target.path
    assert where is not None
    result = copy_service.copy_database(ws.db, where)
    with ws.write("copy-db", needs=ADMIN) as uow:
        audit.record_event(uow.session, uow.actor, "copy-db", f"复制整个数据库到 {target}",
                           {"target": str(target), "rows": result.rows, "members": result.members})
    if args.json:
        print_json({"target": str(target), "tables": result.tables, "rows": result.rows, "members": result.members})
    print(f"已把整个数据库复制到 {target}（{result.members}名党员，共{result.rows}行）。", file=sys.stderr)
    return 0
