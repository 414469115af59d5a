"""The unit of work on PostgreSQL: one connection and one transaction per use case."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from types import TracebackType
from typing import Generic, Self, TypeVar, overload
from weakref import WeakKeyDictionary

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jts_domain.model import DomainEvent
from jts_domain.ports import EventPublisher, UnitOfWorkFactory
from jts_store.activity.repository import SqlActivity
from jts_store.administration.directory import SqlDirectory
from jts_store.administration.pending_summaries import SqlPendingSummaries
from jts_store.administration.setup import SqlOrganizationSetup
from jts_store.delivery.repository import SqlDelivery
from jts_store.delivery.webhooks import SqlWebhooks
from jts_store.errors import domain_errors
from jts_store.jtd.repository import SqlJtd
from jts_store.operations.exports import SqlExports
from jts_store.operations.retention import SqlRetention
from jts_store.operations.roster_sync import SqlRosterSources, SqlRosterSync
from jts_store.outbox import write_appends
from jts_store.outbox_consumers import SqlOutboxConsumers
from jts_store.queries.scores import SqlScoreQueries
from jts_store.repositories.audit import SqlAuditLog
from jts_store.repositories.jobs import SqlJobControls, SqlJobExecutions
from jts_store.repositories.monitoring import SqlAlerts
from jts_store.repositories.operator import SqlLoginAttempts, SqlSystemJobRuns
from jts_store.repositories.organizations import (
    SqlCredentials,
    SqlDepartments,
    SqlEmployees,
    SqlOrganizations,
    SqlStores,
)
from jts_store.repositories.roster import SqlAttendance, SqlRoster, SqlShiftTemplates
from jts_store.repositories.scores import SqlDailyScores
from jts_store.repositories.task_templates import SqlTaskTemplates
from jts_store.repositories.tasks import SqlTasks
from jts_store.repositories.timers import SqlTimers
from jts_store.repositories.transaction import OUTSIDE_TRANSACTION, TransactionConnection
from jts_store.repositories.work import SqlWork

RepositoryT = TypeVar("RepositoryT")

#: Each engine's view that checks its connections out outside any transaction: the
#: isolation level set as part of the checkout, not as a step (a greenlet hop) after it.
_OUTSIDE_VIEWS: WeakKeyDictionary[AsyncEngine, AsyncEngine] = WeakKeyDictionary()


def _outside_view(engine: AsyncEngine) -> AsyncEngine:
    view = _OUTSIDE_VIEWS.get(engine)
    if view is None:
        view = _OUTSIDE_VIEWS[engine] = engine.execution_options(
            isolation_level=OUTSIDE_TRANSACTION
        )
    return view


class _Repository(Generic[RepositoryT]):
    """A repository of the unit of work, made when first used and kept for it: a use
    case touches two or three of the thirty-odd, and a request pays only for those."""

    def __init__(self, make: Callable[[TransactionConnection], RepositoryT]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type[object], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type[object]) -> Self: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type[object]) -> RepositoryT: ...
    def __get__(self, uow: SqlUnitOfWork | None, owner: type[object]) -> Self | RepositoryT:
        if uow is None:
            return self
        made = self._make(uow._db)
        uow.__dict__[self._name] = made  # found there from now on, before this descriptor
        return made


class SqlUnitOfWork:
    """A transaction (READ COMMITTED) holding every repository; only :meth:`commit` keeps.

    Constraints and version columns guard concurrent units of work, so nothing is locked
    in advance. Emitted events are written to the outbox by :meth:`commit` in the same
    transaction, and handed to the optional publisher after it.
    """

    organizations = _Repository(SqlOrganizations)
    employees = _Repository(SqlEmployees)
    credentials = _Repository(SqlCredentials)
    departments = _Repository(SqlDepartments)
    stores = _Repository(SqlStores)
    shift_templates = _Repository(SqlShiftTemplates)
    roster = _Repository(SqlRoster)
    attendance = _Repository(SqlAttendance)
    tasks = _Repository(SqlTasks)
    timers = _Repository(SqlTimers)
    work = _Repository(SqlWork)
    task_templates = _Repository(SqlTaskTemplates)
    scores = _Repository(SqlDailyScores)
    alerts = _Repository(SqlAlerts)
    audit = _Repository(SqlAuditLog)
    score_queries = _Repository(SqlScoreQueries)
    job_executions = _Repository(SqlJobExecutions)
    job_controls = _Repository(SqlJobControls)
    activity = _Repository(SqlActivity)
    jtd = _Repository(SqlJtd)
    outbox_consumers = _Repository(SqlOutboxConsumers)
    delivery = _Repository(SqlDelivery)
    webhooks = _Repository(SqlWebhooks)
    login_attempts = _Repository(SqlLoginAttempts)
    system_job_runs = _Repository(SqlSystemJobRuns)
    directory = _Repository(SqlDirectory)
    setup = _Repository(SqlOrganizationSetup)
    pending_summaries = _Repository(SqlPendingSummaries)
    # operations: exports, retention, roster sync
    exports = _Repository(SqlExports)
    retention = _Repository(SqlRetention)
    roster_sources = _Repository(SqlRosterSources)
    roster_sync = _Repository(SqlRosterSync)

    def __init__(self, engine: AsyncEngine, publisher: EventPublisher | None = None) -> None:
        self._outside = _outside_view(engine)
        self._publisher = publisher
        self._connection: AsyncConnection | None = None
        self._events: list[DomainEvent] = []
        self._db = TransactionConnection(engine)

    async def __aenter__(self) -> Self:
        self._connection = await self._open()
        self._db.bind(self._connection, self._replace_dead_connection)
        self._events = []
        self.audit.discard_pending()
        return self

    async def _open(self) -> AsyncConnection:
        # Outside a transaction until a statement needs one (see TransactionConnection):
        # a unit of work of one guarded read and one guarded write needs none.
        return await self._outside.connect()

    async def _replace_dead_connection(self) -> AsyncConnection:
        """A fresh connection for a transaction whose first statement found the old one
        dropped by the server (the pool has invalidated it)."""
        dead, self._connection = self._connection, None
        if dead is not None:
            with contextlib.suppress(DBAPIError, OSError):
                await dead.close()
        self._connection = await self._open()
        return self._connection

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        self._db.bind(None)
        if connection is None:
            return
        try:
            if connection.in_transaction():
                await connection.rollback()
        finally:
            await connection.close()

    @property
    def connection(self) -> AsyncConnection:
        """The open connection (inside ``async with``)."""
        if self._connection is None:
            msg = "the unit of work is used outside `async with`"
            raise RuntimeError(msg)
        return self._connection

    def emit(self, event: DomainEvent) -> None:
        """Queue an event for the outbox of this transaction."""
        self._events.append(event)

    async def commit(self) -> None:
        """Write the staged writes, the audit entries and the queued events in one statement,
        end the transaction if one began, then publish the events.

        With no transaction begun (a guarded read and the staged save), that one statement
        is atomic on its own and no ``BEGIN``/``COMMIT`` is sent. The unit of work can go
        on after a commit.
        """
        events, self._events = self._events, []
        async with domain_errors():
            await write_appends(self._db, self.audit.take_pending(), events)
            if self._db.in_transaction:
                await self.connection.commit()
        await self._db.ended()
        if events and self._publisher is not None:
            await self._publisher.publish(events)

    async def rollback(self) -> None:
        """Undo everything since the last commit (or the start)."""
        self._events = []
        self.audit.discard_pending()
        self._db.take_staged()
        if self._db.in_transaction:
            await self.connection.rollback()
        await self._db.ended()


class SqlUnitOfWorkFactory:
    """Makes a :class:`SqlUnitOfWork` per use case on one engine (a ``UnitOfWorkFactory``)."""

    def __init__(self, engine: AsyncEngine, publisher: EventPublisher | None = None) -> None:
        self.engine = engine
        self.publisher = publisher

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.publisher)


def _conforms(factory: SqlUnitOfWorkFactory) -> UnitOfWorkFactory:
    """Where mypy checks that the PostgreSQL unit of work implements the port."""
    return factory
