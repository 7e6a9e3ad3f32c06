"""The year's study plan (年度学习计划) and reading list (必读书目和篇目), its items linked to the
activities that carried them out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Activity, StudyItem, StudyPlan
from services.errors import NotFoundError, ValidationError
from services.plan.materials import bare_title, book
from services.safety import changelog

KINDS = ("书目", "篇目", "专题")


@dataclass(frozen=True)
class ItemInfo:
    id: int
    seq: int
    kind: str
    title: str  # books without 《》 (printed with one pair)
    month: int | None
    activity_id: int | None
    activity_title: str | None

    @property
    def shown(self) -> str:
        return book(self.title) if self.kind in ("书目", "篇目") else self.title

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "seq": self.seq, "kind": self.kind, "title": self.title, "month": self.month,
                "activity_id": self.activity_id, "activity_title": self.activity_title}


@dataclass(frozen=True)
class PlanText:
    year: int
    title: str
    body: str
    items: tuple[ItemInfo, ...]

    def to_json(self) -> dict[str, object]:
        return {"year": self.year, "title": self.title, "body": self.body, "items": [i.to_json() for i in self.items]}


def _plan(session: Session, year: int) -> StudyPlan | None:
    return session.scalar(select(StudyPlan).where(StudyPlan.year == year)
                          .options(selectinload(StudyPlan.items)))


def get_study_plan(session: Session, year: int) -> PlanText:
    plan = _plan(session, year)
    if plan is None:
        raise NotFoundError(f"还没有{year}年度学习计划")
    linked = [i.activity_id for i in plan.items if i.activity_id]
    titles = {aid: title for aid, title in session.execute(
        select(Activity.id, Activity.title).where(Activity.id.in_(linked)))} if linked else {}
    items = tuple(ItemInfo(i.id, i.seq, i.kind, i.title, i.month, i.activity_id, titles.get(i.activity_id or 0))
                  for i in plan.items)
    return PlanText(plan.year, plan.title, plan.body or "", items)


def set_study_plan(session: Session, actor: str, year: int, title: str | None = None, body: str | None = None) -> int:
    if not 1990 <= year <= 2100:
        raise ValidationError(f"年度“{year}”不合理", "year")
    plan = _plan(session, year)
    default = f"{year}年度党员学习计划"
    if plan is None:
        plan = StudyPlan(year=year, title=(title or "").strip() or default, body=body)
        session.add(plan)
        session.flush()
        changelog.record(session, actor, "create", "study_plan", plan.id, f"新建《{plan.title}》")
        return plan.id
    if title is not None and title.strip():
        plan.title = title.strip()
    if body is not None:
        plan.body = body
    session.flush()
    changelog.record(session, actor, "update", "study_plan", plan.id, f"修改《{plan.title}》")
    return plan.id


def add_item(session: Session, actor: str, year: int, kind: str, title: str, month: int | None = None,
             activity_id: int | None = None) -> int:
    if kind not in KINDS:
        raise ValidationError(f"类别只能是{'、'.join(KINDS)}", "kind")
    text = bare_title(title) if kind in ("书目", "篇目") else (title or "").strip()
    if not text:
        raise ValidationError("请填写名称", "title")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError("月份应为1～12", "month")
    if activity_id is not None and session.get(Activity, activity_id) is None:
        raise NotFoundError(f"没有编号为{activity_id}的活动")
    plan = _plan(session, year)
    if plan is None:
        set_study_plan(session, actor, year)
        plan = _plan(session, year)
    assert plan is not None
    item = StudyItem(plan_id=plan.id, seq=len(plan.items) + 1, kind=kind, title=text, month=month,
                     activity_id=activity_id)
    session.add(item)
    session.flush()
    changelog.record(session, actor, "create", "study_item", item.id, f"{year}年度学习计划新增{kind}：{text}")
    return item.id


def link_item(session: Session, actor: str, item_id: int, activity_id: int | None) -> None:
    item = session.get(StudyItem, item_id)
    if item is None:
        raise NotFoundError(f"没有编号为{item_id}的学习计划条目")
    if activity_id is not None and session.get(Activity, activity_id) is None:
        raise NotFoundError(f"没有编号为{activity_id}的活动")
    before = item.activity_id
    item.activity_id = activity_id
    session.flush()
    changelog.record(session, actor, "update", "study_item", item.id, f"学习计划条目“{item.title}”关联活动",
                     {"activity_id": (before, activity_id)})
