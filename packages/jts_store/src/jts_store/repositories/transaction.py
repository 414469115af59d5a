"""The connection every repository of a unit of work shares, with driver errors translated."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, CursorResult, Executable, Table, exists, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncResult

from jts_domain.errors import not_found
from jts_store.errors import domain_errors, stale
from jts_store.repositories.fragments import Fragment, checked, combine

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
ItemT = TypeVar("ItemT")

#: PostgreSQL takes at most 32,767 parameters per statement; multi-row inserts stay below.
MAX_PARAMETERS = 30_000


def in_batches(items: Sequence[ItemT], columns: int) -> Iterator[Sequence[ItemT]]:
    """Slices of ``items`` small enough for one multi-row statement of ``columns`` each."""
    size = max(1, MAX_PARAMETERS // columns)
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: Replaces a connection found dead by a fresh one (the unit of work's).
Reconnect = Callable[[], Awaitable[AsyncConnection]]


class TransactionConnection:
    """One connection inside one transaction; statements raise domain errors, not driver ones.

    Repositories are made with it before the unit of work opens its connection, which
    :meth:`bind` then supplies. When the first statement of a transaction finds that the
    server dropped the connection (a restart, an idle timeout), nothing has been done in
    that transaction yet: it is run again once on a fresh connection from ``reconnect``.
    """

    def __init__(self) -> None:
        self._connection: AsyncConnection | None = None
        self._reconnect: Reconnect | None = None
        self._fresh = False
        self._staged: list[Fragment] = []

    def bind(self, connection: AsyncConnection | None, reconnect: Reconnect | None = None) -> None:
        """Use ``connection`` from now on (None when the unit of work has closed it); a new
        transaction begins on it."""
        self._connection = connection
        self._reconnect = reconnect
        self._fresh = connection is not None
        self._staged = []

    def begun(self) -> None:
        """A new transaction begins (after a commit or rollback)."""
        self._fresh = True
        self._staged = []

    async def stage(self, fragment: Fragment) -> None:
        """Keep a write to send with the commit (or before the next statement); a write
        staged earlier is sent first (fragments of one kind share their CTE names)."""
        await self.send(self.take_staged())
        self._staged.append(fragment)

    def take_staged(self) -> list[Fragment]:
        """The staged writes, to be sent now by the caller (the unit of work's commit)."""
        staged, self._staged = self._staged, []
        return staged

    async def send(self, fragments: list[Fragment]) -> None:
        """Send fragments as one statement and check what it answered."""
        if not fragments:
            return
        statement, params = combine(fragments)
        row = (await self._execute(statement, params)).one()
        checked(fragments, row)

    async def execute(
        self, statement: Executable, params: Params = None
    ) -> CursorResult[*tuple[Any, ...]]:
        """Execute a statement (after any staged write); a constraint violation becomes its
        ``DomainError``."""
        await self.send(self.take_staged())
        return await self._execute(statement, params)

    async def _execute(
        self, statement: Executable, params: Params = None
    ) -> CursorResult[*tuple[Any, ...]]:
        if self._connection is None:
            msg = "the unit of work is used outside `async with`"
            raise RuntimeError(msg)
        try:
            async with domain_errors():
                result = await self._connection.execute(statement, params)
        except DBAPIError as error:
            if not (error.connection_invalidated and self._fresh and self._reconnect):
                raise
            self._connection = await self._reconnect()
            async with domain_errors():
                result = await self._connection.execute(statement, params)
        self._fresh = False
        return result

    async def stream(
        self, statement: Executable, params: Params = None, *, yield_per: int = 1000
    ) -> AsyncResult[Any]:
        """Execute a statement on a server-side cursor: rows arrive ``yield_per`` at a time
        as the result is read (inside this transaction; read it before the next statement)."""
        if self._connection is None:
            msg = "the unit of work is used outside `async with`"
            raise RuntimeError(msg)
        async with domain_errors():
            result = await self._connection.stream(
                statement, params, execution_options={"yield_per": yield_per}
            )
        self._fresh = False
        return result

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
