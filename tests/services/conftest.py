"""The service suite runs once per adapter: the in-memory one and PostgreSQL.

Every test builds its own organization, so tests share a database without seeing each
other's rows (no query crosses tenants).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from uuid import UUID

import pytest

from jts_domain.clock import ManualClock
from jts_domain.memory import InMemoryDatabase
from jts_domain.model import DomainEvent
from jts_domain.ports import UnitOfWorkFactory
from jts_domain.services import ServiceContext
from tests.services.builders import World, build_world

ADAPTERS = ["memory", "postgres"]

#: Monday 2 March 2026, 09:00 in Asia/Kolkata.
START = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)

EventsReader = Callable[[UUID], Awaitable[list[DomainEvent]]]


@pytest.fixture
def clock() -> ManualClock:
    """A clock at the start of the world's shift, moved only by the test."""
    return ManualClock(START)


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    """The name of the adapter the test runs on."""
    return str(request.param)


@pytest.fixture
def memory_db() -> InMemoryDatabase:
    """A fresh in-memory database."""
    return InMemoryDatabase()


@pytest.fixture
def uow_factory(adapter: str, request: pytest.FixtureRequest) -> UnitOfWorkFactory:
    """The unit-of-work factory of the adapter under test."""
    if adapter == "memory":
        db: InMemoryDatabase = request.getfixturevalue("memory_db")
        return db.unit_of_work
    factory: UnitOfWorkFactory = request.getfixturevalue("pg_uow_factory")
    return factory


@pytest.fixture
def ctx(uow_factory: UnitOfWorkFactory, clock: ManualClock) -> ServiceContext:
    """The service context: the adapter under test and the manual clock."""
    return ServiceContext(uow=uow_factory, clock=clock)


@pytest.fixture
async def world(ctx: ServiceContext) -> World:
    """A fresh organization with people, a store, a shift and today's roster."""
    return await build_world(ctx)


@pytest.fixture
def events(adapter: str, request: pytest.FixtureRequest) -> EventsReader:
    """Reads the committed outbox events of one organization, oldest first."""
    if adapter == "memory":
        db: InMemoryDatabase = request.getfixturevalue("memory_db")

        async def read_memory(organization_id: UUID) -> list[DomainEvent]:
            return [e for e in db.outbox if e.organization_id == organization_id]

        return read_memory
    reader: EventsReader = request.getfixturevalue("pg_events")
    return reader
