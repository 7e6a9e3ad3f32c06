"""Commands for the roll: `demo`, `members list`, `branches ...`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from services.normalize import format_partial
from services.roles import EDITOR
from ui.cli.base import CliContext, print_json


def _count_between(least: int, most: int) -> Callable[[str], int]:
    """argparse type of a demo size: a whole number in [least, most], refused (exit 2) before any database is made."""

    def count(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}”应为整数") from None
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(f"“{text}”应在{least}到{most}之间")
        return value

    return count


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="向空数据库载入示例单位（默认11个党支部、100名党员）；--remove 删除示例数据")
    p.add_argument("--members", type=_count_between(0, 50_000), default=100, metavar="N",
                   help="示例党员人数（0—50000，默认100）")
    p.add_argument("--branches", type=_count_between(1, 500), default=11, metavar="K",
                   help="示例党支部个数（1—500，默认11）")
    p.add_argument("--seed", type=int, default=2024, help=argparse.SUPPRESS)
    p.add_argument("--no-activities", action="store_true", help="只载入名册，不载入培训活动")
    p.add_argument("--remove", action="store_true", help="删除此前载入的示例数据（只删示例记录，不动本单位录入的数据）")
    p.set_defaults(handler=cmd_demo)

    members = sub.add_parser("members", help="党员名册")
    msub = members.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    lst = msub.add_parser("list", help="列出党员（按支部、姓氏笔画排序）")
    lst.add_argument("--branch", metavar="NAME", help="只列出该党支部的党员")
    lst.add_argument("--status", metavar="STATUS", help="在册、转出、去世……（默认全部）")
    lst.add_argument("--search", metavar="TEXT", help="姓名、拼音首字母、身份证号尾号或电话")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_members_list)

    br = sub.add_parser("branches", help="党支部")
    bsub = br.add_subparsers(dest="branches_command", metavar="ACTION", required=True)
    bl = bsub.add_parser("list", help="列出党支部及人数")
    bl.add_argument("--json", action="store_true")
    bl.set_defaults(handler=cmd_branches_list)
    bc = bsub.add_parser("create", help="新建党支部")
    bc.add_argument("name", help="新党支部的名称")
    bc.set_defaults(handler=cmd_branches_create)
    bm = bsub.add_parser("merge", help="把 SOURCE 支部并入 TARGET 支部")
    bm.add_argument("source", help="被并入的党支部（并入后删除）")
    bm.add_argument("target", help="并入到的党支部")
    bm.set_defaults(handler=cmd_branches_merge)


def cmd_demo(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.demo import demo as demo_service
    from services.demo import records as demo_records

    if args.remove:
        with ctx.workspace().write("demo-remove", needs=EDITOR, backup=True) as uow:
            removed = demo_records.remove_demo(uow.session, uow.actor)
        print(removed.describe(), file=sys.stderr)
        return 0
    with ctx.workspace().write("demo", needs=EDITOR) as uow:
        result = demo_service.seed_demo_bureau(uow.session, members=args.members, branches=args.branches,
                                               seed=args.seed, actor=uow.actor,
                                               with_activities=not args.no_activities)
    print(f"已载入示例数据：{result.branches}个党支部，{result.members}名党员，"
          f"{result.activities}项培训活动。", file=sys.stderr)
    return 0


def cmd_members_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.roll import branches as branch_service
    from services.roll import members as member_service

    # The service masks ID and phone numbers for a 查阅 account (the role bound to the session).
    with ctx.workspace().read() as session:
        if args.branch:
            branch_service.get_branch(session, args.branch)
        records = member_service.list_members(session, branch=args.branch, status=args.status,
                                              query=args.search)
    if args.json:
        print_json([r.to_json() for r in records])
        return 0
    for r in records:
        print("\t".join((r.branch, r.name, r.sex, r.id_number, r.membership, r.party_post or "",
                         format_partial(r.joined_party), r.status)))
    print(f"共{len(records)}人", file=sys.stderr)
    return 0


def cmd_branches_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.roll import branches as branch_service

    with ctx.workspace().read() as session:
        infos = branch_service.list_branches(session)
    if args.json:
        print_json([{"id": b.id, "name": b.name, "members": b.active_members, "all_records": b.all_members}
                    for b in infos])
    else:
        for b in infos:
            print(f"{b.name}\t{b.active_members}")
    return 0


def cmd_branches_create(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.roll import branches as branch_service

    with ctx.workspace().write("branches-create", needs=EDITOR) as uow:
        info = branch_service.create_branch(uow.session, args.name, uow.actor)
    print(f"已新建党支部“{info.name}”。", file=sys.stderr)
    return 0


def cmd_branches_merge(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.roll import branches as branch_service

    ws = ctx.workspace()
    ws.require(EDITOR)  # the role first, then unknown names, then the backup and the write
    with ws.read() as session:
        source = branch_service.get_branch(session, args.source)
        target = branch_service.get_branch(session, args.target)
    # A merge removes a branch: one backup before it, so it can be undone.
    with ws.write("branches-merge", needs=EDITOR, backup=f"合并党支部“{source.name}”之前") as uow:
        moved = branch_service.merge_branches(uow.session, source.id, target.id, uow.actor)
    print(f"已把“{args.source}”并入“{args.target}”，转入党员{moved}名。", file=sys.stderr)
    return 0
