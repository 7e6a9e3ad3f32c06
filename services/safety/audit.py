"""The audit log: events (import, export, print, backup, restore) beside the change log, queries, export, check."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import ChangeLog
from services import access
from services.safety import changelog, privacy

# Chinese names of the actions services write. An action or key the program does not know is
# never shown raw: an English key becomes 其他操作 / 其他, a Chinese one is shown as it is.
ACTION_LABELS = {
    "create": "新增", "update": "修改", "delete": "删除", "status": "状态变更", "merge": "合并",
    "rename": "改名", "reorder": "排序", "transfer": "转出", "reinstate": "恢复在册",
    "import": "导入", "export": "导出", "print": "打印", "backup": "备份", "restore": "恢复",
    "login": "登录", "login_failed": "登录失败", "lock": "账号锁定", "password": "修改密码",
    "reset_password": "重置密码", "seed": "示例数据", "demo": "载入示例数据", "check": "检查",
    "issue": "颁发证书", "reissue": "补发证书", "enrol": "报名", "unenrol": "取消报名",
    "attendance": "考勤", "adjust": "调整学时", "verify": "核验证书", "submit": "报送", "revoke": "作废证书",
    # The action keys of units of work (`ws.write("import-records", ...)`), should one be logged as such.
    "import-records": "导入学时记录", "import-members": "导入花名册", "accounts-create": "新建账号",
    "accounts-passwd": "修改密码", "accounts-reset": "重置密码", "accounts-set": "修改账号",
    "activities-create": "新建活动", "activities-status": "活动状态变更", "activities-delete": "删除活动",
    "activities-add-type": "新增活动类别", "activities-exclude-type": "设置活动类别是否计入目标",
    "adjust-hours": "调整学时", "attendance-set": "考勤", "branches-create": "新建党支部",
    "branches-merge": "合并党支部", "print-certificates": "颁发证书", "verify-certificate": "核验证书",
    "exemption": "免予学时考核", "material-issue": "发放学习资料", "member-post": "登记任职经历",
    "mobile-member": "登记流动党员", "plan-target": "设置规划目标", "study-plan": "学习计划",
    "survey-import": "导入问卷", "survey-new": "新建问卷", "survey-enter": "录入答卷",
    "survey-delete": "删除问卷", "survey-link": "关联问卷", "import-grades": "导入民主评议等次",
    "save-grades": "保存民主评议等次", "save-exam-scores": "保存考试成绩", "save-targets": "设置学时目标",
    "set-branch-assessment": "支部考核", "add-spending": "登记经费开支",
    "save": "保存", "set": "设置", "add": "新增",
    "activity-create": "新建活动", "activity-delete": "删除活动", "activity-status": "活动状态变更",
    "activity-update": "修改活动", "attendance-all-present": "全部出席", "branch-create": "新建党支部",
    "branch-delete": "删除党支部", "branch-merge": "合并党支部", "branch-order": "调整党支部顺序",
    "branch-rename": "党支部改名", "change-password": "修改密码", "delete-spending": "删除经费开支",
    "demo-remove": "删除示例数据", "hours-adjust": "调整学时", "import-exam-scores": "导入考试成绩",
    "import-roll": "导入花名册", "load-demo": "载入示例数据", "member-leave": "党员离开",
    "member-reinstate": "恢复在册", "member-save": "保存党员信息", "second-backup-folder": "设置第二备份文件夹",
    "copy-db": "复制数据库",
    "recovery_code": "生成恢复码", "recovery_failed": "恢复码错误", "recover": "用恢复码重置密码",
    "logout": "注销", "accounts-recover": "用恢复码重置密码", "accounts-recovery-code": "生成恢复码",
    "idle-lock": "设置闲置锁定", "account-create": "新建账号", "account-reset-password": "重置密码",
    "account-role": "设置账号角色", "account-active": "启用或停用账号",
}
ENTITY_LABELS = {
    "member": "党员", "branch": "党支部", "account": "账号", "event": "系统事件", "activity": "活动",
    "session": "课次", "attendance": "考勤", "certificate": "证书", "setting": "设置",
    "activity_type": "活动类型", "enrolment": "报名", "hours_adjustment": "学时调整",
    "assessment": "考核", "database": "数据库", "activity_session": "课次", "target_rule": "学时目标",
    "target_excluded_type": "不计入目标的类别", "spending": "经费开支", "evaluation_grade": "民主评议",
    "branch_assessment": "支部考核", "exam_score": "考试成绩", "change_log": "操作日志",
    "exemption": "免予学时考核", "material_issue": "学习资料发放", "member_post": "任职经历",
    "mobile_member": "流动党员", "plan_target": "规划目标", "study_item": "学习计划条目",
    "study_plan": "学习计划", "submitted_report": "报送的报告", "survey": "问卷", "survey_response": "答卷",
}
EVENT_ACTIONS = ("import", "export", "print", "backup", "restore")
# Chinese names of the keys events and non-member records use in their details.
DETAIL_LABELS = {
    "what": "内容", "branches": "党支部", "revoked_reason": "作废原因", "full_ids": "含完整身份证号码", "rows": "行数", "pages": "页数", "path": "文件",
    "file": "文件", "added": "新增", "updated": "更新", "skipped": "跳过", "reason": "原因",
    "members": "党员人数", "source": "来源", "upgraded_from": "原结构版本", "safety_backup": "恢复前备份",
    "second_copy": "第二份", "username": "用户名", "role": "角色", "active": "启用",
    "display_name": "姓名", "sort_order": "排序", "backup.second_folder": "第二备份文件夹",
    "activities": "活动", "attendance": "考勤记录", "activities_created": "新建活动", "issued": "颁发证书",
    "enrolled": "报名人数", "records": "考勤记录", "merged_from": "并入的党支部", "members_moved": "转入党员",
    "counts_toward_target": "计入学时目标", "name": "名称", "code": "代码", "title": "活动名称",
    "type": "类别", "hours": "学时", "status": "状态", "number": "证书编号", "grade": "等次",
    "remarks": "备注", "secretary_review": "书记述职评议", "score": "成绩", "amount": "金额",
    "purpose": "用途", "excluded": "不计入目标", "enabled": "启用", "class_required": "须参加集中培训班",
    "organiser": "主办单位", "start_date": "开始日期", "end_date": "结束日期", "place": "地点",
    "lecturer": "授课人", "target_group": "培训对象", "cost": "费用", "paid_by": "经费来源",
    "completion_rule": "结业条件", "completion_value": "结业条件数值", "date": "日期", "topic": "主题",
    "start_time": "开始时间", "end_time": "结束时间", "unchanged": "未变", "refused": "拒绝",
    "branches_created": "新建党支部", "targets.extra_committee_posts": "计入支委目标的党内职务",
    "count": "数量", "kind": "类别", "year": "年度", "activity_id": "活动编号", "carried_over": "沿用",
    "post": "职务", "start": "开始", "end": "结束", "copies": "份数", "month": "月份", "group": "对象",
    "target": "目标",
    "accounts.idle_lock_minutes": "窗口闲置自动锁定（分钟，0为不锁定）",
}


def _known(key: str, labels: dict[str, str], unknown: str) -> str:
    if key in labels:
        return labels[key]
    return key if not key.isascii() else unknown


def detail_label(key: str) -> str:
    from services.roll.members import LABELS

    return DETAIL_LABELS.get(key) or _known(key, LABELS, "其他")


def action_label(action: str) -> str:
    """The Chinese name of an action key (`import-records` is named by its first word: 导入)."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    # `survey-import`: the verb is one of its words.
    for word in reversed(action.split("-")):
        if word in ACTION_LABELS:
            return ACTION_LABELS[word]
    return _known(action, {}, "其他操作")


def entity_label(entity: str) -> str:
    return _known(entity, ENTITY_LABELS, "其他")


def missing_labels(row: LogRow) -> list[str]:
    """What of an entry would be shown through a stand-in (其他操作, 其他) for want of its own Chinese name.

    [] when its action, kind of record and every detail key are named (tests hold every entry to it).
    """
    from services.roll.members import LABELS

    missing = []
    if row.action.isascii() and row.action not in ACTION_LABELS:
        missing.append(f"action {row.action}")
    if row.entity.isascii() and row.entity not in ENTITY_LABELS:
        missing.append(f"entity {row.entity}")
    for key in row.changes:
        if key.isascii() and key not in DETAIL_LABELS and key not in LABELS and key not in DETAIL_PHRASES:
            missing.append(f"detail {key}")
    return missing


def record_event(session: Session, actor: str, action: str, summary: str,
                 details: dict[str, Any] | None = None, entity: str = "event",
                 entity_id: int | None = None) -> int:
    """Log an event that is not a change of one record (import, export, print, backup, restore).

    `details` are kept as {key: [null, value]} so the log view shows them like field changes.
    Returns the id of the entry.
    """
    entry = changelog.record(session, actor, action, entity, entity_id, summary,
                             {k: (None, v) for k, v in (details or {}).items()})
    return entry.id


def log_export(session: Session, actor: str, what: str, full_ids: bool, rows: int | None = None,
               path: str | None = None) -> int:
    """Log an export; one with full ID numbers says so in its summary, for later review."""
    summary = f"导出{what}" + ("（含完整身份证号码）" if full_ids else "")
    details: dict[str, Any] = {"what": what, "full_ids": full_ids}
    if rows is not None:
        details["rows"] = rows
    if path:
        details["path"] = path
    return record_event(session, actor, "export", summary, details)


def log_print(session: Session, actor: str, what: str, pages: int | None = None,
              full_ids: bool = False) -> int:
    summary = f"打印{what}" + ("（含完整身份证号码）" if full_ids else "")
    details: dict[str, Any] = {"what": what, "full_ids": full_ids}
    if pages is not None:
        details["pages"] = pages
    return record_event(session, actor, "print", summary, details)


@dataclass(frozen=True)
class LogFilter:
    """Filters of the 日志 view; every one optional."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class LogRow:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    changes: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def changes_text(self) -> str:
        """The details in Chinese: `新增：30；文件：花名册.xlsx`, `状态：在册 → 转出`."""
        parts = []
        for key, pair in self.changes.items():
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            label = detail_label(key)
            if old is None:
                parts.append(f"{label}：{_fmt(new)}")
            else:
                parts.append(f"{label}：{_fmt(old)} → {_fmt(new)}")
        return "；".join(parts)

    @property
    def text(self) -> str:
        """The entry as one Chinese sentence: its summary, then what its details add to it.

        `导出党员花名册（含完整身份证号码），共30行，文件 名册.xlsx。`; a detail the summary already
        says (`新增2666条` of an import) is not repeated.
        """
        summary = self.summary.strip().rstrip("。；;，,")
        phrases = []
        for key in sorted(self.changes, key=_detail_order):
            pair = self.changes[key]
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            if old is None and isinstance(new, str) and (not new.strip() or new.strip() in summary):
                continue  # empty, or already said (`新建账号“reader”` needs no `用户名：reader`)
            phrase = detail_phrase(key, old, new)
            if phrase and phrase not in summary and phrase not in phrases and not _count_said(phrase, summary):
                phrases.append(phrase)
        return "，".join([summary, *phrases]) + "。" if summary else "，".join(phrases) + "。"

    def to_json(self) -> dict[str, Any]:
        """The entry for `log --json`: stable keys, Chinese words beside them."""
        return {
            "id": self.id, "time": self.at.isoformat(sep=" "), "user": self.actor, "action": self.action,
            "action_label": action_label(self.action), "entity": self.entity,
            "entity_label": entity_label(self.entity), "entity_id": self.entity_id, "summary": self.summary,
            "text": self.text,
            "details": [{"key": key, "label": detail_label(key),
                         "old": pair[0] if isinstance(pair, list) and len(pair) > 1 else None,
                         "new": pair[-1] if isinstance(pair, list) and pair else pair}
                        for key, pair in self.changes.items()],
        }


# Details an event carries, as the words of a sentence ({} is the value); the rest read “名称：值”.
DETAIL_PHRASES = {
    "rows": "共{}行", "pages": "共{}页", "path": "文件 {}", "file": "文件 {}", "added": "新增{}条",
    "updated": "更新{}条", "skipped": "跳过{}条", "unchanged": "未变{}条", "activities_created": "新建活动{}项",
    "activities": "活动{}项", "attendance": "考勤记录{}条", "issued": "颁发证书{}份", "enrolled": "报名{}人",
    "members": "党员{}名", "members_moved": "转入党员{}名", "reason": "原因：{}", "source": "来源 {}",
    "safety_backup": "恢复前的数据库已备份为 {}", "second_copy": "另存一份到 {}",
    "upgraded_from": "原结构版本 {}", "hours": "{}学时",
}
# Which details come first in a sentence: counts, then files, then the rest by name.
_FIRST = ("what", "added", "updated", "unchanged", "skipped", "activities_created", "activities", "attendance",
          "issued", "enrolled", "members", "members_moved", "rows", "pages", "reason", "full_ids")


_COUNT = re.compile(r"(\d+(?:\.\d+)?[条项份人名行页])$")


def _count_said(phrase: str, summary: str) -> bool:
    """Whether a count (`考勤记录2860条`) is already in the summary in other words (`考勤2860条`)."""
    m = _COUNT.search(phrase)
    return m is not None and re.search(rf"(?<![\d.]){re.escape(m.group(1))}", summary) is not None


def _detail_order(key: str) -> tuple[int, str]:
    return (_FIRST.index(key) if key in _FIRST else len(_FIRST), key)


def detail_phrase(key: str, old: Any, new: Any) -> str:
    """One detail as Chinese words: `新增30条`, `状态由“在册”改为“转出”`, `含完整身份证号码`; "" for none."""
    if key == "what":
        return str(new or "")
    if key == "full_ids":
        return "含完整身份证号码" if new else "身份证号码隐去中间几位"
    if old is None and new is None:
        return ""
    if old is None and key in DETAIL_PHRASES:
        return DETAIL_PHRASES[key].format(_fmt(new))
    label = detail_label(key)
    if old is None:
        return f"{label}：{_fmt(new)}"
    if new is None:
        return f"{label}“{_fmt(old)}”已清除"
    return f"{label}由“{_fmt(old)}”改为“{_fmt(new)}”"


def _fmt(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "、".join(_fmt(v) for v in value) or "（空）"
    return str(value)


def _filtered(query: Any, flt: LogFilter) -> Any:
    if flt.date_from:
        query = query.where(ChangeLog.at >= dt.datetime.combine(flt.date_from, dt.time.min))
    if flt.date_to:
        query = query.where(ChangeLog.at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time.min))
    if flt.actor:
        query = query.where(ChangeLog.actor == flt.actor)
    if flt.action:
        query = query.where(ChangeLog.action == flt.action)
    if flt.entity:
        query = query.where(ChangeLog.entity == flt.entity)
    if flt.text:
        # The words as typed: "50%" or "_" are characters searched for, not LIKE's wildcards.
        said = flt.text.strip()
        query = query.where(or_(ChangeLog.summary.contains(said, autoescape=True),
                                ChangeLog.changes.contains(said, autoescape=True),
                                ChangeLog.actor.contains(said, autoescape=True)))
    return query


def query_log(session: Session, flt: LogFilter | None = None, limit: int | None = None,
              newest_first: bool = True) -> list[LogRow]:
    return list(iter_log(session, flt, limit, newest_first))


def iter_log(session: Session, flt: LogFilter | None = None, limit: int | None = None,
             newest_first: bool = True) -> Iterator[LogRow]:
    """The entries as `query_log` gives them, read as plain columns in one pass (no hashes, no ORM objects)."""
    flt = flt or LogFilter()
    columns = (ChangeLog.id, ChangeLog.at, ChangeLog.actor, ChangeLog.action, ChangeLog.entity, ChangeLog.entity_id,
               ChangeLog.summary, ChangeLog.changes)
    query = _own_entries(session, _filtered(select(*columns), flt))
    query = query.order_by(ChangeLog.id.desc() if newest_first else ChangeLog.id)
    if limit:
        query = query.limit(limit)
    # A 查阅 account reads the log with every ID and phone number in it masked.
    full = privacy.shows_full_numbers(session)
    for e_id, at, actor, action, entity, entity_id, summary, raw in session.execute(query).yield_per(2000):
        try:
            changes = json.loads(raw or "{}")
        except ValueError:
            changes = {"?": [None, raw]}
        if not full:
            summary = privacy.mask_text(summary)
            changes = {k: [privacy.mask_value(k, v) for v in pair] if isinstance(pair, list)
                       else privacy.mask_value(k, pair) for k, pair in changes.items()}
        yield LogRow(e_id, at, actor, action, entity, entity_id, summary, changes)


def count_log(session: Session, flt: LogFilter | None = None) -> int:
    query = _own_entries(session, _filtered(select(func.count(ChangeLog.id)), flt or LogFilter()))
    return int(session.scalar(query) or 0)


def _own_entries(session: Session, query: Any) -> Any:
    """A branch account reads only its own entries (the log names members of every branch)."""
    if access.is_limited(session):
        query = query.where(ChangeLog.actor == access.current_actor(session))
    return query


@dataclass(frozen=True)
class LogChoices:
    actors: list[str]
    actions: list[str]
    entities: list[str]


def log_choices(session: Session) -> LogChoices:
    """The distinct actors, actions and entities, for the filter drop-downs."""
    def distinct(col: Any) -> list[str]:
        return [v for v in session.scalars(_own_entries(session, select(col).distinct().order_by(col))) if v]
    return LogChoices(distinct(ChangeLog.actor), distinct(ChangeLog.action), distinct(ChangeLog.entity))


# As the 日志 tab shows an entry (内容: the one sentence), then the details one by one for a reader who filters.
EXPORT_HEADERS = ("序号", "时间", "操作人", "操作", "对象", "对象编号", "内容", "变更明细")


def export_log_xlsx(session: Session, path: Path | str, flt: LogFilter | None = None) -> int:
    """Write the (filtered) log to an .xlsx file, oldest first, row after row; returns the number of rows."""
    from services.files.xlsx_direct import SheetLayout, write_sheet

    rows = ((row.id, row.at.strftime("%Y-%m-%d %H:%M:%S"), row.actor, action_label(row.action),
             entity_label(row.entity), row.entity_id, row.text, row.changes_text)
            for row in iter_log(session, flt, newest_first=False))
    layout = SheetLayout("操作日志", (8, 20, 12, 10, 10, 10, 40, 60), EXPORT_HEADERS, freeze="A2", header="bold")
    return write_sheet(Path(path), layout, rows)


@dataclass(frozen=True)
class CheckReport:
    """What `check` found: an empty `problems` list means the database is sound."""

    problems: list[str]
    entries_checked: int
    broken_entries: list[int]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_log_chain(session: Session) -> CheckReport:
    """Verify the hash chain of the log; name every entry whose hash does not follow."""
    broken = changelog.verify_chain(session)
    total = int(session.scalar(select(func.count(ChangeLog.id))) or 0)
    problems = []
    for entry_id in broken:
        e = session.get(ChangeLog, entry_id)
        if e is None:
            continue
        problems.append(
            f"日志第{e.id}条（{e.at:%Y-%m-%d %H:%M:%S}，{e.actor}，{action_label(e.action)}：{e.summary}）"
            "的校验值与内容或前一条不符：该条或它前面的一条在程序之外被改动或删除过。")
    return CheckReport(problems, total, broken)
