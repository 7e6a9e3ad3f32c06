"""Commands for the year and the period: `stats`, `ledger`, `report`, `targets`, `grades`, `spending`, `card`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from services.errors import DangxunError, NormalizeError
from services.normalize import parse_full_date
from services.roles import EDITOR
from ui.cli.base import CliContext, UsageError, named_file, number, output_file_of, print_json


def _date(text: str) -> dt.date:
    try:
        day = parse_full_date(text)
    except NormalizeError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    if day is None:
        raise argparse.ArgumentTypeError("日期不能为空")
    return day


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度“{text}”应为四位数字") from None
    if not 1900 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"年度“{text}”不合理")
    return year


def register(sub: Any) -> None:
    p = sub.add_parser("stats", help="统计一个时期的党员、活动、人次、学时与覆盖率")
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.add_argument("--members", choices=("on_roll", "below_target", "no_hours"),
                   help="列出一项数字背后的党员：on_roll 在册党员；below_target 未达到学时目标（须给 --year）；"
                        "no_hours 没有学时")
    p.add_argument("--year", type=_year, metavar="Y", help="与 --members 一起：统计区间内的某一年度")
    p.add_argument("--branch", metavar="NAME", help="与 --members 一起：只列该党支部")
    p.add_argument("--by-audience", action="store_true",
                   help="按培训对象统计：每类培训对象的活动次数、参训人数、人次和学时")
    p.add_argument("--fresh", action="store_true",
                   help="不用上次保存的统计结果，重新计算（数据未变时本会直接给出保存的结果）")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("ledger", help="导出年度学时台账（Excel）")
    p.add_argument("--year", type=_year, required=True, metavar="Y")
    p.add_argument("out", type=output_file_of(".xlsx"), metavar="OUT.xlsx")
    p.add_argument("--notice", type=output_file_of(".pdf"), metavar="OUT.pdf", help="同时生成各支部学时未达标提醒（PDF）")
    p.set_defaults(handler=cmd_ledger)

    p = sub.add_parser("report", help="生成贯彻落实情况报告（Word，可另附 Excel）；--year 生成年度报告")
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE")
    p.add_argument("--year", type=_year, metavar="Y", help="向上级党组织的年度报告（条例第43条），代替 --from/--to")
    p.add_argument("--submit", action="store_true",
                   help="作为上报数保存报告中的数据；此后同一区间的报告会列出变动的数据及原因")
    p.add_argument("out", type=output_file_of(".docx"), metavar="OUT.docx")
    p.add_argument("--xlsx", type=output_file_of(".xlsx"), metavar="OUT.xlsx", help="同时导出报告数据与附表（Excel）")
    p.add_argument("--organisation", default="我局党委", help="报告中的单位称谓（默认：我局党委）")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("targets", help="年度学时目标")
    tsub = p.add_subparsers(dest="targets_command", metavar="ACTION", required=True)
    t = tsub.add_parser("show", help="显示某年度的学时目标")
    t.add_argument("--year", type=_year, required=True)
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=cmd_targets_show)
    t = tsub.add_parser("set", help="设置某年度某类人员的学时目标")
    t.add_argument("--year", type=_year, required=True)
    t.add_argument("--group", choices=("all", "committee", "bureau"), required=True,
                   help="all 全体党员；committee 支部书记和支委委员；bureau 本局自定目标")
    t.add_argument("--hours", type=number, required=True, help="每名党员每年应完成的学时")
    t.add_argument("--disable", action="store_true", help="停用该目标（如新规划不设固定学时）")
    t.add_argument("--class-required", action="store_true", help="要求至少参加一次集中培训")
    t.set_defaults(handler=cmd_targets_set)
    t = tsub.add_parser("exclude", help="某年度某类活动的学时不计入目标（--include 恢复计入）")
    t.add_argument("--year", type=_year, required=True)
    t.add_argument("type", metavar="TYPE", help="活动类别名称，如 网络培训")
    t.add_argument("--include", action="store_true", help="恢复计入该类别的学时")
    t.set_defaults(handler=cmd_targets_exclude)

    p = sub.add_parser("grades", help="民主评议党员等次")
    gsub = p.add_subparsers(dest="grades_command", metavar="ACTION", required=True)
    g = gsub.add_parser("import", help="从 Excel 导入评议等次（姓名/身份证号、评议等次、备注）")
    g.add_argument("--year", type=_year, required=True)
    g.add_argument("file", metavar="FILE", help="评议结果表（Excel/CSV）")
    g.set_defaults(handler=cmd_grades_import)
    g = gsub.add_parser("list", help="列出某年度的评议等次")
    g.add_argument("--year", type=_year, required=True)
    g.add_argument("--json", action="store_true")
    g.set_defaults(handler=cmd_grades_list)

    p = sub.add_parser("spending", help="党费和经费开支")
    ssub = p.add_subparsers(dest="spending_command", metavar="ACTION", required=True)
    s = ssub.add_parser("add", help="登记一笔开支")
    s.add_argument("--date", required=True, help="开支日期，如 2024-05-01")
    s.add_argument("--amount", required=True, help="金额（元）")
    s.add_argument("--purpose", required=True, help="书籍、订阅、培训班、下拨支部经费、其他")
    s.add_argument("--source", required=True, help="党费、行政经费")
    s.add_argument("--remarks", help="备注")
    s.set_defaults(handler=cmd_spending_add)
    s = ssub.add_parser("list", help="列出一个时期的开支")
    s.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    s.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=cmd_spending_list)

    p = sub.add_parser("card", help="导出党员学时登记卡（PDF 或 Excel）")
    p.add_argument("id_number", metavar="ID_NUMBER", help="党员的公民身份号码")
    p.add_argument("out", type=output_file_of(".pdf", ".xlsx"), metavar="OUT.pdf|OUT.xlsx")
    p.add_argument("--year", type=_year, action="append", help="只含该年度（可多次给出）")
    p.set_defaults(handler=cmd_card)


def _check_period(args: argparse.Namespace) -> None:
    if args.date_from > args.date_to:
        raise UsageError("--from 的日期晚于 --to 的日期")


def _hours(value: float) -> str:
    """Hours as a clerk writes them: 6135, 61.35 (no 6135.0)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _writable(path: str) -> Path:
    """An output file (its extension checked as the command line was read); a missing folder is made when the
    file is written, as for every command's output (services/files/safe_write.py check_target)."""
    return Path(path).expanduser()


def cmd_stats(args: argparse.Namespace, ctx: CliContext) -> int:
    _check_period(args)
    if (args.year is not None or args.branch) and not args.members:
        raise UsageError("--year 和 --branch 须与 --members 一起使用")
    if args.members == "below_target" and args.year is None:
        raise UsageError("--members below_target 须给出 --year（统计区间内的某一年度）")
    if args.by_audience:
        if args.members:
            raise UsageError("--by-audience 不能与 --members 一起使用")
        return _print_by_audience(args, ctx)
    if args.members:
        from services.assessment.stats import compute_stats_detail

        with ctx.workspace().read() as session:
            detail = compute_stats_detail(session, args.date_from, args.date_to, parallel=True)
        return _print_members(args, detail)
    kept = None if args.fresh else _kept_in_file(ctx, args.date_from, args.date_to)
    figures = kept or _figures(ctx.workspace(), args.date_from, args.date_to, fresh=args.fresh)
    if args.json:
        print_json(figures)
        return 0
    print(f"统计区间：{figures['from']} 至 {figures['to']}")
    print(f"现有党员 {figures['members']} 名，分布在 {figures['branches']} 个党支部")
    for name, n in figures["activities"].items():
        print(f"  {name}：{n} 次，{figures['person_times'].get(name, 0)} 人次")
    print(f"累计学时 {_hours(figures['total_hours'])}；党员年均 {_hours(figures['avg_hours_per_member_year'])} 学时；"
          f"覆盖率 {figures['coverage']:.2%}")
    for year, y in figures["years"].items():
        if not y["total_hours"]:  # not begun, or nothing recorded: not "0 hours, everyone below target"
            print(f"  {year}年：在册 {y['members']} 名，尚无学时记录")
            continue
        print(f"  {year}年：在册 {y['members']} 名，学时 {_hours(y['total_hours'])}，人均 {_hours(y['avg_hours'])}，"
              f"最少 {_hours(y['min_hours'])}，覆盖率 {y['coverage']:.2%}，未达标 {y['below_target']} 名")
    return 0


def _kept_in_file(ctx: CliContext, date_from: dt.date, date_to: dt.date) -> dict[str, Any] | None:
    """The period's kept figures read straight from a file that opens as is (ours, this release's
    schema, no accounts, checked today: recognise.ready_as_is), before SQLAlchemy is loaded; None
    otherwise (the workspace is then opened as always, with its checks, messages and backups)."""
    path = ctx.db_path
    if path is None or not path.is_file():
        return None
    from services.assessment.kept_figures import kept_figures_in_file
    from services.safety.recognise import ready_as_is

    conn = ready_as_is(path)
    if conn is None:
        return None
    try:
        return kept_figures_in_file(conn, date_from, date_to)
    except Exception:  # sqlite3.Error or anything odd in the file: the full open says what it is
        return None
    finally:
        conn.close()


def _figures(ws: Any, date_from: dt.date, date_to: dt.date, fresh: bool = False) -> dict[str, Any]:
    """The period's figures: kept ones while their data are unchanged (unless `fresh`), else worked out and kept."""
    from services import access
    from services.assessment.kept_figures import (
        figures_key,
        figures_stamp,
        keep_figures,
        kept_figures,
    )
    from services.assessment.stats import compute_stats_detail

    with ws.read() as session:
        key = figures_key(date_from, date_to, access.current_branches(session))
        stamp = figures_stamp(session)  # before working out: a write in between leaves them unkept
        figures = None if fresh or not ws.has_figures_table() else kept_figures(session, key, stamp)
    if figures is not None:
        return figures
    with ws.read() as session:
        figures = compute_stats_detail(session, date_from, date_to, parallel=True).figures
    ws.keep(lambda session: keep_figures(session, key, stamp, figures))
    return figures


def _print_by_audience(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.plan.audience_stats import audience_figures

    with ctx.workspace().read() as session:
        rows = audience_figures(session, args.date_from, args.date_to)
    if args.json:
        print_json({"from": args.date_from.isoformat(), "to": args.date_to.isoformat(),
                    "by_audience": [r.to_json() for r in rows]})
        return 0
    print(f"统计区间：{args.date_from.isoformat()} 至 {args.date_to.isoformat()}（按培训对象）")
    for r in rows:
        own = "" if r.canonical else "（自定）"
        print(f"  {r.audience}{own}：{r.activities} 次，{r.members} 人，{r.person_times} 人次，{r.hours:g} 学时")
    return 0


def _print_members(args: argparse.Namespace, detail: Any) -> int:
    """The members behind a figure (the same lists as the statistics tab's drill-downs)."""
    from services.assessment import figures

    branch_id = figures.branch_id_by_name(detail, args.branch) if args.branch else None
    ids = figures.member_ids(detail, args.members, args.year, branch_id)
    found = figures.member_figures(detail, ids, args.year)
    if args.json:
        print_json([{"id": m.id, "name": m.name, "branch": m.branch, "party_post": m.party_post,
                     "membership": m.membership, "hours": m.hours, "target": m.target,
                     "target_basis": m.target_basis} for m in found])
        return 0
    when = f"{args.year}年" if args.year is not None else f"截至{args.date_to.isoformat()}"
    print(f"{when}{figures.MEMBER_LISTS[args.members]}" + (f"（{detail.branch_names[branch_id]}）" if branch_id is not None else "")
          + f"：{len(found)} 名")
    for m in found:
        cells = [m.branch, m.name, m.party_post or "—", m.membership]
        if m.hours is not None:
            cells += [f"{m.hours:g}学时", "无目标" if m.target is None else f"目标{m.target:g}学时", m.target_basis]
        print("\t".join(cells))
    return 0


def cmd_ledger(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import ledger
    from services.files.safe_write import write_together

    out = _writable(args.out)
    notice = _writable(args.notice) if args.notice is not None else None
    with ctx.workspace().read() as session:
        # The ledger and its notice: both written, or neither (a failed notice leaves no new ledger either).
        jobs: list[tuple[Path, Callable[[Path], object]]] = [
            (out, lambda path: ledger.write_ledger_xlsx(session, args.year, path))]
        if notice is not None:
            items = ledger.shortfalls(session, args.year)
            jobs.append((notice, lambda path: ledger.write_shortfall_notice(path, args.year, items)))
        write_together(jobs)
    print(f"已导出{args.year}年度学时台账：{out}", file=sys.stderr)
    if notice is not None:
        print(f"已生成学时未达标提醒：{notice}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.files.safe_write import write_together
    from services.printing import report

    if args.year is not None:
        if args.date_from is not None or args.date_to is not None:
            raise UsageError("--year 与 --from/--to 只能用一种")
    elif args.date_from is None or args.date_to is None:
        raise UsageError("请用 --from 和 --to 给出报告区间，或用 --year 生成年度报告")
    else:
        _check_period(args)
    out = _writable(args.out)
    xlsx = _writable(args.xlsx) if args.xlsx is not None else None
    with ctx.workspace().read() as session:
        if args.year is not None:
            content = report.build_year_return(session, args.year, organisation=args.organisation)
        else:
            content = report.build_report(session, args.date_from, args.date_to, organisation=args.organisation)
    # The report and its workbook: both written, or neither (a failed workbook leaves no new report either).
    jobs: list[tuple[Path, Callable[[Path], object]]] = [(out, lambda path: report.write_report_docx(content, path))]
    if xlsx is not None:
        jobs.append((xlsx, lambda path: report.write_report_xlsx(content, path)))
    write_together(jobs)
    print(f"已生成报告：{out}" + (f"，数据表：{xlsx}" if xlsx else ""), file=sys.stderr)
    if args.submit:
        from services.plan import submitted

        with ctx.workspace().write("submit", needs=EDITOR, what="保存上报数") as uow:
            submitted.submit(uow.session, uow.actor, content.date_from, content.date_to, content.title,
                             content.figures)
        print("已保存为上报数。", file=sys.stderr)
    return 0


def cmd_targets_show(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import targets

    with ctx.workspace().read() as session:
        rules = targets.rules_for_year(session, args.year)
        posts = targets.committee_posts(session)
    data = {g: {"label": r.label, "hours": r.hours, "enabled": r.enabled, "class_required": r.class_required,
                "stored": r.stored} for g, r in rules.items()}
    if args.json:
        print_json({"year": args.year, "rules": data, "committee_posts": list(posts)})
        return 0
    for r in rules.values():
        state = "启用" if r.enabled else "未启用"
        hours = f"{r.hours:g}学时" if r.hours is not None else "未设置"
        print(f"{r.label}\t{hours}\t{state}" + ("\t含一次集中培训" if r.class_required else ""))
    return 0


def cmd_targets_set(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import targets

    with ctx.workspace().write("save-targets", needs=EDITOR) as uow:
        rule = targets.set_rule(uow.session, uow.actor, args.year, args.group, args.hours,
                                enabled=not args.disable, class_required=args.class_required)
    print(f"已设置{args.year}年度“{rule.label}”学时目标：{rule.hours:g}学时" + ("" if rule.enabled else "（停用）"),
          file=sys.stderr)
    return 0


def cmd_targets_exclude(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import targets

    with ctx.workspace().write("save-targets", needs=EDITOR) as uow:
        targets.set_type_excluded(uow.session, uow.actor, args.year, args.type, not args.include)
    print(f"{args.year}年度“{args.type}”学时" + ("计入" if args.include else "不计入") + "目标", file=sys.stderr)
    return 0


def cmd_grades_import(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import assessments

    named_file(args.file)
    ws = ctx.workspace()
    ws.require(EDITOR)
    # Checked first in a transaction that is never committed: a refused file takes no backup.
    with ws.read() as session:
        result = assessments.import_grades(session, ws.actor, args.year, args.file)
        session.rollback()
    if result.saved:
        with ws.write("import-grades", needs=EDITOR, backup=f"导入{args.year}年度民主评议等次之前") as uow:
            result = assessments.import_grades(uow.session, uow.actor, args.year, args.file)
    for w in result.warnings:
        print(f"提醒：{w}", file=sys.stderr)
    print(f"已导入{args.year}年度民主评议等次：{result.saved}条有变化", file=sys.stderr)
    return 0


def cmd_grades_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import assessments

    with ctx.workspace().read() as session:
        rows = assessments.list_grades(session, args.year)
    if args.json:
        print_json([{"member_id": r.member_id, "name": r.name, "branch": r.branch, "membership": r.membership,
                     "grade": r.grade, "remarks": r.remarks} for r in rows])
        return 0
    for r in rows:
        print("\t".join((r.branch, r.name, r.grade or ("不定等次" if r.probationary else "未评"), r.remarks)))
    for w in assessments.excellent_warnings(rows):
        print(f"提醒：{w}", file=sys.stderr)
    return 0


def cmd_spending_add(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import spending

    with ctx.workspace().write("add-spending", needs=EDITOR) as uow:
        row = spending.add_spending(uow.session, uow.actor, args.date, args.amount, args.purpose, args.source,
                                    args.remarks)
    print(f"已登记：{row.date.isoformat()} {row.purpose} {row.amount:.2f}元（{row.source}）", file=sys.stderr)
    return 0


def cmd_spending_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import spending

    _check_period(args)
    with ctx.workspace().read() as session:
        rows = spending.list_spending(session, args.date_from, args.date_to)
    if args.json:
        print_json([{"id": r.id, "date": r.date.isoformat(), "amount": r.amount, "purpose": r.purpose,
                     "source": r.source, "remarks": r.remarks} for r in rows])
        return 0
    for r in rows:
        print(f"{r.date.isoformat()}\t{r.purpose}\t{r.amount:.2f}\t{r.source}\t{r.remarks}")
    return 0


def cmd_card(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.assessment import ledger
    from services.roll.members import find_by_id_number

    out = _writable(args.out)
    with ctx.workspace().read() as session:
        member = find_by_id_number(session, args.id_number)
        if member is None:
            raise DangxunError(f"身份证号码 {args.id_number} 不在党员名册中")
        card = ledger.training_card(session, member.id, sorted(set(args.year)) if args.year else None)
    if out.suffix.lower() == ".pdf":
        ledger.write_card_pdf(card, out)
    else:
        ledger.write_card_xlsx(card, out)
    print(f"已导出{card.name}的学时登记卡：{out}", file=sys.stderr)
    return 0
