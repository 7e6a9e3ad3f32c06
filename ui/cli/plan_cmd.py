"""Commands for the plan period: `plans list|set`, and the materials register `materials issue|list|sheet`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from services.access import ADMIN, EDITOR
from services.plan import materials, periods
from ui.cli.base import CliContext, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("plans", help="党员教育培训规划（规划期及其年度学时目标）")
    psub = p.add_subparsers(dest="plans_command", metavar="ACTION", required=True)
    pl = psub.add_parser("list", help="列出规划及各组默认年度学时目标")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(handler=cmd_plans_list)
    ps = psub.add_parser("set", help="设置规划中某一组的默认年度学时目标（某年度的目标仍以 targets 为准）")
    ps.add_argument("name", metavar="NAME", help="规划名称，如 2024—2028年全国党员教育培训工作规划（“-”“－”亦可）")
    ps.add_argument("--group", required=True, choices=periods.GROUPS,
                    help="all 全体党员；committee 支部书记和支委委员；bureau 本局自定目标")
    ps.add_argument("--hours", required=True, metavar="H", help="学时；none 表示不设")
    cls = ps.add_mutually_exclusive_group()
    cls.add_argument("--class-required", dest="class_required", action="store_true", default=None,
                     help="须含一次集中培训")
    cls.add_argument("--no-class-required", dest="class_required", action="store_false")
    ps.add_argument("--json", action="store_true")
    ps.set_defaults(handler=cmd_plans_set)

    m = sub.add_parser("materials", help="学习资料发放登记")
    msub = m.add_subparsers(dest="materials_command", metavar="ACTION", required=True)
    mi = msub.add_parser("issue", help="登记发放：资料名称（可带或不带《》）、日期、领取党员")
    mi.add_argument("title", metavar="TITLE")
    mi.add_argument("--date", required=True, metavar="DATE")
    mi.add_argument("--member", action="append", default=[], metavar="ID_NUMBER", required=True,
                    help="领取党员的身份证号码；可重复")
    mi.add_argument("--copies", type=int, default=1, metavar="N", help="每人份数（默认1）")
    mi.add_argument("--spending", type=int, metavar="SPENDING_ID", help="用党费购买时对应的经费开支编号")
    mi.add_argument("--json", action="store_true")
    mi.set_defaults(handler=cmd_materials_issue)
    ml = msub.add_parser("list", help="列出发放过的资料")
    ml.add_argument("--json", action="store_true")
    ml.set_defaults(handler=cmd_materials_list)
    mp = msub.add_parser("sheet", help="打印资料签收表（PDF）")
    mp.add_argument("title", metavar="TITLE")
    mp.add_argument("out", metavar="OUT.pdf")
    mp.set_defaults(handler=cmd_materials_sheet)


def _hours(text: str) -> float | None:
    from services.errors import ValidationError

    if text.strip().lower() in ("none", "无", "不设", ""):
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ValidationError(f"学时“{text}”不是数字", "hours") from exc


def _plan_line(plan: periods.PlanInfo) -> str:
    parts = []
    for t in plan.targets:
        figure = "不设" if t.hours is None else f"{t.hours:g}学时" + ("（含一次集中培训）" if t.class_required else "")
        parts.append(f"{periods.GROUP_LABELS[t.group]} {figure}" + ("（沿用）" if t.carried_over else ""))
    return f"{plan.name}\t{plan.start:%Y-%m-%d}～{plan.end:%Y-%m-%d}\t" + "；".join(parts)


def cmd_plans_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().read() as session:
        plans = periods.list_plans(session)
    if args.json:
        print_json([p.to_json() for p in plans])
        return 0
    for plan in plans:
        print(_plan_line(plan))
    print(f"共{len(plans)}个规划", file=sys.stderr)
    return 0


def cmd_plans_set(args: argparse.Namespace, ctx: CliContext) -> int:
    hours = _hours(args.hours)
    with ctx.workspace().write("plan-target", needs=ADMIN, what="修改规划目标") as uow:
        plan = periods.set_plan_target(uow.session, uow.actor, args.name, args.group, hours, args.class_required)
    if args.json:
        print_json(plan.to_json())
    print("已设置：" + _plan_line(plan), file=sys.stderr)
    return 0


def cmd_materials_issue(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().write("material-issue", needs=EDITOR) as uow:
        result = materials.issue_material(uow.session, uow.actor, args.title, args.date, args.member,
                                          copies=args.copies, spending_id=args.spending)
    if args.json:
        print_json(result.to_json())
    already = f"，{result.already}人此前已登记" if result.already else ""
    print(f"已登记发放{materials.book(result.title)}：{result.issued}人{already}。", file=sys.stderr)
    return 0


def cmd_materials_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().read() as session:
        rows = materials.list_materials(session)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    for r in rows:
        span = "" if r.first is None else f"{r.first:%Y-%m-%d}～{r.last:%Y-%m-%d}"
        print(f"{materials.book(r.title)}\t{r.members}人\t{r.copies}份\t{span}")
    print(f"共{len(rows)}种资料", file=sys.stderr)
    return 0


def cmd_materials_sheet(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.printing import materials_sheet

    out = Path(args.out).expanduser()
    with ctx.workspace().write("print", needs=EDITOR, what="打印签收表") as uow:
        rows = materials.issues_of(uow.session, args.title)
        pages = materials_sheet.write_sign_off_sheet(out, materials.book(args.title), rows)
        uow.log(f"打印{materials.book(args.title)}签收表：{len(rows)}人，{pages}页", {"path": str(out)}, "print")
    print(f"已生成签收表 {out}（{len(rows)}人，{pages}页）。", file=sys.stderr)
    return 0
