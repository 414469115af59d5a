"""The connection every repository of a unit of work shares, with driver errors translated."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, CursorResult, Executable, Table, exists, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from jts_domain.errors import not_found
from jts_store.errors import domain_errors, stale

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
ItemT = TypeVar("ItemT")

#: PostgreSQL takes at most 32,767 parameters per statement; multi-row inserts stay below.
MAX_PARAMETERS = 30_000


def in_batches(items: Sequence[ItemT], columns: int) -> Iterator[Sequence[ItemT]]:
    """Slices of ``items`` small enough for one multi-row statement of ``columns`` each."""
    size = max(1, MAX_PARAMETERS // columns)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class TransactionConnection:
    """One connection inside one transaction; statements raise domain errors, not driver ones.

    Repositories are made with it before the unit of work opens its connection, which
    :meth:`bind` then supplies.
    """

    def __init__(self) -> None:
        self._connection: AsyncConnection | None = None

    def bind(self, connection: AsyncConnection | None) -> None:
        """Use ``connection`` from now on (None when the unit of work has closed it)."""
        self._connection = connection

    async def execute(self, statement: Executable, params: Params = None) -> CursorResult[Any]:
        """Execute a statement; a constraint violation becomes its ``DomainError``."""
        if self._connection is None:
            msg = "the unit of work is used outside `async with`"
            raise RuntimeError(msg)
        async with domain_errors():
            return await self._connection.execute(statement, params)

    async def update_versioned(
        self,
        table: Table,
        key: Sequence[ColumnElement[bool]],
        *,
        entity: str,
        record_id: UUID,
        version: int,
        values: Mapping[str, Any],
    ) -> None:
        """``UPDATE … SET version = version + 1 WHERE <key> AND version = :version``.

        No row updated means the record is gone from the organization (NOT_FOUND) or was
        changed by someone else since it was read (CONFLICT).
        """
        statement = (
            update(table)
            .where(*key, table.c.version == version)
            .values(**values, version=version + 1)
        )
        result = await self.execute(statement)
        if result.rowcount == 1:
            return
        still_there = await self.execute(select(exists().where(*key)))
        if not still_there.scalar_one():
            raise not_found(entity, record_id)
        raise stale(entity, record_id, version)
