"""Commands for the plan period: `plans list|set`, `rules check|post|exempt|mobile`, `materials issue|list|sheet`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from services.access import ADMIN, EDITOR
from services.plan import materials, periods
from ui.cli.base import CliContext, input_file, integer, output_file_of, print_json


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
    cls.add_argument("--no-class-required", dest="class_required", action="store_false", help="不要求集中培训")
    ps.add_argument("--json", action="store_true")
    ps.set_defaults(handler=cmd_plans_set)

    r = sub.add_parser("rules", help="条例和规划的要求：新党员、新任支部书记、免训、流动党员")
    rsub = r.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    rc = rsub.add_parser("check", help="列出各项要求涉及的党员及是否达到")
    rc.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    rc.add_argument("--to", dest="date_to", required=True, metavar="DATE")
    rc.add_argument("--json", action="store_true")
    rc.set_defaults(handler=cmd_rules_check)
    rp = rsub.add_parser("post", help="登记任职经历（如 支部书记，自某日起）")
    rp.add_argument("member", metavar="ID_NUMBER", help="党员的身份证号码")
    rp.add_argument("--post", required=True, help="职务，如 支部书记")
    rp.add_argument("--from", dest="start", required=True, metavar="DATE", help="任职开始日期")
    rp.add_argument("--to", dest="end", metavar="DATE", help="任职结束日期（省略：仍在任）")
    rp.set_defaults(handler=cmd_rules_post)
    rx = rsub.add_parser("exempt", help="登记某年度免予学时考核（年老体弱、长期病休）")
    rx.add_argument("member", metavar="ID_NUMBER", help="党员的身份证号码")
    rx.add_argument("--year", type=int, required=True, metavar="Y")
    rx.add_argument("--reason", required=True, help="免予考核的原因：年老体弱、长期病休")
    rx.set_defaults(handler=cmd_rules_exempt)
    rm = rsub.add_parser("mobile", help="登记流动党员")
    rm.add_argument("member", metavar="ID_NUMBER", help="党员的身份证号码")
    rm.add_argument("--from", dest="start", required=True, metavar="DATE", help="外出流动的开始日期")
    rm.add_argument("--to", dest="end", metavar="DATE", help="流动结束日期（省略：仍在外）")
    rm.add_argument("--place", help="流入地或工作单位")
    rm.set_defaults(handler=cmd_rules_mobile)

    sp = sub.add_parser("study-plan", help="年度学习计划和必读书目、篇目")
    spsub = sp.add_subparsers(dest="study_command", metavar="ACTION", required=True)
    ss = spsub.add_parser("set", help="新建或修改某年度学习计划的标题和正文")
    ss.add_argument("--year", type=int, required=True, metavar="Y")
    ss.add_argument("--title", help="学习计划标题")
    ss.add_argument("--body-file", metavar="FILE", help="正文（UTF-8 文本文件，每段一行）")
    ss.set_defaults(handler=cmd_study_set)
    sa = spsub.add_parser("add", help="增加一条书目、篇目或学习专题")
    sa.add_argument("--year", type=int, required=True, metavar="Y")
    sa.add_argument("--kind", required=True, choices=("书目", "篇目", "专题"), help="条目类别")
    sa.add_argument("--title", required=True, help="书名、篇名或专题名称")
    sa.add_argument("--month", type=integer, help="安排在几月（1—12）")
    sa.add_argument("--activity", type=integer, metavar="ACTIVITY_ID", help="落实这一条的活动")
    sa.set_defaults(handler=cmd_study_add)
    sl = spsub.add_parser("link", help="把条目关联到落实它的活动")
    sl.add_argument("item_id", type=integer, metavar="ITEM_ID")
    sl.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    sl.set_defaults(handler=cmd_study_link)
    sh = spsub.add_parser("show", help="显示某年度学习计划")
    sh.add_argument("--year", type=int, required=True, metavar="Y")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(handler=cmd_study_show)
    sr = spsub.add_parser("print", help="按公文格式打印某年度学习计划（PDF）")
    sr.add_argument("--year", type=int, required=True, metavar="Y")
    sr.add_argument("out", type=output_file_of(".pdf"), metavar="OUT.pdf")
    sr.set_defaults(handler=cmd_study_print)

    m = sub.add_parser("materials", help="学习资料发放登记")
    msub = m.add_subparsers(dest="materials_command", metavar="ACTION", required=True)
    mi = msub.add_parser("issue", help="登记发放：资料名称（可带或不带《》）、日期、领取党员")
    mi.add_argument("title", metavar="TITLE", help="资料名称")
    mi.add_argument("--date", required=True, metavar="DATE", help="发放日期")
    mi.add_argument("--member", action="append", default=[], metavar="ID_NUMBER", required=True,
                    help="领取党员的身份证号码；可重复")
    mi.add_argument("--copies", type=integer, default=1, metavar="N", help="每人份数（默认1）")
    mi.add_argument("--spending", type=integer, metavar="SPENDING_ID", help="用党费购买时对应的经费开支编号")
    mi.add_argument("--json", action="store_true")
    mi.set_defaults(handler=cmd_materials_issue)
    ml = msub.add_parser("list", help="列出发放过的资料")
    ml.add_argument("--json", action="store_true")
    ml.set_defaults(handler=cmd_materials_list)
    mp = msub.add_parser("sheet", help="打印资料签收表（PDF）")
    mp.add_argument("title", metavar="TITLE", help="资料名称（同发放登记）")
    mp.add_argument("out", type=output_file_of(".pdf"), metavar="OUT.pdf")
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


RULE_TITLES = {"new_member": "新党员集中培训", "new_secretary": "新任支部书记任职培训", "exempt": "免予学时考核",
               "mobile": "流动党员"}


def cmd_rules_check(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.normalize import parse_full_date
    from services.plan import rules

    lo, hi = parse_full_date(args.date_from), parse_full_date(args.date_to)
    if lo is None or hi is None:
        from ui.cli.base import UsageError

        raise UsageError("请用 --from 和 --to 给出统计区间")
    with ctx.workspace().read() as session:
        found = rules.check_rules(session, lo, hi)
    if args.json:
        print_json({k: [c.to_json() for c in v] for k, v in found.items()})
        return 0
    for key, cases in found.items():
        print(f"【{RULE_TITLES[key]}】{len(cases)}人")
        for c in cases:
            mark = {True: "已达到", False: "未达到", None: ""}[c.met]
            print(f"  {c.branch}\t{c.name}\t{mark}\t{c.detail}")
    return 0


def cmd_rules_post(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan import rules

    with ctx.workspace().write("member-post", needs=EDITOR) as uow:
        rules.add_post(uow.session, uow.actor, args.member, args.post, args.start, args.end)
    print(f"已登记任职经历：{args.post}（{args.start}起）。", file=sys.stderr)
    return 0


def cmd_rules_exempt(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan import rules

    with ctx.workspace().write("exemption", needs=EDITOR) as uow:
        rules.exempt(uow.session, uow.actor, args.member, args.year, args.reason)
    print(f"已登记{args.year}年度免予学时考核：{args.reason}。", file=sys.stderr)
    return 0


def cmd_rules_mobile(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan import rules

    with ctx.workspace().write("mobile-member", needs=EDITOR) as uow:
        rules.add_mobile(uow.session, uow.actor, args.member, args.start, args.end, args.place)
    print("已登记为流动党员。", file=sys.stderr)
    return 0


def cmd_study_set(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan import study_plan

    body = None
    if args.body_file is not None:
        from services.errors import UnreadableFileError

        path = input_file(args.body_file, "正文文件")
        try:
            body = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UnreadableFileError(f"无法读取正文文件 {args.body_file}（请用 UTF-8 文本文件）") from exc
    with ctx.workspace().write("study-plan", needs=EDITOR) as uow:
        study_plan.set_study_plan(uow.session, uow.actor, args.year, args.title, body)
    print(f"已保存{args.year}年度学习计划。", file=sys.stderr)
    return 0


def cmd_study_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan import study_plan

    with ctx.workspace().write("study-plan", needs=EDITOR) as uow:
        item_id = study_plan.add_item(uow.session, uow.actor, args.year, args.kind, args.title, args.month,
                                      args.activity)
    print(f"已增加第{item_id}号条目。", file=sys.stderr)
    return 0


def cmd_study_link(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan import study_plan

    with ctx.workspace().write("study-plan", needs=EDITOR) as uow:
        study_plan.link_item(uow.session, uow.actor, args.item_id, args.activity_id)
    print("已关联。", file=sys.stderr)
    return 0


def cmd_study_show(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan import study_plan

    with ctx.workspace().read() as session:
        plan = study_plan.get_study_plan(session, args.year)
    if args.json:
        print_json(plan.to_json())
        return 0
    print(plan.title)
    for item in plan.items:
        done = f"\t（{item.activity_title}）" if item.activity_title else ""
        print(f"{item.id}\t{item.kind}\t{item.shown}{done}")
    return 0


def cmd_study_print(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan import study_plan
    from services.printing.study_plan_pdf import write_study_plan_pdf

    out = Path(args.out).expanduser()
    with ctx.workspace().write("print", needs=EDITOR, what="打印学习计划") as uow:
        plan = study_plan.get_study_plan(uow.session, args.year)
        pages = write_study_plan_pdf(plan, out)
        uow.log(f"打印《{plan.title}》：{pages}页", {"path": str(out)}, "print")
    print(f"已生成 {out}（{pages}页）。", file=sys.stderr)
    return 0
