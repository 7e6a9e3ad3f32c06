"""Accounts (账号) and their roles: 管理员, 录入员, 查阅."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, local_now


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50), default="")
    role: Mapped[str] = mapped_column(String(10))
    # "scrypt$n$r$p$salt$hash" (base64 parts), so the cost can rise later without breaking old hashes.
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The salted hash of the recovery code (services/safety/recovery.py), like password_hash; None: no code.
    recovery_hash: Mapped[Optional[str]] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=local_now, server_default=func.current_timestamp())
    changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=local_now, server_default=func.current_timestamp(), onupdate=local_now
    )


class AccountBranch(Base):
    """A branch account (支部账号) sees and edits only the members of its branches; none: the whole bureau."""

    __tablename__ = "account_branch"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), primary_key=True,
                                           index=True)
