"""Commands for data safety and access: `backup`, `restore`, `backups list`, `check`, `log`, `accounts ...`."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from services import access
from services.access import ADMIN, EDITOR, VIEWER
from services.errors import (
    NormalizeError,
    PermissionDeniedError,
    UnreadableFileError,
    ValidationError,
)
from services.normalize import parse_full_date
from services.safety import accounts as account_service
from services.safety import audit, recovery
from services.safety import backup as backup_service
from services.safety import restore as restore_service
from ui.cli.base import CliContext, UsageError, input_file, integer, print_json


def _new_password(prompt_for: str) -> str:
    env = os.environ.get("DANGXUN_NEW_PASSWORD")
    if env is not None:
        return env
    first = getpass.getpass(f"{prompt_for}的新密码：")
    second = getpass.getpass("再输入一次：")
    if first != second:
        raise ValidationError("两次输入的密码不一致", "password")
    return first


def _date(text: str) -> dt.date:
    try:
        day = parse_full_date(text)
    except NormalizeError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    if day is None:
        raise argparse.ArgumentTypeError("日期不能为空")
    return day


def register(sub: Any) -> None:
    lg = sub.add_parser("log", help="操作日志（最新的在前）：谁在何时做了什么")
    lg.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help="从这一天起（含）")
    lg.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help="到这一天止（含）")
    lg.add_argument("--by", metavar="NAME", help="只看该账号（操作人）的操作")
    lg.add_argument("--action", metavar="KEY", help="只看该类操作，如 export、import、print、backup")
    lg.add_argument("--limit", type=integer, metavar="N", help="最多列出N条")
    lg.add_argument("--json", action="store_true",
                    help="JSON 列表，每条含 time、user、action、summary 等")
    lg.set_defaults(handler=cmd_log)

    b = sub.add_parser("backup", help="把数据库备份到文件 OUT（省略 OUT：备份到备份文件夹）")
    b.add_argument("out", nargs="?", metavar="OUT", help="备份文件名（省略：存入备份文件夹）")
    b.add_argument("--json", action="store_true")
    b.set_defaults(handler=cmd_backup)

    bl = sub.add_parser("backups", help="备份文件夹中的备份")
    bsub = bl.add_subparsers(dest="backups_command", metavar="ACTION", required=True)
    bll = bsub.add_parser("list", help="列出备份（日期、大小、党员人数）")
    bll.add_argument("--json", action="store_true")
    bll.set_defaults(handler=cmd_backups_list)

    r = sub.add_parser("restore", help="用备份文件 FILE 恢复数据库（先备份当前数据库）")
    r.add_argument("file", metavar="FILE", help="备份文件（本程序做的 .sqlite3 备份）")
    r.set_defaults(handler=cmd_restore)

    c = sub.add_parser("check", help="检查数据库完整性和操作日志校验链")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=cmd_check)

    a = sub.add_parser("accounts", help="账号与角色（管理员、录入员、查阅）")
    asub = a.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    ac = asub.add_parser("create", help="新建账号（第一个账号必须是管理员）；密码取自 DANGXUN_NEW_PASSWORD 或提示输入")
    ac.add_argument("name", metavar="NAME", help="登录名")
    ac.add_argument("--role", required=True, choices=account_service.ROLES, help="角色：管理员、录入员或查阅")
    ac.add_argument("--display-name", default="", metavar="TEXT", help="显示的姓名（默认同登录名）")
    ac.add_argument("--branch", action="append", default=[], metavar="BRANCH",
                    help="支部账号：只能查看和修改该党支部（名称同花名册）的数据；可重复给出多个支部")
    ac.set_defaults(handler=cmd_accounts_create)
    al = asub.add_parser("list", help="列出账号")
    al.add_argument("--json", action="store_true")
    al.set_defaults(handler=cmd_accounts_list)
    ap = asub.add_parser("passwd", help="修改账号 NAME 的密码（本人，或管理员）")
    ap.add_argument("name", metavar="NAME", help="登录名")
    ap.set_defaults(handler=cmd_accounts_passwd)
    ar = asub.add_parser("reset", help="管理员重置账号 NAME 的密码并解除锁定；忘记密码的管理员用 --code 恢复码重置自己的密码")
    ar.add_argument("name", metavar="NAME", help="登录名")
    ar.add_argument("--code", metavar="CODE",
                    help="新建第一个账号时显示的恢复码（不必登录）；重置后发给新的恢复码，旧的作废")
    ar.add_argument("--password", metavar="TEXT",
                    help="与 --code 一起：新密码（也可用环境变量 DANGXUN_NEW_PASSWORD 或 DANGXUN_PASSWORD，或在提示时输入）")
    ar.set_defaults(handler=cmd_accounts_reset)
    arc = asub.add_parser("recovery-code", help="管理员为自己的账号 NAME 生成新的恢复码（旧的作废）")
    arc.add_argument("name", metavar="NAME", help="登录名")
    arc.set_defaults(handler=cmd_accounts_recovery_code)
    aset = asub.add_parser("set", help="管理员修改账号 NAME 的角色或启用状态")
    aset.add_argument("name", metavar="NAME", help="登录名")
    aset.add_argument("--role", choices=account_service.ROLES, help="新的角色：管理员、录入员或查阅")
    state = aset.add_mutually_exclusive_group()
    state.add_argument("--disable", action="store_true", help="停用")
    state.add_argument("--enable", action="store_true", help="启用")
    limit = aset.add_mutually_exclusive_group()
    limit.add_argument("--branch", action="append", default=[], metavar="BRANCH",
                       help="限定为这些党支部（可重复给出；替换原有限定）")
    limit.add_argument("--all-branches", action="store_true", help="取消党支部限定（可查看全局）")
    aset.set_defaults(handler=cmd_accounts_set)


def _backup_json(info: backup_service.BackupInfo) -> dict[str, Any]:
    return {"path": str(info.path), "created": info.created.isoformat(sep=" "), "reason": info.reason,
            "size": info.size, "members": info.members, "schema": list(info.schema)}


def cmd_backup(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.safety.location import DOCUMENT_SUFFIXES

    if args.out and Path(args.out).suffix.lower() in DOCUMENT_SUFFIXES:  # a backup is a database, as --db is
        raise UsageError(f"备份文件 {args.out} 的扩展名 {Path(args.out).suffix} 是表格或文档文件的扩展名：备份是一个"
                         "数据库文件，请以 .sqlite3 或 .db 结尾。没有备份，什么文件也没有创建。")
    ws = ctx.workspace()
    ws.require(EDITOR, "备份数据库")
    access.require_office(ws.branch_ids, "备份数据库", access.SNAPSHOT_REASON)  # it would carry every member
    if ws.db.is_server:  # a file snapshot of the server carries every member's data
        ws.require_snapshot("把服务器上的数据库备份到文件")
    target = Path(args.out).expanduser() if args.out else None
    if target is not None and target.is_dir():
        raise UsageError(f"{target} 是文件夹，请给出备份文件名（如 {target / 'dangxun-备份.sqlite3'}）")
    result = backup_service.backup_now(ws.db, ws.actor, "manual", target=target)
    if args.json:
        print_json(_backup_json(result.info) | {"second_copy": str(result.second_copy) if result.second_copy else None})
    print(f"已备份到 {result.info.path}（{result.info.members}名党员，{result.info.size // 1024} KB），"
          "备份文件检查通过。", file=sys.stderr)
    if result.second_copy:
        print(f"另存一份到 {result.second_copy}。", file=sys.stderr)
    if result.second_error:
        print(f"注意：{result.second_error}", file=sys.stderr)
    return 0


def cmd_backups_list(args: argparse.Namespace, ctx: CliContext) -> int:
    backups = backup_service.list_backups(None, ctx.workspace().db.path)
    if args.json:
        print_json([_backup_json(b) for b in backups])
        return 0
    for b in backups:
        members = "" if b.members is None else f"{b.members}人"
        print(f"{b.created:%Y-%m-%d %H:%M:%S}\t{b.reason_label}\t{b.size // 1024} KB\t{members}\t{b.path}")
    print(f"共{len(backups)}个备份（{backup_service.default_backups_dir()}）", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace, ctx: CliContext) -> int:
    source = input_file(args.file, "备份文件", UsageError)
    restore_service.check_backup_file(source)  # another program's file is refused before anything is opened
    damaged = restore_service.damaged_reason(ctx.db_path) if ctx.db_path is not None else None
    if damaged:
        # A damaged database cannot be opened (nor its accounts read): keep it aside and restore.
        from services.safety.lock import acquire_lock

        with acquire_lock(ctx.db_path):
            print(f"当前数据库已损坏（{damaged}），将把它另存后恢复。", file=sys.stderr)
            result = restore_service.restore_over_damaged(ctx.db_path, source, ctx.actor)
        print(f"损坏的数据库已另存为 {result.damaged_copy}。", file=sys.stderr)
        print(f"已从 {source} 恢复数据库（{result.members}名党员）。", file=sys.stderr)
        return 0
    ws = ctx.workspace()
    ws.require(ADMIN, "恢复数据库")
    foreign = restore_service.foreign_backup(source, ws.db.path)
    # The restore replaces the database file, so it cannot be one transaction: it takes its own
    # backup of the current database first (exactly one) and logs itself in the restored file.
    result = restore_service.restore_backup(ws.db, source, ws.actor)
    if result.safety_backup:
        print(f"恢复前的数据库已备份到 {result.safety_backup.path}。", file=sys.stderr)
    if result.upgraded_from is not None:
        old = "、".join(result.upgraded_from) or "无"
        print(f"该备份来自旧版本（结构版本 {old}），已升级。", file=sys.stderr)
    if foreign:
        print(f"注意：{foreign}", file=sys.stderr)
    print(f"已从 {source} 恢复数据库（{result.members}名党员）。", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.safety.storage import integrity_check

    ws = ctx.workspace()
    db = ws.db
    damage = integrity_check(db.path) if db.path is not None else []  # a server checks its own pages
    if damage:  # a damaged file: exit 2, naming the newest good backup to restore from
        from services.safety.recognise import DamagedDatabaseError

        if args.json:
            print_json({"ok": False, "problems": [f"数据库完整性检查未通过：{p}" for p in damage],
                        "log_entries": 0, "broken_entries": []})
        raise backup_service.damage_with_backup(DamagedDatabaseError(db.path, "；".join(damage[:3])))
    problems: list[str] = []
    with ws.read() as session:
        report = audit.check_log_chain(session)
    problems += report.problems
    problems += restore_service.log_tail_problems(db)
    if args.json:
        print_json({"ok": not problems, "problems": problems, "log_entries": report.entries_checked,
                    "broken_entries": report.broken_entries})
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"检查发现{len(problems)}个问题。", file=sys.stderr)
        return 1
    print(f"数据库完整性检查通过；操作日志{report.entries_checked}条，校验链完整。", file=sys.stderr)
    return 0


def cmd_log(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(f"--from（{args.date_from}）晚于 --to（{args.date_to}）")
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit 应为正整数")
    flt = audit.LogFilter(date_from=args.date_from, date_to=args.date_to, actor=args.by, action=args.action)
    with ctx.workspace().read() as session:  # a 查阅 account reads it with numbers masked
        rows = audit.query_log(session, flt, limit=args.limit, newest_first=True)
    if args.json:
        print_json([r.to_json() for r in rows])
        return 0
    for r in rows:
        print(f"{r.at:%Y-%m-%d %H:%M:%S}\t{r.actor}\t{audit.action_label(r.action)}\t{r.text}")
    print(f"共{len(rows)}条操作记录。", file=sys.stderr)
    return 0


def cmd_accounts_create(args: argparse.Namespace, ctx: CliContext) -> int:
    ws = ctx.workspace()
    with ws.read() as session:
        first = not account_service.has_accounts(session)
    # The first account may be made by anyone (no accounts: no roles); later ones by a 管理员.
    ws.require(ADMIN, "管理账号")
    if args.branch:  # an unknown branch is refused before the password is asked for
        if args.role == ADMIN:
            raise ValidationError("管理员账号管理全局，不能限定党支部；支部账号请用录入员或查阅角色", "branch")
        with ws.read() as session:
            account_service.resolve_branches(session, args.branch)
    password = _new_password(f"账号“{args.name}”")
    with ws.write("accounts-create", needs=ADMIN, what="管理账号") as uow:
        info = account_service.create_account(uow.session, args.name, args.role, password, uow.actor,
                                              display_name=args.display_name, branches=args.branch)
        code = recovery.issue_code(uow.session, info.username, uow.actor) if first else None
    where = f"，限于{'、'.join(info.branches)}" if info.branches else ""
    print(f"已新建账号“{info.username}”（{info.role}{where}）。", file=sys.stderr)
    if first:
        print("这是第一个账号：今后打开此数据库需要登录。", file=sys.stderr)
    if code:
        _tell_code(info.username, code)
    return 0


def _tell_code(username: str, code: str) -> None:
    """The recovery code on stdout (once; only its hash is kept), what it is for on stderr."""
    print(code)
    print(f"以上是账号“{username}”的恢复码，只显示这一次，请抄下并锁好保管。忘记密码时用"
          f" `accounts reset {username} --code 恢复码` 重置密码。", file=sys.stderr)


def cmd_accounts_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().read() as session:
        infos = account_service.list_accounts(session)
    if args.json:
        print_json([{"username": a.username, "display_name": a.display_name, "role": a.role,
                     "active": a.active, "locked": a.is_locked(), "branches": list(a.branches)} for a in infos])
        return 0
    for a in infos:
        state = "停用" if not a.active else ("锁定" if a.is_locked() else "正常")
        print(f"{a.username}\t{a.display_name}\t{a.role}\t{state}\t{'、'.join(a.branches) or '全局'}")
    print(f"共{len(infos)}个账号", file=sys.stderr)
    return 0


def cmd_accounts_passwd(args: argparse.Namespace, ctx: CliContext) -> int:
    ws = ctx.workspace()
    me = ws.account.username if ws.account is not None else None
    own = me == args.name
    if not own:
        ws.require(ADMIN, "修改别人的密码")
        if ws.role is None:
            raise PermissionDeniedError(f"请以账号“{args.name}”或管理员账号登录（--user）后再修改密码")
    password = _new_password(f"账号“{args.name}”")
    with ws.write("accounts-passwd", needs=VIEWER if own else ADMIN, what="修改别人的密码") as uow:
        account_service.reset_password(uow.session, args.name, password, uow.actor)
    print(f"已修改账号“{args.name}”的密码。", file=sys.stderr)
    return 0


def cmd_accounts_reset(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.code is not None:
        return _reset_with_code(args, ctx)
    if args.password is not None:
        raise UsageError("--password 只与 --code 一起使用；管理员重置别人的密码时，新密码取自 DANGXUN_NEW_PASSWORD 或提示输入")
    ws = ctx.workspace()
    ws.require(ADMIN, "重置密码")
    password = _new_password(f"账号“{args.name}”")
    with ws.write("accounts-reset", needs=ADMIN, what="重置密码") as uow:
        account_service.reset_password(uow.session, args.name, password, uow.actor)
    print(f"已重置账号“{args.name}”的密码，并解除锁定。", file=sys.stderr)
    return 0


def cmd_accounts_set(args: argparse.Namespace, ctx: CliContext) -> int:
    active = False if args.disable else (True if args.enable else None)
    with ctx.workspace().write("accounts-set", needs=ADMIN, what="管理账号") as uow:
        if args.all_branches:
            account_service.set_account_branches(uow.session, args.name, [], uow.actor)
        info = account_service.update_account(uow.session, args.name, uow.actor, role=args.role, active=active)
        if args.branch:
            info = account_service.set_account_branches(uow.session, args.name, args.branch, uow.actor)
    where = "、".join(info.branches) or "全局"
    print(f"账号“{info.username}”：{info.role}，{'启用' if info.active else '停用'}，{where}。", file=sys.stderr)
    return 0


def _recovery_password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return str(args.password)
    for var in ("DANGXUN_NEW_PASSWORD", "DANGXUN_PASSWORD"):
        if os.environ.get(var) is not None:
            return os.environ[var]
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError("请用 --password 或环境变量 DANGXUN_NEW_PASSWORD 给出新密码，或在终端中运行以便输入")
    return _new_password(f"账号“{args.name}”")


def _reset_with_code(args: argparse.Namespace, ctx: CliContext) -> int:
    """A 管理员 who forgot the password: no login, the recovery code instead (a wrong one exits 1)."""
    from services.workspace import Workspace

    if ctx.db_path is not None and not ctx.db_path.exists():
        raise UnreadableFileError(f"找不到数据库文件 {ctx.db_path}。")
    password = _recovery_password(args)
    ws = Workspace.open(ctx.location, actor=args.name)
    ctx._ws = ws  # closed with the context
    for note in ws.notes:
        print(note, file=sys.stderr)
    with ws.write("accounts-recover", needs=VIEWER) as uow:
        outcome = recovery.reset_with_code(uow.session, args.name, args.code, password)
    if not outcome.ok:  # the failed attempt is counted and logged (committed above)
        print(f"错误：{outcome.message}。", file=sys.stderr)
        return 1
    print(f"已用恢复码重置账号“{args.name}”的密码，并解除锁定；原恢复码已作废。", file=sys.stderr)
    assert outcome.new_code is not None
    _tell_code(args.name, outcome.new_code)
    return 0


def cmd_accounts_recovery_code(args: argparse.Namespace, ctx: CliContext) -> int:
    ws = ctx.workspace()
    ws.require(ADMIN, "生成恢复码")
    if ws.account is None or ws.account.username != args.name:
        raise PermissionDeniedError(f"恢复码只能由账号“{args.name}”本人登录后生成（--user {args.name}）")
    with ws.write("accounts-recovery-code", needs=ADMIN, what="生成恢复码") as uow:
        code = recovery.issue_code(uow.session, args.name, uow.actor)
    _tell_code(args.name, code)
    return 0
