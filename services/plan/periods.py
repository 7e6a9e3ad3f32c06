"""Plan periods as data: the national plans built in, their default yearly targets, the office's edits.

A plan's targets are the defaults of every year inside it; a target set for one year (services
.assessment.targets) still overrides. Statistics, the ledger and the report use the plan that
contains the period's end date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PlanPeriod, PlanTarget
from services.errors import NotFoundError, ValidationError
from services.safety import changelog

GROUPS = ("all", "committee", "bureau")
GROUP_LABELS = {"all": "全体党员", "committee": "支部书记和支委委员", "bureau": "本局自定目标"}
_DASHES = re.compile(r"\s*[-－‐‑‒–—―~～]+\s*")


@dataclass(frozen=True)
class PlanTargetInfo:
    group: str
    hours: float | None
    class_required: bool
    carried_over: bool  # 沿用: the previous plan's figure, until the office sets one

    def to_json(self) -> dict[str, object]:
        return {"group": self.group, "hours": self.hours, "class_required": self.class_required,
                "carried_over": self.carried_over}


@dataclass(frozen=True)
class PlanInfo:
    id: int
    name: str
    start: dt.date
    end: dt.date
    builtin: bool
    targets: tuple[PlanTargetInfo, ...]

    def target(self, group: str) -> PlanTargetInfo | None:
        return next((t for t in self.targets if t.group == group), None)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def years(self) -> str:
        return f"{self.start.year}—{self.end.year}年"

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "from": self.start.isoformat(), "to": self.end.isoformat(),
                "builtin": self.builtin, "targets": [t.to_json() for t in self.targets]}


def name_key(name: str) -> str:
    """The form names are compared in: 《》 dropped, any dash (-, －, –, —) written as an em dash."""
    text = "".join((name or "").split()).strip("《》")
    return _DASHES.sub("—", text)


def _info(plan: Any) -> PlanInfo:  # a PlanPeriod, or its row with its targets' rows
    order = {g: i for i, g in enumerate(GROUPS)}
    targets = sorted(plan.targets, key=lambda t: order.get(t.group, 99))
    return PlanInfo(plan.id, plan.name, plan.start_date, plan.end_date, plan.builtin,
                    tuple(PlanTargetInfo(t.group, t.hours, t.class_required, t.carried_over) for t in targets))


def list_plans(session: Session) -> list[PlanInfo]:
    """Every plan, earliest first: read as plain rows (statistics ask for them before anything else)."""
    p, t = PlanPeriod.__table__.c, PlanTarget.__table__.c
    plans = session.execute(select(p.id, p.name, p.start_date, p.end_date, p.builtin)
                            .order_by(p.start_date, p.id)).all()
    targets: dict[int, list[Any]] = {}
    for row in session.execute(select(t.plan_id, t.group, t.hours, t.class_required, t.carried_over)
                               .order_by(t.id)):
        targets.setdefault(row.plan_id, []).append(row)
    return [_info(SimpleNamespace(id=r.id, name=r.name, start_date=r.start_date, end_date=r.end_date,
                                  builtin=r.builtin, targets=targets.get(r.id, [])))
            for r in plans]


def _find(session: Session, name: str) -> PlanPeriod:
    key = name_key(name)
    for plan in session.scalars(select(PlanPeriod)):
        if name_key(plan.name) == key:
            return plan
    names = "、".join(p.name for p in session.scalars(select(PlanPeriod).order_by(PlanPeriod.start_date)))
    raise NotFoundError(f"没有名为“{name}”的规划（现有：{names or '无'}）")


def get_plan(session: Session, name: str) -> PlanInfo:
    return _info(_find(session, name))


def plan_for_date(session: Session, day: dt.date) -> PlanInfo | None:
    """The plan whose years contain `day` (the latest-starting one where several do)."""
    found = [p for p in list_plans(session) if p.contains(day)]
    return max(found, key=lambda p: p.start) if found else None


def set_plan_target(session: Session, actor: str, name: str, group: str, hours: float | None,
                    class_required: bool | None = None) -> PlanInfo:
    """Set a plan's default yearly target of `group` (None clears it); no longer 沿用 once set."""
    if group not in GROUPS:
        raise ValidationError(f"目标分组“{group}”不存在（可选：{'、'.join(GROUPS)}）", "group")
    if hours is not None and not 0 <= hours <= 1000:
        raise ValidationError("目标学时应在0～1000之间", "hours")
    plan = _find(session, name)
    target = next((t for t in plan.targets if t.group == group), None)
    before = (target.hours, target.class_required, target.carried_over) if target else (None, False, False)
    if target is None:
        target = PlanTarget(group=group, hours=hours, class_required=bool(class_required), carried_over=False)
        plan.targets.append(target)
    else:
        target.hours = hours
        target.carried_over = False
        if class_required is not None:
            target.class_required = class_required
    session.flush()
    figure = "不设" if hours is None else f"{hours:g}学时"
    changelog.record(session, actor, "update", "plan_target", target.id,
                     f"设置《{plan.name}》“{GROUP_LABELS[group]}”年度学时目标：{figure}",
                     {"hours": (before[0], hours), "class_required": (before[1], target.class_required),
                      "carried_over": (before[2], False)})
    return _info(plan)
