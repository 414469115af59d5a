"""The connection every repository of a unit of work shares, with driver errors translated."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID
from weakref import WeakKeyDictionary

import asyncpg
from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Dialect,
    Executable,
    Select,
    Table,
    TextClause,
    exists,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncResult

from jts_domain.errors import not_found
from jts_store.errors import domain_errors, stale, translate_postgres
from jts_store.repositories.fragments import Fragment, checked, combine
from jts_store.text_guard import refuse_unstorable

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
ItemT = TypeVar("ItemT")

#: PostgreSQL takes at most 32,767 parameters per statement; multi-row inserts stay below.
MAX_PARAMETERS = 30_000


def in_batches(items: Sequence[ItemT], columns: int) -> Iterator[Sequence[ItemT]]:
    """Slices of ``items`` small enough for one multi-row statement of ``columns`` each."""
    size = max(1, MAX_PARAMETERS // columns)
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: The isolation of a unit of work's transaction, and of its statements outside one.
_INSIDE = "READ COMMITTED"
OUTSIDE_TRANSACTION = "AUTOCOMMIT"

#: Replaces a connection found dead by a fresh one (the unit of work's).
Reconnect = Callable[[], Awaitable[AsyncConnection]]


@dataclass(frozen=True, slots=True)
class _DriverForm:
    """A text statement as the driver takes it: the SQL with ``$n`` placeholders, the
    parameter names in their order, and the type's bind processor of each (or None)."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def of(cls, statement: TextClause, dialect: Dialect) -> _DriverForm:
        found = _DRIVER_FORMS.get(statement)
        if found is None:
            compiled = statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup or ())
            processors: Mapping[str, Any] = compiled._bind_processors  # what execute applies
            found = cls(compiled.string, names, tuple(processors.get(n) for n in names))
            _DRIVER_FORMS[statement] = found
        return found

    def values(self, params: Mapping[str, Any]) -> list[Any]:
        return [
            value if process is None or value is None else process(value)
            for value, process in zip(
                (params[name] for name in self.names), self.processors, strict=True
            )
        ]


#: What the driver raises on a connection the server dropped (or is dropping).
_DROPPED = (
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # the server shutting the backend down
    # the server's goodbye arrived while the connection was idle and left the protocol
    # out of step ("another operation is in progress"): the connection is unusable
    asyncpg.exceptions.InternalClientError,
    OSError,
)

#: Text statements are made once (module constants, or kept by an ``lru_cache``).
_DRIVER_FORMS: WeakKeyDictionary[TextClause, _DriverForm] = WeakKeyDictionary()


def _plain_select(statement: Executable) -> bool:
    """A Core ``SELECT`` that takes no row locks (text statements may write: not these)."""
    return isinstance(statement, Select) and statement._for_update_arg is None


class TransactionConnection:
    """One connection of one unit of work; statements raise domain errors, not driver ones.

    Repositories are made with it before the unit of work opens its connection, which
    :meth:`bind` then supplies. The connection starts outside any transaction:

    * :meth:`fetch_one` runs a text statement as it stands (outside a transaction it is
      its own, with its own snapshot): for reads whose result a later write re-checks
      (the task-and-timer read, whose save is version-guarded), and for the guarded
      write itself;
    * :meth:`execute` first begins a transaction (``BEGIN`` goes with the statement), so
      every write and every read after it shares one transaction until the commit;
    * :meth:`stage` keeps a write to send with the commit, whose appends (audit entries,
      outbox events) join it in one statement — when nothing began a transaction, that
      one guarded statement is the whole unit of work, without ``BEGIN`` or ``COMMIT``.

    When the first statement finds that the server dropped the connection (a restart, an
    idle timeout), nothing has been done yet: it runs again once on a fresh connection.

    Outside a transaction, :meth:`fetch_one` hands its statement to the driver directly:
    the same SQL, parameters processed by their types as SQLAlchemy would, the store's
    text guard and error translation, without the execution machinery around them
    (about a third of the API's CPU for a timer mutation, ``bench/request_path.py``).
    """

    def __init__(self, engine: AsyncEngine | None = None) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        #: The driver's connection under ``_connection``, once asked for (a greenlet hop).
        self._driver: Any = None
        self._reconnect: Reconnect | None = None
        self._fresh = False
        self._in_transaction = False
        self._staged: list[Fragment] = []

    def bind(self, connection: AsyncConnection | None, reconnect: Reconnect | None = None) -> None:
        """Use ``connection`` from now on (None when the unit of work has closed it); it is
        outside any transaction."""
        self._connection = connection
        self._driver = None
        self._reconnect = reconnect
        self._fresh = connection is not None
        self._in_transaction = False
        self._staged = []

    @property
    def engine(self) -> AsyncEngine:
        """The engine of the connection, for work that must commit on its own (DDL)."""
        return self._engine or self._require().engine

    @property
    def in_transaction(self) -> bool:
        """Whether a statement began a transaction that a commit or rollback must end."""
        return self._in_transaction

    async def ended(self) -> None:
        """The transaction was committed or rolled back: statements are outside one again."""
        self._fresh = True
        self._staged = []
        if self._in_transaction and self._connection is not None:
            await self._connection.execution_options(isolation_level=OUTSIDE_TRANSACTION)
        self._in_transaction = False

    async def begin(self) -> None:
        """Begin a transaction (its ``BEGIN`` is sent with the next statement)."""
        if self._in_transaction:
            return
        connection = self._require()
        await connection.commit()  # the driver's no-op "transaction" outside one
        await connection.execution_options(isolation_level=_INSIDE)
        self._in_transaction = True

    async def stage(self, fragment: Fragment) -> None:
        """Keep a write to send with the commit (or before the next statement). A write
        staged earlier is sent first, inside a transaction (fragments of one kind share
        their CTE names, and two writes must commit together)."""
        if self._staged:
            await self.begin()
            await self.send(self.take_staged())
        self._staged.append(fragment)

    def take_staged(self) -> list[Fragment]:
        """The staged writes, to be sent now by the caller (the unit of work's commit)."""
        staged, self._staged = self._staged, []
        return staged

    async def send(self, fragments: list[Fragment]) -> None:
        """Send fragments as one statement (in the transaction when one began, else on its
        own: it is atomic, and guarded against lost updates) and check what it answered."""
        if not fragments:
            return
        statement, params = combine(fragments)
        row = await self.fetch_one(statement, params)
        if row is None:
            msg = "a combined statement answers one row"
            raise RuntimeError(msg)
        checked(fragments, row)

    async def fetch_one(self, statement: TextClause, params: Mapping[str, Any]) -> Any | None:
        """The one row (a mapping by column name, or None) a text statement answers.

        Outside a transaction it goes to the driver directly; inside one, as any other.
        """
        if self._staged:
            await self.begin()
            await self.send(self.take_staged())
        if self._in_transaction:
            return (await self._run(statement, params)).mappings().one_or_none()
        connection = self._require()
        form = _DriverForm.of(statement, connection.dialect)
        values = form.values(params)  # JSON documents are checked as they are serialized
        refuse_unstorable(values)  # as the engine's guard checks what reaches the driver
        try:
            rows = await self._driver_fetch(connection, form.sql, values)
        except _DROPPED:
            if not (self._fresh and self._reconnect):
                raise
            await connection.invalidate()
            self._driver = None
            connection = self._connection = await self._reconnect()
            rows = await self._driver_fetch(connection, form.sql, values)
        self._fresh = False
        if len(rows) > 1:
            msg = "the statement answered more than one row"
            raise RuntimeError(msg)
        return rows[0] if rows else None

    async def _driver_fetch(
        self, connection: AsyncConnection, sql: str, values: list[Any]
    ) -> list[Any]:
        driver = self._driver
        if driver is None:
            raw = await connection.get_raw_connection()
            driver = self._driver = raw.driver_connection
        try:
            rows: list[Any] = await driver.fetch(sql, *values)
            return rows
        except _DROPPED:
            raise
        except asyncpg.PostgresError as error:
            translated = translate_postgres(error)
            if translated is None:
                raise
            raise translated from error

    async def execute(
        self, statement: Executable, params: Params = None
    ) -> CursorResult[*tuple[Any, ...]]:
        """Execute a statement in the unit of work's transaction (begun now if needed,
        after any staged write); a constraint violation becomes its ``DomainError``.

        A plain ``SELECT`` (no ``FOR UPDATE``) before anything was written runs outside a
        transaction: under READ COMMITTED each statement sees its own snapshot anyway, so
        a read-only unit of work sends no ``BEGIN`` and no ``ROLLBACK``.
        """
        if not self._in_transaction and not self._staged and _plain_select(statement):
            return await self._run(statement, params)
        await self.begin()
        await self.send(self.take_staged())
        return await self._run(statement, params)

    def _require(self) -> AsyncConnection:
        if self._connection is None:
            msg = "the unit of work is used outside `async with`"
            raise RuntimeError(msg)
        return self._connection

    async def _run(
        self, statement: Executable, params: Params = None
    ) -> CursorResult[*tuple[Any, ...]]:
        connection = self._require()
        try:
            async with domain_errors():
                result = await connection.execute(statement, params)
        except DBAPIError as error:
            if not (error.connection_invalidated and self._fresh and self._reconnect):
                raise
            self._driver = None
            connection = self._connection = await self._reconnect()
            if self._in_transaction:
                await connection.execution_options(isolation_level=_INSIDE)
            async with domain_errors():
                result = await connection.execute(statement, params)
        self._fresh = False
        return result

    async def stream(
        self, statement: Executable, params: Params = None, *, yield_per: int = 1000
    ) -> AsyncResult[Any]:
        """Execute a statement on a server-side cursor: rows arrive ``yield_per`` at a time
        as the result is read. A cursor lives in a transaction: one begins now (after any
        staged write) if none has; read the result before the next statement."""
        await self.begin()
        await self.send(self.take_staged())
        connection = self._require()
        async with domain_errors():
            result = await connection.stream(
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
