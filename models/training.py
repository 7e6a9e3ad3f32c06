"""Training and study activities (培训 / 学习活动): types, sessions, enrolment, attendance, hours, certificates.

Credited hours live on the attendance row (`Attendance.hours`), worked out by the credit rule
when attendance is taken or given by an imported training record; manual adjustments are kept
apart in `HoursAdjustment`, with who made them and why.
"""

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


class ActivityType(Base):
    __tablename__ = "activity_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    code: Mapped[str] = mapped_column(String(10), default="")  # for certificate numbers, e.g. DX
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    counts_toward_target: Mapped[bool] = mapped_column(Boolean, default=True)
    is_class: Mapped[bool] = mapped_column(Boolean, default=False)  # a concentrated class (集中培训班)


class Activity(Base):
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("activity_type.id"), index=True)
    organiser: Mapped[Optional[str]] = mapped_column(String(100))
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    place: Mapped[Optional[str]] = mapped_column(String(200))
    lecturer: Mapped[Optional[str]] = mapped_column(String(200))
    hours: Mapped[float] = mapped_column(Float, default=0.0)  # planned credit hours of the whole activity
    target_group: Mapped[Optional[str]] = mapped_column(String(200))
    cost: Mapped[Optional[float]] = mapped_column(Float)
    paid_by: Mapped[Optional[str]] = mapped_column(String(20))  # 党费 / 行政经费
    # 计划 / 进行中 / 已结束 / 已取消 / 已归档
    status: Mapped[str] = mapped_column(String(10), default="计划", index=True)
    # all_sessions (default) / hours / share: what completing the class takes, for certificates
    completion_rule: Mapped[str] = mapped_column(String(20), default="all_sessions")
    completion_value: Mapped[Optional[float]] = mapped_column(Float)
    remarks: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=local_now, server_default=func.current_timestamp())
    # Moved on by every save from the edit dialog (services/safety/versions.py).
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    type: Mapped[ActivityType] = relationship()
    sessions: Mapped[list[ActivitySession]] = relationship(
        back_populates="activity", order_by="ActivitySession.seq", cascade="all, delete-orphan"
    )
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="activity", cascade="all, delete-orphan")


class ActivityIdentity(Base):
    """An activity's identity as imports know it (folded title | type | start date): one activity each.

    Imports running at once on a server insert-or-get here, so that the same activity arriving
    from two files is created once.
    """

    __tablename__ = "activity_identity"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)


class ActivitySession(Base):
    """One session (课次) of an activity; a one-off activity has exactly one."""

    __tablename__ = "activity_session"
    __table_args__ = (UniqueConstraint("activity_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[Optional[str]] = mapped_column(String(5))  # "09:00"
    end_time: Mapped[Optional[str]] = mapped_column(String(5))
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    topic: Mapped[Optional[str]] = mapped_column(String(200))
    place: Mapped[Optional[str]] = mapped_column(String(200))
    lecturer: Mapped[Optional[str]] = mapped_column(String(100))

    activity: Mapped[Activity] = relationship(back_populates="sessions")


class Enrolment(Base):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("activity_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up by the unique (activity, member) index: no index of activity_id alone (speed_0001).
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    activity: Mapped[Activity] = relationship(back_populates="enrolments")


class Attendance(Base):
    """One member at one session: 出席 / 迟到 / 早退 / 请假 / 缺席, and the hours credited for it."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up by the unique (session, member) index and by ix_attendance_member_cover (member, session,
    # hours; models/assessment.py): no index of either column alone (speed_0001).
    session_id: Mapped[int] = mapped_column(ForeignKey("activity_session.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    status: Mapped[str] = mapped_column(String(4))
    reason: Mapped[Optional[str]] = mapped_column(String(200))  # for 请假 (病假 / 事假 / 公假 …)
    hours: Mapped[float] = mapped_column(Float, default=0.0)  # credited hours
    source: Mapped[str] = mapped_column(String(10), default="grid")  # grid / import


class HoursAdjustment(Base):
    """A manual change to a member's hours, kept apart from the earned hours."""

    __tablename__ = "hours_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    activity_id: Mapped[Optional[int]] = mapped_column(ForeignKey("activity.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)  # the year it counts in
    hours: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=local_now, server_default=func.current_timestamp())


class Certificate(Base):
    """A certificate of completion (结业证书); a reissue is a new row pointing at the original."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30))  # 2023-DX-00017
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    reissue_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("certificate.id"))
    status: Mapped[str] = mapped_column(String(10), default="有效")  # 有效 / 已补发 / 已作废
    remarks: Mapped[Optional[str]] = mapped_column(Text)
    # 已作废: when, why and by whom (an attendance change after issue, or a clerk's decision)
    revoked_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    revoked_reason: Mapped[Optional[str]] = mapped_column(Text)
    revoked_by: Mapped[Optional[str]] = mapped_column(String(50))
