"""Printouts from the command line: `print-roll OUT.pdf` (党员花名册)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from services.errors import PermissionDeniedError
from services.normalize import LEFT_STATUSES
from services.roles import VIEWER
from ui.cli.base import CliContext, output_file_of, print_json

ALL_STATUSES = "全部"


def register(sub: Any) -> None:
    p = sub.add_parser("print-roll", help="把党员花名册打印为 PDF（A4 横向，身份证号码默认隐去中间几位）")
    p.add_argument("out", type=output_file_of(".pdf"), metavar="OUT.pdf")
    p.add_argument("--branch", metavar="NAME", help="只打印该党支部")
    p.add_argument("--status", choices=("在册", *LEFT_STATUSES, ALL_STATUSES), default="在册",
                   help="党籍状态（默认：在册；全部：不论状态）")
    p.add_argument("--portrait", action="store_true", help="A4 纵向（不含联系电话）")
    p.add_argument("--full-ids", action="store_true", help="打印完整的身份证号码和电话（仅管理员、录入员）")
    p.add_argument("--json", action="store_true", help="在标准输出给出 {path, pages, members}")
    p.set_defaults(handler=cmd_print_roll)


def cmd_print_roll(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.printing import print_roll

    out = Path(args.out)
    try:
        # A unit of work: the print is logged. The service refuses full numbers to a 查阅 account.
        with ctx.workspace().write("print", needs=VIEWER) as uow:
            result = print_roll.print_roll(
                uow.session, out, branch=args.branch, status=None if args.status == ALL_STATUSES else args.status,
                landscape=not args.portrait, full_ids=args.full_ids, actor=uow.actor)
    except PermissionDeniedError as exc:
        if args.full_ids:  # the service's reason, and what to do about it here
            raise PermissionDeniedError(f"{exc.message}请去掉 --full-ids（打印时身份证号码隐去中间几位）。") from exc
        raise
    except OSError as exc:
        print(f"错误：无法写入 {out}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"已打印{result.members}名党员，共{result.pages}页：{result.path}", file=sys.stderr)
    if args.json:
        print_json({"path": str(result.path), "pages": result.pages, "members": result.members})
    return 0
