"""Table models of the 规划与资料 tab: plans and their targets, rule cases, materials, study-plan items."""

from __future__ import annotations

from typing import Any

from services.plan.materials import MaterialRow, book
from services.plan.periods import GROUP_LABELS, PlanInfo
from services.plan.rules import RuleCase
from services.plan.study_plan import ItemInfo
from ui.widgets.list_table_model import ListTableModel


class PlansTableModel(ListTableModel[PlanInfo]):
    COLUMNS = ("规划", "起止", *(GROUP_LABELS[g] for g in ("all", "committee", "bureau")))

    def display(self, item: PlanInfo, column: int) -> Any:
        if column == 0:
            return item.name
        if column == 1:
            return f"{item.start:%Y-%m-%d}～{item.end:%Y-%m-%d}"
        target = item.target(("all", "committee", "bureau")[column - 2])
        if target is None or target.hours is None:
            return "不设"
        text = f"{target.hours:g}学时"
        if target.class_required:
            text += "（含集中培训）"
        return text + ("（沿用）" if target.carried_over else "")


class RuleCasesTableModel(ListTableModel[RuleCase]):
    COLUMNS = ("要求", "所在党支部", "姓名", "情况", "说明")
    TITLES = {"new_member": "新党员集中培训", "new_secretary": "新任书记任职培训", "exempt": "免予学时考核",
              "mobile": "流动党员"}

    def display(self, item: RuleCase, column: int) -> Any:
        state = {True: "已达到", False: "未达到", None: "—"}[item.met]
        return (self.TITLES.get(item.rule, item.rule), item.branch, item.name, state, item.detail)[column]


class MaterialsTableModel(ListTableModel[MaterialRow]):
    COLUMNS = ("资料", "领取人数", "份数", "首次发放", "最近发放")

    def display(self, item: MaterialRow, column: int) -> Any:
        first = f"{item.first:%Y-%m-%d}" if item.first else ""
        last = f"{item.last:%Y-%m-%d}" if item.last else ""
        return (book(item.title), item.members, item.copies, first, last)[column]


class StudyItemsTableModel(ListTableModel[ItemInfo]):
    COLUMNS = ("序号", "类别", "名称", "月份", "落实的活动")

    def display(self, item: ItemInfo, column: int) -> Any:
        month = f"{item.month}月" if item.month else ""
        return (item.seq, item.kind, item.shown, month, item.activity_title or "")[column]
