"""The declarative base, with constraint names Alembic can rely on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def local_now() -> dt.datetime:
    """When a row is made or changed: the clerk's local time to the second, as the change log writes it.

    The columns' server default (CURRENT_TIMESTAMP) stays for rows written without the ORM, but it is
    UTC on SQLite and the server's own time zone on PostgreSQL, so the ORM never leaves it to them.
    """
    return dt.datetime.now().replace(microsecond=0)
