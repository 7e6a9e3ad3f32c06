"""Commands for questionnaires: import a 问卷星 export, list, show, report, design and enter paper ones."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from services.access import EDITOR
from services.errors import UnreadableFileError, ValidationError
from services.survey import surveys
from services.survey import tally as t
from ui.cli.base import CliContext, input_file, integer, output_file_of, print_json


class _QuestionAction(argparse.Action):
    """--question starts a question; --options and --kind apply to the last one started."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        items = getattr(namespace, "questions", None) or []
        if self.dest == "questions":
            items.append({"title": values, "options": None, "kind": None})
        elif not items:
            parser.error(f"{option_string} 应写在某个 --question 之后")
        else:
            items[-1]["options" if self.dest == "q_options" else "kind"] = values
        namespace.questions = items


def register(sub: Any) -> None:
    sv = sub.add_parser("survey", help="问卷调查：导入问卷星答卷、统计、报告、纸质问卷")
    ssub = sv.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    im = ssub.add_parser("import", help="导入问卷星答卷（按选项文本下载的 .xlsx/.xls/.csv）")
    im.add_argument("file", metavar="FILE", help="问卷星导出的答卷文件")
    im.add_argument("--title", metavar="TEXT", help="问卷标题（默认：文件名）")
    im.add_argument("--activity", type=integer, metavar="ID", help="作为该活动（培训班）的评估问卷")
    im.add_argument("--json", action="store_true")
    im.set_defaults(handler=cmd_import)
    ls = ssub.add_parser("list", help="列出问卷")
    ls.add_argument("--activity", type=integer, metavar="ID", help="只列出该活动的评估问卷")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    sh = ssub.add_parser("show", help="某问卷每题的统计")
    sh.add_argument("survey_id", type=integer, metavar="ID")
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(handler=cmd_show)
    rp = ssub.add_parser("report", help="统计报告（.pdf 含条形图，或 .docx）")
    rp.add_argument("survey_id", type=integer, metavar="ID")
    rp.add_argument("out", type=output_file_of(".pdf", ".docx"), metavar="OUT.pdf|OUT.docx")
    rp.set_defaults(handler=cmd_report)
    nw = ssub.add_parser("new", help="设计纸质问卷：--question “1、题目” --options “A┋B┋C” [--kind multiple] …，"
                                     "或 --from 定义文件.json")
    nw.add_argument("--title", required=True, help="问卷标题")
    nw.add_argument("--question", dest="questions", action=_QuestionAction, metavar="TEXT",
                    help="一道题的题目；可重复，每个 --question 开始一道新题")
    nw.add_argument("--options", dest="q_options", action=_QuestionAction, metavar="A┋B┋C", help="上一道题的选项，用 ┋ 分隔")
    nw.add_argument("--kind", dest="q_kind", action=_QuestionAction, metavar="KIND",
                    help="上一道题的题型：single 单选（有选项时默认）、multiple 多选、scale 量表、text 填空（无选项时默认）")
    nw.add_argument("--from", dest="definition", metavar="FILE.json",
                    help='{"questions": [{"title": "…", "kind": "single", "options": ["…"]}]}')
    nw.add_argument("--activity", type=integer, metavar="ID", help="作为该活动（培训班）的评估问卷")
    nw.add_argument("--json", action="store_true")
    nw.set_defaults(handler=cmd_new)
    fm = ssub.add_parser("form", help="打印纸质问卷（A4 PDF）")
    fm.add_argument("survey_id", type=integer, metavar="ID")
    fm.add_argument("out", type=output_file_of(".pdf"), metavar="OUT.pdf")
    fm.set_defaults(handler=cmd_form)
    en = ssub.add_parser("enter", help="录入纸质答卷：每份答卷一个 --response，各题答案用 | 分隔（选择题写字母，如 A|BC|4|意见）")
    en.add_argument("survey_id", type=integer, metavar="ID")
    en.add_argument("--response", action="append", default=[], metavar="A|BC|4|TEXT", required=True, help="一份答卷；可重复")
    en.set_defaults(handler=cmd_enter)
    sm = ssub.add_parser("summary", help="某年问卷的答卷数与最受欢迎的培训内容、形式（供计划与报告引用）")
    sm.add_argument("--year", type=int, required=True, metavar="Y")
    sm.add_argument("--json", action="store_true")
    sm.set_defaults(handler=cmd_summary)
    dl = ssub.add_parser("delete", help="删除问卷及其答卷")
    dl.add_argument("survey_id", type=integer, metavar="ID")
    dl.set_defaults(handler=cmd_delete)


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.survey.wjx_import import read_export

    path = input_file(args.file)
    parsed = read_export(path)
    ws = ctx.workspace()
    with ws.write("survey-import", needs=EDITOR, backup=True) as uow:
        survey_id = surveys.save_import(uow.session, parsed, uow.actor, title=args.title, activity_id=args.activity)
        uow.log(f"导入问卷星答卷 {path.name}（{parsed.responses}份）", {"file": path.name, "rows": parsed.responses},
                action="import")
    with ws.read() as session:
        result = surveys.get_survey(session, survey_id)
    if args.json:
        print_json(result.to_json())
    if parsed.ignored_columns:
        print(f"未统计的列：{'、'.join(parsed.ignored_columns)}", file=sys.stderr)
    print(f"已导入问卷“{result.info.title}”（编号{survey_id}）：{parsed.responses}份答卷，{len(parsed.questions)}道题。",
          file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().read() as session:
        infos = surveys.list_surveys(session, activity_id=args.activity)
    if args.json:
        print_json([i.to_json() for i in infos])
        return 0
    for i in infos:
        activity = f"活动{i.activity_id}" if i.activity_id else ""
        print("\t".join((str(i.id), i.title, surveys.SOURCE_LABELS.get(i.source, i.source),
                         f"{i.responses}份", f"{i.questions}题", activity)))
    print(f"共{len(infos)}份问卷", file=sys.stderr)
    return 0


def _percent(n: int, total: int) -> str:
    return f"{n * 100 / total:.1f}%" if total else "—"


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().read() as session:
        result = surveys.get_survey(session, args.survey_id)
    if args.json:
        print_json(result.to_json())
        return 0
    print(f"{result.info.title}（{result.info.responses}份答卷）")
    for x in result.tallies:
        print(f"\n{t.heading(x)}")  # as the survey report heads it: a title that says its kind is not told twice
        if x.kind == t.TEXT:
            for a in x.answers:
                print(f"  · {a}")
            continue
        for option, n in x.counts.items():
            print(f"  {option}\t{n}\t{_percent(n, x.answered)}")
            for words, times in Counter(x.others.get(option, [])).items():
                print(f"    〖{words}〗" + (f" ×{times}" if times > 1 else ""))
    figure = result.satisfaction()
    if figure is not None and figure[1]:
        print(f"\n满意率：{_percent(*figure)}（{figure[0]}/{figure[1]}）")
    return 0


def cmd_report(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.survey import survey_report

    out = Path(args.out)  # .pdf or .docx: checked as the command line was read
    with ctx.workspace().read() as session:
        result = surveys.get_survey(session, args.survey_id)
    pages = survey_report.write_report(result, out)
    print(f"已生成问卷统计报告 {out}" + (f"（{pages}页）" if pages else "") + "。", file=sys.stderr)
    return 0


def _drafts_from_args(args: argparse.Namespace) -> list[surveys.QuestionDraft]:
    from services.survey.wjx_import import split_header

    drafts: list[surveys.QuestionDraft] = []
    if args.definition is not None:
        path = input_file(args.definition, "问卷定义文件")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            why = "没有读取权限" if isinstance(exc, PermissionError) else "文件无法读取"
            raise UnreadableFileError(f"无法读取问卷定义文件 {path}：{why}。") from exc
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(f"问卷定义文件 {path.name} 不是 UTF-8 文本，不是有效的 JSON。") from exc
        except json.JSONDecodeError as exc:
            raise UnreadableFileError(f"问卷定义文件 {path.name} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列有误。") from exc
        items = data.get("questions") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ValidationError(f"问卷定义文件 {path.name} 应有 \"questions\" 列表。")
        for number, item in enumerate(items, start=1):
            drafts.append(_draft_from_json(path, number, item))
    for item in args.questions or []:
        options = item["options"].split(t.JOIN) if item["options"] else []
        number, title = split_header(item["title"])
        drafts.append(_draft(title, options, item["kind"], number))
    return drafts


def _draft_from_json(path: Path, number: int, item: Any) -> surveys.QuestionDraft:
    """One question of a definition file; a value of the wrong kind is refused naming the file and the question."""
    if not isinstance(item, dict):
        raise ValidationError(f"问卷定义文件 {path.name} 的每道题应是一个对象（title、kind、options）。")
    where = f"问卷定义文件 {path.name} 第{number}题"
    title, kind, options = item.get("title"), item.get("kind"), item.get("options") or []
    if not isinstance(title, str | int | float) or isinstance(title, bool):
        raise ValidationError(f"{where}的 title 应是题目文字。")
    if kind is not None and not isinstance(kind, str):
        raise ValidationError(f"{where}的 kind 应是 single、multiple、scale 或 text。")
    if isinstance(options, str):
        options = options.split(t.JOIN)
    if not isinstance(options, list) or not all(
            isinstance(o, str | int | float) and not isinstance(o, bool) for o in options):
        raise ValidationError(f"{where}的 options 应是选项文字的列表，如 [\"满意\", \"不满意\"]。")
    return _draft(str(title), [str(o) for o in options], kind)


def _draft(title: str, options: list[str], kind: str | None, number: int | None = None) -> surveys.QuestionDraft:
    chosen = kind or (t.SINGLE if options else t.TEXT)
    return surveys.QuestionDraft(title, str(chosen), tuple(options), number)


def cmd_new(args: argparse.Namespace, ctx: CliContext) -> int:
    drafts = _drafts_from_args(args)
    with ctx.workspace().write("survey-new", needs=EDITOR) as uow:
        survey_id = surveys.create_paper(uow.session, args.title, drafts, uow.actor, activity_id=args.activity)
    with ctx.workspace().read() as session:
        title = surveys.get_survey(session, survey_id).info.title  # as kept: an empty --title is 问卷
    if args.json:
        print_json({"id": survey_id, "title": title, "questions": len(drafts)})
    print(f"已新建纸质问卷“{title}”（编号{survey_id}，{len(drafts)}道题）。"
          f"打印：survey form {survey_id} 问卷.pdf", file=sys.stderr)
    return 0


def cmd_form(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.survey import survey_form

    with ctx.workspace().read() as session:
        result = surveys.get_survey(session, args.survey_id)
    pages = survey_form.write_form(result, Path(args.out))
    print(f"已生成问卷 {args.out}（{pages}页）。", file=sys.stderr)
    return 0


def cmd_enter(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = [[cell if cell.strip() else None for cell in line.split("|")] for line in args.response]
    with ctx.workspace().write("survey-enter", needs=EDITOR) as uow:
        added = surveys.add_responses(uow.session, args.survey_id, rows)
    print(f"已录入{added}份答卷。", file=sys.stderr)
    return 0


def cmd_delete(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.workspace().write("survey-delete", needs=EDITOR, backup=True) as uow:
        title = surveys.delete_survey(uow.session, args.survey_id)
        uow.log(f"删除问卷“{title}”")
    print(f"已删除问卷“{title}”。", file=sys.stderr)
    return 0


def cmd_summary(args: argparse.Namespace, ctx: CliContext) -> int:
    from services.survey.summary import year_summary

    with ctx.workspace().read() as session:
        summary = year_summary(session, args.year)
    if args.json:
        print_json(summary.to_json())
        return 0
    if not summary.surveys:
        print(f"{summary.year}年尚未登记问卷调查。")
        return 0
    print(f"{summary.year}年共开展问卷调查{summary.surveys}次，收回答卷{summary.responses}份。")
    for label, items in (("最希望的培训内容", summary.contents), ("最希望的培训形式", summary.forms)):
        if items:
            print(f"{label}：" + "、".join(f"{o}（{n}人次）" for o, n in items))
    return 0
