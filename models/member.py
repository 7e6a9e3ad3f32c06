"""Branches (党支部) and members (党员).

Dates that offices often give to the month only (入党, 转正, 转入, 转出) are kept as text in ISO
form with their precision: ``2005-07`` or ``2005-07-01``. The birth date is always a full date.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class Branch(Base):
    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    members: Mapped[list[Member]] = relationship(back_populates="branch")


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    sex: Mapped[str] = mapped_column(String(2))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    ethnicity: Mapped[Optional[str]] = mapped_column(String(20))
    education: Mapped[Optional[str]] = mapped_column(String(20))
    joined_party: Mapped[Optional[str]] = mapped_column(String(10))
    full_member_since: Mapped[Optional[str]] = mapped_column(String(10))
    membership: Mapped[str] = mapped_column(String(10), default="正式党员")
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    party_post: Mapped[Optional[str]] = mapped_column(String(50))
    job: Mapped[Optional[str]] = mapped_column(String(100))
    staff_status: Mapped[Optional[str]] = mapped_column(String(10))
    phone: Mapped[Optional[str]] = mapped_column(String(30))
    joined_org: Mapped[Optional[str]] = mapped_column(String(10))
    left_date: Mapped[Optional[str]] = mapped_column(String(10))
    left_reason: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="在册", index=True)
    remarks: Mapped[Optional[str]] = mapped_column(Text)
    # Derived from the name, kept for fast search and 按姓氏笔画 ordering.
    name_initials: Mapped[str] = mapped_column(String(50), default="")
    surname_strokes: Mapped[int] = mapped_column(Integer, default=0)
    sort_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    # Moved on by every save from the edit dialog (services/safety/versions.py).
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    branch: Mapped[Branch] = relationship(back_populates="members")
