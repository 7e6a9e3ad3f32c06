"""Commands for training: activities, enrolment, attendance, record import, sign-in sheets, certificates.

Printing, surveys and certificates are loaded by the commands that use them: `import-records` starts without them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from services.access import EDITOR, VIEWER
from services.errors import ValidationError
from services.roll import members
from services.training import activities, attendance, enrolment, records_import
from services.workspace import WriteConflictError
from ui.cli.base import (
    CliContext,
    input_file,
    integer,
    number,
    output_file_of,
    print_json,
    print_problems,
)

# A member named on the command line (adjust-hours, enrol --member, attendance set --member).
MEMBER_HELP = "党员：身份证号码，或党员编号（attendance show --json 中的 member_id）"


def member_reference(text: str) -> str:
    """argparse type of MEMBER: digits (an 编号, at most nine) or what looks like an ID number; the
    database says later whether such a member exists."""
    value = text.strip()
    if value.isdigit() and len(value) <= 9:
        return value
    if len(value) in (15, 18) and value[:-1].isdigit() and (value[-1].isdigit() or value[-1] in "xX"):
        return value
    if value.isdigit():
        raise argparse.ArgumentTypeError(f"“{text}”太大，超出范围：应为党员编号或15/18位身份证号码")
    raise argparse.ArgumentTypeError(f"“{text}”既不是党员编号，也不是身份证号码")


def register(sub: Any) -> None:
    p = sub.add_parser("import-records", help="导入学时记录（Excel/CSV，每行一名党员参加一项培训）")
    p.add_argument("file", metavar="FILE", help="学时记录文件（.xlsx、.xls、.et 或 .csv）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--json", action="store_true")
    p.add_argument("--on-existing", choices=records_import.ON_EXISTING, default="refuse",
                   help="已有记录与文件不同时：refuse 拒绝（默认）、update 以文件为准、skip 跳过；相同的记录总是不变")
    p.set_defaults(handler=cmd_import_records)

    act = sub.add_parser("activities", help="培训与学习活动")
    asub = act.add_subparsers(dest="activities_command", metavar="ACTION", required=True)
    lst = asub.add_parser("list", help="列出活动")
    lst.add_argument("--year", type=int, metavar="Y")
    lst.add_argument("--type", metavar="T", help="活动类别，如 中心组学习")
    lst.add_argument("--status", metavar="S", help="只列出该状态的活动：计划、进行中、已结束、已取消、已归档")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_activities_list)
    cr = asub.add_parser("create", help="新建活动", description=(
        "新建活动。已有同名（全角半角、空格不计）、同一开始日期且未取消的活动时，照常新建并在标准错误输出中提示；"
        "加 --no-duplicate 则不新建，以退出码 2 拒绝。"))
    cr.add_argument("--title", required=True, help="活动名称")
    cr.add_argument("--type", required=True, help="活动类别，如 中心组学习（见 activities types）")
    cr.add_argument("--start", required=True, metavar="DATE", help="开始日期，如 2024-05-08")
    cr.add_argument("--end", metavar="DATE", help="结束日期（默认同开始日期）")
    cr.add_argument("--hours", type=number, default=0.0, help="不分课次时的学时")
    cr.add_argument("--session", action="append", default=[], metavar="DATE,HOURS[,09:00-12:00[,主题]]",
                    help="一个课次；可重复")
    for name, text in (("organiser", "主办单位"), ("place", "地点"), ("lecturer", "授课人"),
                       ("target-group", "培训对象，如 全体党员、新党员、基层党组织书记和党务干部"),
                       ("paid-by", "经费来源，如 党费、行政经费")):
        cr.add_argument(f"--{name}", help=text)
    cr.add_argument("--cost", type=number, help="费用（元）")
    cr.add_argument("--completion", choices=tuple(activities.COMPLETION_RULES), default="all_sessions",
                    help="结业条件：all_sessions 全部课次出勤（默认）、hours 学时达到、share 出勤课次比例达到")
    cr.add_argument("--completion-value", type=number, help="与 --completion hours/share 一起：学时数，或比例（如 0.8）")
    cr.add_argument("--no-duplicate", action="store_true",
                    help="已有同名、同一开始日期且未取消的活动时不新建（退出码 2，不写入任何内容）")
    cr.add_argument("--json", action="store_true")
    cr.set_defaults(handler=cmd_activities_create)
    stt = asub.add_parser("status", help="改变活动状态（计划/进行中/已结束/已取消/已归档）")
    stt.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    stt.add_argument("status", choices=activities.STATUSES, help="新状态")
    stt.set_defaults(handler=cmd_activities_status)
    dl = asub.add_parser("delete", help="删除尚无考勤记录的活动")
    dl.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    dl.set_defaults(handler=cmd_activities_delete)
    tp = asub.add_parser("types", help="列出活动类别")
    tp.add_argument("--json", action="store_true")
    tp.set_defaults(handler=cmd_activity_types)
    at_add = asub.add_parser("add-type", help="新增活动类别（代码用于证书编号）")
    at_add.add_argument("name", help="类别名称")
    at_add.add_argument("code", help="类别代码（字母，用于证书编号，如 DX）")
    at_add.add_argument("--class", dest="is_class", action="store_true", help="集中培训班")
    at_add.set_defaults(handler=cmd_add_type)
    at_ex = asub.add_parser("exclude-type", help="某类别的学时不计入年度学时目标（--include 恢复计入）")
    at_ex.add_argument("name", help="类别名称")
    at_ex.add_argument("--include", action="store_true", help="恢复计入该类别的学时")
    at_ex.set_defaults(handler=cmd_exclude_type)
    adj = sub.add_parser("adjust-hours", help="手工调整党员学时（与考勤学时分开记录，须写明原因）")
    adj.add_argument("member_id", type=member_reference, metavar="MEMBER", help=MEMBER_HELP)
    adj.add_argument("hours", type=number, metavar="HOURS", help="可为负数")
    adj.add_argument("--reason", required=True, help="调整原因（记入台账）")
    adj.add_argument("--date", metavar="DATE", help="计入哪一天（所在年度），默认今天")
    adj.add_argument("--activity", type=integer, metavar="ACTIVITY_ID", help="这次调整所属的活动编号")
    adj.set_defaults(handler=cmd_adjust_hours)

    en = sub.add_parser("enrol", help="报名：按支部、党内职务、党员类别、入党日期、培训对象、名单文件或身份证号码")
    en.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    en.add_argument("--branch", action="append", metavar="NAME", help="该党支部的党员；可重复")
    en.add_argument("--post", action="append", metavar="POST", help="党内职务；“支委”表示全部支委职务")
    en.add_argument("--membership", choices=("正式党员", "预备党员"), help="只报名正式党员或预备党员")
    en.add_argument("--joined-from", metavar="DATE", help="入党日期不早于该日")
    en.add_argument("--joined-to", metavar="DATE", help="入党日期不晚于该日")
    en.add_argument("--all", action="store_true", help="全体在册党员")
    en.add_argument("--audience", action="store_true",
                    help="按活动的培训对象（如基层党组织书记和党务干部、新党员、全体党员）报名")
    en.add_argument("--file", metavar="FILE", help="姓名或身份证号码名单（Excel/CSV）")
    en.add_argument("--member", action="append", type=member_reference, metavar="MEMBER", help=MEMBER_HELP + "；可重复")
    en.add_argument("--remove", action="store_true", help="取消这些党员的报名")
    en.set_defaults(handler=cmd_enrol)

    at = sub.add_parser("attendance", help="考勤")
    atsub = at.add_subparsers(dest="attendance_command", metavar="ACTION", required=True)
    st = atsub.add_parser("set", help="记录某课次的考勤")
    st.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    st.add_argument("--session", type=integer, default=1, metavar="N", help="第N课次（默认1）")
    st.add_argument("--all-present", action="store_true", help="尚未记录的报名党员全部记为出席")
    st.add_argument("--member", action="append", default=[], type=member_reference, metavar="MEMBER", help=MEMBER_HELP + "；可重复")
    st.add_argument("--status", metavar="STATUS", help="出席、迟到、早退、请假、缺席（或 病假、事假……）")
    st.add_argument("--reason", metavar="TEXT", help="请假或缺席的原因")
    st.add_argument("--revoke", action="store_true",
                    help="已获结业证书的党员考勤有变时，确认作废其证书（否则拒绝更改）；改正后可重新颁发")
    st.set_defaults(handler=cmd_attendance_set)
    sh = atsub.add_parser("show", help="考勤统计与每人学时")
    sh.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(handler=cmd_attendance_show)

    ps = sub.add_parser("print-signin", help="打印签到表（PDF）")
    ps.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    ps.add_argument("out", type=output_file_of(".pdf"), metavar="OUT.pdf")
    ps.add_argument("--session", type=integer, metavar="N", help="只打印第N课次（默认每个课次一页）")
    ps.add_argument("--blank-rows", type=integer, default=5, metavar="N", help="名单后留的空行数，供临时参加者签名（默认5）")
    ps.add_argument("--landscape", action="store_true", help="横向打印")
    ps.add_argument("--show-id", action="store_true", help="加一列身份证号码（遮蔽中间位）")
    ps.set_defaults(handler=cmd_print_signin)
    pr = sub.add_parser("print-register", help="打印考勤表（PDF）")
    pr.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    pr.add_argument("out", type=output_file_of(".pdf"), metavar="OUT.pdf")
    pr.set_defaults(handler=cmd_print_register)

    pc = sub.add_parser("print-certificates", help="颁发并打印结业证书（一个班一个PDF）")
    pc.add_argument("activity_id", type=integer, metavar="ACTIVITY_ID")
    pc.add_argument("out", type=output_file_of(".pdf"), metavar="OUT.pdf")
    pc.add_argument("--json", action="store_true")
    pc.set_defaults(handler=cmd_print_certificates)
    cr2 = sub.add_parser("certificate-register", help="发证登记册（.pdf 或 .xlsx）")
    cr2.add_argument("out", type=output_file_of(".pdf", ".xlsx"), metavar="OUT.pdf|OUT.xlsx",
                     help="要生成的文件：.pdf 为打印版，.xlsx 为 Excel 表")
    cr2.add_argument("--year", type=int)
    cr2.add_argument("--activity", type=integer, metavar="ACTIVITY_ID", help="只含该活动的证书")
    cr2.set_defaults(handler=cmd_certificate_register)
    vc = sub.add_parser("verify-certificate", help="核验结业证书编号或二维码内容")
    vc.add_argument("text", metavar="TEXT", help="证书编号，或扫描二维码得到的文字")
    vc.set_defaults(handler=cmd_verify_certificate)


def _fmt(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def cmd_import_records(args: argparse.Namespace, ctx: CliContext) -> int:
    path = input_file(args.file)
    ws = ctx.workspace()
    reason = f"导入学时记录 {path.name} 之前"
    ahead = None
    if not args.dry_run:
        ws.require(EDITOR, "导入学时记录")
        # The backup is copied while the file is read and checked; it is kept only if the import writes:
        # a refused import, a dry run or one with nothing to change takes none.
        ahead = ws.backup_ahead(reason)
    try:
        for attempt in range(3):
            with ws.read() as session:
                plan = records_import.plan_records(session, path, args.on_existing)
            if not (plan.ok and not args.dry_run and (plan.added or plan.updated or plan.restored)):
                break
            try:
                with ws.write("import-records", needs=EDITOR, backup=ahead or reason) as uow:
                    records_import.apply_records(uow.session, plan, uow.actor)
                    for kind in ("activity", "activity_session", "enrolment", "attendance"):
                        uow.note(kind)
                break
            except WriteConflictError:
                # Another clerk's import of the same records committed meanwhile (a server): plan again.
                if attempt == 2 or not ws.db.is_server:
                    raise
    finally:
        if ahead is not None:
            ahead.discard()  # nothing once kept
    summary = plan.summary()
    if args.json:
        print_json(summary)
    print_problems([p.describe() for p in plan.refused])
    if plan.ignored_columns:
        print(f"未导入的列：{'、'.join(plan.ignored_columns)}", file=sys.stderr)
    if plan.form:
        print(f"读取的文件：{plan.form}，工作表“{plan.sheet}”，表头在第{plan.header_row}行。", file=sys.stderr)
    if not plan.ok:
        _print_twins(plan, False, "如是同一活动，请一并改正文件中的“培训类别”。")
        print(f"有{len(plan.refused)}处错误，未导入任何记录。请改正后重新导入。", file=sys.stderr)
        return 1
    verb = "检查通过（未写入）" if args.dry_run else "已导入"
    print(f"{verb}：新增{summary['added']}条，更新{summary['updated']}条，未变{summary['unchanged']}条，"
          f"跳过{summary['skipped']}条，新建活动{summary['activities_created']}项。", file=sys.stderr)
    written = not args.dry_run and bool(plan.added or plan.updated)
    _print_twins(plan, written, "请核对是否为同一活动，以免学时重复计入。" if written
                 else "如是同一活动，请改正文件中的“培训类别”后再导入。")
    if plan.restored:
        print(f"{len(plan.restored)}项活动的名称等{'将' if args.dry_run else '已'}按文件原文恢复（不计为更改）。",
              file=sys.stderr)
    return 0


def _print_twins(plan: records_import.RecordsPlan, written: bool, advice: str) -> None:
    """New activities that twin existing ones of another type (same title and start date): a warning."""
    lines = plan.warnings(written)
    for line in lines:
        print(f"注意：{line}", file=sys.stderr)
    if lines:
        print(advice, file=sys.stderr)


def cmd_activities_list(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.survey import surveys

    with ctx.workspace().read() as session:
        if args.type:
            activities.get_type(session, args.type)
        infos = activities.list_activities(session, year=args.year, type_name=args.type, status=args.status)
        satisfaction = surveys.satisfaction_by_activity(session, [a.id for a in infos])
    if args.json:
        print_json([{"id": a.id, "title": a.title, "type": a.type_name, "start": a.start_date.isoformat(),
                     "end": (a.end_date or a.start_date).isoformat(), "hours": _fmt(a.hours),
                     "enrolled": a.enrolled, "attended": a.attended,
                     "satisfaction": satisfaction.get(a.id)} for a in infos])
        return 0
    for a in infos:
        print("\t".join((str(a.id), a.start_date.isoformat(), a.type_name, a.title, f"{a.hours:g}学时",
                         a.status, f"报名{a.enrolled}", f"参加{a.attended}")))
    print(f"共{len(infos)}项", file=sys.stderr)
    return 0


def _parse_session(text: str) -> dict[str, Any]:
    parts = [p.strip() for p in text.replace("，", ",").split(",")]
    if len(parts) < 2:
        raise ValidationError(f"课次“{text}”应写作 日期,学时[,09:00-12:00[,主题]]")
    item: dict[str, Any] = {"date": parts[0], "hours": parts[1]}
    if len(parts) > 2 and parts[2]:
        times = parts[2].replace("—", "-").split("-")
        item["start_time"] = times[0]
        item["end_time"] = times[1] if len(times) > 1 else None
    if len(parts) > 3:
        item["topic"] = ",".join(parts[3:])
    return item


def cmd_activities_create(args: argparse.Namespace, ctx: CliContext) -> int:
    raw: dict[str, Any] = {"title": args.title, "type": args.type, "start_date": args.start, "end_date": args.end,
                           "hours": args.hours, "organiser": args.organiser, "place": args.place,
                           "lecturer": args.lecturer, "target_group": args.target_group, "cost": args.cost,
                           "paid_by": args.paid_by, "completion_rule": args.completion,
                           "completion_value": args.completion_value}
    sessions = [_parse_session(s) for s in args.session]
    from services.training import twins

    try:
        with ctx.workspace().write("activities-create", needs=EDITOR) as uow:
            info = activities.create_activity(uow.session, raw, uow.actor, sessions=sessions or None,
                                              allow_twin=not args.no_duplicate)
            found = twins.find_twins(uow.session, info.title, info.start_date, other_than=info.id)
    except twins.TwinActivityError as refused:
        print(f"错误：已有同名、同一开始日期的活动：{twins.twins_text(refused.twins)}。"
              "按 --no-duplicate 未新建，数据库未作改动。", file=sys.stderr)
        return refused.exit_code
    if found:  # created all the same: scripts depend on the exit code
        print(f"注意：已有同名、同一开始日期的活动：{twins.twins_text(found)}。同一党员的学时可能被重复计入；"
              f"如是误建，可用 activities delete {info.id} 删除新建的这一项。", file=sys.stderr)
    if args.json:
        print_json({"id": info.id, "title": info.title, "sessions": len(info.sessions), "hours": _fmt(info.hours)})
    print(f"已新建活动“{info.title}”（编号{info.id}，{len(info.sessions)}个课次，{info.hours:g}学时）。", file=sys.stderr)
    return 0


def cmd_activities_status(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().write("activities-status", needs=EDITOR) as uow:
        info = activities.set_status(uow.session, args.activity_id, args.status, uow.actor)
    print(f"活动“{info.title}”的状态已改为{info.status}。", file=sys.stderr)
    return 0


def cmd_activities_delete(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().write("activities-delete", needs=EDITOR) as uow:
        activities.delete_activity(uow.session, args.activity_id, uow.actor)
    print("已删除。", file=sys.stderr)
    return 0


def cmd_activity_types(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().read() as session:
        types = activities.list_types(session)
    if args.json:
        print_json([{"id": t.id, "name": t.name, "code": t.code, "counts_toward_target": t.counts_toward_target}
                    for t in types])
    else:
        for t in types:
            print(f"{t.id}\t{t.code}\t{t.name}" + ("" if t.counts_toward_target else "\t（不计入学时目标）"))
    return 0


def cmd_add_type(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().write("activities-add-type", needs=EDITOR) as uow:
        info = activities.add_type(uow.session, args.name, args.code, uow.actor, is_class=args.is_class)
    print(f"已新增活动类别“{info.name}”（代码{info.code}）。", file=sys.stderr)
    return 0


def cmd_exclude_type(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().write("activities-exclude-type", needs=EDITOR) as uow:
        t = activities.get_type(uow.session, args.name)
        activities.set_type_counts(uow.session, t.id, args.include, uow.actor)
    print(f"活动类别“{t.name}”的学时{'计入' if args.include else '不再计入'}年度学时目标。", file=sys.stderr)
    return 0


def cmd_adjust_hours(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().write("adjust-hours", needs=EDITOR) as uow:
        [member_id] = members.member_ids_of(uow.session, [args.member_id])
        adj = attendance.add_adjustment(uow.session, member_id, args.hours, args.reason, uow.actor,
                                        date=args.date, activity_id=args.activity)
    print(f"已调整学时{adj.hours:+g}（{adj.date.isoformat()}，{adj.reason}）。", file=sys.stderr)
    return 0


def cmd_enrol(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.roll import branches

    with ctx.workspace().write("enrol", needs=EDITOR) as uow:
        session = uow.session
        if args.remove:
            removed = enrolment.unenrol(session, args.activity_id, members.member_ids_of(session, args.member or []),
                                        uow.actor)
            print(f"已取消{removed}人的报名。", file=sys.stderr)
            return 0
        if args.file is not None:
            path = input_file(args.file)
            result = enrolment.enrol_from_file(session, args.activity_id, path, uow.actor)
        elif args.audience:
            result = enrolment.enrol_by_audience(session, args.activity_id, uow.actor)
        else:
            filters = (args.branch, args.post, args.membership, args.joined_from, args.joined_to)
            ids = members.member_ids_of(session, args.member or [])
            if any(filters) or args.all:
                branch_ids = [branches.get_branch(session, b).id for b in args.branch] if args.branch else None
                ids += enrolment.select_members(session, branch_ids=branch_ids, posts=args.post,
                                                membership=args.membership, joined_from=args.joined_from,
                                                joined_to=args.joined_to)
            if not ids:
                print("没有符合条件的在册党员；请用 --branch、--post、--membership、--joined-from/--joined-to、"
                      "--all、--file 或 --member 指定。", file=sys.stderr)
                return 1
            result = enrolment.enrol(session, args.activity_id, ids, uow.actor)
    msg = f"新报名{len(result.added)}人，已报名{len(result.already)}人"
    if result.not_on_roll:
        msg += f"；不在册未报名：{'、'.join(result.not_on_roll)}"
    print(msg + "。", file=sys.stderr)
    return 0


def cmd_attendance_set(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        with ctx.workspace().write("attendance-set", needs=EDITOR) as uow:
            session = uow.session
            info = activities.get_activity(session, args.activity_id)
            found = [s for s in info.sessions if s.seq == args.session]
            if not found:
                raise ValidationError(f"活动“{info.title}”没有第{args.session}课次")
            sid = found[0].id
            done = 0
            if args.all_present:
                done += attendance.mark_all_present(session, sid, uow.actor, revoke=args.revoke)
            if args.member:
                if not args.status:
                    raise ValidationError("请用 --status 给出考勤状态")
                member_ids = members.member_ids_of(session, args.member)
                at_stake = attendance.certificates_at_stake(session, sid, member_ids, args.status, args.reason)
                for member_id in member_ids:
                    attendance.set_attendance(session, sid, member_id, args.status, args.reason, uow.actor,
                                              revoke=args.revoke)
                    done += 1
    except attendance.CertifiedAttendanceError as exc:
        print(f"错误：{exc.message}确认作废请加 --revoke。", file=sys.stderr)
        return exc.exit_code
    print(f"已记录{done}条考勤。", file=sys.stderr)
    if args.revoke and args.member and at_stake:
        print(f"已作废结业证书：{'、'.join(c.number for c in at_stake)}；改正后可重新颁发（新编号）。", file=sys.stderr)
    return 0


def cmd_attendance_show(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().read() as session:
        counts = attendance.counts(session, args.activity_id)
        g = attendance.grid(session, args.activity_id)
        done = {c.member_id: c.completed for c in attendance.completion(session, args.activity_id)}
    members = [{"member_id": p.member_id, "name": p.name, "branch": p.branch,
                "hours": _fmt(g.member_hours(p.member_id)), "completed": done.get(p.member_id, False)}
               for p in g.members]
    if args.json:
        print_json({"counts": counts, "members": members})
    else:
        print("　".join(f"{k}{v}" for k, v in counts.items()))
        for m in members:
            print(f"{m['name']}\t{m['branch']}\t{m['hours']}学时\t{'结业' if m['completed'] else ''}")
    return 0


def cmd_print_signin(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.printing import print_signin

    if args.blank_rows < 0 or args.blank_rows > 500:
        raise ValidationError("空白行数应在0～500之间")
    with ctx.workspace().read() as session:
        result = print_signin.signin_sheet(session, args.activity_id, args.out, session_seq=args.session,
                                           blank_rows=args.blank_rows, landscape=args.landscape,
                                           show_id=args.show_id, every_session=True)
    print(f"已生成签到表 {result.path}（{result.rows}人，{result.pages}页）。", file=sys.stderr)
    return 0


def cmd_print_register(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.printing import print_signin

    with ctx.workspace().read() as session:
        result = print_signin.attendance_register(session, args.activity_id, args.out)
    print(f"已生成考勤表 {result.path}（{result.rows}人，{result.pages}页）。", file=sys.stderr)
    return 0


def cmd_print_certificates(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.training import certificates

    with ctx.workspace().write("print-certificates", needs=EDITOR) as uow:
        result, certs = certificates.print_certificates(uow.session, args.activity_id, args.out, uow.actor)
    if args.json:
        print_json({"pdf": str(result.path),
                    "certificates": [{"number": c.number, "name": c.name, "id_number": c.id_number} for c in certs]})
    print(f"已生成结业证书 {result.path}（{len(certs)}份）。", file=sys.stderr)
    return 0


def cmd_certificate_register(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.safety import audit
    from services.safety.privacy import can_see_full_ids
    from services.training import certificates

    out = Path(args.out)
    # The register names members (the Excel one with their ID numbers): every copy is logged.
    with ctx.workspace().write("export", needs=VIEWER) as uow:
        if out.suffix.lower() == ".xlsx":
            certificates.register_xlsx(uow.session, out, activity_id=args.activity, year=args.year)
            audit.log_export(uow.session, uow.actor, "结业证书发证登记册", can_see_full_ids(uow.role), path=str(out))
        else:
            result = certificates.register_pdf(uow.session, out, activity_id=args.activity, year=args.year)
            audit.log_print(uow.session, uow.actor, "结业证书发证登记册", pages=result.pages)
    print(f"已生成发证登记册 {out}。", file=sys.stderr)
    return 0


def cmd_verify_certificate(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.training import certificates

    # A check, as in the window (核验证书): any account, a 查阅 one too; nothing is written.
    with ctx.workspace().read() as session:
        result = certificates.verify_certificate(session, args.text)
    print(result.message, file=sys.stderr if not result.genuine else sys.stdout)
    return 0 if result.genuine else 1
