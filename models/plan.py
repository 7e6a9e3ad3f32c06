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

from models.base import Base, local_now


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
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=local_now, server_default=func.current_timestamp())


class MaterialIssue(Base):
    """One copy of a material handed to one member on one day."""

    __tablename__ = "material_issue"
    __table_args__ = (UniqueConstraint("material_id", "member_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    copies: Mapped[int] = mapped_column(Integer, default=1)


class MemberPost(Base):
    """A Party post held for a time (post history): who was 支部书记 from when to when."""

    __tablename__ = "member_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    post: Mapped[str] = mapped_column(String(50))
    start: Mapped[str] = mapped_column(String(10))  # partial date: 2024-03 or 2024-03-15
    end: Mapped[Optional[str]] = mapped_column(String(10))
    remarks: Mapped[Optional[str]] = mapped_column(Text)


class Exemption(Base):
    """A member exempted from the hours target for one year (年老体弱、长期病休, 条例 art. 23), with a reason."""

    __tablename__ = "exemption"
    __table_args__ = (UniqueConstraint("member_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(String(200))


class MobileMember(Base):
    """A 流动党员: working away (art. 32–33), trained where they are, hours recorded here."""

    __tablename__ = "mobile_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    start: Mapped[str] = mapped_column(String(10))
    end: Mapped[Optional[str]] = mapped_column(String(10))
    place: Mapped[Optional[str]] = mapped_column(String(200))


class SubmittedReport(Base):
    """A report as submitted (上报): its figures kept, so that a later report can say what moved since."""

    __tablename__ = "submitted_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    figures: Mapped[str] = mapped_column(Text)  # JSON: the flat figures of the report
    last_log_id: Mapped[int] = mapped_column(Integer, default=0)  # the newest change-log entry then
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=local_now, server_default=func.current_timestamp())
    submitted_by: Mapped[str] = mapped_column(String(50))


class StudyPlan(Base):
    """The year's study plan (年度学习计划) with its reading list."""

    __tablename__ = "study_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[Optional[str]] = mapped_column(Text)

    items: Mapped[list[StudyItem]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                  order_by="StudyItem.seq")


class StudyItem(Base):
    """One entry of the plan: a book (书目), an article (篇目) or a topic (专题), maybe carried out by an activity."""

    __tablename__ = "study_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("study_plan.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(10))  # 书目 / 篇目 / 专题
    title: Mapped[str] = mapped_column(String(200))
    month: Mapped[Optional[int]] = mapped_column(Integer)
    activity_id: Mapped[Optional[int]] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))

    plan: Mapped[StudyPlan] = relationship(back_populates="items")
