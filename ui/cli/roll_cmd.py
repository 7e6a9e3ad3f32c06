"""Commands for roll spreadsheets: `import-members`, `export-members`, `template members`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.files.spreadsheet import ReadAhead
from services.progress import RowProblem
from services.roles import EDITOR, VIEWER, can_see_full_ids
from ui.cli.base import CliContext, named_file, output_file_of, print_json, print_problems

if TYPE_CHECKING:
    from services.roll import roll_import


def register(sub: Any) -> None:
    p = sub.add_parser("import-members", help="从 Excel/CSV 花名册导入党员（先检查全部行，再一次写入）")
    p.add_argument("file", metavar="FILE", help="花名册文件（.xlsx、.xls、.et 或 .csv）")
    p.add_argument("--sheet", metavar="NAME", help="工作表名称（默认：找到表头的第一个工作表）")
    p.add_argument("--on-duplicate", choices=("update", "skip", "refuse"), default="refuse",
                   help="库中已有的党员：update 以本表为准更新，skip 跳过，refuse 拒绝导入（默认）")
    p.add_argument("--create-branches", action="store_true", help="表中出现的新党支部一并新建")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--errors", type=output_file_of(".xlsx"), metavar="OUT.xlsx", help="把有问题的行连同“错误原因”列另存为 Excel")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import_members)

    e = sub.add_parser("export-members", help="把党员花名册导出为 Excel")
    e.add_argument("out", type=output_file_of(".xlsx"), metavar="OUT.xlsx")
    e.add_argument("--branch", metavar="NAME", help="只导出该党支部")
    e.set_defaults(handler=cmd_export_members)

    t = sub.add_parser("template", help="导出空白导入模板")
    t.add_argument("kind", choices=("members",), help="members：党员花名册模板")
    t.add_argument("out", type=output_file_of(".xlsx"), metavar="OUT.xlsx")
    t.set_defaults(handler=cmd_template)


def cmd_import_members(args: argparse.Namespace, ctx: CliContext) -> int:
    # The file is parsed in a thread while the services load and the database opens; what is wrong
    # with it is still said after what is wrong with the database or the account.
    path = named_file(args.file)
    ahead = ReadAhead(path, sheet=args.sheet)
    from services.roll import roll_import

    roll_import.load_pinyin_meanwhile()
    ws = ctx.workspace()
    if not args.dry_run:
        ws.require(EDITOR, "导入花名册")
    with ws.read() as session:
        plan = roll_import.plan_import(session, path, sheet=args.sheet, on_duplicate=args.on_duplicate,
                                       ahead=ahead)
    branch_refusals = plan.branch_problems() if plan.new_branches and not args.create_branches else []
    if args.errors and plan.refused:
        roll_import.write_refused_rows(plan, Path(args.errors))
        print(f"有问题的行已另存为 {args.errors}（含“错误原因”列），改正后可再次导入。", file=sys.stderr)
    refused = bool(plan.refused or branch_refusals)
    created: list[str] = []
    if refused:
        _report_refusal(plan, branch_refusals)
    elif args.dry_run:
        created = list(plan.new_branches)
        print(f"检查通过（未写入）：{plan.summary()}" + (f"；将新建党支部：{'、'.join(created)}" if created else ""),
              file=sys.stderr)
    else:
        # Checked first, then one backup and one write: a refused import or a dry run takes none.
        with ws.write("import-members", needs=EDITOR, backup=f"导入花名册 {path.name} 之前") as uow:
            result = roll_import.apply_import(uow.session, plan, uow.actor, create_branches=args.create_branches)
            uow.note("member")
        created = result.branches_created
        print(f"已导入：{plan.summary()}" + (f"；新建党支部：{'、'.join(created)}" if created else ""),
              file=sys.stderr)
    if plan.restored and not refused:
        print(f"{len(plan.restored)}名党员的姓名、备注等按本表原文恢复（不计为更改）。", file=sys.stderr)
    if plan.ignored_columns:
        print(f"以下列不认识，未导入：{'、'.join(plan.ignored_columns)}", file=sys.stderr)
    if plan.form:
        print(f"读取的文件：{plan.form}，工作表“{plan.sheet}”，表头在第{plan.header_row}行。", file=sys.stderr)
    if args.json:
        print_json(plan.to_json(branches_created=created, extra_refused=branch_refusals))
    return 1 if refused else 0


def _report_refusal(plan: roll_import.ImportPlan, branch_refusals: list[RowProblem]) -> None:
    if plan.refused:
        print(f"导入被拒绝，数据库未作改动：{len(plan.refused_rows)}行有问题（共{plan.total_rows}行）。",
              file=sys.stderr)
        print_problems([f"  {problem.describe()}" for problem in plan.refused],
                       "加 --errors 有问题的行.xlsx 另存全部有问题的行及原因，或加 --json")
    if branch_refusals:
        print(f"以下党支部尚不存在：{'、'.join(plan.new_branches)}。确认新建请加 --create-branches；"
              "数据库未作改动。", file=sys.stderr)


def cmd_export_members(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.safety import audit

    # Anyone may export (a 查阅 account gets masked numbers from the service); every export is logged.
    with ctx.workspace().write("export", needs=VIEWER) as uow:
        from services.roll import roll_export  # openpyxl loads only for an export
        from services.roll.branches import get_branch

        # The branch as stored, however it was typed (第十二党支部(临时) is 第十二党支部（临时）), in the file and the log.
        branch = get_branch(uow.session, args.branch).name if args.branch else None
        result = roll_export.export_members(uow.session, Path(args.out), branch=branch)
        audit.log_export(uow.session, uow.actor, f"{branch or ''}党员花名册",
                         can_see_full_ids(uow.role), rows=result.count, path=str(result.path))
    print(f"已导出{result.count}名党员到 {result.path}", file=sys.stderr)
    return 0


def cmd_template(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().read() as session:
        from services.roll import roll_export

        path = roll_export.write_members_template(session, Path(args.out))
    print(f"已生成导入模板 {path}", file=sys.stderr)
    return 0
