"""The one ``MetaData`` of JTS's tables, its naming convention and shared column helpers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import UserDefinedType

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

METADATA = MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    """Declarative base of every row class; all share :data:`METADATA`."""

    metadata = METADATA
    type_annotation_map = {  # noqa: RUF012 -- SQLAlchemy reads this class attribute
        str: Text(),
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSONB,
        list[Any]: JSONB,
    }


def table_of(row_class: type[Base]) -> Table:
    """The :class:`~sqlalchemy.Table` of a row class (typed as one, for Core statements)."""
    table = row_class.__table__
    if not isinstance(table, Table):  # pragma: no cover - every row class maps one table
        msg = f"{row_class.__name__} is not mapped to a table"
        raise TypeError(msg)
    return table


class Xid8(UserDefinedType[int]):
    """PostgreSQL's 64-bit transaction id (``pg_current_xact_id()``)."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "xid8"


# Reflection (Alembic's drift check) then knows the type instead of warning about it.
ischema_names["xid8"] = Xid8


def reference(target: str, *, use_alter: bool = False) -> ForeignKey:
    """A foreign key checked at commit, so a unit of work may write rows in any order.

    ``use_alter`` adds it after both tables exist (for the one cycle, department ↔ manager).
    """
    return ForeignKey(target, deferrable=True, initially="DEFERRED", use_alter=use_alter)


def organization_reference() -> ForeignKey:
    """The foreign key of every tenant-owned row."""
    return reference("organizations.id")


def one_of(
    column: str, values: Iterable[StrEnum], name: str, *, nullable: bool = False
) -> CheckConstraint:
    """A CHECK that ``column`` holds one of an enum's values (or NULL when allowed)."""
    allowed = ", ".join(f"'{v.value}'" for v in values)
    condition = f"{column} IN ({allowed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=name)
