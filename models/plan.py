"""The plan period (规划期) and what the office records against it: targets per group, materials handed out."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class PlanPeriod(Base):
    """A national (or the bureau's own) education and training plan: its name and its years."""

    __tablename__ = "plan_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    remarks: Mapped[Optional[str]] = mapped_column(Text)

    targets: Mapped[list[PlanTarget]] = relationship(back_populates="plan", cascade="all, delete-orphan")


class PlanTarget(Base):
    """A plan's default yearly hours target of one group (all / committee / bureau)."""

    __tablename__ = "plan_target"
    __table_args__ = (UniqueConstraint("plan_id", "group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan_period.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column(String(20))
    hours: Mapped[Optional[float]] = mapped_column(Float)
    class_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # 沿用: carried over from the previous plan, not a figure of this plan's text, until the office sets one.
    carried_over: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[PlanPeriod] = relationship(back_populates="targets")


class Material(Base):
    """A study material handed out (《入党教材》, a book bought with Party dues …)."""

    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), index=True)  # without 《》
    spending_id: Mapped[Optional[int]] = mapped_column(ForeignKey("spending.id", ondelete="SET NULL"))
    remarks: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class MaterialIssue(Base):
    """One copy of a material handed to one member on one day."""

    __tablename__ = "material_issue"
    __table_args__ = (UniqueConstraint("material_id", "member_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    copies: Mapped[int] = mapped_column(Integer, default=1)
