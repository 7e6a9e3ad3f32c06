"""Key/value settings kept in the database (targets, numbering, office preferences)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class FiguresCache(Base):
    """Figures the program worked out and may always work out again (`stats` of a period), kept with
    the stamp of the data they were worked out from (services/assessment/stats_cache.py). Not data:
    any write through the workspace empties the table, and a stamp that no longer matches is ignored."""

    __tablename__ = "figures_cache"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(500))
    figures: Mapped[str] = mapped_column(Text)
    made: Mapped[dt.datetime] = mapped_column(DateTime)
