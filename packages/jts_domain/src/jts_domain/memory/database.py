"""The in-memory database and its unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from jts_domain.memory.activity import MemoryActivity
from jts_domain.memory.administration import (
    MemoryDirectory,
    MemoryOrganizationSetup,
    MemoryPendingSummaries,
)
from jts_domain.memory.delivery import MemoryDelivery
from jts_domain.memory.exports import MemoryExports
from jts_domain.memory.jobs import MemoryJobControls, MemoryJobExecutions
from jts_domain.memory.jtd import MemoryJtd, MemoryOutboxConsumers
from jts_domain.memory.operator import MemoryLoginAttempts, MemorySystemJobRuns
from jts_domain.memory.repositories import (
    MemoryAttendance,
    MemoryCredentials,
    MemoryDepartments,
    MemoryEmployees,
    MemoryOrganizations,
    MemoryRoster,
    MemoryShiftTemplates,
    MemoryStores,
    MemoryTasks,
)
from jts_domain.memory.retention import MemoryRetention
from jts_domain.memory.roster_sync import MemoryRosterSources, MemoryRosterSync
from jts_domain.memory.score_queries import MemoryScoreQueries
from jts_domain.memory.tables import Tables
from jts_domain.memory.timers import (
    MemoryAlerts,
    MemoryAuditLog,
    MemoryScores,
    MemoryTaskTemplates,
    MemoryTimers,
)
from jts_domain.memory.webhooks import MemoryWebhooks
from jts_domain.memory.work import MemoryWork
from jts_domain.model import DomainEvent
from jts_domain.ports import EventPublisher, UnitOfWorkFactory


class RecordingPublisher:
    """An event publisher that keeps what it was given (and lets listeners wait for it)."""

    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        """Record committed events in order."""
        self.published.extend(events)


class InMemoryDatabase:
    """Every table of JTS in process memory; units of work run one at a time.

    Serialising units of work with one lock gives the same guarantees the store gets
    from PostgreSQL (no lost update, one active timer per employee) without locks per row.

    >>> import asyncio
    >>> db = InMemoryDatabase()
    >>> async def count() -> int:
    ...     async with db.unit_of_work() as uow:
    ...         return len(await uow.organizations.list_all())
    >>> asyncio.run(count())
    0
    """

    def __init__(self, publisher: EventPublisher | None = None) -> None:
        self.tables = Tables()
        self.publisher: EventPublisher = publisher or RecordingPublisher()
        self._lock = asyncio.Lock()

    @property
    def outbox(self) -> list[DomainEvent]:
        """Committed events, in commit order."""
        return list(self.tables.outbox)

    def unit_of_work(self) -> InMemoryUnitOfWork:
        """A fresh unit of work (this method is a ``UnitOfWorkFactory``)."""
        return InMemoryUnitOfWork(self)


class InMemoryUnitOfWork:
    """A transaction over :class:`InMemoryDatabase`: commit keeps, anything else undoes."""

    def __init__(self, database: InMemoryDatabase) -> None:
        self._db = database
        tables = database.tables
        self.organizations = MemoryOrganizations(tables)
        self.employees = MemoryEmployees(tables)
        self.credentials = MemoryCredentials(tables)
        self.departments = MemoryDepartments(tables)
        self.stores = MemoryStores(tables)
        self.shift_templates = MemoryShiftTemplates(tables)
        self.roster = MemoryRoster(tables)
        self.attendance = MemoryAttendance(tables)
        self.tasks = MemoryTasks(tables)
        self.timers = MemoryTimers(tables)
        self.work = MemoryWork(tables)
        self.task_templates = MemoryTaskTemplates(tables)
        self.scores = MemoryScores(tables)
        self.alerts = MemoryAlerts(tables)
        self.audit = MemoryAuditLog(tables)
        self.score_queries = MemoryScoreQueries(tables)
        self.job_executions = MemoryJobExecutions(tables)
        self.job_controls = MemoryJobControls(tables)
        self.activity = MemoryActivity(tables)
        self.jtd = MemoryJtd(tables)
        self.outbox_consumers = MemoryOutboxConsumers(tables)
        self.delivery = MemoryDelivery(tables)
        self.webhooks = MemoryWebhooks(tables)
        self.login_attempts = MemoryLoginAttempts(tables)
        self.system_job_runs = MemorySystemJobRuns(tables)
        self.directory = MemoryDirectory(tables)
        self.setup = MemoryOrganizationSetup(tables)
        self.pending_summaries = MemoryPendingSummaries(tables)
        # operations: exports, retention, roster sync
        self.exports = MemoryExports(tables)
        self.retention = MemoryRetention(tables)
        self.roster_sources = MemoryRosterSources(tables)
        self.roster_sync = MemoryRosterSync(tables)
        self._events: list[DomainEvent] = []
        self._snapshot: dict[str, Any] | None = None

    async def __aenter__(self) -> Self:
        await self._db._lock.acquire()
        self._snapshot = self._db.tables.snapshot()
        self._events = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._snapshot is not None:
                await self.rollback()
        finally:
            self._db._lock.release()

    def emit(self, event: DomainEvent) -> None:
        """Queue an event for the outbox of this transaction."""
        self._events.append(event)

    async def commit(self) -> None:
        """Keep every change and the queued events, then publish the events."""
        events, self._events = self._events, []
        self._db.tables.outbox.extend(events)
        self._snapshot = self._db.tables.snapshot()
        if events:
            await self._db.publisher.publish(events)

    async def rollback(self) -> None:
        """Undo everything since the last commit (or the start)."""
        if self._snapshot is not None:
            self._db.tables.restore(self._snapshot)
            self._snapshot = self._db.tables.snapshot()
        self._events = []


def _conforms(database: InMemoryDatabase) -> UnitOfWorkFactory:
    """Where mypy checks that the in-memory unit of work implements the port."""
    return database.unit_of_work
