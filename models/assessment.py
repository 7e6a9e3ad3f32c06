"""The yearly targets and assessments: target rules, 民主评议 grades, branch assessment, exams, spending."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, local_now
from models.training import Attendance


class TargetRule(Base):
    """The hours target of one group in one year: all (every member), committee (支委), bureau (局定)."""

    __tablename__ = "target_rule"
    __table_args__ = (UniqueConstraint("year", "group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    group: Mapped[str] = mapped_column(String(20))  # all / committee / bureau
    hours: Mapped[float] = mapped_column(Float)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    class_required: Mapped[bool] = mapped_column(Boolean, default=False)  # 含一次集中培训
    remarks: Mapped[Optional[str]] = mapped_column(Text)


class TargetExcludedType(Base):
    """An activity type whose hours do not count toward the target in one year."""

    __tablename__ = "target_excluded_type"
    __table_args__ = (UniqueConstraint("year", "type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("activity_type.id", ondelete="CASCADE"), index=True)


class EvaluationGrade(Base):
    """民主评议党员: one member's result in one year; `grade` is None for a probationary member."""

    __tablename__ = "evaluation_grade"
    __table_args__ = (UniqueConstraint("member_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    grade: Mapped[Optional[str]] = mapped_column(String(10))  # 优秀 / 合格 / 基本合格 / 不合格
    remarks: Mapped[Optional[str]] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=local_now, server_default=func.current_timestamp(), onupdate=local_now
    )


class BranchAssessment(Base):
    """A branch's yearly assessment and its secretary's 述职评议."""

    __tablename__ = "branch_assessment"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    grade: Mapped[Optional[str]] = mapped_column(String(20))  # 好 / 较好 / 一般 / 差, or the office's wording
    secretary_review: Mapped[Optional[str]] = mapped_column(String(20))  # 述职评议: 好 / 较好 / 一般 / 差
    remarks: Mapped[Optional[str]] = mapped_column(Text)


class ExamScore(Base):
    """One member's exam score at one activity (a class)."""

    __tablename__ = "exam_score"
    __table_args__ = (UniqueConstraint("activity_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    remarks: Mapped[Optional[str]] = mapped_column(Text)


class Spending(Base):
    """Money spent on education (党费和经费开支)."""

    __tablename__ = "spending"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[float] = mapped_column(Float)
    purpose: Mapped[str] = mapped_column(String(20))  # 书籍 / 订阅 / 培训班 / 下拨支部经费 / 其他
    source: Mapped[str] = mapped_column(String(20))  # 党费 / 行政经费
    remarks: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=local_now, server_default=func.current_timestamp())


# Covering indexes that let the statistics sum 2 000 000 attendance rows in one ordered pass
# each (by member, by session) without sorting or reading the table (services/assessment/stats.py).
Index("ix_attendance_member_cover", Attendance.member_id, Attendance.session_id, Attendance.hours)
Index("ix_attendance_session_cover", Attendance.session_id, Attendance.status, Attendance.hours)
